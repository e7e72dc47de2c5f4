package loadgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
)

// Line is one log line to send.
type Line struct {
	Message string
	Service string
}

// source hands out lines forever: files are replayed from the start when
// they run out.
type source interface{ next() Line }

// ParseLine reads one line of a replay file: a JSON object with "raw" or
// "message" (and optionally "service", or "system" as in the Loghub files),
// or else the text itself. ok is false for a blank line or a JSON object
// with neither field.
func ParseLine(b []byte, defaultService string) (l Line, ok bool) {
	s := strings.TrimRight(string(b), "\r\n")
	if strings.TrimSpace(s) == "" {
		return Line{}, false
	}
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		var v struct {
			Raw     *string `json:"raw"`
			Message *string `json:"message"`
			Service string  `json:"service"`
			System  string  `json:"system"`
		}
		if json.Unmarshal([]byte(s), &v) == nil {
			l.Service = defaultService
			if v.System != "" {
				l.Service = v.System
			}
			if v.Service != "" {
				l.Service = v.Service
			}
			switch {
			case v.Raw != nil && *v.Raw != "":
				l.Message = *v.Raw
			case v.Message != nil && *v.Message != "":
				l.Message = *v.Message
			default:
				return Line{}, false
			}
			return l, true
		}
		// Not JSON after all: a text line that starts with a brace.
	}
	return Line{Message: s, Service: defaultService}, true
}

type fileSource struct {
	lines []Line
	i     int
}

// loadFiles reads every usable line of the files into memory, so replay
// speed does not depend on the disk.
func loadFiles(paths []string, defaultService string, maxLine int) (*fileSource, error) {
	fs := &fileSource{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("loadgen: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), maxLine)
		for sc.Scan() {
			if l, ok := ParseLine(sc.Bytes(), defaultService); ok {
				fs.lines = append(fs.lines, l)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("loadgen: read %s: %w", p, err)
		}
	}
	if len(fs.lines) == 0 {
		return nil, fmt.Errorf("loadgen: no lines in %v", paths)
	}
	return fs, nil
}

func (f *fileSource) next() Line {
	l := f.lines[f.i]
	f.i = (f.i + 1) % len(f.lines)
	return l
}

// synthSource makes plausible lines from a few shapes with varying values,
// seeded so two runs send the same traffic.
type synthSource struct{ r *rand.Rand }

var synthShapes = []struct {
	service string
	format  func(r *rand.Rand) string
}{
	{"api", func(r *rand.Rand) string {
		return fmt.Sprintf("INFO request GET /api/orders/%d served in %dms", r.IntN(100000), r.IntN(400))
	}},
	{"payments", func(r *rand.Rand) string {
		return fmt.Sprintf("WARN db pool at %d%% of max connections (%d waiting)", 70+r.IntN(30), r.IntN(20))
	}},
	{"node-3", func(r *rand.Rand) string {
		return fmt.Sprintf("kernel: EXT4-fs error (device sda%d): ext4_find_entry:%d: inode #%d: comm java: reading directory lblock 0", r.IntN(4), 1400+r.IntN(200), r.IntN(1<<20))
	}},
	{"auth", func(r *rand.Rand) string {
		return fmt.Sprintf("sshd[%d]: Failed password for invalid user admin from 10.%d.%d.%d port %d ssh2", r.IntN(60000), r.IntN(256), r.IntN(256), r.IntN(256), 1024+r.IntN(60000))
	}},
	{"api", func(r *rand.Rand) string {
		return fmt.Sprintf("ERROR upstream timeout after %dms talking to 10.2.3.%d:443", 1000+r.IntN(9000), r.IntN(256))
	}},
	{"scheduler", func(r *rand.Rand) string {
		return fmt.Sprintf("job %d on node-%d finished in %.1fs", r.IntN(1e6), r.IntN(40), r.Float64()*300)
	}},
}

func (s *synthSource) next() Line {
	sh := synthShapes[s.r.IntN(len(synthShapes))]
	return Line{Message: sh.format(s.r), Service: sh.service}
}
