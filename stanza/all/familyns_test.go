package all_test

import (
	"testing"
	"unsafe"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestFamilyNamespaceInterned checks that a decoded stanza and its
// defined children keep the package's constant for their namespace, not a
// string in the input's memory: encoding compares it, and the constant's
// bytes are the ones in the cache. The input is written over after the
// decode, so that a string left in it would show.
func TestFamilyNamespaceInterned(t *testing.T) {
	for _, ns := range []string{xmpp.NS, "jabber:server", "jabber:component:accept"} {
		in := []byte("<message xmlns='" + ns + "' to='a@b'><body>hi</body><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
		var m xmpp.Message
		if err := stanza.Unmarshal(in, &m); err != nil {
			t.Fatal(err)
		}
		for i := range in {
			in[i] = 'x'
		}
		var want string
		for _, c := range xmpp.Namespaces {
			if c == ns {
				want = c
			}
		}
		if len(m.Body) != 1 || m.Error == nil {
			t.Fatalf("%s: decoded %+v", ns, m)
		}
		for _, got := range []struct {
			what, ns string
		}{{"message", m.XMLNS}, {"body", m.Body[0].XMLNS}, {"error", m.Error.XMLNS}} {
			if got.ns != ns {
				t.Errorf("%s: %s.XMLNS = %q", ns, got.what, got.ns)
			} else if unsafe.StringData(got.ns) != unsafe.StringData(want) {
				t.Errorf("%s: %s.XMLNS is a copy, not the constant of xmpp.Namespaces", ns, got.what)
			}
		}
	}
}
