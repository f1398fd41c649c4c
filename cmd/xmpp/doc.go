// Command xmpp is a command-line XMPP client for people and scripts, built
// on package client, and an offline decoder of XMPP streams.
//
// Usage:
//
//	xmpp [-jid J] [-password P | env XMPP_PASSWORD] [-server host:port]
//	     [-direct-tls] [-ca FILE] [-insecure-skip-verify] [-timeout D] COMMAND
//
// Global flags come before the command, the command's flags after it, before
// or after its arguments ("xmpp send JID TEXT -wait 5s"); "--" ends the
// flags, so a TEXT starting with "-" is written "-- -TEXT". The password is
// taken from -password or, when that is empty, from the environment variable
// XMPP_PASSWORD (preferable: the command line is visible to other users);
// it is never printed. -server skips the DNS SRV lookup; -direct-tls (which
// needs -server) speaks TLS from the first byte (XEP-0368) instead of
// STARTTLS; -ca trusts the PEM certificates of a file instead of the system
// roots. -timeout (default 30s) bounds connecting and logging in, and each
// wait after it.
//
// Commands:
//
//	roster
//	    Print the roster, one item per line: JID, subscription, ask, name
//	    and groups separated by tabs. ask is "subscribe" when a subscription
//	    request is pending; a missing ask, name or group list prints "-";
//	    groups are sorted and joined by ",". Tabs and line breaks in names
//	    and groups print as spaces.
//	roster add JID [-name N] [-group G]...
//	    Add the contact or update it (the name and groups given replace the
//	    old ones).
//	roster remove JID
//	    Remove the contact, which also cancels subscriptions both ways.
//	subscribe JID [-wait D]
//	    Ask for a subscription to JID's presence and wait (default: -timeout)
//	    for the answer: print "subscribed" and exit 0, or print
//	    "unsubscribed" and exit 1; no answer in time exits 1.
//	send JID TEXT [-wait D]
//	    Send TEXT as a chat message. With -wait, go online, wait for the
//	    first chat message with a body from JID (any resource) and print its
//	    body; an error message from JID, or none in time, exits 1.
//	listen [-approve] [-echo] [-for D]
//	    Go online and print every top-level element the server sends after
//	    login (messages, presence, IQ requests and responses, anything
//	    else), in arrival order, each re-encoded as one line of XML as
//	    decode does, until -for has elapsed or the command is interrupted.
//	    -approve accepts every subscription request and asks for a
//	    subscription back; -echo answers each chat message with "echo: "
//	    and its body. An element is printed before -approve or -echo acts
//	    on it.
//	    A lost connection does not end it: it reconnects (exponential
//	    backoff with jitter) and resumes the session (XEP-0198), so that
//	    each stanza is printed once, and says so on standard error; when
//	    the server cannot resume the session, a new one is started.
//	decode [-json] [-ns NS] [-validate]
//	    Offline: decode XMPP read from standard input (see below).
//
// Exit status: 0 on success, 1 on a runtime or protocol failure (the
// message is on standard error, prefixed "xmpp: "), 2 on a bad command line.
//
// # decode
//
// decode reads standard input in chunks, as it arrives, and accepts either a
// whole stream (an optional XML declaration and a root whose local name is
// "stream" in the http://etherx.jabber.org/streams namespace, with or without
// its closing tag) or a sequence of bare top-level elements, read as if they
// stood inside a stream header declaring xmlns=NS (-ns, jabber:client by
// default) and xmlns:stream=http://etherx.jabber.org/streams. Each
// top-level element is decoded into its typed value (every namespace
// protoxmpp has a schema for; others stay raw and re-encode unchanged) and
// printed on one line:
//
//   - by default, re-encoded as one line of XML that declares every
//     namespace it uses; line breaks in text become &#xA;, line breaks in
//     tags become spaces, and a CDATA section is split around &#xA;, so the
//     line means exactly what the input did;
//   - with -json, as one JSON object
//     {"offset":N,"element":"{ns}local","type":"pkg.Type","value":{...}}:
//     the element's byte offset in the input, its expanded name, the Go type
//     of its decoded value and that value as encoding/json writes it, except
//     that fields at their zero value are left out, every value held in an
//     interface (the Any slices of open content) is wrapped the same way as
//     {"element":...,"type":...,"value":...}, and errors are strings. A raw
//     element (type "stanza.RawElement") has the value {"Name":{"Space":...,
//     "Local":...},"XML":"<as received/>","Scope":[...],"Err":"..."}.
//
// Decoding never fails on well-formed input: what does not fit a schema
// (a missing required attribute, a value that does not parse, a child or
// text the schema does not allow) is kept in place and printed back as it
// came. With -validate each element is also checked against its schema,
// every violation is printed to standard error as
// "xmpp: offset N: /iq/query/item[2]/@subscription: MESSAGE", and the
// exit status is 1 when there was any. Malformed or restricted XML stops
// decoding with exit status 1 and a message naming the byte offset, line
// and column, and the path of the elements open there by local name
// ("/stream/message/body", "/presence" for bare elements).
//
// Example:
//
//	$ export XMPP_PASSWORD=...
//	$ xmpp -jid juliet@example.com roster add romeo@example.net -name Romeo -group Friends
//	$ xmpp -jid juliet@example.com roster
//	romeo@example.net	none	-	Romeo	Friends
//	$ xmpp -jid juliet@example.com send romeo@example.net 'Art thou not Romeo?' -wait 1m
//	Neither, fair saint, if either thee dislike.
//	$ printf '<message to="romeo@example.net"><body>hi</body></message>' | xmpp decode -json
//	{"offset":0,"element":"{jabber:client}message","type":"xmpp.Message","value":{"To":"romeo@example.net","Body":[{"Value":"hi"}]}}
package main
