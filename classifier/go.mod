module github.com/logsift/logsift/classifier

go 1.26.0

require (
	github.com/logsift/logsift/platform v0.0.0-00010101000000-000000000000
	github.com/logsift/logsift/schemas v0.0.0-00010101000000-000000000000
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.12.0 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/pierrec/lz4/v4 v4.1.33 // indirect
	github.com/prometheus/client_golang v1.23.2 // indirect
	github.com/segmentio/kafka-go v0.4.51 // indirect
	golang.org/x/text v0.41.0 // indirect
)

replace (
	github.com/logsift/logsift/platform => ../platform
	github.com/logsift/logsift/schemas => ../schemas
)
