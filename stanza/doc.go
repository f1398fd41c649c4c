// Package stanza is the protoxmpp runtime: the XMPP-restricted XML
// tokenizer, the encoder, raw elements, limits, errors and the registry that
// generated packages (stanza/jabberclient, stanza/roster, ...) fill. It uses
// the standard library only.
//
// # Decoding
//
// A Decoder tokenizes one complete element held as a string (a stanza cut
// from a stream, or a document). Names, attribute values and text are
// substrings of it; a value is copied only when it holds a reference, a CDATA
// section or a carriage return. The legal call order: Reset, then Next until
// None; after a StartElement, Name and Attrs describe the tag and one of
// Skip, ReadText, ReadRaw, DecodeElement or a generated DecodeXMPP method
// consumes the element through its end tag. Errors are sticky.
//
// RFC 6120 section 11 is enforced: comments, processing instructions (other
// than the XML declaration at the start of a document), DTDs and entity
// references other than the five predefined ones are ErrRestrictedXML;
// malformed input is ErrNotWellFormed (or ErrInvalidUTF8, ErrUnboundPrefix);
// both come as a *SyntaxError with the byte offset, line and column.
// Limits bound depth, attributes per element and name length (and, in the
// Framer, the bytes of one top-level element), each with a sentinel error.
//
// Input that arrives in chunks goes through a Framer, which finds where each
// top-level element ends whatever the chunk boundaries and enforces the
// limits before any value is built, or a Tokenizer, which tokenizes each
// frame with a Decoder.
//
// # Typed values
//
// Every generated type for a global element implements Element. Importing a
// generated package registers its elements: DecodeElement then decodes them
// into their typed values, and keeps anything else as a *RawElement that
// re-encodes unchanged. A payload whose typed decoder refuses it (a bad
// value) is kept raw too, with the error in RawElement.Err, so one bad
// extension never costs the stanza.
//
// # Encoding
//
// An Encoder appends to a reusable buffer, escapes strictly, declares
// namespaces only where they change, and is deterministic; its errors are
// sticky so generated encoders need no checks.
package stanza
