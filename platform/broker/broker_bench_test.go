package broker

import (
	"context"
	"fmt"
	"testing"

	"github.com/segmentio/kafka-go"
)

// BenchmarkWriterBatch measures producing 1,000 records of ~120 bytes per
// WriteMessages call (acks=all, hash balancer, 3 partitions) to the embedded
// broker over TCP: the path ingest takes for one bulk request.
func BenchmarkWriterBatch(b *testing.B) {
	e, err := StartEmbedded("127.0.0.1:0", TopicSpec{Name: "bench", Partitions: 3})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	w := NewWriter(Config{Brokers: []string{e.Addr()}}, "bench")
	defer w.Close()
	msgs := make([]kafka.Message, 1000)
	var size int64
	for i := range msgs {
		msgs[i] = kafka.Message{
			Key:   []byte(fmt.Sprintf("svc-%d", i%8)),
			Value: []byte(fmt.Sprintf(`{"message":"Accepted password for user%d from 10.0.0.%d port 22 ssh2","service":"sshd"}`, i, i%255)),
		}
		size += int64(len(msgs[i].Key) + len(msgs[i].Value))
	}
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		// kafka-go's Writer fills in fields of the messages it is given, so
		// each call gets fresh copies.
		batch := append([]kafka.Message(nil), msgs...)
		if err := w.WriteMessages(ctx, batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "records/s")
}
