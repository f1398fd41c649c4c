package stanza_test

import (
	"testing"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/delay"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

func TestFindAndDecodeBytes(t *testing.T) {
	el, err := stanza.DecodeBytes([]byte(` <message xmlns='jabber:client'><delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/><x xmlns='urn:example'/><delay xmlns='urn:xmpp:delay' stamp='2003-09-10T23:08:25Z'/></message>
`))
	if err != nil {
		t.Fatal(err)
	}
	m, ok := el.(*xmpp.Message)
	if !ok {
		t.Fatalf("%T", el)
	}
	d, ok := stanza.Find[*delay.Delay](m.Any)
	if !ok || d.Stamp != "2002-09-10T23:08:25Z" {
		t.Errorf("Find = %v, %v", d, ok)
	}
	if all := stanza.FindAll[*delay.Delay](m.Any); len(all) != 2 || all[1].Stamp != "2003-09-10T23:08:25Z" {
		t.Errorf("FindAll = %v", all)
	}
	if _, ok := stanza.Find[*xmpp.IQ](m.Any); ok {
		t.Error("Find found an IQ")
	}
	for _, bad := range []string{"", "  ", "text", "<a/><b/>", "<a/>x", "<a>"} {
		if _, err := stanza.DecodeString(bad); err == nil {
			t.Errorf("DecodeString(%q): no error", bad)
		}
	}
}
