package benchcmp_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// benchDir holds the four benchmark stanzas, shared with the main module's
// benchmarks (stanza/all/bench_test.go): there is one copy.
const benchDir = "../../testdata/bench"

// readInput returns one benchmark stanza without surrounding whitespace.
func readInput(tb testing.TB, file string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(benchDir, file))
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.TrimSpace(data)
}

// serverHeader opens the server-to-client stream the stream benchmark reads.
const serverHeader = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' version='1.0' xml:lang='en'>`

// streamMix is the message/presence/iq mix of stream/bench_test.go:
// stanzas Prosody 0.12 sent, in the stream's default namespace.
var streamMix = []string{
	`<presence from='alice@localhost/peercheck' xml:lang='en' id='6d6afc8938b74c4ca0f9c9c7c12e9971'><status>peer_check</status><x xmlns='vcard-temp:x:update'><photo/></x></presence>`,
	`<iq type='set' id='77IbgkXDPl5g'><query xmlns='jabber:iq:roster' ver='1'><item name='Bob' jid='bob@localhost' subscription='none'><group>Friends</group></item></query></iq>`,
	`<message type='chat' to='alice@localhost/peercheck' from='bob@localhost/bot' id='ab12'><body>echo: hello bob &amp; friends</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`,
	`<iq type='result' id='ba4d630c8d6d42e18f1301cdff70357d' from='localhost' to='alice@localhost/peercheck'><query xmlns='jabber:iq:version'><name>Prosody</name><version>0.12.3</version><os>Linux</os></query></iq>`,
	`<iq type='result' id='e3425af80cee4b209537569e84fd0739' from='localhost' to='alice@localhost/peercheck'/>`,
}

// benchStream builds the ~10 MB server-to-client stream, deterministically:
// each round holds the five streamMix stanzas and the message and presence
// inputs; every 10th round adds the disco#info result and every 50th the
// 100-item roster, so small stanzas dominate the count as in real traffic
// while the large ones still weigh in the bytes. It returns the stream and
// the number of stanzas in it.
func benchStream(tb testing.TB) ([]byte, int) {
	tb.Helper()
	message := readInput(tb, "message.xml")
	presence := readInput(tb, "presence.xml")
	disco := readInput(tb, "discoinfo.xml")
	roster := readInput(tb, "roster.xml")
	var b bytes.Buffer
	b.WriteString(serverHeader)
	n := 0
	for round := 0; b.Len() < 10<<20; round++ {
		for _, s := range streamMix {
			b.WriteString(s)
		}
		b.Write(message)
		b.Write(presence)
		n += len(streamMix) + 2
		if round%10 == 0 {
			b.Write(disco)
			n++
		}
		if round%50 == 0 {
			b.Write(roster)
			n++
		}
	}
	b.WriteString("</stream:stream>")
	return b.Bytes(), n
}
