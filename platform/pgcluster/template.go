package pgcluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Throwaway clusters are copied from a template data directory that initdb
// made once per machine and PostgreSQL build: initdb takes seconds (it
// bootstraps the catalogs by running the server in single-user mode several
// times), a copy of its 40 MB result a fraction of that, and every test
// binary that uses pgtest pays this once.
//
// The template is built in a staging directory and renamed into place, so a
// concurrent builder or a crash mid-build never leaves a partial template
// visible; the loser of a race discards its copy.

const templatePrefix = "logsift-pgtemplate-"

// templateDir names the template for this binary directory, server build
// and server account: a new PostgreSQL install gets a new template.
func (c *Cluster) templateDir() (string, error) {
	fi, err := os.Stat(filepath.Join(c.binDir, "postgres"))
	if err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	uid := os.Geteuid()
	if c.cred != nil {
		uid = int(c.cred.Uid)
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%d|%d|v1", c.binDir, fi.Size(), fi.ModTime().UnixNano(), uid))
	return filepath.Join(os.TempDir(), templatePrefix+hex.EncodeToString(h[:8])), nil
}

// initFromTemplate fills c.dataDir with a copy of the template, building the
// template first if needed.
func (c *Cluster) initFromTemplate(ctx context.Context) error {
	tmpl, err := c.templateDir()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(tmpl, "data", "PG_VERSION")); err != nil {
		if err := c.buildTemplate(ctx, tmpl); err != nil {
			return err
		}
	}
	if err := copyTree(filepath.Join(tmpl, "data"), c.dataDir); err != nil {
		return fmt.Errorf("pgcluster: copy template %s: %w", tmpl, err)
	}
	if c.cred != nil {
		return chownTree(c.dataDir, c.cred)
	}
	return nil
}

func (c *Cluster) buildTemplate(ctx context.Context, tmpl string) error {
	staging, err := os.MkdirTemp("", templatePrefix+"build-")
	if err != nil {
		return fmt.Errorf("pgcluster: template staging dir: %w", err)
	}
	defer os.RemoveAll(staging) // a no-op once renamed
	if err := os.Chmod(staging, 0o755); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if c.cred != nil {
		if err := os.Chown(staging, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
	}
	b := &Cluster{binDir: c.binDir, parent: staging, dataDir: filepath.Join(staging, "data"), cred: c.cred}
	if err := b.initdb(ctx, false); err != nil {
		return err
	}
	if err := os.Rename(staging, tmpl); err != nil {
		if _, serr := os.Stat(filepath.Join(tmpl, "data", "PG_VERSION")); serr == nil {
			return nil // another process built it first
		}
		return fmt.Errorf("pgcluster: install template %s: %w", tmpl, err)
	}
	return nil
}

// copyTree copies the regular files and directories under src to dst (which
// must not exist), keeping permission bits. A data directory holds nothing
// else; anything else is an error rather than silently skipped.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Mkdir(target, info.Mode().Perm())
		case info.Mode().IsRegular():
			return copyFile(p, target, info.Mode().Perm())
		}
		return fmt.Errorf("%s: unexpected file type %v", p, info.Mode().Type())
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
