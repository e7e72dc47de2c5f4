package synth_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logsift/logsift/classifier/synth"
	"github.com/logsift/logsift/classifier/textproc"
	"github.com/logsift/logsift/inference/gguf"
	"github.com/logsift/logsift/inference/tokenizer"
	"github.com/logsift/logsift/inference/train/bpe"
)

// The shipped tokenizer is trained on generated lines only; Loghub's real
// lines are used here to measure how well it carries over.
const loghubDir = "../../../shared/data/loghub"

var loghubSystems = []string{"Apache", "BGL", "HDFS", "Hadoop", "Linux", "OpenStack", "Spark", "Zookeeper"}

// loghubRaw returns up to max raw lines per system (0: all).
func loghubRaw(tb testing.TB, max int) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, sys := range loghubSystems {
		f, err := os.Open(filepath.Join(loghubDir, sys+".jsonl"))
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() && (max == 0 || len(out[sys]) < max) {
			var rec struct {
				Raw string `json:"raw"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				tb.Fatal(err)
			}
			out[sys] = append(out[sys], rec.Raw)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

func synthLines(seed uint64, bytesWanted int) []string {
	var lines []string
	size := 0
	for size < bytesWanted {
		for _, e := range synth.Generate(seed, 10000) {
			lines = append(lines, e.Raw)
			size += len(e.Raw) + 1
		}
		seed++
	}
	return lines
}

var specials = []string{"<|bos|>", "<|eos|>", "<|line|>", "<|answer|>"}

func trainOnSynth(tb testing.TB, mb int) *tokenizer.Tokenizer {
	tb.Helper()
	v, err := bpe.Train(context.Background(), slices.Values(synthLines(1, mb<<20)), bpe.Options{
		VocabSize: 3000, Pre: "logsift", Specials: specials, AddBOS: true,
	})
	if err != nil {
		tb.Fatal(err)
	}
	w := gguf.NewWriter()
	v.WriteGGUF(w)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

type tokenStats struct{ lines, bytes, tokens, pieces int }

func (s tokenStats) perLine() float64  { return float64(s.tokens) / float64(s.lines) }
func (s tokenStats) perToken() float64 { return float64(s.bytes) / float64(s.tokens) }

// perPiece is tokens per pre-tokenizer piece: 1 would mean every piece is
// one token, the best any vocabulary can do under this pre-tokenizer.
func (s tokenStats) perPiece() float64 { return float64(s.tokens) / float64(s.pieces) }

// encodeLoghub encodes every Loghub line, checks it decodes back exactly and
// that no control token comes out, and returns per-system counts.
func encodeLoghub(tb testing.TB, tok *tokenizer.Tokenizer, max int) map[string]tokenStats {
	tb.Helper()
	out := map[string]tokenStats{}
	for sys, lines := range loghubRaw(tb, max) {
		var st tokenStats
		for _, l := range lines {
			ids := tok.Encode(l, tokenizer.EncodeOptions{})
			if got := tok.Decode(ids); got != l {
				tb.Fatalf("%s: Decode(Encode(%q)) = %q", sys, l, got)
			}
			for _, id := range ids {
				if tok.IsControl(id) {
					tb.Fatalf("%s: control token %d from %q", sys, id, l)
				}
			}
			pieces, err := tokenizer.PreTokenize("logsift", l)
			if err != nil {
				tb.Fatal(err)
			}
			st.lines++
			st.bytes += len(l)
			st.tokens += len(ids)
			st.pieces += len(pieces)
		}
		out[sys] = st
	}
	return out
}

// A 3k vocabulary trained on a few MB of generated lines round-trips every
// real Loghub line and spells most pre-tokenizer pieces as one token.
func TestTokenizerOnLoghub(t *testing.T) {
	tok := trainOnSynth(t, 1)
	var all tokenStats
	// A sample of each system keeps the test quick under -race; the
	// benchmark measures all 16,000 lines.
	stats := encodeLoghub(t, tok, 300)
	for _, sys := range loghubSystems {
		st := stats[sys]
		t.Logf("%-10s %6.1f tokens/line %5.2f bytes/token %5.2f tokens/piece", sys, st.perLine(), st.perToken(), st.perPiece())
		all.lines += st.lines
		all.bytes += st.bytes
		all.tokens += st.tokens
		all.pieces += st.pieces
	}
	t.Logf("%-10s %6.1f tokens/line %5.2f bytes/token %5.2f tokens/piece", "all", all.perLine(), all.perToken(), all.perPiece())
	// The classifier's template (masked line) is what a prompt may carry
	// instead of, or besides, the raw line.
	masked, n := 0, 0
	for _, lines := range loghubRaw(t, 300) {
		for _, l := range lines {
			masked += len(tok.Encode(textproc.Mask(l), tokenizer.EncodeOptions{}))
			n++
		}
	}
	t.Logf("masked lines: %.1f tokens/line", float64(masked)/float64(n))
	// The pre-tokenizer spells numbers digit by digit and punctuation one
	// character at a time, so bytes/token stays low on id-heavy lines; what
	// the vocabulary controls is how many pieces need more than one token.
	if all.perPiece() > 1.25 {
		t.Errorf("%.2f tokens per pre-tokenizer piece on Loghub, want <= 1.25", all.perPiece())
	}
}
