// Package stream will hold the sans-IO XMPP stream engine for both roles:
// bytes in through Feed, typed events out, no goroutines, no I/O, no clocks
// (see the stream issue). It is not written yet; today the runtime's
// stanza.Tokenizer and stanza.Framer are the pieces it will be built on.
package stream
