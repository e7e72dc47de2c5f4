package pgcluster

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const helperEnv = "PGCLUSTER_TEST_ABANDON"

// TestMain doubles as the helper process of TestServerDiesWithParent: with
// helperEnv set it starts a cluster, reports it, and exits without Stop, as
// if killed.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "1" {
		os.Exit(m.Run())
	}
	c, err := Start(context.Background(), Options{})
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(3)
	}
	fmt.Println("CLUSTER", c.Dir(), c.cmd.Process.Pid)
	os.Exit(0)
}

// If the process that started a cluster dies without Stop, the server must
// not outlive it, and RemoveOrphans must then clean its directory.
func TestServerDiesWithParent(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	out, err := cmd.CombinedOutput()
	var dir string
	var pid int
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "CLUSTER" {
			dir = f[1]
			pid, _ = strconv.Atoi(f[2])
		}
	}
	if err != nil || dir == "" {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	defer os.RemoveAll(dir)

	deadline := time.Now().Add(60 * time.Second)
	for procState(pid, filepath.Join(dir, "data")) == procPostgres {
		if time.Now().After(deadline) {
			t.Fatalf("postgres (pid %d) still running 60s after its parent exited", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Its backends exit right after the postmaster; wait for them too
	// before sweeping.
	waitBackendsGone(t, filepath.Dir(filepath.Join(dir, "data")))
	if _, err := RemoveOrphans(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("RemoveOrphans left the abandoned cluster dir %s (stat: %v)", dir, err)
	}
}
