package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// percentiles summarizes a set of durations.
type percentiles struct {
	N                  int
	P50, P90, P99, Max time.Duration
}

// percentilesOf sorts d in place and returns its nearest-rank
// percentiles: the p-th percentile is the smallest value with at least p%
// of the values at or below it.
func percentilesOf(d []time.Duration) percentiles {
	if len(d) == 0 {
		return percentiles{}
	}
	slices.Sort(d)
	rank := func(p int) time.Duration {
		i := (p*len(d) + 99) / 100 // ceil(p/100 * n), 1-based
		return d[max(i, 1)-1]
	}
	return percentiles{N: len(d), P50: rank(50), P90: rank(90), P99: rank(99), Max: d[len(d)-1]}
}

func (p percentiles) String() string {
	return fmt.Sprintf("p50 %v  p90 %v  p99 %v  max %v  (n=%d)", round(p.P50), round(p.P90), round(p.P99), round(p.Max), p.N)
}

// round keeps durations readable: microseconds below 10 ms, then
// milliseconds... as time.Duration prints them.
func round(d time.Duration) time.Duration {
	switch {
	case d < 10*time.Millisecond:
		return d.Round(time.Microsecond)
	case d < 10*time.Second:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// rate is count per second over d, 0 when d is not positive.
func rate(count int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(count) / d.Seconds()
}

// memory is what the idle sessions hold, from runtime.MemStats taken after
// a garbage collection before the sessions existed and with them idle.
type memory struct {
	Sessions             int
	HeapBytes            int64 // HeapAlloc difference
	StackBytes           int64 // StackInuse difference
	Goroutines           int   // runtime.NumGoroutine difference
	HeapObjects          int64 // HeapObjects difference
	HeapPerSession       float64
	StackPerSession      float64
	GoroutinesPerSession float64
}

// perSession divides the differences by the number of sessions.
func perSession(sessions int, heapBefore, heapAfter, stackBefore, stackAfter uint64, objBefore, objAfter uint64, gBefore, gAfter int) memory {
	m := memory{
		Sessions:    sessions,
		HeapBytes:   int64(heapAfter) - int64(heapBefore),
		StackBytes:  int64(stackAfter) - int64(stackBefore),
		HeapObjects: int64(objAfter) - int64(objBefore),
		Goroutines:  gAfter - gBefore,
	}
	if sessions > 0 {
		m.HeapPerSession = float64(m.HeapBytes) / float64(sessions)
		m.StackPerSession = float64(m.StackBytes) / float64(sessions)
		m.GoroutinesPerSession = float64(m.Goroutines) / float64(sessions)
	}
	return m
}

// phaseCPU is the CPU time used during a phase by this process (the
// clients) and by the server; Server is -1 when unknown.
type phaseCPU struct {
	Client, Server time.Duration
	ServerName     string // "Prosody", "ejabberd"
}

func (p phaseCPU) String() string {
	srv := "unknown"
	if p.Server >= 0 {
		srv = round(p.Server).String()
	}
	name := p.ServerName
	if name == "" {
		name = "server"
	}
	return fmt.Sprintf("CPU: clients %v, %s %v", round(p.Client), name, srv)
}

// report is what one run measured.
type report struct {
	Sessions, PerSession int // N and M

	Register       time.Duration
	RegisterMethod string

	Login        time.Duration // all sessions logged in, roster fetched, presence sent
	LoginLatency percentiles   // per session: dial to presence sent
	LoginCPU     phaseCPU
	Memory       memory
	MelliumMem   *memory // when measured

	Messages          time.Duration // first send to last receive
	SendDone          time.Duration // first send to the last Send returning
	MessageCPU        phaseCPU
	Sent, Received    int64
	Duplicates, Stray int64
	Latency           percentiles // send to receive
}

// lost is the number of messages sent and not received.
func (r *report) lost() int64 { return r.Sent - r.Received }

// write prints the report for people.
func (r *report) write(w io.Writer) {
	fmt.Fprintf(w, "sessions %d, messages per session %d\n", r.Sessions, r.PerSession)
	fmt.Fprintf(w, "register   %d accounts in %v (%.0f/s, %s)\n", r.Sessions, round(r.Register), rate(r.Sessions, r.Register), r.RegisterMethod)
	fmt.Fprintf(w, "login      %d sessions in %v: %.1f logins/s (TLS, SASL, bind, roster, presence)\n", r.Sessions, round(r.Login), rate(r.Sessions, r.Login))
	fmt.Fprintf(w, "           per login %v\n", r.LoginLatency)
	fmt.Fprintf(w, "           %v\n", r.LoginCPU)
	writeMem(w, "idle", r.Memory)
	if r.MelliumMem != nil {
		writeMem(w, "mellium", *r.MelliumMem)
	}
	fmt.Fprintf(w, "messages   sent %d, received %d, lost %d, duplicates %d, stray %d\n", r.Sent, r.Received, r.lost(), r.Duplicates, r.Stray)
	fmt.Fprintf(w, "           %v: %.0f messages/s (all sends returned after %v)\n", round(r.Messages), rate(int(r.Received), r.Messages), round(r.SendDone))
	fmt.Fprintf(w, "           %v\n", r.MessageCPU)
	fmt.Fprintf(w, "latency    %v\n", r.Latency)
}

func writeMem(w io.Writer, label string, m memory) {
	fmt.Fprintf(w, "%-10s Go heap %.1f KiB per session (%d objects), stacks %.1f KiB, %.1f goroutines per session (%d sessions)\n",
		label, m.HeapPerSession/1024, m.HeapObjects/int64(max(m.Sessions, 1)), m.StackPerSession/1024, m.GoroutinesPerSession, m.Sessions)
}
