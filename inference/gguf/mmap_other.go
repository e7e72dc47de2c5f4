//go:build !unix

package gguf

import (
	"io"
	"os"
)

// Without mmap the file is read into memory.
func mapFile(fh *os.File, size int) ([]byte, bool, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(fh, b); err != nil {
		return nil, false, err
	}
	return b, false, nil
}

func unmapFile([]byte) error { return nil }
