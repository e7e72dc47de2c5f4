package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// adminClient returns a client with its own transport; callers close the
// transport's connections when done so short admin calls leave nothing behind.
func adminClient(cfg Config) (*kafka.Client, *kafka.Transport) {
	tr := newTransport(cfg)
	return &kafka.Client{Addr: kafka.TCP(cfg.Brokers...), Transport: tr}, tr
}

func boundCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, adminTimeout)
}

// Ping reports whether the cluster answers a metadata request. It gives up
// after a few seconds even if ctx has no deadline.
func Ping(ctx context.Context, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	ctx, cancel := boundCtx(ctx)
	defer cancel()
	cl, tr := adminClient(cfg)
	defer tr.CloseIdleConnections()
	if _, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{}}); err != nil {
		return fmt.Errorf("broker: ping %v: %w", cfg.Brokers, err)
	}
	return nil
}

// EnsureTopics creates the topics that do not exist yet, then waits until the
// cluster's metadata lists every one of them, so a writer started right after
// does not race the topic's creation. Existing topics are left as they are,
// even if their partition count differs.
func EnsureTopics(ctx context.Context, cfg Config, topics ...TopicSpec) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if len(topics) == 0 {
		return nil
	}
	names := make([]string, len(topics))
	for i, t := range topics {
		if t.Name == "" {
			return fmt.Errorf("broker: topic %d has no name", i)
		}
		names[i] = t.Name
	}
	cl, tr := adminClient(cfg)
	defer tr.CloseIdleConnections()

	mctx, cancel := boundCtx(ctx)
	existing, err := existingTopics(mctx, cl, names)
	cancel()
	if err != nil {
		return fmt.Errorf("broker: ensure topics %v: %w", names, err)
	}
	var create []kafka.TopicConfig
	for _, t := range topics {
		if !existing[t.Name] {
			create = append(create, kafka.TopicConfig{
				Topic:             t.Name,
				NumPartitions:     t.partitions(),
				ReplicationFactor: cfg.replicationFactor(),
			})
		}
	}
	if len(create) == 0 {
		return nil
	}
	cctx, cancel := boundCtx(ctx)
	resp, err := cl.CreateTopics(cctx, &kafka.CreateTopicsRequest{Topics: create})
	cancel()
	if err != nil {
		return fmt.Errorf("broker: create topics %v: %w", names, err)
	}
	for name, terr := range resp.Errors {
		// Another process may have created it between our metadata request
		// and our create request; that is the outcome we wanted.
		if terr != nil && !errors.Is(terr, kafka.TopicAlreadyExists) {
			return fmt.Errorf("broker: create topic %q: %w", name, terr)
		}
	}
	return waitTopics(ctx, cl, names)
}

func existingTopics(ctx context.Context, cl *kafka.Client, names []string) (map[string]bool, error) {
	resp, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(resp.Topics))
	for _, t := range resp.Topics {
		if t.Error == nil && len(t.Partitions) > 0 {
			have[t.Name] = true
		}
	}
	return have, nil
}

func waitTopics(ctx context.Context, cl *kafka.Client, names []string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		have, err := existingTopics(ctx, cl, names)
		if err == nil {
			missing := 0
			for _, n := range names {
				if !have[n] {
					missing++
				}
			}
			if missing == 0 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("broker: topics %v not visible after creation: %w", names, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Lag returns how many records of topic the consumer group has not committed
// yet, summed over partitions. A partition the group never committed counts
// from its earliest retained offset, which is where NewReader starts.
func Lag(ctx context.Context, cfg Config, group, topic string) (int64, error) {
	if err := cfg.Validate(); err != nil {
		return 0, err
	}
	ctx, cancel := boundCtx(ctx)
	defer cancel()
	cl, tr := adminClient(cfg)
	defer tr.CloseIdleConnections()

	meta, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("broker: lag of group %q on %q: metadata: %w", group, topic, err)
	}
	var parts []int
	for _, t := range meta.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return 0, fmt.Errorf("broker: lag of group %q on %q: %w", group, topic, t.Error)
		}
		for _, p := range t.Partitions {
			parts = append(parts, p.ID)
		}
	}
	if len(parts) == 0 {
		return 0, fmt.Errorf("broker: lag of group %q: topic %q has no partitions", group, topic)
	}

	reqs := make([]kafka.OffsetRequest, 0, 2*len(parts))
	for _, p := range parts {
		reqs = append(reqs, kafka.FirstOffsetOf(p), kafka.LastOffsetOf(p))
	}
	offs, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return 0, fmt.Errorf("broker: lag of group %q on %q: list offsets: %w", group, topic, err)
	}
	first := make(map[int]int64, len(parts))
	last := make(map[int]int64, len(parts))
	for _, po := range offs.Topics[topic] {
		if po.Error != nil {
			return 0, fmt.Errorf("broker: lag of group %q on %q partition %d: %w", group, topic, po.Partition, po.Error)
		}
		first[po.Partition] = po.FirstOffset
		last[po.Partition] = po.LastOffset
	}

	committed, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		return 0, fmt.Errorf("broker: lag of group %q on %q: offset fetch: %w", group, topic, err)
	}
	// A group that never committed is unknown to some brokers (kfake);
	// for lag that is the same as having committed nothing.
	if committed.Error != nil && !errors.Is(committed.Error, kafka.GroupIdNotFound) {
		return 0, fmt.Errorf("broker: lag of group %q on %q: offset fetch: %w", group, topic, committed.Error)
	}
	done := make(map[int]int64, len(parts))
	for _, p := range committed.Topics[topic] {
		if p.Error != nil {
			return 0, fmt.Errorf("broker: lag of group %q on %q partition %d: %w", group, topic, p.Partition, p.Error)
		}
		done[p.Partition] = p.CommittedOffset
	}

	var lag int64
	for _, p := range parts {
		from, ok := done[p]
		if !ok || from < 0 {
			from = first[p]
		}
		if d := last[p] - from; d > 0 {
			lag += d
		}
	}
	return lag, nil
}
