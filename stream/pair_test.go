package stream_test

import (
	"bytes"
	"errors"
	"github.com/protoxmpp/protoxmpp/jid"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/stanza"
	_ "github.com/protoxmpp/protoxmpp/stanza/all" // every element typed
	"github.com/protoxmpp/protoxmpp/stanza/bind"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/session"
	"github.com/protoxmpp/protoxmpp/stanza/starttls"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// TestPair runs a client Stream against a server Stream in memory through
// STARTTLS, SASL, bind and a message exchange, with bytes delivered whole
// and one at a time.
func TestPair(t *testing.T) {
	cases := []struct {
		name  string
		mech  func() stream.Mechanism
		chunk int // 0: whole
	}{
		{"plain", func() stream.Mechanism { return stream.Plain("", "juliet", "r0m30") }, 0},
		{"plain bytewise", func() stream.Mechanism { return stream.Plain("", "juliet", "r0m30") }, 1},
		{"challenge mechanism", func() stream.Mechanism { return &echoMech{} }, 0},
		{"challenge mechanism 3-byte chunks", func() stream.Mechanism { return &echoMech{} }, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := stream.New(stream.Config{})
			srv := stream.New(serverConfig())
			var clLog, srvLog []string
			var tlsDone bool
			var got *xmpp.Message
			mech := c.mech()
			if err := cl.Open(stream.Header{To: "example.com", Lang: "en"}); err != nil {
				t.Fatal(err)
			}
			deliver := func(to *stream.Stream, b []byte) {
				if c.chunk == 0 {
					to.Feed(b)
					return
				}
				for len(b) > 0 {
					n := min(c.chunk, len(b))
					to.Feed(b[:n])
					b = b[n:]
				}
			}
			for round := 0; round < 50; round++ {
				co, so := cl.Output(), srv.Output()
				if len(co) == 0 && len(so) == 0 {
					break
				}
				deliver(srv, bytes.Clone(co))
				deliver(cl, bytes.Clone(so))
				for ev := srv.Next(); ev.Kind != stream.EventNone; ev = srv.Next() {
					srvLog = append(srvLog, summary(ev))
					switch ev.Kind {
					case stream.EventOpen:
						srv.Open(stream.Header{From: "example.com", ID: "s1"})
						switch {
						case !tlsDone:
							srv.SendFeatures(&streams.Features{Any: []stanza.Element{&starttls.Starttls{Required: true}}})
						case !srv.Authenticated():
							srv.SendFeatures(&streams.Features{Any: []stanza.Element{&sasl.Mechanisms{Mechanism: []string{"PLAIN", "X-ECHO"}}}})
						default:
							srv.SendFeatures(&streams.Features{Any: []stanza.Element{&bind.Bind{}, &session.Session{Optional: true}}})
						}
					case stream.EventNegotiated:
						if ev.Step == stream.StepTLS || ev.Step == stream.StepSASL {
							tlsDone = true
							srv.Restart()
						}
					case stream.EventElement:
						if m, ok := ev.Element.(*xmpp.Message); ok {
							srv.Send(&xmpp.Message{To: m.From, From: m.To, Type: m.Type, Body: []xmpp.Body{{Value: "re: " + m.Body[0].Value}}})
						}
					}
				}
				for ev := cl.Next(); ev.Kind != stream.EventNone; ev = cl.Next() {
					clLog = append(clLog, summary(ev))
					switch ev.Kind {
					case stream.EventFeatures:
						for _, f := range ev.Features.Any {
							switch f.(type) {
							case *starttls.Starttls:
								cl.StartTLS()
							case *sasl.Mechanisms:
								cl.Authenticate(mech)
							case *bind.Bind:
								cl.Bind("balcony")
							}
						}
					case stream.EventNegotiated:
						switch ev.Step {
						case stream.StepTLS:
							if len(cl.Buffered()) != 0 {
								t.Fatalf("bytes buffered at the TLS switch: %q", cl.Buffered())
							}
							cl.Restart()
						case stream.StepSASL:
							cl.Restart()
						case stream.StepBind:
							cl.Send(&xmpp.Message{From: jid.Raw(ev.JID), To: jid.Raw("romeo@example.net"), Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: "wherefore"}}})
						}
					case stream.EventElement:
						if m, ok := ev.Element.(*xmpp.Message); ok {
							got = m
							cl.Close()
						}
					}
				}
			}
			open := `open from="" to="example.com" id="" version="1.0" lang="en" ns="jabber:client"`
			sopen := `open from="example.com" to="" id="s1" version="1.0" lang="" ns="jabber:client"`
			wantSrv := []string{open, "negotiated tls ", open, "negotiated sasl " + mech.Name(), open, "negotiated bind juliet@example.com/balcony",
				`element *xmpp.Message <message xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net' type='chat'><body>wherefore</body></message>`,
				"EventClose"}
			if diff := cmp.Diff(wantSrv, srvLog); diff != "" {
				t.Errorf("server events (-want +got):\n%s", diff)
			}
			wantCl := []string{sopen,
				`features <features xmlns='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></features>`,
				"negotiated tls ", sopen,
				`features <features xmlns='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>X-ECHO</mechanism></mechanisms></features>`,
				"negotiated sasl " + mech.Name(), sopen,
				`features <features xmlns='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session></features>`,
				"negotiated bind juliet@example.com/balcony",
				`element *xmpp.Message <message xmlns='jabber:client' from='romeo@example.net' to='juliet@example.com/balcony' type='chat'><body>re: wherefore</body></message>`,
				"EventClose"}
			if diff := cmp.Diff(wantCl, clLog); diff != "" {
				t.Errorf("client events (-want +got):\n%s", diff)
			}
			if got == nil || got.Body[0].Value != "re: wherefore" {
				t.Errorf("reply %+v", got)
			}
			if !cl.Done() || !srv.Done() || cl.Err() != nil || srv.Err() != nil {
				t.Errorf("not cleanly closed: client %v %v, server %v %v", cl.Done(), cl.Err(), srv.Done(), srv.Err())
			}
		})
	}
}

var chunkRE = regexp.MustCompile(`(?m)^<!-- (C->S|S->C) [^>]*-->\n`)

// transcriptStreams splits a transcript into the server-to-client byte
// streams, one per stream restart (after proceed and success).
func transcriptStreams(data []byte) [][]byte {
	idx := chunkRE.FindAllSubmatchIndex(data, -1)
	var all []byte
	for i, m := range idx {
		end := len(data)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		if string(data[m[2]:m[3]]) != "S->C" {
			continue
		}
		chunk := data[m[1]:end]
		// Drop the separator newline and any trailing "### STEP" comments.
		if j := bytes.Index(chunk, []byte("\n<!--")); j >= 0 {
			chunk = chunk[:j+1]
		}
		all = append(all, bytes.TrimSuffix(chunk, []byte("\n"))...)
	}
	// A new stream starts at each XML declaration.
	var out [][]byte
	for len(all) > 0 {
		next := bytes.Index(all[1:], []byte("<?xml"))
		if next < 0 {
			out = append(out, all)
			break
		}
		out = append(out, all[:next+1])
		all = all[next+1:]
	}
	return out
}

// TestTranscripts replays the server-to-client side of real Prosody
// sessions through a client Stream, each stream fed byte by byte and whole.
func TestTranscripts(t *testing.T) {
	files, _ := filepath.Glob("../../shared/transcripts/prosody*.xml")
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no transcripts in ../../shared/transcripts")
		}
		t.Skip("no transcripts in ../../shared/transcripts")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			parts := transcriptStreams(data)
			if len(parts) == 0 {
				t.Fatal("no server streams found")
			}
			var feats, typed, raw, closes int
			for i, p := range parts {
				for _, bytewiseFeed := range []bool{false, true} {
					s := stream.New(stream.Config{})
					s.Open(stream.Header{To: "localhost"})
					var evs []stream.Event
					if bytewiseFeed {
						for j := range p {
							s.Feed(p[j : j+1])
							for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
								evs = append(evs, ev)
							}
						}
					} else {
						s.Feed(p)
						for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
							evs = append(evs, ev)
						}
					}
					if len(evs) == 0 || evs[0].Kind != stream.EventOpen {
						t.Fatalf("stream %d: no header event", i)
					}
					for _, ev := range evs {
						switch ev.Kind {
						case stream.EventError, stream.EventStreamError, stream.EventStepFailed:
							t.Fatalf("stream %d: %v: %v", i, ev.Kind, ev.Err)
						case stream.EventFeatures:
							if !bytewiseFeed {
								feats++
							}
							for _, c := range ev.Features.Any {
								// No schema in schemas/ covers these two (XEP-0077, XEP-0198 v2).
								if x, isRaw := c.(*stanza.RawElement); isRaw && x.Name.Space != "http://jabber.org/features/iq-register" && x.Name.Space != "urn:xmpp:sm:2" {
									t.Errorf("stream %d: feature kept raw: %s (%v)", i, x.XML, x.Err)
								}
							}
							if len(ev.Features.Any) == 0 {
								t.Errorf("stream %d: empty features", i)
							}
						case stream.EventElement:
							if bytewiseFeed {
								continue
							}
							switch x := ev.Element.(type) {
							case *xmpp.Message, *xmpp.Presence, *xmpp.IQ, *starttls.Proceed, *sasl.Challenge, *sasl.Success:
								typed++
							case *stanza.RawElement:
								raw++
								t.Errorf("stream %d: element kept raw: %s (%v)", i, x.XML, x.Err)
							default:
								typed++
							}
						case stream.EventClose:
							if !bytewiseFeed {
								closes++
							}
						}
					}
					if s.Err() != nil {
						t.Fatalf("stream %d: %v", i, s.Err())
					}
				}
			}
			t.Logf("%d streams, %d features, %d typed elements, %d raw, %d closes", len(parts), feats, typed, raw, closes)
			if feats == 0 || typed == 0 {
				t.Errorf("features %d, typed elements %d", feats, typed)
			}
		})
	}
}

// FuzzStream feeds arbitrary bytes to a client and a server stream, split in
// two: they must never panic, and end either still in progress or with a
// stream error written.
func FuzzStream(f *testing.F) {
	f.Add([]byte(serverHeader+`<stream:features/><message><body>x</body></message></stream:stream>`), uint(10))
	f.Add([]byte(clientHeader+`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMA==</auth>`), uint(3))
	f.Add([]byte(clientHeader+`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><!-- x -->`), uint(0))
	f.Add([]byte(`<stream:stream xmlns:stream='x'/>`), uint(1))
	f.Fuzz(func(t *testing.T, data []byte, cut uint) {
		for _, cfg := range []stream.Config{{}, serverConfig()} {
			s := stream.New(cfg)
			if cfg.Role == stream.Initiating {
				s.Open(stream.Header{To: "example.com"})
			}
			k := int(cut % uint(len(data)+1))
			for _, p := range [][]byte{data[:k], data[k:]} {
				s.Feed(p)
				for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
					switch ev.Kind {
					case stream.EventOpen:
						if cfg.Role == stream.Receiving {
							s.Open(stream.Header{From: "example.com", ID: "x"})
							s.SendFeatures(&streams.Features{Any: []stanza.Element{&starttls.Starttls{}, &sasl.Mechanisms{Mechanism: []string{"PLAIN"}}, &bind.Bind{}}})
						}
					case stream.EventError:
						var se *stream.Error
						if !errors.As(ev.Err, &se) {
							t.Fatalf("EventError without *stream.Error: %v", ev.Err)
						}
						if !strings.Contains(string(s.Output()), "<stream:error><"+string(se.Condition)) {
							t.Fatalf("no stream error written for %v", ev.Err)
						}
					}
				}
			}
			if s.Done() && s.Err() == nil && !s.Closed() {
				t.Fatal("stream done without our closing tag")
			}
		}
	})
}
