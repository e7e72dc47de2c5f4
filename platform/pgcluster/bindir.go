package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// serverTools are the binaries a cluster needs from BinDir.
var serverTools = []string{"initdb", "postgres"}

// FindBinDir returns the directory holding PostgreSQL's server binaries.
// hint (typically the PG_BIN value the caller read) wins when set; otherwise
// PATH is searched, then /usr/lib/postgresql/<version>/bin, highest version
// first.
func FindBinDir(hint string) (string, error) {
	if hint != "" {
		if err := hasTools(hint); err != nil {
			return "", fmt.Errorf("pgcluster: PostgreSQL bin directory %q: %w", hint, err)
		}
		return hint, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		// Distributions put symlinks on PATH; the real directory also holds
		// postgres, which may not be on PATH itself.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			if dir := filepath.Dir(real); hasTools(dir) == nil {
				return dir, nil
			}
		}
		if dir := filepath.Dir(p); hasTools(dir) == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if hasTools(d) == nil {
			return d, nil
		}
	}
	return "", errors.New("pgcluster: PostgreSQL server binaries (initdb, postgres) not found on PATH or in /usr/lib/postgresql/*/bin: " +
		"install PostgreSQL (e.g. apt-get install postgresql), set PG_BIN to its bin directory, or pass --database-url to use an existing server")
}

func hasTools(dir string) error {
	for _, t := range serverTools {
		fi, err := os.Stat(filepath.Join(dir, t))
		if err != nil {
			return fmt.Errorf("no %s: %w", t, err)
		}
		if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return fmt.Errorf("%s is not an executable file", filepath.Join(dir, t))
		}
	}
	return nil
}

// version extracts the major version from /usr/lib/postgresql/<v>/bin.
func version(binDir string) float64 {
	v, _ := strconv.ParseFloat(strings.TrimSpace(filepath.Base(filepath.Dir(binDir))), 64)
	return v
}
