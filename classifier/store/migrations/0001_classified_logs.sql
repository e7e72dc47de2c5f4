-- classified_logs: one row per classified log line, partitioned by day on ts.
-- The primary key is the record's source position; it must include ts because
-- a partitioned table's unique keys must contain the partition key. A
-- redelivered record carries the same ts (its own or its Kafka timestamp), so
-- it still collides with its first row.
CREATE TABLE classified_logs (
    ts            timestamptz NOT NULL,
    service       text        NOT NULL,
    host          text        NOT NULL DEFAULT '',
    level         text        NOT NULL DEFAULT '',
    message       text        NOT NULL,
    template      text        NOT NULL,
    severity      text        NOT NULL,
    category      text        NOT NULL,
    component     text        NOT NULL DEFAULT '',
    confidence    real        NOT NULL DEFAULT 0,
    labels        jsonb,
    model         text        NOT NULL,
    cached        boolean     NOT NULL DEFAULT false,
    attrs         jsonb,
    event_id      text,
    src_topic     text        NOT NULL,
    src_partition integer     NOT NULL,
    src_offset    bigint      NOT NULL,
    classified_at timestamptz NOT NULL,
    PRIMARY KEY (ts, src_topic, src_partition, src_offset)
) PARTITION BY RANGE (ts);

-- Rows whose day has no partition (far future, long past) land here instead
-- of failing the batch. Creating a day partition later moves its rows out.
CREATE TABLE classified_logs_default PARTITION OF classified_logs DEFAULT;

-- Dashboard: newest first, optionally filtered by one label or service.
CREATE INDEX classified_logs_ts_idx       ON classified_logs (ts DESC);
CREATE INDEX classified_logs_severity_idx ON classified_logs (severity, ts DESC);
CREATE INDEX classified_logs_category_idx ON classified_logs (category, ts DESC);
CREATE INDEX classified_logs_service_idx  ON classified_logs (service, ts DESC);
