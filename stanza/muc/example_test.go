package muc_test

import (
	"fmt"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/muc"
	_ "github.com/protoxmpp/protoxmpp/stanza/mucuser"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Joining a room (XEP-0045 section 7.2): presence to room/nick with the
// muc element, here asking for no history.
func Example_join() {
	none := uint32(0)
	join := &xmpp.Presence{
		To:  jid.MustParse("coven@chat.shakespeare.lit/thirdwitch"),
		Any: []stanza.Element{&muc.X{History: &muc.History{Maxstanzas: &none}}},
	}
	out, _ := stanza.Marshal(join)
	fmt.Println(string(out))
	fmt.Println(stanza.Validate(join))
	// Output:
	// <presence xmlns='jabber:client' to='coven@chat.shakespeare.lit/thirdwitch'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>
	// <nil>
}
