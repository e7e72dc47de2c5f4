package stream

import (
	"context"
	"fmt"
	"testing"

	"github.com/logsift/logsift/schemas"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// deleteRecordsBefore does what retention does: the partition's records
// below offset are gone. kafka-go has no DeleteRecords, franz-go does.
func deleteRecordsBefore(t *testing.T, addr string, partition int32, offset int64) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrDeleteRecordsRequest()
	req.TimeoutMillis = 5000
	rt := kmsg.NewDeleteRecordsRequestTopic()
	rt.Topic = testTopic
	rp := kmsg.NewDeleteRecordsRequestTopicPartition()
	rp.Partition, rp.Offset = partition, offset
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(context.Background(), cl)
	if err != nil {
		t.Fatal(err)
	}
	if code := resp.Topics[0].Partitions[0].ErrorCode; code != 0 {
		t.Fatalf("delete records: error code %d", code)
	}
}

// TestResumeOlderThanRetention: a client whose position is older than what
// retention kept gets what is left, from the oldest record on, and nothing
// is sent twice.
func TestResumeOlderThanRetention(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ReplayWindow = 1 })
	logs := f.produce(60) // 20 per partition
	deleteRecordsBefore(t, f.emb.Addr(), 0, 10)
	c := f.subscribe("last_event_id=p0:2,p1:2,p2:2", nil)
	logs = append(logs, f.produce(9)...)
	f.produceSentinels()
	want := selectLogs(logs, func(l schemas.ClassifiedLog) bool {
		var i int
		fmt.Sscan(l.ID, &i)
		p, off := i%testPartitions, i/testPartitions
		if p == 0 {
			return off >= 10
		}
		return off >= 2
	})
	checkExactly(t, "retention", c.readUntilSentinels(), want)
}
