package pgcluster

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// serverAccount returns the credentials to run PostgreSQL with: nil (this
// process's own) unless we are root, which initdb and postgres refuse.
func serverAccount() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(superuser)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root, PostgreSQL needs an unprivileged account and %q was not found: %w (create it, or run as another user)", superuser, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("pgcluster: account %q has uid %q gid %q", superuser, u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// reachable checks that the server account can enter every directory above
// dir; otherwise initdb fails later with a less helpful message.
func reachable(dir string, cred *syscall.Credential) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok {
			m := fi.Mode().Perm()
			can := m&0o001 != 0 ||
				(st.Uid == cred.Uid && m&0o100 != 0) ||
				(st.Gid == cred.Gid && m&0o010 != 0)
			if !can {
				return fmt.Errorf("pgcluster: the %s account (uid %d) cannot enter %s (mode %v); choose a cluster dir outside it, e.g. under %s",
					superuser, cred.Uid, d, m, os.TempDir())
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// chownTree gives a data directory created earlier (perhaps by another
// account) to the server account; postgres refuses a data dir it does not own.
func chownTree(dir string, cred *syscall.Credential) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid == cred.Uid {
		return nil
	}
	return filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := os.Lchown(p, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("pgcluster: chown %s: %w", p, err)
		}
		return nil
	})
}

// clearStalePid handles a postmaster.pid left by a server that is gone.
// When its pid is unused the server copes by itself (and also checks that no
// old backend still holds the shared memory, so the file is left for it).
// When the pid now belongs to another process, as after a reboot or in a
// fresh container, the server refuses to start: that file is removed here.
func clearStalePid(dataDir string) error {
	path := filepath.Join(dataDir, "postmaster.pid")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return nil // let the server judge a file it wrote
	}
	switch procState(pid, dataDir) {
	case procGone:
		return nil
	case procPostgres:
		return fmt.Errorf("pgcluster: a PostgreSQL server (pid %d) is already running on %s; stop it or use another dir", pid, dataDir)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pgcluster: remove stale %s: %w", path, err)
	}
	return nil
}

type proc int

const (
	procGone proc = iota
	procPostgres
	procOther
)

// procState says whether pid is gone, a postgres serving dataDir, or some
// other process. Where /proc is unreadable it answers procPostgres, the
// cautious choice: the user sees why the start failed.
func procState(pid int, dataDir string) proc {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return procGone
	}
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if errors.Is(err, fs.ErrNotExist) {
		return procGone
	}
	if err != nil {
		return procPostgres
	}
	args := bytes.Split(cmdline, []byte{0})
	if len(args) > 0 && (strings.HasSuffix(string(args[0]), "postgres") || strings.HasSuffix(string(args[0]), "postmaster")) &&
		bytes.Contains(cmdline, []byte(dataDir)) {
		return procPostgres
	}
	return procOther
}
