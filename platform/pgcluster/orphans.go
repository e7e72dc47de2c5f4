package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A throwaway cluster's directory records the pid of the process that made
// it. If that process dies without Stop (a test binary killed by its timeout),
// the server goes with it (parent-death signal) but the directory stays;
// RemoveOrphans deletes such directories.

const (
	tempPrefix = "logsift-pg-"
	ownerFile  = "owner.pid"
)

func writeOwner(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

// RemoveOrphans deletes throwaway cluster directories under os.TempDir()
// whose creating process is gone and whose server is no longer running. It
// returns how many it removed.
func RemoveOrphans() (int, error) {
	dirs, err := filepath.Glob(filepath.Join(os.TempDir(), tempPrefix+"*"))
	if err != nil {
		return 0, err
	}
	var errs []error
	removed := 0
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue // being created right now, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || alive(pid) {
			continue
		}
		if pidFileOwner(filepath.Join(d, "data")) == procPostgres {
			continue // still shutting down; a later sweep removes it
		}
		if err := os.RemoveAll(d); err != nil {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func pidFileOwner(dataDir string) proc {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return procGone
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return procGone
	}
	return procState(pid, dataDir)
}
