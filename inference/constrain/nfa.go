package constrain

import "errors"

// nfa is the byte-level automaton the schema compiles to before
// determinisation: states with epsilon moves and byte-range moves. Every
// construct is unrolled (string lengths, array items, digits, whitespace), so
// the graph is acyclic and every output has a bounded length.
type nfa struct {
	states []nstate
	limit  int // states; moves are limited to 8 per state on average
	moves  int
}

type nstate struct {
	eps   []int32
	edges []bedge
}

type bedge struct {
	lo, hi byte
	to     int32
}

// errTooLarge aborts a compilation whose automaton outgrows Options.MaxStates;
// it travels as a panic through the recursive builders and is recovered in
// Compile.
var errTooLarge = errors.New("too large")

func (n *nfa) add() int32 {
	if len(n.states) >= n.limit {
		panic(errTooLarge)
	}
	n.states = append(n.states, nstate{})
	return int32(len(n.states) - 1)
}

func (n *nfa) move() {
	if n.moves++; n.moves > 8*n.limit {
		panic(errTooLarge)
	}
}

func (n *nfa) eps(from, to int32) {
	n.move()
	n.states[from].eps = append(n.states[from].eps, to)
}

func (n *nfa) edge(from int32, lo, hi byte, to int32) {
	n.move()
	n.states[from].edges = append(n.states[from].edges, bedge{lo, hi, to})
}

// lit appends the bytes of s after from and returns the end state.
func (n *nfa) lit(from int32, s string) int32 {
	for i := 0; i < len(s); i++ {
		to := n.add()
		n.edge(from, s[i], s[i], to)
		from = to
	}
	return from
}

// litTo is lit ending in an existing state.
func (n *nfa) litTo(from int32, s string, to int32) {
	if s == "" {
		n.eps(from, to)
		return
	}
	for i := 0; i < len(s)-1; i++ {
		nx := n.add()
		n.edge(from, s[i], s[i], nx)
		from = nx
	}
	n.edge(from, s[len(s)-1], s[len(s)-1], to)
}

// coReachable marks the states from which final can be reached.
func (n *nfa) coReachable(final int32) []bool {
	rev := make([][]int32, len(n.states))
	for s, st := range n.states {
		for _, t := range st.eps {
			rev[t] = append(rev[t], int32(s))
		}
		for _, e := range st.edges {
			rev[e.to] = append(rev[e.to], int32(s))
		}
	}
	live := make([]bool, len(n.states))
	live[final] = true
	stack := []int32{final}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range rev[s] {
			if !live[p] {
				live[p] = true
				stack = append(stack, p)
			}
		}
	}
	return live
}

// longest returns the largest number of bytes on a path from start to final
// through live states. The graph is acyclic by construction; a cycle is a bug.
func (n *nfa) longest(start, final int32, live []bool) int {
	const (
		unseen = -1
		active = -2
	)
	memo := make([]int, len(n.states))
	for i := range memo {
		memo[i] = unseen
	}
	type frame struct {
		s    int32
		next int
	}
	// Iterative DFS: the unrolled graphs can be thousands of states deep.
	{
		stack := []frame{{start, 0}}
		memo[start] = active
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			st := &n.states[f.s]
			total := len(st.eps) + len(st.edges)
			if f.next < total {
				i := f.next
				f.next++
				var t int32
				if i < len(st.eps) {
					t = st.eps[i]
				} else {
					t = st.edges[i-len(st.eps)].to
				}
				if !live[t] {
					continue
				}
				switch memo[t] {
				case active:
					panic("BUG: constrain: cycle in the unrolled automaton")
				case unseen:
					memo[t] = active
					stack = append(stack, frame{t, 0})
				}
				continue
			}
			best := -1
			if f.s == final {
				best = 0
			}
			for _, t := range st.eps {
				if live[t] && memo[t] >= 0 {
					best = max(best, memo[t])
				}
			}
			for _, e := range st.edges {
				if live[e.to] && memo[e.to] >= 0 {
					best = max(best, memo[e.to]+1)
				}
			}
			memo[f.s] = best
			stack = stack[:len(stack)-1]
		}
	}
	return memo[start]
}
