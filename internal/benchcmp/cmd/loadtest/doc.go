// Command loadtest puts a real Prosody or ejabberd on loopback under the
// load of many protoxmpp client sessions and reports what it measured.
//
// It starts a throwaway server (-server prosody, the default, with
// internal/prosodytest; -server ejabberd with internal/ejabberdtest),
// creates N accounts (Prosody: by default through its admin console, one
// prosodyctl shell per 500 accounts, about 200 a second, while one
// "prosodyctl adduser" each takes about 0.08 s; ejabberd: through its HTTP
// API, -register-parallel at once, about 130 a second), then logs N sessions in (STARTTLS, SASL,
// resource binding, roster fetch, initial presence; -parallel at once),
// and has each session send M chat messages to the next one. It reports:
//
//   - logins per second and the per-login time;
//   - the Go heap per idle logged-in session: runtime.MemStats.HeapAlloc
//     after garbage collection with every session logged in and idle,
//     minus the same before the first session, divided by N. It includes
//     everything the sessions keep on the heap (client, stream engine,
//     TLS state, buffers, roster and presence caches, the handler closure
//     of the run, a few dozen bytes); goroutine stacks are not heap and are
//     reported apart, with the goroutines per session; the run's own
//     bookkeeping is allocated before the baseline and does not count;
//   - messages per second, from the first send to the last receipt, and
//     the send-to-receive latency percentiles (p50, p90, p99, max);
//   - the messages sent, received, duplicated and stray, and the CPU time
//     of the clients and of the server in each phase.
//
// Every message sent must be received exactly once, from the expected
// sender, with the expected body: anything else, a session that fails or
// ends, or the -timeout passing, makes it exit with status 1.
//
// With -mellium it also logs N mellium.im/xmpp sessions in the way that
// library documents and measures their heap per idle session the same way.
// -cpuprofile writes a CPU profile of the client side (logins and
// messages); -memprofile a heap profile of the idle sessions.
//
// Usage:
//
//	cd internal/benchcmp
//	go run ./cmd/loadtest -n 50 -m 10
//	go run ./cmd/loadtest -cpuprofile cpu.pprof && go tool pprof -top cpu.pprof
//
// Messages are sent back to back unless -interval paces them, so by
// default the latency measures the queue in front of Prosody, which
// handles everything on one core; pace the sessions to see the latency
// of an unloaded server.
package main
