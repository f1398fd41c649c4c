package main

import (
	"context"
	"errors"
	"github.com/protoxmpp/protoxmpp/jid"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

func TestPercentiles(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		d := make([]time.Duration, len(v))
		for i, x := range v {
			d[i] = time.Duration(x) * time.Millisecond
		}
		return d
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100..1, unsorted
	}
	for _, tc := range []struct {
		name string
		in   []time.Duration
		want percentiles
	}{
		{"empty", nil, percentiles{}},
		{"one", ms(7), percentiles{N: 1, P50: 7 * time.Millisecond, P90: 7 * time.Millisecond, P99: 7 * time.Millisecond, Max: 7 * time.Millisecond}},
		{"1 to 100", ms(hundred...), percentiles{N: 100, P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}},
		{"ten", ms(10, 1, 9, 2, 8, 3, 7, 4, 6, 5), percentiles{N: 10, P50: 5 * time.Millisecond, P90: 9 * time.Millisecond, P99: 10 * time.Millisecond, Max: 10 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, percentilesOf(tc.in)); diff != "" {
				t.Errorf("percentiles (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMsgID(t *testing.T) {
	for _, tc := range []struct {
		id        string
		from, seq int
		ok        bool
	}{
		{msgID(0, 0), 0, 0, true},
		{msgID(999, 99), 999, 99, true},
		{"lt-3", 0, 0, false},
		{"xx-1-2", 0, 0, false},
		{"lt-a-2", 0, 0, false},
		{"", 0, 0, false},
	} {
		from, seq, ok := parseID(tc.id)
		if ok != tc.ok || (ok && (from != tc.from || seq != tc.seq)) {
			t.Errorf("parseID(%q) = %d, %d, %v; want %d, %d, %v", tc.id, from, seq, ok, tc.from, tc.seq, tc.ok)
		}
	}
}

func TestPerSession(t *testing.T) {
	got := perSession(4, 1000, 9000, 100, 4196, 10, 50, 3, 11)
	want := memory{Sessions: 4, HeapBytes: 8000, StackBytes: 4096, HeapObjects: 40, Goroutines: 8, HeapPerSession: 2000, StackPerSession: 1024, GoroutinesPerSession: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("perSession (-want +got):\n%s", diff)
	}
}

func TestLedger(t *testing.T) {
	l := newLedger(3, 2)
	for i := range 3 {
		s := "user" + string(rune('a'+i)) + "@example.com/load"
		l.from[i].Store(&s)
	}
	l.start = time.Now()
	for k := range l.sent {
		l.sent[k].Store(1)
	}
	msg := func(from, seq int) *xmpp.Message {
		return &xmpp.Message{From: jid.Raw(*l.from[from].Load()), Type: xmpp.MessageTypeChat, ID: msgID(from, seq), Body: []xmpp.Body{{Value: msgBody(from, seq)}}}
	}
	l.receive(1, msg(0, 0))
	l.receive(1, msg(0, 0)) // duplicate
	l.receive(2, msg(0, 1)) // wrong receiver
	bad := msg(2, 0)
	bad.Body[0].Value = "changed"
	l.receive(0, bad) // wrong body
	forged := msg(2, 1)
	forged.From = jid.Raw(*l.from[1].Load())
	l.receive(0, forged) // wrong sender address
	if got := [3]int64{l.received.Load(), l.dups.Load(), l.stray.Load()}; got != [3]int64{1, 1, 3} {
		t.Fatalf("received, duplicates, stray = %v; want [1 1 3]", got)
	}
	select {
	case <-l.done:
		t.Fatal("done before every message arrived")
	default:
	}
	l.receive(1, msg(0, 1))
	l.receive(2, msg(1, 0))
	l.receive(2, msg(1, 1))
	l.receive(0, msg(2, 0))
	l.receive(0, msg(2, 1))
	select {
	case <-l.done:
	default:
		t.Fatalf("not done after all %d messages; received %d", 6, l.received.Load())
	}
}

func TestForEach(t *testing.T) {
	t.Run("all, bounded", func(t *testing.T) {
		var in, peak, calls atomic.Int32
		err := forEach(context.Background(), 50, 4, func(i int) error {
			n := in.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			in.Add(-1)
			calls.Add(1)
			return nil
		})
		if err != nil || calls.Load() != 50 || peak.Load() > 4 {
			t.Errorf("err %v, %d calls, peak %d in flight; want nil, 50, at most 4", err, calls.Load(), peak.Load())
		}
	})
	t.Run("stops at an error", func(t *testing.T) {
		boom := errors.New("boom")
		var calls atomic.Int32
		err := forEach(context.Background(), 1000, 1, func(i int) error {
			calls.Add(1)
			if i == 3 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) || calls.Load() > 5 {
			t.Errorf("err %v after %d calls; want boom after about 4", err, calls.Load())
		}
	})
	t.Run("context ended", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := forEach(ctx, 10, 1, func(int) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v; want context.Canceled", err)
		}
	})
}

func TestParseStatCPU(t *testing.T) {
	for _, tc := range []struct {
		name, stat string
		want       time.Duration
		wantErr    bool
	}{
		// utime 250 and stime 50 ticks: 3 s.
		{"plain", "4242 (lua5.4) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 50 0 0 20 0 1 0 100 0 0", 3 * time.Second, false},
		{"spaces and parens in the name", "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 100 0 0", 100 * time.Millisecond, false},
		{"short", "7 (x) R 1 7", 0, true},
		{"no name", "7 x R", 0, true},
		{"not a number", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 seven 3 0", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatCPU([]byte(tc.stat))
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseStatCPU = %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
