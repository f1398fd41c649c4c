package mam_test

import (
	"fmt"

	"github.com/protoxmpp/protoxmpp/stanza"
	_ "github.com/protoxmpp/protoxmpp/stanza/all"
	"github.com/protoxmpp/protoxmpp/stanza/mam"
	"github.com/protoxmpp/protoxmpp/stanza/rsm"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Querying the archive (XEP-0313) ten messages at a time, and reading a
// result: the archived message is a typed *xmpp.Message inside the
// forwarded element.
func Example_query() {
	ten := uint32(10)
	q := &xmpp.IQ{Type: xmpp.IQTypeSet, ID: "q1", Any: []stanza.Element{
		&mam.Query{Queryid: "f27", Set: &rsm.Set{Max: &ten}},
	}}
	out, _ := stanza.Marshal(q)
	fmt.Println(string(out))

	el, err := stanza.DecodeString(`<message xmlns='jabber:client' to='juliet@capulet.lit/balcony'>
  <result xmlns='urn:xmpp:mam:2' queryid='f27' id='28482-98726-73623'>
    <forwarded xmlns='urn:xmpp:forward:0'>
      <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>
      <message xmlns='jabber:client' from='witch@shakespeare.lit' to='macbeth@shakespeare.lit'>
        <body>Hail to thee</body>
      </message>
    </forwarded>
  </result>
</message>`)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := stanza.Find[*mam.Result](el.(*xmpp.Message).Any)
	archived, _ := stanza.Find[*xmpp.Message](r.Forwarded.Any)
	fmt.Println(r.ID, archived.From, archived.Body[0].Value)
	// Output:
	// <iq xmlns='jabber:client' id='q1' type='set'><query xmlns='urn:xmpp:mam:2' queryid='f27'><set xmlns='http://jabber.org/protocol/rsm'><max>10</max></set></query></iq>
	// 28482-98726-73623 witch@shakespeare.lit Hail to thee
}
