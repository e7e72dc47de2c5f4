package constrain

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unsafe"
)

// State is a state of the byte automaton (a DFA state). Dead is the state
// after a byte no output can continue with.
type State int32

// Dead is the state outside the schema's language.
const Dead State = -1

const unknown = -2

// Automaton is a compiled schema: a deterministic automaton over bytes whose
// accepted strings are exactly the JSON texts generation may produce. It is
// determinised lazily from the unrolled NFA (subset construction, one DFA
// state per reachable set of NFA states) and is safe for concurrent use.
type Automaton struct {
	n        *nfa
	start    int32
	final    int32
	live     []bool // NFA states from which final is reachable
	maxBytes int
	hash     [32]byte

	mu     sync.Mutex
	states []*dstate
	keys   map[string]State
	mark   []uint32
	gen    uint32
	stack  []int32
}

type dstate struct {
	id     State
	set    []int32 // sorted NFA states
	accept bool
	trans  [256]State
	nOut   int // -1 until outs are computed: number of bytes with a live move
	only   byte
}

// Compile compiles a JSON Schema document into an automaton. Keywords outside
// the supported subset are errors (*UnsupportedError), never ignored.
func Compile(schema []byte, opts Options) (a *Automaton, err error) {
	opts, err = opts.withDefaults()
	if err != nil {
		return nil, err
	}
	root, err := parseJSON(schema)
	if err != nil {
		return nil, fmt.Errorf("constrain: parse schema: %w", err)
	}
	b := &builder{n: &nfa{limit: opts.MaxStates}, opt: opts, root: root}
	defer func() {
		if r := recover(); r != nil {
			if r == errOverlapTooLarge {
				a, err = nil, &SchemaError{Msg: fmt.Sprintf("oneOf alternatives too large to prove disjoint (more than %d state pairs); use anyOf", maxOverlapPairs)}
				return
			}
			if r != errTooLarge {
				panic(r)
			}
			a, err = nil, fmt.Errorf("constrain: schema unrolls to more than %d automaton states (Options.MaxStates); lower maxLength/maxItems", opts.MaxStates)
		}
	}()
	start := b.n.add()
	final, err := b.value(root, "", start)
	if err != nil {
		return nil, err
	}
	live := b.n.coReachable(final)
	if !live[start] {
		return nil, &SchemaError{Msg: "no value satisfies the schema"}
	}
	a = &Automaton{n: b.n, start: start, final: final, live: live, keys: map[string]State{}}
	a.maxBytes = b.n.longest(start, final, live)
	h := sha256.New()
	h.Write(schema)
	binary.Write(h, binary.LittleEndian, [6]int64{int64(opts.MaxStringLength), int64(opts.MaxItems),
		int64(opts.IntegerDigits), int64(opts.FractionDigits), int64(opts.Whitespace), int64(opts.MaxStates)})
	copy(a.hash[:], h.Sum(nil))
	a.mark = make([]uint32, len(b.n.states))
	a.mu.Lock()
	a.intern(a.closure([]int32{start}))
	a.mu.Unlock()
	return a, nil
}

// MaxBytes is the length of the longest output.
func (a *Automaton) MaxBytes() int { return a.maxBytes }

// Hash identifies the schema document and options.
func (a *Automaton) Hash() [32]byte { return a.hash }

// NumNFAStates is the size of the unrolled automaton (for reports).
func (a *Automaton) NumNFAStates() int { return len(a.n.states) }

// NumStates is the number of DFA states determinised so far.
func (a *Automaton) NumStates() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.states)
}

// Start is the state before any output.
func (a *Automaton) Start() State { return 0 }

// Step returns the state after byte c, or Dead.
func (a *Automaton) Step(s State, c byte) State {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.step(s, c)
}

// Accepting reports whether the output so far is a complete value.
func (a *Automaton) Accepting(s State) bool {
	if s < 0 {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.states[s].accept
}

// Done reports whether s is accepting and no byte can follow.
func (a *Automaton) Done(s State) bool {
	if s < 0 {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.outs(s)
	return a.states[s].accept && a.states[s].nOut == 0
}

// Match reports whether b is a complete output.
func (a *Automaton) Match(b []byte) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := State(0)
	for _, c := range b {
		if s = a.step(s, c); s == Dead {
			return false
		}
	}
	return a.states[s].accept
}

// Forced returns the bytes every output must continue with from s, up to the
// next point where the automaton branches (or may stop).
func (a *Automaton) Forced(s State) []byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []byte
	for s >= 0 {
		st := a.states[s]
		a.outs(s)
		if st.accept || st.nOut != 1 {
			break
		}
		out = append(out, st.only)
		s = a.step(s, st.only)
	}
	return out
}

func (a *Automaton) outs(s State) {
	st := a.states[s]
	if st.nOut >= 0 {
		return
	}
	n, only := 0, byte(0)
	for c := range 256 {
		if a.step(s, byte(c)) != Dead {
			n++
			only = byte(c)
		}
	}
	st.nOut, st.only = n, only
}

// step is Step with a.mu held.
func (a *Automaton) step(s State, c byte) State {
	if s < 0 {
		return Dead
	}
	st := a.states[s]
	if t := st.trans[c]; t != unknown {
		return t
	}
	var seeds []int32
	for _, q := range st.set {
		for _, e := range a.n.states[q].edges {
			if e.lo <= c && c <= e.hi && a.live[e.to] {
				seeds = append(seeds, e.to)
			}
		}
	}
	t := Dead
	if len(seeds) > 0 {
		t = a.intern(a.closure(seeds))
	}
	st.trans[c] = t
	return t
}

// closure returns the sorted epsilon closure of seeds over live states.
func (a *Automaton) closure(seeds []int32) []int32 {
	a.gen++
	if a.gen == 0 {
		clear(a.mark)
		a.gen = 1
	}
	var out []int32
	stack := a.stack[:0]
	for _, s := range seeds {
		if a.mark[s] != a.gen {
			a.mark[s] = a.gen
			stack = append(stack, s)
		}
	}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, s)
		for _, t := range a.n.states[s].eps {
			if a.live[t] && a.mark[t] != a.gen {
				a.mark[t] = a.gen
				stack = append(stack, t)
			}
		}
	}
	a.stack = stack
	slices.Sort(out)
	return out
}

func (a *Automaton) intern(set []int32) State {
	key := unsafe.String((*byte)(unsafe.Pointer(unsafe.SliceData(set))), len(set)*4)
	if s, ok := a.keys[key]; ok {
		return s
	}
	st := &dstate{set: set, nOut: -1}
	for i := range st.trans {
		st.trans[i] = unknown
	}
	st.accept = slices.Contains(set, a.final)
	s := State(len(a.states))
	st.id = s
	a.states = append(a.states, st)
	a.keys[string([]byte(key))] = s
	return s
}

// maxOverlapPairs bounds the oneOf disjointness check.
const maxOverlapPairs = 1 << 12

// errOverlapTooLarge aborts a oneOf disjointness check that explores too
// many state pairs; recovered in Compile like errTooLarge.
var errOverlapTooLarge = errors.New("oneOf check too large")

// overlap checks pairwise that no byte string is accepted by two oneOf
// alternatives (each a sub-automaton from starts[i] to ends[i], built but not
// yet connected onwards). It returns the first overlapping pair and a common
// string.
func (b *builder) overlap(starts, ends []int32) (int, int, string, bool) {
	n := b.n
	closure := func(seeds []int32) []int32 {
		seen := map[int32]bool{}
		stack := append([]int32(nil), seeds...)
		var out []int32
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[s] {
				continue
			}
			seen[s] = true
			out = append(out, s)
			stack = append(stack, n.states[s].eps...)
		}
		slices.Sort(out)
		return out
	}
	move := func(set []int32, c byte) []int32 {
		var seeds []int32
		for _, q := range set {
			for _, e := range n.states[q].edges {
				if e.lo <= c && c <= e.hi {
					seeds = append(seeds, e.to)
				}
			}
		}
		if seeds == nil {
			return nil
		}
		return closure(seeds)
	}
	for i := range starts {
		for j := i + 1; j < len(starts); j++ {
			type node struct {
				x, y   []int32
				prefix string
			}
			key := func(x, y []int32) string { return fmt.Sprint(x, y) }
			q := []node{{closure(starts[i : i+1]), closure(starts[j : j+1]), ""}}
			seen := map[string]bool{key(q[0].x, q[0].y): true}
			for len(q) > 0 {
				cur := q[0]
				q = q[1:]
				if slices.Contains(cur.x, ends[i]) && slices.Contains(cur.y, ends[j]) {
					return i, j, cur.prefix, true
				}
				// Only bytes that leave some state of x can lead anywhere.
				var bytesOut [256]bool
				for _, q := range cur.x {
					for _, e := range n.states[q].edges {
						for c := int(e.lo); c <= int(e.hi); c++ {
							bytesOut[c] = true
						}
					}
				}
				for c := range 256 {
					if !bytesOut[c] {
						continue
					}
					x := move(cur.x, byte(c))
					if x == nil {
						continue
					}
					y := move(cur.y, byte(c))
					if y == nil {
						continue
					}
					k := key(x, y)
					if seen[k] {
						continue
					}
					if len(seen) >= maxOverlapPairs {
						panic(errOverlapTooLarge)
					}
					seen[k] = true
					q = append(q, node{x, y, string(append([]byte(cur.prefix), byte(c)))})
				}
			}
		}
	}
	return 0, 0, "", false
}
