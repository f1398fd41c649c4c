package stanza_test

import (
	"fmt"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/delay"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Decode a message into its typed value, with a typed delay payload and an
// unknown payload kept raw, and encode it back.
func Example() {
	in := `<message xmlns='jabber:client' to='juliet@example.com' type='chat'>` +
		`<body>Wherefore art thou?</body>` +
		`<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>` +
		`<x xmlns='urn:example:unknown' a='1'>kept</x></message>`
	var m xmpp.Message
	if err := stanza.UnmarshalString(in, &m); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.To, m.Type, m.Body[0].Value)
	for _, p := range m.Any {
		switch p := p.(type) {
		case *delay.Delay:
			t, _ := p.Stamp.Time()
			fmt.Println("delayed since", t.Year())
		case *stanza.RawElement:
			fmt.Println("raw:", p.XML)
		}
	}
	out, _ := stanza.Marshal(&m)
	fmt.Println(string(out) == in)
	// Output:
	// juliet@example.com chat Wherefore art thou?
	// delayed since 2002
	// raw: <x xmlns='urn:example:unknown' a='1'>kept</x>
	// true
}

// Decoding keeps what does not fit the schema; validation says what it is.
func ExampleDecodeElement() {
	d := stanza.NewDecoderString(`<delay xmlns='urn:xmpp:delay' from='capulet.com' when='yesterday'/>`)
	d.Next()
	v, err := stanza.DecodeElement(d)
	fmt.Println(err)
	fmt.Printf("%T\n", v)
	fmt.Println(stanza.Validate(v))
	// Output:
	// <nil>
	// *delay.Delay
	// stanza: 2 schema violations: /delay/@stamp: required attribute missing; /delay/@when: attribute not in the schema
}

// DecodeBytes decodes any registered element in one call; Find picks a
// typed payload out of a stanza's extensions.
func ExampleFind() {
	el, err := stanza.DecodeBytes([]byte(`<message xmlns='jabber:client' to='juliet@example.com'>
  <body>Wherefore art thou?</body>
  <delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>
</message>`))
	if err != nil {
		fmt.Println(err)
		return
	}
	m := el.(*xmpp.Message)
	if d, ok := stanza.Find[*delay.Delay](m.Any); ok {
		fmt.Println("delayed at", d.Stamp)
	}
	// Output:
	// delayed at 2002-09-10T23:08:25Z
}
