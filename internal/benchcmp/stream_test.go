package benchcmp_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"

	gstanza "gosrc.io/xmpp/stanza"
	mdisco "mellium.im/xmpp/disco"
	mroster "mellium.im/xmpp/roster"
	mstanza "mellium.im/xmpp/stanza"
	mversion "mellium.im/xmpp/version"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/caps"
	"github.com/protoxmpp/protoxmpp/stanza/chatstates"
	"github.com/protoxmpp/protoxmpp/stanza/delay"
	"github.com/protoxmpp/protoxmpp/stanza/discoinfo"
	"github.com/protoxmpp/protoxmpp/stanza/roster"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaid"
	"github.com/protoxmpp/protoxmpp/stanza/version"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// What every reading loop folds into a streamSummary, in this order:
//   - message: "message", id, from, to, type, xml:lang, body, thread, chat
//     state, delay stamp, stanza-id;
//   - presence: "presence", id, from, to, type, xml:lang, show, status,
//     priority, caps ver;
//   - iq: "iq", id, from, to, type; then for a roster query each item's
//     jid, name, subscription and groups (not the roster ver: gosrc cannot
//     read it; the roster input test compares it for the others); for a
//     disco#info query each identity's category, type and name and each
//     feature; for a software version query its name, version and os.
//
// Payloads no library but protoxmpp keeps (the vcard-temp:x:update <x/> of
// a presence, which protoxmpp holds as a raw element) are not compared.

// streamReader reads a whole stream and summarizes it.
type streamReader struct {
	impl string
	read func(data []byte, sum *streamSummary) error
}

var streamReaders = []streamReader{
	{implProtoxmpp, pxReadStream},
	{implStd, stdReadStream},
	{implMellium, melliumReadStream},
	{implGosrc, gosrcReadStream},
}

// message counts a message and folds its fields but the delay stamp,
// which the caller folds next (as a string or, for mellium, as bytes).
func (s *streamSummary) message(id, from, to, typ, lang, body, thread, chatState string) {
	s.add("message", id, from, to, typ, lang, body, thread, chatState)
}

func (s *streamSummary) presence(id, from, to, typ, lang, show, status string, priority int, capsVer string) {
	s.add("presence", id, from, to, typ, lang, show, status)
	s.addInt(priority)
	s.add(capsVer)
}

func (s *streamSummary) iq(id, from, to, typ string) {
	s.add("iq", id, from, to, typ)
}

// ---- protoxmpp: stream.Stream, client role, fed 4 KiB chunks ----

func pxReadStream(data []byte, sum *streamSummary) error {
	s := stream.New(stream.Config{})
	if err := s.Open(stream.Header{To: "localhost"}); err != nil {
		return err
	}
	closed := false
	for p := data; len(p) > 0; {
		k := min(4096, len(p))
		s.Feed(p[:k])
		p = p[k:]
		for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
			switch ev.Kind {
			case stream.EventElement:
				pxAdd(sum, ev.Element)
			case stream.EventClose:
				closed = true
			case stream.EventError, stream.EventStreamError:
				return ev.Err
			}
		}
	}
	if !closed {
		return errors.New("protoxmpp: stream not closed")
	}
	return nil
}

func pxAdd(sum *streamSummary, el stanza.Element) {
	switch v := el.(type) {
	case *xmpp.Message:
		sum.Messages++
		if !sum.hashing {
			return
		}
		var body, thread, state, stamp, sid string
		if len(v.Body) > 0 {
			body = v.Body[0].Value
		}
		if v.Thread != nil {
			thread = v.Thread.Value
		}
		for _, p := range v.Any {
			switch p := p.(type) {
			case *chatstates.State:
				state = string(p.Value)
			case *delay.Delay:
				stamp = string(p.Stamp)
			case *stanzaid.StanzaID:
				sid = p.ID
			}
		}
		sum.message(v.ID, v.From.String(), v.To.String(), string(v.Type), v.Lang, body, thread, state)
		sum.add(stamp, sid)
	case *xmpp.Presence:
		sum.Presences++
		if !sum.hashing {
			return
		}
		var show, status, ver string
		prio := 0
		if v.Show != nil {
			show = string(*v.Show)
		}
		if len(v.Status) > 0 {
			status = v.Status[0].Value
		}
		if v.Priority != nil {
			prio = int(*v.Priority)
		}
		for _, p := range v.Any {
			if c, ok := p.(*caps.C); ok {
				ver = c.Ver
			}
		}
		sum.presence(v.ID, v.From.String(), v.To.String(), string(v.Type), v.Lang, show, status, prio, ver)
	case *xmpp.IQ:
		sum.IQs++
		if !sum.hashing {
			return
		}
		sum.iq(v.ID, v.From.String(), v.To.String(), string(v.Type))
		for _, p := range v.Any {
			switch q := p.(type) {
			case *roster.Query:
				for _, it := range q.Item {
					sum.add(it.JID.String(), it.Name, string(it.Subscription))
					sum.add(it.Group...)
				}
			case *discoinfo.Query:
				for _, id := range q.Identity {
					sum.add(id.Category, id.Type, id.Name)
				}
				for _, f := range q.Feature {
					sum.add(f.Var)
				}
			case *version.Query:
				sum.add(deref(q.Name), deref(q.Version), deref(q.OS))
			}
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ---- encoding/xml: its token loop, DecodeElement into hand-tagged structs ----

const nsStream = "http://etherx.jabber.org/streams"

type (
	xVersion struct {
		Name    string `xml:"jabber:iq:version name"`
		Version string `xml:"jabber:iq:version version"`
		OS      string `xml:"jabber:iq:version os"`
	}
	// xIQ is an IQ with every payload the stream carries.
	xIQ struct {
		StdIQ
		Roster  *xRosterQuery `xml:"jabber:iq:roster query"`
		Disco   *xDiscoQuery  `xml:"http://jabber.org/protocol/disco#info query"`
		Version *xVersion     `xml:"jabber:iq:version query"`
	}
)

// xmlStreamLoop reads tokens up to each stanza's start tag and hands it to
// decode, which consumes the element; it returns when the stream closes.
func xmlStreamLoop(data []byte, decode func(d *xml.Decoder, start *xml.StartElement) error) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return errors.New("stream not closed")
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == nsStream && t.Name.Local == "stream" {
				continue
			}
			if err := decode(d, &t); err != nil {
				return err
			}
		case xml.EndElement:
			if t.Name.Space == nsStream && t.Name.Local == "stream" {
				return nil
			}
		}
	}
}

func stdReadStream(data []byte, sum *streamSummary) error {
	return xmlStreamLoop(data, func(d *xml.Decoder, start *xml.StartElement) error {
		switch start.Name.Local {
		case "message":
			var m xMessage
			if err := d.DecodeElement(&m, start); err != nil {
				return err
			}
			sum.Messages++
			if sum.hashing {
				var stamp, sid string
				if m.Delay != nil {
					stamp = m.Delay.Stamp
				}
				if m.StanzaID != nil {
					sid = m.StanzaID.ID
				}
				sum.message(m.ID, m.From, m.To, m.Type, m.Lang, m.Body, m.Thread, m.state())
				sum.add(stamp, sid)
			}
		case "presence":
			var p xPresence
			if err := d.DecodeElement(&p, start); err != nil {
				return err
			}
			sum.Presences++
			if sum.hashing {
				prio, ver := 0, ""
				if p.Priority != nil {
					prio = int(*p.Priority)
				}
				if p.Caps != nil {
					ver = p.Caps.Ver
				}
				sum.presence(p.ID, p.From, p.To, p.Type, p.Lang, p.Show, p.Status, prio, ver)
			}
		case "iq":
			var iq xIQ
			if err := d.DecodeElement(&iq, start); err != nil {
				return err
			}
			sum.IQs++
			if sum.hashing {
				sum.iq(iq.ID, iq.From, iq.To, iq.Type)
				if q := iq.Roster; q != nil {
					for _, it := range q.Items {
						sum.add(it.JID, it.Name, it.Subscription)
						sum.add(it.Groups...)
					}
				}
				if q := iq.Disco; q != nil {
					for _, id := range q.Identities {
						sum.add(id.Category, id.Type, id.Name)
					}
					for _, f := range q.Features {
						sum.add(f.Var)
					}
				}
				if q := iq.Version; q != nil {
					sum.add(q.Name, q.Version, q.OS)
				}
			}
		default:
			return d.Skip()
		}
		return nil
	})
}

// ---- mellium: the same loop, its types, as a handler decodes them ----

// mIQ is an IQ with every payload the stream carries, in mellium's types
// (the roster query shaped as roster.IQ's Query field).
type mIQ struct {
	mstanza.IQ
	Roster *struct {
		Ver  string         `xml:"ver,attr"`
		Item []mroster.Item `xml:"item"`
	} `xml:"jabber:iq:roster query"`
	Disco   *mdisco.Info    `xml:"http://jabber.org/protocol/disco#info query"`
	Version *mversion.Query `xml:"jabber:iq:version query"`
}

// mellium's JIDs are parsed values: the summary calls String on them,
// which allocates, so the stream benchmark (hashing off) does not.
func melliumReadStream(data []byte, sum *streamSummary) error {
	return xmlStreamLoop(data, func(d *xml.Decoder, start *xml.StartElement) error {
		switch start.Name.Local {
		case "message":
			var m mMessage
			if err := d.DecodeElement(&m, start); err != nil {
				return err
			}
			sum.Messages++
			if sum.hashing {
				sum.message(m.ID, m.From.String(), m.To.String(), string(m.Type), m.Lang, m.Body, m.Thread, m.state())
				var b [64]byte
				if m.Delay != nil {
					sum.addBytes(m.Delay.Stamp.UTC().AppendFormat(b[:0], time.RFC3339Nano))
				} else {
					sum.add("")
				}
				if m.StanzaID != nil {
					sum.add(m.StanzaID.ID)
				} else {
					sum.add("")
				}
			}
		case "presence":
			var p mPresence
			if err := d.DecodeElement(&p, start); err != nil {
				return err
			}
			sum.Presences++
			if sum.hashing {
				prio, ver := 0, ""
				if p.Priority != nil {
					prio = int(*p.Priority)
				}
				if p.Caps != nil {
					ver = p.Caps.Ver
				}
				sum.presence(p.ID, p.From.String(), p.To.String(), string(p.Type), p.Lang, p.Show, p.Status, prio, ver)
			}
		case "iq":
			var iq mIQ
			if err := d.DecodeElement(&iq, start); err != nil {
				return err
			}
			sum.IQs++
			if sum.hashing {
				sum.iq(iq.ID, iq.From.String(), iq.To.String(), string(iq.Type))
				if q := iq.Roster; q != nil {
					for _, it := range q.Item {
						sum.add(it.JID.String(), it.Name, it.Subscription)
						sum.add(it.Group...)
					}
				}
				if q := iq.Disco; q != nil {
					for _, id := range q.Identity {
						sum.add(id.Category, id.Type, id.Name)
					}
					for _, f := range q.Features {
						sum.add(f.Var)
					}
				}
				if q := iq.Version; q != nil {
					sum.add(q.Name, q.Version, q.OS)
				}
			}
		default:
			return d.Skip()
		}
		return nil
	})
}

// ---- gosrc: stanza.InitStream, then stanza.NextPacket until the close ----

func gosrcReadStream(data []byte, sum *streamSummary) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	if _, err := gstanza.InitStream(d); err != nil {
		return err
	}
	for {
		p, err := gstanza.NextPacket(d)
		if err != nil {
			return err
		}
		switch p := p.(type) {
		case gstanza.StreamClosePacket:
			return nil
		case gstanza.Message:
			sum.Messages++
			if sum.hashing {
				var state, stamp, sid string
				for _, e := range p.Extensions {
					switch e := e.(type) {
					case *gDelay:
						stamp = e.Stamp
					case *gStanzaID:
						sid = e.ID
					default:
						if c := gosrcChatState(e); c != "" {
							state = c
						}
					}
				}
				sum.message(p.Id, p.From, p.To, string(p.Type), p.Lang, p.Body, p.Thread, state)
				sum.add(stamp, sid)
			}
		case gstanza.Presence:
			sum.Presences++
			if sum.hashing {
				ver := ""
				for _, e := range p.Extensions {
					if c, ok := e.(*gstanza.Caps); ok {
						ver = c.Ver
					}
				}
				sum.presence(p.Id, p.From, p.To, string(p.Type), p.Lang, string(p.Show), p.Status, int(p.Priority), ver)
			}
		case *gstanza.IQ:
			sum.IQs++
			if sum.hashing {
				sum.iq(p.Id, p.From, p.To, string(p.Type))
				switch q := p.Payload.(type) {
				case *gstanza.RosterItems:
					for _, it := range q.Items {
						sum.add(it.Jid, it.Name, it.Subscription)
						sum.add(it.Groups...)
					}
				case *gstanza.DiscoInfo:
					for _, id := range q.Identity {
						sum.add(id.Category, id.Type, id.Name)
					}
					for _, f := range q.Features {
						sum.add(f.Var)
					}
				case *gstanza.Version:
					sum.add(q.Name, q.Version, q.OS)
				}
			}
		default:
			return fmt.Errorf("gosrc: unexpected packet %T", p)
		}
	}
}
