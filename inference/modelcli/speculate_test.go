package modelcli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestGenerateSpeculate: --draft-model and --speculate change how many
// forward passes generate takes, not its tokens (greedy); bad combinations
// are usage errors.
func TestGenerateSpeculate(t *testing.T) {
	gen := func(extra ...string) generateResult {
		t.Helper()
		args := append([]string{"generate", "--model", fixture("tiny-llama-f32"), "--prompt", "to be or not to be, to be or not to be, to be",
			"--max-tokens", "20", "--threads", "2"}, extra...)
		var r generateResult
		if err := json.Unmarshal([]byte(mustRun(t, args...)), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	plain := gen()
	for _, extra := range [][]string{
		{"--draft-model", fixture("tiny-llama-q4_0")},
		{"--draft-model", fixture("tiny-llama-f32"), "--speculate", "draft"},
		{"--speculate", "lookup"},
		{"--speculate", "auto"},
		{"--draft-model", fixture("tiny-llama-q4_0"), "--json-schema", "default"},
	} {
		r := gen(extra...)
		want := plain.Tokens
		if slices.Contains(extra, "--json-schema") {
			want = gen("--json-schema", "default").Tokens
		}
		if !slices.Equal(r.Tokens, want) {
			t.Errorf("%v: tokens %v, want %v", extra, r.Tokens, want)
		}
		if r.Speculate == "" || r.Drafted == 0 || r.Accepted > r.Drafted {
			t.Errorf("%v: speculate %q drafted %d accepted %d", extra, r.Speculate, r.Drafted, r.Accepted)
		}
	}
	for _, bad := range [][]string{
		{"--speculate", "draft"},
		{"--speculate", "maybe"},
	} {
		if code, _, _ := run(t, append([]string{"generate", "--model", fixture("tiny-llama-f32"), "--prompt", "x"}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	if code, _, _ := run(t, "bench", "--model", fixture("tiny-llama-f32"), "--speculate", "draft"); code != 2 {
		t.Errorf("bench --speculate draft without a draft model: exit %d, want 2", code)
	}
}

// TestBenchSpeculate: the serving bench with prompts from a file and a
// draft model reports the acceptance rate and tokens per target forward;
// the target as its own draft is always right.
func TestBenchSpeculate(t *testing.T) {
	prompts := filepath.Join(t.TempDir(), "prompts.txt")
	if err := os.WriteFile(prompts, []byte("abc abc abc abc\nhello world\n\nx y z x y z x y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var r serveResult
	out := mustRun(t, "bench", "--model", fixture("tiny-llama-f32"), "--draft-model", fixture("tiny-llama-f32"),
		"--prompts", prompts, "--gen-tokens", "12", "--threads", "1")
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if r.Requests != 3 || r.Concurrency != 1 || r.GeneratedTokens != 36 || r.Speculate != "auto" ||
		r.DraftedTokens == 0 || r.AcceptanceRate < 0.99 || r.TokensPerTargetForward < 2 {
		t.Errorf("speculative serving bench: %+v", r)
	}
	out = mustRun(t, "bench", "--model", fixture("tiny-llama-f32"), "--prompts", prompts, "--gen-tokens", "12",
		"--threads", "1", "--json-schema", "default", "--speculate", "off")
	r = serveResult{}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if r.Requests != 3 || r.DraftedTokens != 0 || r.TokensPerTargetForward != 1 || r.ForwardsPerObject <= 0 {
		t.Errorf("plain schema serving bench: %+v", r)
	}
}
