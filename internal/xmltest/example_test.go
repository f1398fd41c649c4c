package xmltest_test

import (
	"fmt"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
)

func ExampleCanonical() {
	// A stanza cut out of a client stream: jabber:client is inherited.
	stanza := `<iq type='result' id='r1'><query xmlns='jabber:iq:roster' ver='ver7'>
  <item jid='romeo@example.net' name='Romeo &amp; co'/>
</query></iq>`
	c, err := xmltest.Canonical([]byte(stanza), map[string]string{"": "jabber:client"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(c)
	// Output:
	// {jabber:client}iq
	//   @id="r1"
	//   @type="result"
	//   {jabber:iq:roster}query
	//     @ver="ver7"
	//     {jabber:iq:roster}item
	//       @jid="romeo@example.net"
	//       @name="Romeo & co"
}
