package llmlabel

import (
	"slices"
	"testing"

	"github.com/logsift/logsift/schemas"
)

func TestComponentCandidates(t *testing.T) {
	for _, tc := range []struct {
		template string
		want     []string
	}{
		{"<TS> combo sshd(pam_unix)[<NUM>]: authentication failure; rhost=<IP>",
			[]string{"", "combo", "sshd(pam_unix)", "sshd", "authentication", "failure", "rhost"}},
		{"<NUM> <NUM> <NUM> INFO dfs.DataNode$PacketResponder: PacketResponder <NUM> for block blk_<NUM> terminating",
			[]string{"", "dfs.DataNode$PacketResponder", "PacketResponder", "for", "block", "blk_", "terminating"}},
		{"", []string{""}},
		{"<TS> - WARN  [SendWorker:<NUM>:QuorumCnxManager$SendWorker@<NUM>] - Interrupted", // levels are never names
			[]string{"", "SendWorker", "QuorumCnxManager$SendWorker", "Interrupted"}},
		// The generator labels these "sudo", "net/data" and "Queue#maintain":
		// an unopened ")" and a source file's extension are not part of the
		// name, and the decoder can only write candidates.
		{"[<TS>] WARN pam_unix(sudo:auth): authentication failure (sudo)",
			[]string{"", "pam_unix(sudo", "pam_unix", "auth", "authentication", "failure", "sudo"}},
		{"E1107 <TS> <NUM> net/data.go:<NUM>] Invoice <NUM> could not be created",
			[]string{"", "E1107", "net/data", "net/data.go", "Invoice", "could", "not", "be", "created"}},
		{"<TS> [id=<NUM>] INFO hudson.model.Queue#maintain: Queue item #<NUM> waiting",
			[]string{"", "id", "hudson.model.Queue#maintain", "Queue", "item", "waiting"}},
	} {
		if got := componentCandidates(tc.template); !slices.Equal(got, tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.template, got, tc.want)
		}
	}
	long := "org.apache.hadoop.yarn.server.nodemanager.containermanager.monitor.ContainersMonitorImpl: x"
	if got := componentCandidates(long); got[1] != "containermanager.monitor.ContainersMonitorImpl" {
		t.Errorf("long name cut to %q", got[1])
	}
	// The per-template schema is the default schema with a narrower
	// component: every answer it allows the default schema allows.
	doc := copySchema([]string{"", "sshd"})
	s, err := schemas.Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{`{"severity":"info","category":"auth","component":"sshd"}`, `{"severity":"info","category":"auth","component":""}`} {
		if err := s.Validate([]byte(a)); err != nil {
			t.Errorf("%s: %v", a, err)
		}
		if err := schemas.Default().Validate([]byte(a)); err != nil {
			t.Errorf("default schema refuses %s: %v", a, err)
		}
	}
	if s.Validate([]byte(`{"severity":"info","category":"auth","component":"kernel"}`)) == nil {
		t.Error("a component outside the candidates validates")
	}
}
