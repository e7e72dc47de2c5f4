package llmlabel_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/logsift/logsift/classifier/llmlabel"
	"github.com/logsift/logsift/inference/engine"
	"github.com/logsift/logsift/inference/model"
	"github.com/logsift/logsift/inference/models"
)

var update = flag.Bool("update", false, "rewrite testdata/default-golden.jsonl from the embedded model")

// Lines from systems of many kinds, written for this test (not Loghub's).
var goldenLines = []string{
	"Mar  3 10:15:22 web01 sshd[2231]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2",
	"Mar  3 10:15:23 web01 sshd[2231]: Accepted publickey for deploy from 198.51.100.4 port 40022 ssh2",
	"Mar  3 10:16:00 web01 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
	"Mar  3 10:16:01 web01 kernel: [123456.789] Out of memory: Killed process 4242 (java) total-vm:8123456kB",
	"Mar  3 10:16:02 web01 kernel: EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0",
	"Mar  3 10:16:03 web01 systemd[1]: Started Daily apt download activities.",
	"Mar  3 10:17:00 web01 CRON[9912]: (root) CMD (run-parts /etc/cron.hourly)",
	`10.0.0.7 - - [03/Mar/2026:10:17:01 +0000] "GET /api/v1/users HTTP/1.1" 200 512 "-" "curl/8.5.0"`,
	`10.0.0.8 - - [03/Mar/2026:10:17:02 +0000] "POST /login HTTP/1.1" 500 87 "-" "Mozilla/5.0"`,
	"2026/03/03 10:17:03 [error] 812#812: *4431 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9",
	"2026-03-03 10:17:04.120 UTC [3312] ERROR:  duplicate key value violates unique constraint \"users_email_key\"",
	"2026-03-03 10:17:05.001 UTC [3313] LOG:  checkpoint complete: wrote 1523 buffers (9.3%)",
	"2026-03-03T10:17:06.112Z WARN  [kafka-producer-network-thread] org.apache.kafka.clients.NetworkClient: Connection to node 2 could not be established",
	"2026-03-03 10:17:07,221 INFO org.apache.hadoop.hdfs.server.datanode.DataNode: Receiving block blk_1073741825_1001 src: /10.0.0.3:50010",
	"2026-03-03 10:17:08,331 ERROR org.apache.zookeeper.server.NIOServerCnxn: Unexpected exception causing shutdown while sock still open",
	`I0303 10:17:09.441122    1201 kubelet.go:2133] "SyncLoop (PLEG): event for pod" pod="default/web-7d9c" event="ContainerStarted"`,
	`E0303 10:17:10.551234    1201 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \"StartContainer\" with CrashLoopBackOff"`,
	`{"level":"error","ts":"2026-03-03T10:17:11Z","logger":"payments","msg":"charge failed","error":"card declined","order":"A-1182"}`,
	"Traceback (most recent call last): ValueError: invalid literal for int() with base 10: 'abc'",
	"ipmi: CPU 1 temperature above upper critical threshold (98 C)",
	"EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0",
	"Mar  3 10:17:12 fw01 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=192.0.2.55 DST=10.0.0.1 PROTO=TCP SPT=51515 DPT=22",
	"redis 1:M 03 Mar 2026 10:17:13.000 * Background saving terminated with success",
	"config: unknown key \"max_conns\" in /etc/app/app.yaml, ignoring",
}

type goldenRow struct {
	Line       string  `json:"line"`
	Severity   string  `json:"severity"`
	Category   string  `json:"category"`
	Component  string  `json:"component"`
	Confidence float64 `json:"confidence"`
}

// The embedded default model loads, classifies a fixed set of lines, and
// its answers stay what they were when the model was committed: a change of
// the model, the prompt, the tokenizer, the kernels or the decoder that moves
// a label shows up here. Confidences are compared to two decimals, because
// the kernels' summation order may differ by CPU features.
func TestDefaultModelGolden(t *testing.T) {
	l := defaultLabeler(t)
	out, err := l.Label(context.Background(), inputs(goldenLines...))
	if err != nil {
		t.Fatal(err)
	}
	got := make([]goldenRow, len(out))
	for i, o := range out {
		if o.Err != nil {
			t.Fatalf("line %d: %v", i, o.Err)
		}
		c := o.Classification
		got[i] = goldenRow{goldenLines[i], c.Severity, c.Category, c.Component, math.Round(c.Confidence*100) / 100}
	}
	const path = "testdata/default-golden.jsonl"
	if *update {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		for _, r := range got {
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []goldenRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r goldenRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	if len(want) != len(got) {
		t.Fatalf("golden file has %d rows, %d lines classified (run with -update after changing the lines)", len(want), len(got))
	}
	for i := range got {
		w, g := want[i], got[i]
		if w.Line != g.Line || w.Severity != g.Severity || w.Category != g.Category || w.Component != g.Component ||
			math.Abs(w.Confidence-g.Confidence) > 0.011 {
			t.Errorf("line %d %q:\n got %s\nwant %s", i, g.Line, row(g), row(w))
		}
	}
}

// defaultLabeler is the embedded model behind a Labeler without a cache,
// so every line reaches the model.
func defaultLabeler(t *testing.T) *llmlabel.Labeler {
	t.Helper()
	m, err := models.LoadTarget(model.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(m, engine.Config{KVBlocks: 2048})
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(); m.Close() })
	l, err := llmlabel.New(llmlabel.Config{Engine: eng, Name: models.TargetID, Cache: llmlabel.CacheConfig{Off: true}})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func row(r goldenRow) string {
	return fmt.Sprintf("%s/%s/%q %.2f", r.Severity, r.Category, r.Component, r.Confidence)
}
