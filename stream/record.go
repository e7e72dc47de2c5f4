package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/logsift/logsift/schemas"
)

// entry is one classified record as the gateway keeps it: the fields filters
// look at, and the JSON line sent as the event's data.
type entry struct {
	partition    int32
	offset       int64
	rank         int // schemas.SeverityRank; -1 for a severity outside the taxonomy
	category     string
	service      string
	classifiedAt time.Time
	data         []byte // one line of JSON
}

// decodeRecord checks that value is a ClassifiedLog and builds its entry. key
// is the record key, the service when the value names none.
func decodeRecord(partition int32, offset int64, key, value []byte) (*entry, error) {
	var cl schemas.ClassifiedLog
	if err := json.Unmarshal(value, &cl); err != nil {
		return nil, fmt.Errorf("partition %d offset %d: not a ClassifiedLog: %w", partition, offset, err)
	}
	if cl.Message == "" {
		return nil, fmt.Errorf("partition %d offset %d: ClassifiedLog without message", partition, offset)
	}
	svc := cl.Service
	if svc == "" {
		svc = string(key)
	}
	// SSE ends a data field at a newline, so the event data must be one line.
	// Producers write compact JSON; anything else is compacted (a JSON string
	// cannot hold a raw newline, so this removes every one). The record's own
	// bytes are passed through otherwise, keeping fields this version of the
	// schema does not know.
	data := value
	if bytes.ContainsAny(value, "\r\n") {
		var buf bytes.Buffer
		if err := json.Compact(&buf, value); err != nil {
			return nil, fmt.Errorf("BUG: compact valid JSON: %w", err)
		}
		data = buf.Bytes()
	}
	return &entry{
		partition:    partition,
		offset:       offset,
		rank:         schemas.SeverityRank(cl.Severity),
		category:     cl.Category,
		service:      svc,
		classifiedAt: cl.ClassifiedAt,
		data:         data,
	}, nil
}
