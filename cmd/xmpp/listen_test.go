package main

import (
	"bytes"
	"errors"
	"github.com/protoxmpp/protoxmpp/jid"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/ping"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestPrinter checks what listen prints for each element the client hands
// to its element handler: one line of XML each, nothing after stop.
func TestPrinter(t *testing.T) {
	var out, errb bytes.Buffer
	p := &printer{w: &out, stderr: &errb}
	p.print(&xmpp.Message{From: jid.Raw("romeo@example.net/orchard"), Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: "two\nlines"}}})
	p.print(&xmpp.IQ{From: jid.Raw("example.com"), ID: "p1", Type: xmpp.IQTypeGet, Any: []stanza.Element{&ping.Ping{}}})
	p.print(&stanza.RawElement{Name: stanza.Name{Space: "urn:example:top", Local: "top"}, XML: "<top xmlns='urn:example:top'>\n</top>"})
	p.stop()
	p.print(&xmpp.Presence{From: jid.Raw("romeo@example.net/orchard")})
	want := "<message xmlns='jabber:client' from='romeo@example.net/orchard' type='chat'><body>two&#xA;lines</body></message>\n" +
		"<iq xmlns='jabber:client' from='example.com' id='p1' type='get'><ping xmlns='urn:xmpp:ping'/></iq>\n" +
		"<top xmlns='urn:example:top'>&#xA;</top>\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("printed (-want +got):\n%s", diff)
	}
	if errb.Len() != 0 {
		t.Errorf("stderr %q", errb.String())
	}
}

// failWriter fails every write.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("disk full")
}

// TestPrinterWriteError checks that a failing output is reported once and
// then left alone.
func TestPrinterWriteError(t *testing.T) {
	var errb bytes.Buffer
	w := &failWriter{}
	p := &printer{w: w, stderr: &errb}
	for range 3 {
		p.print(&xmpp.Presence{From: jid.Raw("romeo@example.net/orchard")})
	}
	if w.n != 1 {
		t.Errorf("%d writes, want 1", w.n)
	}
	if want := "xmpp: warning: cannot print what the server sends any more: disk full\n"; errb.String() != want {
		t.Errorf("stderr %q, want %q", errb.String(), want)
	}
}
