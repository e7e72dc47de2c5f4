package llmlabel_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/llmlabel"
	"github.com/logsift/logsift/classifier/textproc"
	"github.com/logsift/logsift/classifier/trainer"
	"github.com/logsift/logsift/inference/chat"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/schemas"
)

// A tiny model in the default format, trained once for the package: its
// answers are valid but not accurate, which is what these tests need.
var (
	tinyOnce sync.Once
	tinyPath string
	tinyErr  error
)

func tinyModel(t *testing.T) string {
	t.Helper()
	tinyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "llmlabel-test")
		if err != nil {
			tinyErr = err
			return
		}
		tinyPath = filepath.Join(dir, "tiny.gguf")
		_, tinyErr = trainer.Run(context.Background(), trainer.Options{
			Seed: 1, Examples: 300, VocabSize: 400, Steps: 30, BatchTokens: 1024, LR: 1e-2, Threads: 2,
			Dims: trainer.Dims{NEmbd: 32, NLayer: 1, NHead: 2, NHeadKV: 1, NFF: 64}, Out: tinyPath,
		})
	})
	if tinyErr != nil {
		t.Fatal(tinyErr)
	}
	return tinyPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if tinyPath != "" {
		os.RemoveAll(filepath.Dir(tinyPath))
	}
	os.Exit(code)
}

func newEngine(t *testing.T) *engine.Engine {
	t.Helper()
	m, err := model.Load(tinyModel(t), model.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(m, engine.Config{KVBlocks: 512})
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(); m.Close() })
	return eng
}

func inputs(lines ...string) []classifier.Input {
	in := make([]classifier.Input, len(lines))
	for i, l := range lines {
		msg := textproc.Clean(l, 16<<10)
		in[i] = classifier.Input{Message: msg, Template: textproc.Mask(msg), Service: "test"}
	}
	return in
}

var lines = []string{
	"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; rhost=218.188.2.4",
	"Jun 14 15:16:02 combo sshd(pam_unix)[19940]: authentication failure; rhost=218.188.2.5",
	"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
	"2015-10-18 18:01:47,978 WARN [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster",
	"kernel: Out of memory: Killed process 4123 (java)",
}

// Every answer is schema-valid with a confidence in (0, 1]; lines of one
// template share one model request, and a second batch is answered from the
// cache without a request.
func TestLabelAndCache(t *testing.T) {
	reg := prometheus.NewRegistry()
	l, err := llmlabel.New(llmlabel.Config{Engine: newEngine(t), Name: "tiny", Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.Label(context.Background(), inputs(lines...))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(lines) {
		t.Fatalf("%d outputs for %d lines", len(out), len(lines))
	}
	for i, o := range out {
		if o.Err != nil || o.Cached {
			t.Fatalf("line %d: err %v cached %v", i, o.Err, o.Cached)
		}
		c := o.Classification
		doc, _ := json.Marshal(map[string]string{"severity": c.Severity, "category": c.Category, "component": c.Component})
		if err := schemas.Default().Validate(doc); err != nil {
			t.Errorf("line %d: %s: %v", i, doc, err)
		}
		if !(c.Confidence > 0 && c.Confidence <= 1) {
			t.Errorf("line %d: confidence %v", i, c.Confidence)
		}
	}
	if !reflect.DeepEqual(out[0].Classification, out[1].Classification) {
		t.Errorf("two lines of one template labelled differently: %+v vs %+v", out[0], out[1])
	}
	metric := func(name string) float64 {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == name {
				m := mf.GetMetric()[0]
				if m.GetCounter() != nil {
					return m.GetCounter().GetValue()
				}
				return m.GetGauge().GetValue()
			}
		}
		t.Fatalf("no metric %s", name)
		return 0
	}
	if got := metric("logsift_labeler_model_requests_total"); got != 4 {
		t.Errorf("model requests %v, want 4 (five lines, four templates)", got)
	}
	again, err := l.Label(context.Background(), inputs(lines[1], lines[4], "a brand new line no one has seen"))
	if err != nil {
		t.Fatal(err)
	}
	if !again[0].Cached || !again[1].Cached || again[2].Cached {
		t.Errorf("cached flags %v %v %v, want true true false", again[0].Cached, again[1].Cached, again[2].Cached)
	}
	if !reflect.DeepEqual(again[0].Classification, out[1].Classification) || !reflect.DeepEqual(again[1].Classification, out[4].Classification) {
		t.Errorf("cached answers differ from the model's")
	}
	if got := metric("logsift_labeler_model_requests_total"); got != 5 {
		t.Errorf("model requests %v after the second batch, want 5", got)
	}
	if h, m := metric("logsift_labeler_cache_hits_total"), metric("logsift_labeler_cache_misses_total"); h != 2 || m != 6 {
		t.Errorf("cache hits %v misses %v, want 2 and 6", h, m)
	}
	if got := metric("logsift_labeler_cache_templates"); got != 5 {
		t.Errorf("cache holds %v templates, want 5", got)
	}
}

// With the cache off every line reaches the model, and answers equal the
// cached labeler's: the model is deterministic (greedy) per template.
func TestCacheOff(t *testing.T) {
	eng := newEngine(t)
	on, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	off, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: "tiny", Cache: llmlabel.CacheConfig{Off: true}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		a, err := on.Label(context.Background(), inputs(lines...))
		if err != nil {
			t.Fatal(err)
		}
		b, err := off.Label(context.Background(), inputs(lines...))
		if err != nil {
			t.Fatal(err)
		}
		for i := range a {
			if b[i].Cached {
				t.Errorf("line %d cached with the cache off", i)
			}
			// Labels are equal; confidences may differ in the last
			// bits, as a prompt's logits do with the batch around it.
			x, y := a[i].Classification, b[i].Classification
			if x.Severity != y.Severity || x.Category != y.Category || x.Component != y.Component || math.Abs(x.Confidence-y.Confidence) > 1e-5 {
				t.Errorf("line %d: cache on %+v, off %+v", i, x, y)
			}
		}
	}
}

// Entries expire after the TTL.
func TestCacheTTL(t *testing.T) {
	l, err := llmlabel.New(llmlabel.Config{Engine: newEngine(t), Name: "tiny",
		Cache: llmlabel.CacheConfig{TTL: 50 * time.Millisecond, Size: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Label(context.Background(), inputs(lines[0])); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := l.Label(context.Background(), inputs(lines[0]))
		if err != nil {
			t.Fatal(err)
		}
		if !out[0].Cached {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("entry still cached 10 s after a 50 ms TTL")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A custom schema with an extra field: the answer is constrained to it and
// stored whole in Labels.
func TestCustomSchema(t *testing.T) {
	schema := []byte(`{"type":"object","properties":{
		"severity":{"type":"string","enum":["info","error"]},
		"category":{"type":"string","enum":["ops","security"]},
		"team":{"type":"string","enum":["infra","app"]}},
		"required":["severity","category","team"],"additionalProperties":false}`)
	l, err := llmlabel.New(llmlabel.Config{Engine: newEngine(t), Name: "tiny", Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.Label(context.Background(), inputs(lines...))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		if o.Err != nil {
			t.Fatalf("line %d: %v", i, o.Err)
		}
		var got map[string]string
		if err := json.Unmarshal(o.Classification.Labels, &got); err != nil {
			t.Fatalf("line %d: labels %s: %v", i, o.Classification.Labels, err)
		}
		if got["severity"] != o.Classification.Severity || got["category"] != o.Classification.Category ||
			(got["team"] != "infra" && got["team"] != "app") {
			t.Errorf("line %d: labels %v, classification %+v", i, got, o.Classification)
		}
	}
}

// Schemas the row cannot be built from are refused at start-up with the
// reason.
func TestBadSchema(t *testing.T) {
	eng := newEngine(t)
	for _, tc := range []struct{ schema, want string }{
		{`{"type":"object","properties":{"category":{"type":"string"}},"required":["category"]}`, `"severity"`},
		{`{"type":"object","properties":{"severity":{"type":"string","enum":["loud"]},"category":{"type":"string"}},"required":["severity","category"]}`, `"loud"`},
		{`{"type":"array"}`, `"object"`},
		{`not json`, "schema"},
	} {
		_, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: "tiny", Schema: []byte(tc.schema)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("schema %s: err %v, want one naming %s", tc.schema, err, tc.want)
		}
	}
}

// A closed engine fails the whole batch (the worker retries it), never a
// line with made-up labels.
func TestEngineClosed(t *testing.T) {
	eng := newEngine(t)
	l, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	eng.Close()
	out, err := l.Label(context.Background(), inputs(lines...))
	if err == nil || out != nil {
		t.Fatalf("closed engine: out %v err %v, want a batch error", out, err)
	}
}

// A general model in its chat template (the conformance qwen2 model, whose
// vocabulary has ChatML's markers) labels through the same Labeler: the
// answers are schema-valid whatever the random weights say.
func TestChatFormat(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "conformance", "models", "tiny-qwen2-f32.gguf")
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	m, err := model.Load(path, model.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(m, engine.Config{KVBlocks: 512})
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(); m.Close() })
	if _, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: "qwen"}); err == nil || !strings.Contains(err.Error(), "chat prompt format") {
		t.Fatalf("a model without the default format's tokens: err %v, want one asking for a chat format", err)
	}
	tmpl, ok := chat.Detect(eng.Tokenizer())
	if !ok || tmpl.Name() != "chatml" {
		t.Fatalf("detected %v %v, want chatml", tmpl, ok)
	}
	// The instructions alone are longer than this test model's context.
	f := llmlabel.NewChatFormat(tmpl, eng.Tokenizer(), nil)
	if _, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: "qwen", Format: f}); err == nil || !strings.Contains(err.Error(), "context") {
		t.Fatalf("instructions beyond the context: err %v", err)
	}
	ids, err := f.Prompt("<TS> sshd[<NUM>]: Failed password for root")
	if err != nil {
		t.Fatal(err)
	}
	tok := eng.Tokenizer()
	var text strings.Builder
	for _, id := range ids {
		text.Write(tok.AppendPiece(nil, id))
	}
	for _, want := range []string{"<|im_start|>system\n", "\"auth\"", "<|im_start|>user\n```\n<TS> sshd[<NUM>]: Failed password for root\n```<|im_end|>", "<|im_start|>assistant\n"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("prompt lacks %q:\n%s", want, text.String())
		}
	}
	f.System = "Classify the fenced log line as JSON."
	l, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: "qwen", Format: f})
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.Label(context.Background(), inputs(lines[:2]...))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		if o.Err != nil || schemas.SeverityRank(o.Classification.Severity) < 0 || !schemas.IsCategory(o.Classification.Category) {
			t.Errorf("line %d: %+v %v", i, o.Classification, o.Err)
		}
	}
}
