package pgcluster

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Two throwaway clusters started at once in a fresh temp dir both come up;
// exactly one template remains, no staging dir is left, and the orphan sweep
// leaves the template alone.
func TestTemplate(t *testing.T) {
	needBinaries(t)
	tmp, err := os.MkdirTemp("", "pgcluster-tmpdir-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	os.Chmod(tmp, 0o755) // the postgres account must enter it when we are root
	t.Setenv("TMPDIR", tmp)

	ctx := ctxT(t)
	var wg sync.WaitGroup
	clusters := make([]*Cluster, 2)
	errs := make([]error, 2)
	for i := range clusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clusters[i], errs[i] = Start(ctx, Options{BinDir: os.Getenv("PG_BIN")})
		}()
	}
	wg.Wait()
	for i, c := range clusters {
		if errs[i] != nil {
			t.Fatalf("cluster %d: %v", i, errs[i])
		}
		defer c.Stop()
		if n := queryInt(t, ctx, c.URL(), "SELECT 7"); n != 7 {
			t.Errorf("cluster %d answered %d", i, n)
		}
		if !strings.HasPrefix(c.Dir(), tmp) {
			t.Errorf("cluster %d in %s, not under TMPDIR %s", i, c.Dir(), tmp)
		}
	}
	if clusters[0].dataDir == clusters[1].dataDir {
		t.Fatal("two clusters share a data dir")
	}

	if _, err := RemoveOrphans(); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(tmp)
	var templates, staging int
	for _, e := range ents {
		switch {
		case strings.HasPrefix(e.Name(), templatePrefix+"build-"):
			staging++
		case strings.HasPrefix(e.Name(), templatePrefix):
			templates++
			if _, err := os.Stat(filepath.Join(tmp, e.Name(), "data", "PG_VERSION")); err != nil {
				t.Errorf("template %s incomplete: %v", e.Name(), err)
			}
		}
	}
	if templates != 1 || staging != 0 {
		t.Errorf("%d templates and %d staging dirs in %s; want 1 and 0", templates, staging, tmp)
	}

	// A damaged template (a /tmp cleaner removed a file from it) must not
	// break starts: the cluster falls back to initdb and the template is
	// dropped for the next start to rebuild.
	tmpl, err := clusters[0].templateDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(tmpl, "data", "global", "pg_control")); err != nil {
		t.Fatal(err)
	}
	c, err := Start(ctx, Options{BinDir: os.Getenv("PG_BIN")})
	if err != nil {
		t.Fatalf("start with a damaged template: %v", err)
	}
	defer c.Stop()
	if n := queryInt(t, ctx, c.URL(), "SELECT 1"); n != 1 {
		t.Errorf("answered %d", n)
	}
	if _, err := os.Stat(tmpl); !os.IsNotExist(err) {
		t.Errorf("damaged template %s kept (stat: %v)", tmpl, err)
	}
}

func TestCopyTreeRejectsSymlinks(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "f"), []byte("x"), 0o600)
	os.Symlink("f", filepath.Join(src, "link"))
	if err := copyTree(src, filepath.Join(t.TempDir(), "dst")); err == nil {
		t.Error("copyTree copied a symlink silently")
	}
}
