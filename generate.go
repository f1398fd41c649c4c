// Package protoxmpp is a Go SDK for XMPP whose stanza types are generated
// from XSD schemas.
//
// The runtime is package stanza; the generated packages live below it, one
// per XML namespace (stanza/xmpp, stanza/roster, ...); stream is the
// sans-IO protocol engine and client the network client. This root package
// holds only the go:generate line that regenerates every typed package from
// schemas/.
package protoxmpp

//go:generate go run ./gen/cmd/xmppgen -out stanza -pkgmap schemas/pkgmap.txt -I schemas schemas
