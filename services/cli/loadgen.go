package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/logsift/logsift/platform/config"
	"github.com/logsift/logsift/services/app"
	"github.com/logsift/logsift/services/loadgen"
)

func runLoadgen(ctx context.Context, args []string, s *stdio) int {
	fs := config.NewFlagSet("loadgen", "logsift loadgen: replays JSONL/text files or synthesises lines at a target rate to ingest (or Kafka), "+
		"watches the gateway's stream and reports the achieved rate and end-to-end latency.")
	var (
		cfg      loadgen.Config
		to       string
		brokers  []string
		topic    string
		format   string
		progress time.Duration
		seed     int64
		lf       logFlags
	)
	fs.String(&to, "to", "http", "where lines go: http (the ingest API) or kafka (the raw topic)")
	fs.String(&cfg.IngestURL, "ingest-url", "http://127.0.0.1:8080", "ingest API base URL (--to http)")
	fs.String(&cfg.APIKey, "api-key", "", "ingest API key, sent as Authorization: Bearer")
	fs.Strings(&brokers, "kafka-brokers", []string{"127.0.0.1:9092"}, "Kafka bootstrap brokers (--to kafka)")
	fs.String(&topic, "raw-topic", app.DefaultTopics.Raw, "topic of incoming log lines (--to kafka)")
	fs.String(&cfg.GatewayURL, "gateway-url", "http://127.0.0.1:8081", "gateway base URL to measure end-to-end latency on (empty: do not measure)")
	fs.String(&cfg.GatewayToken, "gateway-token", "", "gateway token, sent as Authorization: Bearer")
	fs.Float64(&cfg.Rate, "rate", 200, "target lines per second")
	fs.Duration(&cfg.Duration, "duration", 10*time.Second, "how long to send (0: until --count)")
	fs.Int(&cfg.Count, "count", 0, "how many lines to send (0: until --duration)")
	fs.Duration(&cfg.Drain, "drain", 15*time.Second, "how long to wait for the last lines on the stream")
	fs.Strings(&cfg.Files, "file", nil, "JSONL (field raw or message) or text files to replay, comma-separated (none: synthesise)")
	fs.String(&cfg.Service, "service", "loadgen", "service of lines that name none")
	fs.Int64(&seed, "seed", 1, "seed of the synthesised lines")
	fs.Int(&cfg.Senders, "senders", 4, "requests or Kafka batches in flight")
	fs.Duration(&progress, "progress", time.Second, "interval of the progress line on stderr (0: none)")
	fs.String(&format, "format", "text", "report format: text or json")
	lf.register(fs)
	if code, done := parse(fs, args, s); done {
		return code
	}
	switch to {
	case "http":
	case "kafka":
		cfg.IngestURL, cfg.Brokers, cfg.Topic = "", brokers, topic
	default:
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--to %q: want http or kafka", to)})
	}
	if format != "text" && format != "json" {
		return fail(s, &app.ConfigError{Err: fmt.Errorf("--format %q: want text or json", format)})
	}
	if progress > 0 {
		cfg.Progress, cfg.ProgressEvery = s.err, progress
	}
	cfg.Seed = uint64(seed)
	if err := cfg.Validate(); err != nil {
		return fail(s, &app.ConfigError{Err: err})
	}
	logger, err := lf.logger(s)
	if err != nil {
		return fail(s, err)
	}
	ctx, stop := signalContext(ctx)
	defer stop()
	r, err := loadgen.Run(ctx, cfg, logger)
	if err != nil && ctx.Err() == nil {
		return fail(s, err)
	}
	if format == "json" {
		_ = json.NewEncoder(s.out).Encode(r)
	} else {
		fmt.Fprintln(s.out, r)
	}
	if r.Failed > 0 || r.Lost > 0 {
		fmt.Fprintf(s.err, "logsift: %d lines failed to send, %d not seen on the stream\n", r.Failed, r.Lost)
		return 1
	}
	return 0
}
