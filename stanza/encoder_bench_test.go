package stanza_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/stanza"
)

// BenchmarkEncoderMessage encodes a ~400-byte chat message into a reused
// encoder, as a stream writer does for each stanza.
func BenchmarkEncoderMessage(b *testing.B) {
	e := stanza.NewEncoder(nil)
	e.SetScope(streamScope)
	writeMessage(e)
	if err := e.Err(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(e.Bytes())))
	b.ReportAllocs()
	for b.Loop() {
		e.Reset(e.Bytes()[:0])
		e.SetScope(streamScope)
		writeMessage(e)
	}
}

// Hand-tagged structs equivalent to writeMessage, for encoding/xml.
type xmlMessage struct {
	XMLName  xml.Name `xml:"jabber:client message"`
	From     string   `xml:"from,attr"`
	To       string   `xml:"to,attr"`
	ID       string   `xml:"id,attr"`
	Type     string   `xml:"type,attr"`
	Lang     string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Body     string   `xml:"body"`
	Thread   string   `xml:"thread"`
	Active   *xmlActive
	Delay    *xmlDelay
	StanzaID *xmlStanzaID
}

type xmlActive struct {
	XMLName xml.Name `xml:"http://jabber.org/protocol/chatstates active"`
}

type xmlDelay struct {
	XMLName xml.Name `xml:"urn:xmpp:delay delay"`
	From    string   `xml:"from,attr"`
	Stamp   string   `xml:"stamp,attr"`
	Text    string   `xml:",chardata"`
}

type xmlStanzaID struct {
	XMLName xml.Name `xml:"urn:xmpp:sid:0 stanza-id"`
	ID      string   `xml:"id,attr"`
	By      string   `xml:"by,attr"`
}

var benchMessage = xmlMessage{
	From:     "alice@example.com/balcony",
	To:       "bob@example.com",
	ID:       "5b789f1b2ea74c09a09a3bfd0b626bfc",
	Type:     "chat",
	Lang:     "en",
	Body:     "Hi Bob! Are we still meeting at 3pm tomorrow? I'll bring the slides & the printed agenda <v2>.",
	Thread:   "e0ffe42b28561960c6b12b944a092794b9683a38",
	Active:   &xmlActive{},
	Delay:    &xmlDelay{From: "example.com", Stamp: "2002-09-10T23:08:25Z", Text: "Offline Storage"},
	StanzaID: &xmlStanzaID{ID: "sXsU9z77ZVeo3zDRBQlihWxG", By: "alice@example.com"},
}

// BenchmarkEncodingXMLMessage encodes the same message with encoding/xml
// into a reused buffer and xml.Encoder (its most favourable setup). Its output
// also carries xmlns='jabber:client' and encoding/xml's escapes, so it is a
// few bytes longer.
func BenchmarkEncodingXMLMessage(b *testing.B) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	if err := enc.Encode(&benchMessage); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := enc.Encode(&benchMessage); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncoderText measures the escaping scan alone on long text.
func BenchmarkEncoderText(b *testing.B) {
	texts := []struct {
		name string
		s    string
	}{
		{"ASCII", strings.Repeat("The quick brown fox jumps over the lazy dog. ", 100)},
		{"ASCII escapes", strings.Repeat("if a < b && c > d then 'x' ", 100)},
		{"non-ASCII", strings.Repeat("Съешь же ещё этих мягких французских булок. 日本語 ", 50)},
	}
	for _, tt := range texts {
		b.Run(tt.name, func(b *testing.B) {
			e := stanza.NewEncoder(nil)
			b.SetBytes(int64(len(tt.s)))
			b.ReportAllocs()
			for b.Loop() {
				e.Reset(e.Bytes()[:0])
				e.Text(tt.s)
			}
			if err := e.Err(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// TestEncoderBenchEquivalent checks that the benchmark's structs describe the
// same message as writeMessage.
func TestEncoderBenchEquivalent(t *testing.T) {
	out, err := xml.Marshal(&benchMessage)
	if err != nil {
		t.Fatal(err)
	}
	got, err := resolvedNames(nil, string(out))
	if err != nil {
		t.Fatal(err)
	}
	e := stanza.NewEncoder(nil)
	writeMessage(e)
	want, err := resolvedNames(nil, string(e.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names of the encoding/xml output (-want +got):\n%s", diff)
	}
}
