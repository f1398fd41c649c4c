// Package all imports every package generated from schemas/, so that one
// blank import registers all their elements:
//
//	import _ "github.com/protoxmpp/protoxmpp/stanza/all"
//
// After it, stanza.DecodeElement decodes every namespace protoxmpp ships a
// schema for into its typed value.
package all

import (
	_ "github.com/protoxmpp/protoxmpp/stanza/bind"
	_ "github.com/protoxmpp/protoxmpp/stanza/blocking"
	_ "github.com/protoxmpp/protoxmpp/stanza/blockingerrors"
	_ "github.com/protoxmpp/protoxmpp/stanza/caps"
	_ "github.com/protoxmpp/protoxmpp/stanza/carbons"
	_ "github.com/protoxmpp/protoxmpp/stanza/chatstates"
	_ "github.com/protoxmpp/protoxmpp/stanza/conference"
	_ "github.com/protoxmpp/protoxmpp/stanza/csi"
	_ "github.com/protoxmpp/protoxmpp/stanza/delay"
	_ "github.com/protoxmpp/protoxmpp/stanza/discoinfo"
	_ "github.com/protoxmpp/protoxmpp/stanza/discoitems"
	_ "github.com/protoxmpp/protoxmpp/stanza/entitytime"
	_ "github.com/protoxmpp/protoxmpp/stanza/forward"
	_ "github.com/protoxmpp/protoxmpp/stanza/muc"
	_ "github.com/protoxmpp/protoxmpp/stanza/mucadmin"
	_ "github.com/protoxmpp/protoxmpp/stanza/mucowner"
	_ "github.com/protoxmpp/protoxmpp/stanza/mucuser"
	_ "github.com/protoxmpp/protoxmpp/stanza/ping"
	_ "github.com/protoxmpp/protoxmpp/stanza/preapproval"
	_ "github.com/protoxmpp/protoxmpp/stanza/receipts"
	_ "github.com/protoxmpp/protoxmpp/stanza/roster"
	_ "github.com/protoxmpp/protoxmpp/stanza/rosterver"
	_ "github.com/protoxmpp/protoxmpp/stanza/sasl"
	_ "github.com/protoxmpp/protoxmpp/stanza/session"
	_ "github.com/protoxmpp/protoxmpp/stanza/sm"
	_ "github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	_ "github.com/protoxmpp/protoxmpp/stanza/stanzaid"
	_ "github.com/protoxmpp/protoxmpp/stanza/starttls"
	_ "github.com/protoxmpp/protoxmpp/stanza/streamerror"
	_ "github.com/protoxmpp/protoxmpp/stanza/streams"
	_ "github.com/protoxmpp/protoxmpp/stanza/version"
	_ "github.com/protoxmpp/protoxmpp/stanza/xdata"
	_ "github.com/protoxmpp/protoxmpp/stanza/xmpp"
)
