package stream

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// position is a point in the topic: for each partition (the index), the offset
// of the next record not yet accounted for. Every record of partition p below
// position[p] has either been delivered to the subscriber or did not match its
// filter; none at or above has been. That is what makes an event id a resume
// point that works for any gateway reading the same topic.
type position []int64

// Limits of a Last-Event-ID: it comes from the network, so its size and the
// numbers in it are bounded before anything is allocated for them.
const (
	maxPositionLen = 64 << 10
	maxPartition   = 1<<31 - 1
)

// appendTo writes the wire form, "p0:124,p1:456", one item per partition in
// partition order.
func (p position) appendTo(b []byte) []byte {
	for i, off := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, 'p')
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, off, 10)
	}
	return b
}

func (p position) String() string { return string(p.appendTo(nil)) }

func (p position) clone() position { return append(position(nil), p...) }

// covers reports whether every component of p is at least the one of q.
func (p position) covers(q position) bool {
	for i := range q {
		if p[i] < q[i] {
			return false
		}
	}
	return true
}

// maxOf returns the component-wise maximum of p and q (same length), in a new
// slice.
func maxOf(p, q position) position {
	out := p.clone()
	for i := range q {
		if q[i] > out[i] {
			out[i] = q[i]
		}
	}
	return out
}

var errEmptyPosition = errors.New("empty")

// parsePosition reads the wire form written by appendTo. Partitions are the
// keys of the result; a partition the string does not name is absent, and
// the caller decides what that means. The grammar is strict (no spaces, no
// signs, each partition once) so that a damaged id is reported rather than
// half-understood.
func parsePosition(s string) (map[int32]int64, error) {
	if s == "" {
		return nil, errEmptyPosition
	}
	if len(s) > maxPositionLen {
		return nil, fmt.Errorf("%d bytes, limit %d", len(s), maxPositionLen)
	}
	out := make(map[int32]int64, strings.Count(s, ",")+1)
	for item := range strings.SplitSeq(s, ",") {
		rest, ok := strings.CutPrefix(item, "p")
		if !ok {
			return nil, fmt.Errorf("item %q: want p<partition>:<offset>", item)
		}
		ps, os, ok := strings.Cut(rest, ":")
		if !ok {
			return nil, fmt.Errorf("item %q: want p<partition>:<offset>", item)
		}
		part, err := parseDecimal(ps, maxPartition)
		if err != nil {
			return nil, fmt.Errorf("item %q: partition: %w", item, err)
		}
		off, err := parseDecimal(os, 1<<63-1)
		if err != nil {
			return nil, fmt.Errorf("item %q: offset: %w", item, err)
		}
		if _, dup := out[int32(part)]; dup {
			return nil, fmt.Errorf("partition %d given twice", part)
		}
		out[int32(part)] = off
	}
	return out, nil
}

// parseDecimal accepts only ASCII digits (strconv alone would also take a
// leading sign from ParseInt or underscores with base 0).
func parseDecimal(s string, limit uint64) (int64, error) {
	if s == "" {
		return 0, errors.New("empty number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a decimal number", s)
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > limit {
		return 0, fmt.Errorf("%q out of range (max %d)", s, limit)
	}
	return int64(v), nil
}

// vectorOf turns a parsed position into one component per partition of a
// topic with n partitions. A partition the id does not name gets offset 0
// (the start of retention): the client has seen nothing of it, so nothing of
// it may be skipped. Partitions the topic does not have are ignored.
func vectorOf(m map[int32]int64, n int) position {
	out := make(position, n)
	for p, off := range m {
		if int(p) < n {
			out[p] = off
		}
	}
	return out
}
