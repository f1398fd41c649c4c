package benchcmp_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/protoxmpp/protoxmpp/stanza"
)

// referenceSummaries are what the four inputs hold, read off the files by
// hand, for the fields a short literal can state; protoxmpp's decode is
// checked against them and every other variant against protoxmpp's, so
// that agreeing on empty summaries cannot pass.
var referenceSummaries = map[string]func(t *testing.T, s any){
	"message": func(t *testing.T, s any) {
		want := msgSummary{
			From: "bob@localhost/peerbot", To: "alice@localhost/peercheck", ID: "dbef640206474a3588b91bbef5f65e7c",
			Type: "chat", Lang: "en",
			Body:       "Are we still on for lunch tomorrow? I can book the place near the station for 12:30 & bring the slides.",
			Thread:     "e0ffe42b28561960c6b12b944a092794b9683a38",
			ChatState:  "active",
			DelayFrom:  "localhost",
			DelayStamp: "2026-11-24T12:45:14Z",
			StanzaID:   "sXsU9z77ZVeo3zDRBQlihWxG", StanzaIDBy: "alice@localhost",
		}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("protoxmpp message summary (-want +got):\n%s", diff)
		}
	},
	"presence": func(t *testing.T, s any) {
		want := presSummary{
			From: "bob@localhost/peerbot", To: "alice@localhost", ID: "eff7631253fe4de6be151a6691338d80", Lang: "en",
			Show: "away", Status: "In a meeting until 15:00", Priority: 5,
			CapsHash: "sha-1", CapsNode: "http://slixmpp.com/ver/1.8.3", CapsVer: "q07IKJEyjvHSyhy//CH0CxmKi8w=",
		}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("protoxmpp presence summary (-want +got):\n%s", diff)
		}
	},
	"roster": func(t *testing.T, s any) {
		r := s.(rosterSummary)
		if r.Type != "result" || r.Ver != "142" || len(r.Items) != 100 {
			t.Fatalf("protoxmpp roster: type %q ver %q, %d items; want result, 142, 100", r.Type, r.Ver, len(r.Items))
		}
		wantFirst := rosterItem{"alice.smith@example.com", "Alice Smith", "both", []string{"Friends", "Family"}}
		wantLast := rosterItem{"jonas.okafor@jabber.example", "Jonas Okafor", "both", []string{"Colleagues", "Work"}}
		if diff := cmp.Diff(wantFirst, r.Items[0]); diff != "" {
			t.Errorf("first item (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantLast, r.Items[99]); diff != "" {
			t.Errorf("last item (-want +got):\n%s", diff)
		}
	},
	"discoinfo": func(t *testing.T, s any) {
		d := s.(discoSummary)
		if len(d.Identities) != 5 || len(d.Features) != 40 {
			t.Fatalf("protoxmpp disco: %d identities, %d features; want 5, 40", len(d.Identities), len(d.Features))
		}
		if diff := cmp.Diff(identity{"conference", "text", "Chatrooms"}, d.Identities[4]); diff != "" {
			t.Errorf("last identity (-want +got):\n%s", diff)
		}
		if d.Features[0] != "urn:xmpp:time" || d.Features[39] != "http://jabber.org/protocol/amp" {
			t.Errorf("features: first %q, last %q", d.Features[0], d.Features[39])
		}
	},
}

// decodeOnce decodes data with a fresh decoder of v and summarizes it.
func decodeOnce(t *testing.T, v variant, data []byte) any {
	t.Helper()
	got, err := v.decoder()(data)
	if err != nil {
		t.Fatalf("%s: decode: %v", v.impl, err)
	}
	return v.summary(got)
}

// TestDecodeAgree checks, before anything is timed, that every
// implementation decodes each input into the same summary as protoxmpp
// (except the fields its library cannot represent, listed per variant),
// and that decoding again with the same reused state gives the same.
func TestDecodeAgree(t *testing.T) {
	for _, in := range benchInputs {
		t.Run(in.name, func(t *testing.T) {
			data := readInput(t, in.file)
			ref := decodeOnce(t, in.variants[0], data)
			referenceSummaries[in.name](t, ref)
			for _, v := range in.variants {
				t.Run(v.impl, func(t *testing.T) {
					dec := v.decoder()
					for range 2 {
						got, err := dec(data)
						if err != nil {
							t.Fatal(err)
						}
						if diff := cmp.Diff(ref, v.summary(got), cmpopts.IgnoreFields(in.summary, v.notDecoded...)); diff != "" {
							t.Errorf("summary (-protoxmpp +%s):\n%s", v.impl, diff)
						}
					}
				})
			}
		})
	}
}

// clientScope is the scope of a stanza inside a client stream: mellium and
// gosrc write <message> with no xmlns, relying on the stream's default
// namespace, as they do on the wire.
var clientScope = []stanza.NSBinding{{Prefix: "", Space: "jabber:client"}, {Prefix: "stream", Space: nsStream}}

// decodeInStream decodes one stanza the way a stream reads it.
func decodeInStream(el stanza.Element, data []byte) error {
	var d stanza.Decoder
	d.Reset(string(data), 0, clientScope)
	if d.Next() != stanza.StartElement {
		return fmt.Errorf("no element: %v", d.Err())
	}
	return el.DecodeXMPP(&d)
}

// TestEncodeAgree checks that what each implementation encodes from its
// decoded value carries the same information: protoxmpp, reading it as
// part of a client stream, decodes the output back to the input's summary
// (except the fields the variant cannot decode or encode).
func TestEncodeAgree(t *testing.T) {
	for _, in := range benchInputs {
		t.Run(in.name, func(t *testing.T) {
			data := readInput(t, in.file)
			px := in.variants[0]
			ref := decodeOnce(t, px, data)
			for _, v := range in.variants {
				t.Run(v.impl, func(t *testing.T) {
					val, err := v.decoder()(data)
					if err != nil {
						t.Fatal(err)
					}
					out, err := v.encoder(val)()
					if err != nil {
						t.Fatalf("encode: %v", err)
					}
					back := in.element()
					if err := decodeInStream(back, out); err != nil {
						t.Fatalf("protoxmpp cannot read the output: %v\n%s", err, out)
					}
					ignore := append(append([]string(nil), v.notDecoded...), v.notEncoded...)
					if diff := cmp.Diff(ref, px.summary(back), cmpopts.IgnoreFields(in.summary, ignore...)); diff != "" {
						t.Errorf("re-decoded summary (-input +output):\n%s\noutput: %s", diff, out)
					}
				})
			}
		})
	}
}

// TestStreamAgree checks that every reading loop sees the stanzas the
// stream was built from, by kind, and folds the same fields into the same
// checksum.
func TestStreamAgree(t *testing.T) {
	data, n := benchStream(t)
	var ref streamSummary
	for i, r := range streamReaders {
		t.Run(r.impl, func(t *testing.T) {
			sum := streamSummary{hashing: true}
			if err := r.read(data, &sum); err != nil {
				t.Fatal(err)
			}
			if total := sum.Messages + sum.Presences + sum.IQs; total != n {
				t.Errorf("%d stanzas (%d messages, %d presences, %d iqs), want %d", total, sum.Messages, sum.Presences, sum.IQs, n)
			}
			// Each round holds 2 messages and 2 presences (see benchStream).
			if sum.Messages != sum.Presences || sum.Messages == 0 {
				t.Errorf("%d messages and %d presences, want equal and non-zero", sum.Messages, sum.Presences)
			}
			if i == 0 {
				ref = sum
				return
			}
			if diff := cmp.Diff(ref, sum, cmpopts.IgnoreUnexported(streamSummary{})); diff != "" {
				t.Errorf("stream summary (-protoxmpp +%s):\n%s", r.impl, diff)
			}
		})
	}
}

// TestStreamChecksumSensitive checks that the stream checksum sees a
// one-byte change in a body, so that agreeing on it means something.
func TestStreamChecksumSensitive(t *testing.T) {
	data, _ := benchStream(t)
	var a, b streamSummary
	a.hashing, b.hashing = true, true
	if err := pxReadStream(data, &a); err != nil {
		t.Fatal(err)
	}
	changed := []byte(string(data))
	i := len(changed) - 200
	for ; i > 0; i-- {
		if string(changed[i:i+6]) == "<body>" {
			break
		}
	}
	changed[i+6]++ // first letter of the last body
	if err := pxReadStream(changed, &b); err != nil {
		t.Fatal(err)
	}
	if a.Sum == b.Sum {
		t.Errorf("checksum %x unchanged after changing a body", a.Sum)
	}
}
