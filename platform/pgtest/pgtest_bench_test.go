package pgtest

import "testing"

// BenchmarkURL measures what each test pays for its own database (the shared
// cluster's start-up is excluded: it happens before the timer starts).
func BenchmarkURL(b *testing.B) {
	URL(b) // start the cluster
	b.ReportAllocs()
	for b.Loop() {
		URL(b)
	}
}
