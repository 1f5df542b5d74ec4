// Package e2e holds the crash, fault and speed tests of synchronisation as a
// whole: the real client store, syncer and resty client against the real
// bureau server over loopback TCP, with processes killed by SIGKILL, a TCP
// proxy that drops, delays and cuts connections, and benchmarks of the whole
// path. It has no non-test code; child processes are re-executions of the
// test binary (see main_test.go).
//
// The package is not called synctest so that it cannot be mistaken for the
// standard library's testing/synctest.
package e2e
