package gguf

import (
	"fmt"
	"os"
)

// Open memory-maps the file at path read-only and parses it. Call Close to
// release the mapping; tensor data slices are invalid afterwards.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	size := st.Size()
	if size < 24 {
		return nil, fmt.Errorf("%w: %s: %d bytes is shorter than a GGUF header", ErrFormat, path, size)
	}
	if int64(int(size)) != size {
		return nil, fmt.Errorf("gguf: %s: %d bytes do not fit in the address space", path, size)
	}
	data, mapped, err := mapFile(fh, int(size))
	if err != nil {
		return nil, fmt.Errorf("gguf: map %s: %w", path, err)
	}
	f, err := Parse(data)
	if err != nil {
		if mapped {
			_ = unmapFile(data)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if mapped {
		f.mapped = data
	}
	return f, nil
}

// Close releases the memory mapping, if any. It is safe to call more than once.
func (f *File) Close() error {
	if f.mapped == nil {
		f.data = nil
		return nil
	}
	m := f.mapped
	f.mapped, f.data = nil, nil
	if err := unmapFile(m); err != nil {
		return fmt.Errorf("gguf: unmap: %w", err)
	}
	return nil
}
