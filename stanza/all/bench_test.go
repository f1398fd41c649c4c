package all_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/caps"
	"github.com/protoxmpp/protoxmpp/stanza/delay"
	"github.com/protoxmpp/protoxmpp/stanza/discoinfo"
	"github.com/protoxmpp/protoxmpp/stanza/roster"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaid"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Hand-tagged encoding/xml structs equivalent to the generated types, for
// the comparison benchmarks: the same fields decoded, nothing skipped.
type (
	xDelay struct {
		From  string `xml:"from,attr"`
		Stamp string `xml:"stamp,attr"`
		Text  string `xml:",chardata"`
	}
	xStanzaID struct {
		ID string `xml:"id,attr"`
		By string `xml:"by,attr"`
	}
	xMessage struct {
		XMLName  xml.Name   `xml:"jabber:client message"`
		Type     string     `xml:"type,attr"`
		Lang     string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		To       string     `xml:"to,attr"`
		From     string     `xml:"from,attr"`
		ID       string     `xml:"id,attr"`
		Body     string     `xml:"jabber:client body"`
		Thread   string     `xml:"jabber:client thread"`
		Active   *struct{}  `xml:"http://jabber.org/protocol/chatstates active"`
		Delay    *xDelay    `xml:"urn:xmpp:delay delay"`
		StanzaID *xStanzaID `xml:"urn:xmpp:sid:0 stanza-id"`
	}
	xCaps struct {
		Hash string `xml:"hash,attr"`
		Node string `xml:"node,attr"`
		Ver  string `xml:"ver,attr"`
	}
	xPresence struct {
		XMLName  xml.Name `xml:"jabber:client presence"`
		From     string   `xml:"from,attr"`
		To       string   `xml:"to,attr"`
		ID       string   `xml:"id,attr"`
		Lang     string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		Show     string   `xml:"jabber:client show"`
		Status   string   `xml:"jabber:client status"`
		Priority int8     `xml:"jabber:client priority"`
		Caps     *xCaps   `xml:"http://jabber.org/protocol/caps c"`
	}
	xRosterItem struct {
		JID          string   `xml:"jid,attr"`
		Name         string   `xml:"name,attr"`
		Subscription string   `xml:"subscription,attr"`
		Groups       []string `xml:"jabber:iq:roster group"`
	}
	xRosterIQ struct {
		XMLName xml.Name `xml:"jabber:client iq"`
		Type    string   `xml:"type,attr"`
		ID      string   `xml:"id,attr"`
		To      string   `xml:"to,attr"`
		Query   struct {
			Ver   string        `xml:"ver,attr"`
			Items []xRosterItem `xml:"jabber:iq:roster item"`
		} `xml:"jabber:iq:roster query"`
	}
	xIdentity struct {
		Category string `xml:"category,attr"`
		Type     string `xml:"type,attr"`
		Name     string `xml:"name,attr"`
	}
	xFeature struct {
		Var string `xml:"var,attr"`
	}
	xDiscoIQ struct {
		XMLName xml.Name `xml:"jabber:client iq"`
		Type    string   `xml:"type,attr"`
		ID      string   `xml:"id,attr"`
		From    string   `xml:"from,attr"`
		To      string   `xml:"to,attr"`
		Query   struct {
			Node       string      `xml:"node,attr"`
			Identities []xIdentity `xml:"http://jabber.org/protocol/disco#info identity"`
			Features   []xFeature  `xml:"http://jabber.org/protocol/disco#info feature"`
		} `xml:"http://jabber.org/protocol/disco#info query"`
	}
)

type benchCase struct {
	name  string
	file  string
	ours  func() stanza.Element
	std   func() any
	check func(t testing.TB, ours stanza.Element, std any) // the two decoded the same
}

var benchCases = []benchCase{
	{"message", "message.xml",
		func() stanza.Element { return new(xmpp.Message) },
		func() any { return new(xMessage) },
		func(t testing.TB, o stanza.Element, s any) {
			m, x := o.(*xmpp.Message), s.(*xMessage)
			if len(m.Body) != 1 || m.Body[0].Value != x.Body || m.Thread == nil || m.Thread.Value != x.Thread || m.To.String() != x.To || string(m.Type) != x.Type {
				t.Fatalf("message: %+v vs %+v", m, x)
			}
			var d *delay.Delay
			var sid *stanzaid.StanzaID
			for _, p := range m.Any {
				switch p := p.(type) {
				case *delay.Delay:
					d = p
				case *stanzaid.StanzaID:
					sid = p
				}
			}
			if d == nil || string(d.Stamp) != x.Delay.Stamp || sid == nil || sid.ID != x.StanzaID.ID || len(m.Any) != 3 {
				t.Fatalf("message payloads: %+v vs %+v", m.Any, x)
			}
		}},
	{"presence", "presence.xml",
		func() stanza.Element { return new(xmpp.Presence) },
		func() any { return new(xPresence) },
		func(t testing.TB, o stanza.Element, s any) {
			p, x := o.(*xmpp.Presence), s.(*xPresence)
			if p.Show == nil || string(*p.Show) != x.Show || p.Priority == nil || *p.Priority != x.Priority || len(p.Status) != 1 || p.Status[0].Value != x.Status {
				t.Fatalf("presence: %+v vs %+v", p, x)
			}
			if len(p.Any) != 1 || p.Any[0].(*caps.C).Ver != x.Caps.Ver {
				t.Fatalf("presence caps: %+v vs %+v", p.Any, x.Caps)
			}
		}},
	{"roster", "roster.xml",
		func() stanza.Element { return new(xmpp.IQ) },
		func() any { return new(xRosterIQ) },
		func(t testing.TB, o stanza.Element, s any) {
			iq, x := o.(*xmpp.IQ), s.(*xRosterIQ)
			q := iq.Any[0].(*roster.Query)
			if len(q.Item) != 100 || len(q.Item) != len(x.Query.Items) || q.Ver != x.Query.Ver {
				t.Fatalf("roster: %d items vs %d", len(q.Item), len(x.Query.Items))
			}
			for i, it := range q.Item {
				xi := x.Query.Items[i]
				if it.JID.String() != xi.JID || it.Name != xi.Name || string(it.Subscription) != xi.Subscription || len(it.Group) != 2 || it.Group[1] != xi.Groups[1] {
					t.Fatalf("roster item %d: %+v vs %+v", i, it, xi)
				}
			}
		}},
	{"discoinfo", "discoinfo.xml",
		func() stanza.Element { return new(xmpp.IQ) },
		func() any { return new(xDiscoIQ) },
		func(t testing.TB, o stanza.Element, s any) {
			iq, x := o.(*xmpp.IQ), s.(*xDiscoIQ)
			q := iq.Any[0].(*discoinfo.Query)
			if len(q.Identity) != 5 || len(q.Feature) != 40 || len(x.Query.Features) != 40 || q.Feature[39].Var != x.Query.Features[39].Var || q.Identity[4].Name != x.Query.Identities[4].Name {
				t.Fatalf("disco: %d/%d vs %d/%d", len(q.Identity), len(q.Feature), len(x.Query.Identities), len(x.Query.Features))
			}
		}},
}

func readBench(t testing.TB, file string) []byte {
	data, err := os.ReadFile(filepath.Join(root, "testdata", "bench", file))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(data)
}

// TestBenchInputsAgree checks that both decoders see the same values in the
// benchmark inputs, so that no variant wins by skipping work.
func TestBenchInputsAgree(t *testing.T) {
	for _, c := range benchCases {
		data := readBench(t, c.file)
		o := c.ours()
		if err := stanza.Unmarshal(data, o); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		s := c.std()
		if err := xml.Unmarshal(data, s); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		c.check(t, o, s)
	}
}

// TestDecodeAllocs pins the allocation counts of decoding into a reused
// value: one copy of the stanza, which every string shares (unescaped
// values included), and nothing else once the value's payloads exist.
func TestDecodeAllocs(t *testing.T) {
	for _, c := range benchCases {
		data := readBench(t, c.file)
		var d stanza.Decoder
		v := c.ours()
		decode := func() {
			d.ResetBytes(data, 0, nil)
			if d.Next() != stanza.StartElement {
				t.Fatal(d.Err())
			}
			if err := v.DecodeXMPP(&d); err != nil {
				t.Fatal(err)
			}
		}
		decode()
		allocs := testing.AllocsPerRun(100, decode)
		t.Logf("%s: %.0f allocations per decode", c.name, allocs)
		if allocs > 1 {
			t.Errorf("%s: %.0f allocations per decode, want 1", c.name, allocs)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, c := range benchCases {
		data := readBench(b, c.file)
		b.Run(c.name+"/protoxmpp", func(b *testing.B) {
			var d stanza.Decoder
			v := c.ours()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				d.ResetBytes(data, 0, nil)
				d.Next()
				if err := v.DecodeXMPP(&d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/encoding_xml", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				v := c.std()
				if err := xml.Unmarshal(data, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, c := range benchCases {
		data := readBench(b, c.file)
		o := c.ours()
		if err := stanza.Unmarshal(data, o); err != nil {
			b.Fatal(err)
		}
		s := c.std()
		if err := xml.Unmarshal(data, s); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/protoxmpp", func(b *testing.B) {
			e := stanza.NewEncoder(nil)
			o.EncodeXMPP(e)
			b.SetBytes(int64(len(e.Bytes())))
			b.ReportAllocs()
			for b.Loop() {
				e.Reset(e.Bytes()[:0])
				o.EncodeXMPP(e)
				if e.Err() != nil {
					b.Fatal(e.Err())
				}
			}
		})
		b.Run(c.name+"/encoding_xml", func(b *testing.B) {
			var buf bytes.Buffer
			enc := xml.NewEncoder(&buf)
			enc.Encode(s)
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := enc.Encode(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidate measures the separate validation step on the decoded
// benchmark stanzas (decoding not included), to set against decoding.
func BenchmarkValidate(b *testing.B) {
	for _, c := range benchCases {
		data := readBench(b, c.file)
		v := c.ours()
		if err := stanza.Unmarshal(data, v); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := stanza.Validate(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
