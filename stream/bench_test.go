package stream_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/stream"
)

// benchStanzas are stanzas Prosody 0.12 sent in ../shared/transcripts.
var benchStanzas = []string{
	`<presence from='alice@localhost/peercheck' xml:lang='en' id='6d6afc8938b74c4ca0f9c9c7c12e9971'><status>peer_check</status><x xmlns='vcard-temp:x:update'><photo/></x></presence>`,
	`<iq type='set' id='77IbgkXDPl5g'><query xmlns='jabber:iq:roster' ver='1'><item name='Bob' jid='bob@localhost' subscription='none'><group>Friends</group></item></query></iq>`,
	`<message type='chat' to='alice@localhost/peercheck' from='bob@localhost/bot' id='ab12'><body>echo: hello bob &amp; friends</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`,
	`<iq type='result' id='ba4d630c8d6d42e18f1301cdff70357d' from='localhost' to='alice@localhost/peercheck'><query xmlns='jabber:iq:version'><name>Prosody</name><version>0.12.3</version><os>Linux</os></query></iq>`,
	`<iq type='result' id='e3425af80cee4b209537569e84fd0739' from='localhost' to='alice@localhost/peercheck'/>`,
}

// benchStream is a ~10 MB server-to-client stream of mixed stanzas.
func benchStream() ([]byte, int) {
	var b bytes.Buffer
	b.WriteString(serverHeader)
	n := 0
	for b.Len() < 10<<20 {
		b.WriteString(benchStanzas[n%len(benchStanzas)])
		n++
	}
	b.WriteString("</stream:stream>")
	return b.Bytes(), n
}

// BenchmarkStream feeds the stream in 4 KiB chunks to a client Stream
// (typed values for every stanza) and, in the same run, tokenizes it with
// encoding/xml token by token.
//
// protoxmpp_isolated gives each element memory of its own
// (Config.Isolate); protoxmpp_recycled hands each element back with
// Recycle once counted, as an application that does not keep stanzas
// does.
func BenchmarkStream(b *testing.B) {
	data, n := benchStream()
	b.Run("protoxmpp", func(b *testing.B) { benchProtoxmpp(b, data, n, false, false) })
	b.Run("protoxmpp_isolated", func(b *testing.B) { benchProtoxmpp(b, data, n, true, false) })
	b.Run("protoxmpp_recycled", func(b *testing.B) { benchProtoxmpp(b, data, n, false, true) })
	b.Run("encoding-xml-tokens", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			d := xml.NewDecoder(bytes.NewReader(data))
			got, depth := 0, 0
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				switch tok.(type) {
				case xml.StartElement:
					depth++
				case xml.EndElement:
					depth--
					if depth == 1 {
						got++
					}
				}
			}
			if got != n {
				b.Fatalf("got %d stanzas of %d", got, n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "stanzas/s")
	})
}

func benchProtoxmpp(b *testing.B, data []byte, n int, isolate, recycle bool) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if got, err := readStream(stream.Config{Isolate: isolate}, data, recycle); got != n || err != nil {
			b.Fatalf("got %d stanzas of %d, err %v", got, n, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "stanzas/s")
}

// readStream feeds data in 4 KiB chunks to a client Stream of cfg and
// returns how many elements it gave; with recycle, each is handed back
// with Recycle once counted.
func readStream(cfg stream.Config, data []byte, recycle bool) (int, error) {
	s := stream.New(cfg)
	s.Open(stream.Header{To: "localhost"})
	got := 0
	for p := data; len(p) > 0; {
		k := min(4096, len(p))
		s.Feed(p[:k])
		p = p[k:]
		for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
			if ev.Kind == stream.EventElement {
				got++
				if recycle {
					s.Recycle(ev.Element)
				}
			}
		}
	}
	return got, s.Err()
}

// TestStreamAllocs reads a stream of benchStanzas, fed in
// 4 KiB chunks: by default, in place and with values from chunks, at most
// 1.5 allocations per stanza (the speed issue's bound; about 0.2 now),
// where Config.Isolate makes several.
func TestStreamAllocs(t *testing.T) {
	var in strings.Builder
	in.WriteString(serverHeader)
	const n = 2000
	for i := range n {
		in.WriteString(benchStanzas[i%len(benchStanzas)])
	}
	data := []byte(in.String())
	perStanza := func(cfg stream.Config) float64 {
		return testing.AllocsPerRun(3, func() {
			if got, err := readStream(cfg, data, false); got != n || err != nil {
				t.Fatalf("%d stanzas of %d (%v)", got, n, err)
			}
		}) / n
	}
	shared, isolated := perStanza(stream.Config{}), perStanza(stream.Config{Isolate: true})
	t.Logf("allocations per stanza: %.2f by default, %.2f isolated", shared, isolated)
	if shared > 1.5 {
		t.Errorf("%.2f allocations per stanza by default, want at most 1.5", shared)
	}
	if isolated < 2*shared {
		t.Errorf("%.2f allocations per stanza isolated against %.2f by default: isolation shares values", isolated, shared)
	}
}
