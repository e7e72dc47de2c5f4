package modelcli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/logsift/logsift/inference/constrain"
)

func TestGenerateJSONSchema(t *testing.T) {
	v := func() *jsonschema.Schema {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(constrain.DefaultSchema))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("mem://s.json", doc); err != nil {
			t.Fatal(err)
		}
		return c.MustCompile("mem://s.json")
	}()
	for _, args := range [][]string{
		{"--temperature", "1", "--seed", "7"},
		{"--no-jump-forward"},
	} {
		out := mustRun(t, append([]string{"generate", "--model", fixture("tiny-qwen2-f32"), "--prompt", "sshd: Failed password for root",
			"--json-schema", "default"}, args...)...)
		var res generateResult
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v: %v: %s", args, err, out)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.JSON))
		if err != nil {
			t.Fatalf("%v: output %q: %v", args, res.JSON, err)
		}
		if err := v.Validate(inst); err != nil {
			t.Fatalf("%v: %s: %v", args, res.JSON, err)
		}
		if res.Stop != "complete" && res.Stop != "eog" {
			t.Fatalf("%v: stop %q", args, res.Stop)
		}
		if p := res.EnumProbs["/severity"]; !(p > 0 && p <= 1) {
			t.Fatalf("%v: enum probabilities %v", args, res.EnumProbs)
		}
		if jf := len(args) == 4; jf != (res.ForcedTokens > 0) {
			t.Fatalf("%v: %d forced tokens", args, res.ForcedTokens)
		}
	}
	// Text format prints the value alone.
	out := mustRun(t, "generate", "--model", fixture("tiny-llama-f32"), "--prompt", "x", "--json-schema", "default", "--format", "text")
	if !json.Valid([]byte(out)) {
		t.Fatalf("text output %q is not JSON", out)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"type":"object","properties":{"n":{"type":"string","not":{"const":"x"}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"generate", "bench"} {
		code, _, errs := run(t, sub, "--model", fixture("tiny-llama-f32"), "--prompt", "x", "--json-schema", bad)
		if sub == "bench" {
			code, _, errs = run(t, sub, "--model", fixture("tiny-llama-f32"), "--json-schema", bad)
		}
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, `"not"`) || !strings.Contains(errs, "/properties/n") {
			t.Fatalf("%s with a bad schema: exit %d, stderr %q; want 2 and one line naming \"not\" at /properties/n", sub, code, errs)
		}
	}
	code, _, errs := run(t, "generate", "--model", fixture("tiny-llama-f32"), "--prompt", "x", "--json-schema", filepath.Join(dir, "missing.json"))
	if code != 2 || !strings.Contains(errs, "missing.json") {
		t.Fatalf("missing schema file: exit %d, stderr %q", code, errs)
	}
}

func TestBenchJSONSchema(t *testing.T) {
	var res [2]serveResult
	for i, extra := range [][]string{{"--no-jump-forward"}, nil} {
		out := mustRun(t, append([]string{"bench", "--model", fixture("tiny-llama-f32"), "--json-schema", "default",
			"--concurrency", "2", "--requests", "4", "--prompt-tokens", "8"}, extra...)...)
		if err := json.Unmarshal([]byte(out), &res[i]); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}
	if !res[1].JumpForward || res[0].JumpForward || res[1].ForcedTokens == 0 || res[0].ForcedTokens != 0 {
		t.Fatalf("jump-forward flags: %+v / %+v", res[0], res[1])
	}
	if !(res[1].ForwardsPerObject < res[0].ForwardsPerObject) {
		t.Fatalf("forward passes per object %.1f with jump-forward, %.1f without", res[1].ForwardsPerObject, res[0].ForwardsPerObject)
	}
}
