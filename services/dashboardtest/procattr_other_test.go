//go:build !linux

package dashboardtest

import "os/exec"

// dieWithTest is Linux-only (a parent-death signal); elsewhere a test
// killed by its -timeout may leave its subprocesses running.
func dieWithTest(*exec.Cmd) {}
