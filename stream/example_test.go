package stream_test

import (
	"fmt"

	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// A client stream fed the server's bytes: header, features, a message.
func Example() {
	s := stream.New(stream.Config{Role: stream.Initiating})
	s.Open(stream.Header{To: "example.com", Lang: "en"})
	fmt.Printf("send: %s\n", s.Output())

	s.Feed([]byte(`<?xml version='1.0'?><stream:stream xmlns='jabber:client' ` +
		`xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0'>` +
		`<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features> ` +
		`<message from='romeo@example.net' type='chat'><body>Hi</body></message>`))
	for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
		switch ev.Kind {
		case stream.EventOpen:
			fmt.Println("open, id", ev.Header.ID)
		case stream.EventFeatures:
			fmt.Println("features:", len(ev.Features.Any))
		case stream.EventElement:
			if m, ok := ev.Element.(*xmpp.Message); ok {
				fmt.Println("message from", m.From.String()+":", m.Body[0].Value)
			}
		}
	}
	s.Close()
	fmt.Printf("send: %s\n", s.Output())
	// Output:
	// send: <?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' to='example.com' version='1.0' xml:lang='en'>
	// open, id s1
	// features: 1
	// message from romeo@example.net: Hi
	// send: </stream:stream>
}
