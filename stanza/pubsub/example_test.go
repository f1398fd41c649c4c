package pubsub_test

import (
	"fmt"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/pubsub"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Publishing an item to a node (XEP-0060 section 7.1): the payload is any
// element, here one of a namespace no package describes, kept raw.
func Example_publish() {
	entry, _ := stanza.DecodeString(`<entry xmlns='http://www.w3.org/2005/Atom'><title>Soliloquy</title></entry>`)
	iq := &xmpp.IQ{Type: xmpp.IQTypeSet, ID: "pub1", To: jid.MustParse("pubsub.shakespeare.lit"), Any: []stanza.Element{
		&pubsub.Pubsub{Publish: &pubsub.Publish{Node: "princely_musings", Item: []pubsub.Item{{ID: "bnd81g37d61f49fgn581", Any: []stanza.Element{entry}}}}},
	}}
	out, _ := stanza.Marshal(iq)
	fmt.Println(string(out))
	fmt.Println(stanza.Validate(iq))
	// Output:
	// <iq xmlns='jabber:client' to='pubsub.shakespeare.lit' id='pub1' type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='princely_musings'><item id='bnd81g37d61f49fgn581'><entry xmlns='http://www.w3.org/2005/Atom'><title>Soliloquy</title></entry></item></publish></pubsub></iq>
	// <nil>
}
