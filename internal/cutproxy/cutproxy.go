// Package cutproxy is a fault-injecting TCP proxy for tests: it sits
// between a client and a server on the loopback interface and cuts
// connections, at once (Cut), after a chosen number of bytes in either
// direction (CutAfter), or at seeded random points in time and in the byte
// stream (Random), so that cuts land mid-stanza, between a stanza and its
// acknowledgement, during TLS and during resumption alike. A cut closes
// both sides at once, as a network failure would look to each end (no
// closing tags, no TLS close_notify).
package cutproxy

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// Direction is one way through the proxy.
type Direction uint8

const (
	// Upstream is from the client to the server.
	Upstream Direction = iota
	// Downstream is from the server to the client.
	Downstream
)

// Proxy forwards connections from Addr to a target, cutting them as told.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	conns   map[*pair]struct{}
	refuse  bool
	next    [2]int64 // CutAfter for the next connection, per direction; 0: none
	rnd     *rand.Rand
	rndCfg  RandomConfig
	cuts    int
	accepts int
	closed  bool
	wg      sync.WaitGroup
}

// RandomConfig is a seeded random cutting policy.
type RandomConfig struct {
	// Seed makes the cut points reproducible.
	Seed uint64
	// MeanLife is the mean lifetime of a connection: each is cut after a
	// time drawn from an exponential distribution of that mean. 0: no
	// time-based cuts.
	MeanLife time.Duration
	// MinLife is the shortest lifetime a connection is given, so that
	// some work gets done between cuts.
	MinLife time.Duration
	// EarlyCut is the probability that a new connection is cut within its
	// first EarlyBytes bytes of either direction, that is during TLS,
	// authentication or resumption.
	EarlyCut   float64
	EarlyBytes int64
	// Outage, after a time-based cut, refuses new connections for that
	// long: a longer loss of the network, which outlives a server's
	// resumption time.
	Outage time.Duration
}

// pair is one proxied connection.
type pair struct {
	client, server net.Conn
	budget         [2]int64 // bytes left before the cut, per direction; <0: no limit
	once           sync.Once
	timer          *time.Timer
	dead           bool // cut (guarded by Proxy.mu)
}

// New starts a proxy on a free loopback port forwarding to target, which
// must be a loopback address.
func New(target string) (*Proxy, error) {
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, errors.New("cutproxy: the target must be a loopback address, not " + target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, conns: map[*pair]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's address, for the client to connect to.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cuts returns the number of connections cut so far.
func (p *Proxy) Cuts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

// Accepts returns the number of connections accepted so far.
func (p *Proxy) Accepts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepts
}

// Cut cuts every open connection now.
func (p *Proxy) Cut() {
	p.mu.Lock()
	var ps []*pair
	for c := range p.conns {
		ps = append(ps, c)
	}
	p.mu.Unlock()
	for _, c := range ps {
		p.cut(c)
	}
}

// CutAfter makes the next connection accepted be cut after n bytes have
// gone through it in direction d.
func (p *Proxy) CutAfter(d Direction, n int64) {
	p.mu.Lock()
	p.next[d] = n
	p.mu.Unlock()
}

// Refuse makes the proxy close new connections at once (true) or forward
// them again (false): a longer outage.
func (p *Proxy) Refuse(on bool) {
	p.mu.Lock()
	p.refuse = on
	p.mu.Unlock()
}

// Random turns on seeded random cuts for the connections accepted from
// now on.
func (p *Proxy) Random(cfg RandomConfig) {
	p.mu.Lock()
	p.rndCfg = cfg
	p.rnd = rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	p.mu.Unlock()
}

// StopRandom turns random cuts off for new connections.
func (p *Proxy) StopRandom() {
	p.mu.Lock()
	p.rnd = nil
	p.mu.Unlock()
}

// Close stops the proxy and cuts every connection.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	err := p.ln.Close()
	p.Cut()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.refuse || p.closed {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.accepts++
		pr := &pair{client: c, budget: [2]int64{-1, -1}}
		for d := range pr.budget {
			if p.next[d] > 0 {
				pr.budget[d], p.next[d] = p.next[d], 0
			}
		}
		var life, outage time.Duration
		if r := p.rnd; r != nil {
			outage = p.rndCfg.Outage
			cfg := p.rndCfg
			if cfg.EarlyBytes > 0 && r.Float64() < cfg.EarlyCut {
				pr.budget[r.IntN(2)] = 1 + r.Int64N(cfg.EarlyBytes)
			}
			if cfg.MeanLife > 0 {
				life = cfg.MinLife + time.Duration(r.ExpFloat64()*float64(cfg.MeanLife))
			}
		}
		p.conns[pr] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(1)
		go p.serve(pr, life, outage)
	}
}

func (p *Proxy) serve(pr *pair, life, outage time.Duration) {
	defer p.wg.Done()
	s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		pr.client.Close()
		p.mu.Lock()
		delete(p.conns, pr)
		p.mu.Unlock()
		return
	}
	p.mu.Lock()
	pr.server = s
	dead := pr.dead
	if life > 0 && !dead {
		pr.timer = time.AfterFunc(life, func() {
			if outage > 0 {
				p.Refuse(true)
				time.AfterFunc(outage, func() { p.Refuse(false) })
			}
			p.cut(pr)
		})
	}
	p.mu.Unlock()
	if dead {
		s.Close()
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.copy(pr, Upstream, s, pr.client) }()
	go func() { defer wg.Done(); p.copy(pr, Downstream, pr.client, s) }()
	wg.Wait()
	p.mu.Lock()
	if pr.timer != nil {
		pr.timer.Stop()
	}
	p.mu.Unlock()
	pr.client.Close()
	s.Close()
	p.mu.Lock()
	delete(p.conns, pr)
	p.mu.Unlock()
}

// copy moves bytes one way until an end closes or the budget runs out.
func (p *Proxy) copy(pr *pair, d Direction, dst, src net.Conn) {
	buf := make([]byte, 16<<10)
	left := pr.budget[d]
	for {
		n, err := src.Read(buf)
		if n > 0 {
			cut := false
			if left >= 0 && int64(n) >= left {
				n, cut = int(left), true
			}
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					p.cut(pr)
					return
				}
			}
			if left >= 0 {
				left -= int64(n)
			}
			if cut {
				p.cut(pr)
				return
			}
		}
		if err != nil {
			if err == io.EOF {
				// An orderly end on one side ends the other too.
				if tc, ok := dst.(*net.TCPConn); ok {
					tc.CloseWrite()
				}
				return
			}
			p.cut(pr)
			return
		}
	}
}

// cut closes both sides of pr, once; linger 0 makes it a reset, as a
// broken path looks.
func (p *Proxy) cut(pr *pair) {
	pr.once.Do(func() {
		p.mu.Lock()
		p.cuts++
		pr.dead = true
		server := pr.server
		if pr.timer != nil {
			pr.timer.Stop()
		}
		p.mu.Unlock()
		for _, c := range []net.Conn{pr.client, server} {
			if c == nil {
				continue
			}
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			c.Close()
		}
	})
}
