package dashboardtest

import (
	"os/exec"
	"syscall"
)

// dieWithTest asks Linux to send cmd SIGTERM when the test binary dies,
// so a test killed by its -timeout (which runs no cleanups) leaves no
// logsift, PostgreSQL or Chromium behind. SIGTERM, not SIGKILL: logsift
// dev then stops its PostgreSQL, and playwright closes Chromium.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
