package all_test

import (
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestEnumAttrConst encodes an iq with each value its type may have, and
// with values outside the enumeration (one with characters to escape):
// the values of the enumeration are written as constants, the others as
// any string, and every one decodes back to what was encoded.
func TestEnumAttrConst(t *testing.T) {
	for _, typ := range []xmpp.IQType{xmpp.IQTypeGet, xmpp.IQTypeSet, xmpp.IQTypeResult, xmpp.IQTypeError, "other", `it's <&> "odd"`, "tab\there"} {
		b, err := stanza.Marshal(&xmpp.IQ{ID: "i1", Type: typ})
		if err != nil {
			t.Fatalf("type %q: %v", typ, err)
		}
		if strings.ContainsAny(string(typ), "'<&\"\t") == strings.Contains(string(b), " type='"+string(typ)+"'") {
			t.Errorf("type %q written as %s", typ, b)
		}
		var got xmpp.IQ
		if err := stanza.Unmarshal(b, &got); err != nil {
			t.Fatalf("type %q: %s: %v", typ, b, err)
		}
		if got.Type != typ {
			t.Errorf("type %q came back as %q from %s", typ, got.Type, b)
		}
	}
}

// TestAttrConstNeedsStartTag checks that AttrConst, as the other
// attribute writers, fails outside a start tag.
func TestAttrConstNeedsStartTag(t *testing.T) {
	var e stanza.Encoder
	e.Reset(nil)
	e.AttrConst(" type='get'")
	if e.Err() == nil {
		t.Error("AttrConst outside a start tag gave no error")
	}
}
