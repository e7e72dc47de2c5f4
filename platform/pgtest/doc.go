// Package pgtest gives tests a real, empty PostgreSQL database.
//
// The first call to URL in a test binary starts one throwaway cluster
// (pgcluster) shared by every test of that binary; each call then creates a
// fresh database in it and drops it when the test ends, so tests can run in
// parallel without seeing each other's tables. Call Main from TestMain to
// stop the cluster when the tests are done.
//
// Without PostgreSQL server binaries, URL skips the test with the reason,
// except under CI=true, where it fails: CI must never pass by skipping.
// PG_BIN names the binaries' directory when they are not found by search.
package pgtest
