package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/schemas"
)

// Config of one run. Exactly one target: IngestURL, or Brokers and Topic.
type Config struct {
	IngestURL string   // base URL of the ingest API (POST /v1/logs)
	APIKey    string   // sent as Authorization: Bearer to ingest, if set
	Brokers   []string // write straight to Kafka instead
	Topic     string   // the raw topic, with Brokers

	// GatewayURL, if set, is subscribed to (GET /v1/stream) for the
	// end-to-end latency; GatewayToken is sent as Authorization: Bearer.
	GatewayURL   string
	GatewayToken string

	Rate     float64       // lines per second, required
	Duration time.Duration // stop sending after this long (0: only Count bounds the run)
	Count    int           // stop after this many lines (0: only Duration bounds the run)
	// Drain is how long to wait, once sending stopped, for the last lines
	// to come back on the stream. Default 15s.
	Drain time.Duration

	Files   []string // JSONL or text files to replay; none: synthesised lines
	Service string   // service of lines that name none; default "loadgen"
	Seed    uint64   // of the synthesised lines

	// Senders is how many requests (or Kafka batches) may be in flight.
	// Default 4.
	Senders int
	// Progress receives one line every ProgressEvery (default 1s); nil: none.
	Progress      io.Writer
	ProgressEvery time.Duration
}

// Report is what a run achieved.
type Report struct {
	Sent     int           `json:"sent"`     // lines the target accepted
	Failed   int           `json:"failed"`   // lines in requests or batches that failed
	Received int           `json:"received"` // of the sent lines, how many came back on the stream
	Lost     int           `json:"lost"`     // sent but not seen on the stream by the end of the drain
	Elapsed  time.Duration `json:"elapsed_ns"`
	Rate     float64       `json:"rate"` // achieved lines/s over the sending phase
	P50      time.Duration `json:"p50_ns"`
	P95      time.Duration `json:"p95_ns"`
	P99      time.Duration `json:"p99_ns"`
	Max      time.Duration `json:"max_ns"`
}

func (r Report) String() string {
	s := fmt.Sprintf("sent %d lines in %s (%.1f lines/s), %d failed", r.Sent, r.Elapsed.Round(time.Millisecond), r.Rate, r.Failed)
	if r.Received > 0 || r.Lost > 0 {
		s += fmt.Sprintf("; end-to-end latency over %d lines: p50 %s p95 %s p99 %s max %s; %d not seen on the stream",
			r.Received, ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), r.Lost)
	}
	return s
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + "ms" }

// Validate reports a configuration Run would refuse.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

func (c Config) withDefaults() (Config, error) {
	if (c.IngestURL == "") == (len(c.Brokers) == 0) {
		return c, errors.New("loadgen: give exactly one target: an ingest URL or Kafka brokers")
	}
	if len(c.Brokers) > 0 && c.Topic == "" {
		return c, errors.New("loadgen: Kafka target without a topic")
	}
	if c.Rate <= 0 || math.IsInf(c.Rate, 0) || math.IsNaN(c.Rate) {
		return c, fmt.Errorf("loadgen: rate %v must be a positive number of lines per second", c.Rate)
	}
	if c.Duration <= 0 && c.Count <= 0 {
		return c, errors.New("loadgen: the run needs a bound: a duration or a count")
	}
	if c.Drain <= 0 {
		c.Drain = 15 * time.Second
	}
	if c.Service == "" {
		c.Service = "loadgen"
	}
	if c.Senders <= 0 {
		c.Senders = 4
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = time.Second
	}
	c.IngestURL = strings.TrimRight(c.IngestURL, "/")
	c.GatewayURL = strings.TrimRight(c.GatewayURL, "/")
	return c, nil
}

// batch is lines sent together, with their ids.
type batch struct {
	ids   []string
	lines []Line
}

// tracker holds the send time of every line not yet seen on the stream.
type tracker struct {
	mu        sync.Mutex
	pending   map[string]time.Time
	latencies []time.Duration
	recent    []time.Duration // since the last progress line
	sent      int
	failed    int
}

func (t *tracker) sending(ids []string, at time.Time) {
	t.mu.Lock()
	for _, id := range ids {
		t.pending[id] = at
	}
	t.mu.Unlock()
}

func (t *tracker) result(ids []string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err == nil {
		t.sent += len(ids)
		return
	}
	t.failed += len(ids)
	for _, id := range ids {
		delete(t.pending, id)
	}
}

func (t *tracker) seen(id string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if sent, ok := t.pending[id]; ok {
		delete(t.pending, id)
		d := at.Sub(sent)
		t.latencies = append(t.latencies, d)
		t.recent = append(t.recent, d)
	}
}

func (t *tracker) inFlight() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pending)
}

// Percentile returns the p-th percentile (0..100) of sorted durations, by
// the nearest-rank method.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

// Run sends lines until the count or duration is reached (or ctx is done),
// waits up to Drain for them on the stream and reports.
func Run(ctx context.Context, cfg Config, logger *slog.Logger) (Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Report{}, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var src source
	if len(cfg.Files) > 0 {
		if src, err = loadFiles(cfg.Files, cfg.Service, 1<<20); err != nil {
			return Report{}, err
		}
	} else {
		src = &synthSource{r: mrand.New(mrand.NewPCG(cfg.Seed, 0x6c6f6773))}
	}
	send, closeTarget, err := newTarget(cfg)
	if err != nil {
		return Report{}, err
	}
	defer closeTarget()

	tr := &tracker{pending: map[string]time.Time{}}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var subDone chan error
	if cfg.GatewayURL != "" {
		live := make(chan struct{})
		subDone = make(chan error, 1)
		go func() { subDone <- subscribe(runCtx, cfg, tr, live) }()
		// Lines sent before the subscription is live would never be seen.
		select {
		case <-live:
		case err := <-subDone:
			return Report{}, fmt.Errorf("loadgen: gateway %s: %w", cfg.GatewayURL, err)
		case <-time.After(30 * time.Second):
			return Report{}, fmt.Errorf("loadgen: gateway %s: not live after 30s", cfg.GatewayURL)
		case <-ctx.Done():
			return Report{}, ctx.Err()
		}
	}

	runID := make([]byte, 4)
	_, _ = rand.Read(runID)
	prefix := "lg" + hex.EncodeToString(runID) + "-"

	batches := make(chan batch, cfg.Senders)
	var wg sync.WaitGroup
	for range cfg.Senders {
		wg.Go(func() {
			for b := range batches {
				tr.sending(b.ids, time.Now())
				err := send(ctx, b)
				if err != nil {
					logger.Warn("loadgen: send failed", "lines", len(b.ids), "err", err)
				}
				tr.result(b.ids, err)
			}
		})
	}

	start := time.Now()
	stopProgress := progress(cfg, tr, start)
	// Pacing: every tick, send what the target rate says is due by now. A
	// tick is at most 1/20 s of lines, so a batch stays small at any rate.
	tick := time.NewTicker(10 * time.Millisecond)
	n := 0
	maxBatch := max(1, int(cfg.Rate/20))
dispatch:
	for {
		if cfg.Count > 0 && n >= cfg.Count {
			break
		}
		el := time.Since(start)
		if cfg.Duration > 0 && el >= cfg.Duration {
			break
		}
		due := int(cfg.Rate*el.Seconds()) + 1 - n
		if cfg.Count > 0 {
			due = min(due, cfg.Count-n)
		}
		for due > 0 {
			k := min(due, maxBatch)
			b := batch{ids: make([]string, k), lines: make([]Line, k)}
			for i := range k {
				b.ids[i] = prefix + strconv.Itoa(n+i)
				b.lines[i] = src.next()
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				break dispatch
			}
			n += k
			due -= k
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			break dispatch
		}
	}
	tick.Stop()
	close(batches)
	wg.Wait()
	elapsed := time.Since(start)

	if cfg.GatewayURL != "" {
		deadline := time.Now().Add(cfg.Drain)
		for tr.inFlight() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
	}
	stopProgress()
	cancel()
	if subDone != nil {
		<-subDone
	}

	tr.mu.Lock()
	defer tr.mu.Unlock()
	lat := slices.Clone(tr.latencies)
	slices.Sort(lat)
	r := Report{
		Sent: tr.sent, Failed: tr.failed, Received: len(lat), Elapsed: elapsed,
		Rate: float64(tr.sent) / elapsed.Seconds(),
		P50:  Percentile(lat, 50), P95: Percentile(lat, 95), P99: Percentile(lat, 99), Max: Percentile(lat, 100),
	}
	if cfg.GatewayURL != "" {
		r.Lost = len(tr.pending)
	}
	return r, ctx.Err()
}

// progress prints one line per interval until the returned func is called.
func progress(cfg Config, tr *tracker, start time.Time) (stop func()) {
	if cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(cfg.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			tr.mu.Lock()
			recent := slices.Clone(tr.recent)
			tr.recent = tr.recent[:0]
			sent, failed, pending, recv := tr.sent, tr.failed, len(tr.pending), len(tr.latencies)
			tr.mu.Unlock()
			slices.Sort(recent)
			el := time.Since(start)
			line := fmt.Sprintf("loadgen %6.1fs  sent %d (%.1f/s)  failed %d", el.Seconds(), sent, float64(sent)/el.Seconds(), failed)
			if cfg.GatewayURL != "" {
				line += fmt.Sprintf("  received %d  in flight %d  last %s: p50 %s p99 %s", recv, pending,
					cfg.ProgressEvery, ms(Percentile(recent, 50)), ms(Percentile(recent, 99)))
			}
			fmt.Fprintln(cfg.Progress, line)
		}
	})
	return func() { close(done); wg.Wait() }
}

type sendFunc func(ctx context.Context, b batch) error

func newTarget(cfg Config) (sendFunc, func(), error) {
	if cfg.IngestURL != "" {
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Senders * 2}}
		return func(ctx context.Context, b batch) error {
			var body bytes.Buffer
			enc := json.NewEncoder(&body)
			for i, l := range b.lines {
				_ = enc.Encode(schemas.LogEvent{Message: l.Message, Service: l.Service, ID: b.ids[i]})
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.IngestURL+"/v1/logs", &body)
			if err != nil {
				return err
			}
			req.Header.Set("Content-Type", "application/x-ndjson")
			if cfg.APIKey != "" {
				req.Header.Set("Authorization", "Bearer "+cfg.APIKey)
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			if resp.StatusCode != http.StatusAccepted {
				return fmt.Errorf("ingest answered %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
			}
			return nil
		}, client.CloseIdleConnections, nil
	}
	w := broker.NewWriter(broker.Config{Brokers: cfg.Brokers, ClientID: "logsift-loadgen"}, cfg.Topic)
	return func(ctx context.Context, b batch) error {
		msgs := make([]kafka.Message, len(b.lines))
		for i, l := range b.lines {
			v, err := json.Marshal(schemas.LogEvent{Message: l.Message, Service: l.Service, ID: b.ids[i]})
			if err != nil {
				return err
			}
			msgs[i] = kafka.Message{Key: []byte(l.Service), Value: v}
		}
		return w.WriteMessages(ctx, msgs...)
	}, func() { _ = w.Close() }, nil
}

// subscribe reads the gateway's stream, closing live at its ": live"
// comment, and hands every event's LogEvent id to the tracker.
func subscribe(ctx context.Context, cfg Config, tr *tracker, live chan<- struct{}) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.GatewayURL+"/v1/stream", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	if cfg.GatewayToken != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.GatewayToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%d %s", resp.StatusCode, bytes.TrimSpace(b))
	}
	rd := bufio.NewReaderSize(resp.Body, 1<<16)
	var data []byte
	isLive := false
	for {
		line, err := rd.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// An event longer than the buffer: keep its start, which holds
			// no id we need if it is that long; skip the rest.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = rd.ReadSlice('\n')
			}
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if len(data) > 0 {
				var ev struct {
					ID string `json:"id"`
				}
				if json.Unmarshal(data, &ev) == nil && ev.ID != "" {
					tr.seen(ev.ID, time.Now())
				}
				data = data[:0]
			}
		case bytes.HasPrefix(line, []byte("data:")):
			data = append(data, bytes.TrimPrefix(bytes.TrimPrefix(line, []byte("data:")), []byte(" "))...)
		case bytes.Equal(line, []byte(": live")) && !isLive:
			isLive = true
			close(live)
		}
	}
}
