//go:build unix

package gguf

import (
	"os"
	"syscall"
)

func mapFile(fh *os.File, size int) ([]byte, bool, error) {
	b, err := syscall.Mmap(int(fh.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

func unmapFile(b []byte) error { return syscall.Munmap(b) }
