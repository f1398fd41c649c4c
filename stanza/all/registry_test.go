package all_test

import (
	"testing"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestRegistryFirstChild decodes stanzas through the registry, whose new
// values come with room for their first payload: a stanza without one has
// a nil Any, as any new value, and one with payloads has all of them, in
// order, each in memory of its own.
func TestRegistryFirstChild(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []stanza.Name
	}{
		{`<iq xmlns='jabber:client' id='1' type='result'/>`, nil},
		{`<iq xmlns='jabber:client' id='2' type='get'><query xmlns='jabber:iq:version'/></iq>`,
			[]stanza.Name{{Space: "jabber:iq:version", Local: "query"}}},
		{`<message xmlns='jabber:client'><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/><x xmlns='urn:example:unknown'/><markable xmlns='urn:xmpp:chat-markers:0'/></message>`,
			[]stanza.Name{{Space: "http://jabber.org/protocol/chatstates", Local: "active"}, {Space: "urn:example:unknown", Local: "x"}, {Space: "urn:xmpp:chat-markers:0", Local: "markable"}}},
	} {
		var d stanza.Decoder
		d.ResetBytes([]byte(c.in), 0, nil)
		d.Next()
		el, err := stanza.DecodeElement(&d)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		var got []stanza.Element
		switch v := el.(type) {
		case *xmpp.IQ:
			got = v.Any
		case *xmpp.Message:
			got = v.Any
		default:
			t.Fatalf("%s: decoded as %T", c.in, el)
		}
		if c.want == nil {
			if got != nil {
				t.Errorf("%s: Any = %#v, want nil", c.in, got)
			}
			continue
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d payloads, want %d", c.in, len(got), len(c.want))
		}
		for i, n := range c.want {
			if got[i].ElementName() != n {
				t.Errorf("%s: payload %d is %v, want %v", c.in, i, got[i].ElementName(), n)
			}
		}
		out, err := stanza.Marshal(el)
		if err != nil || string(out) != c.in {
			t.Errorf("%s: encodes as %s (%v)", c.in, out, err)
		}
	}
}
