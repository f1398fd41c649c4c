// Package stanza is the protoxmpp runtime: the XMPP-restricted XML
// tokenizer, the encoder, raw elements, limits, errors and the registry that
// generated packages (stanza/xmpp, stanza/roster, ...) fill. It uses
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
// generated package registers its elements: DecodeElement (and DecodeBytes,
// in one call) then decodes them into their typed values, and keeps
// anything else as a *RawElement that re-encodes unchanged. Find picks a
// typed payload out of a list of extensions.
//
// # Lossless decoding, separate validation
//
// A well-formed element is never refused because of its schema. What does
// not fit the typed shape is kept, in place, at the finest level: a
// missing required attribute or child decodes as absent (nil pointers; an
// empty string for a string attribute, whose empty value on the wire is
// kept in AnyAttrs); an attribute whose value is not of its type, or not
// in its canonical form ('1' for true), is kept in AnyAttrs as it came
// (beside the typed field when the value is valid); children the schema
// does not allow, children whose content does not fit, and text in
// element-only content are kept in the generated XMLExtra field (as
// *RawElement with Err set, typed foreign elements, or *Text), their
// positions in XMLOrder. Encoding writes everything back where it was.
//
// Validate is the separate step: it walks a value and every typed value
// inside it and returns a *ValidationError listing each violation with its
// path (/iq/query/item[2]/@subscription), or nil.
//
// # Encoding
//
// An Encoder appends to a reusable buffer, escapes strictly, declares
// namespaces only where they change, and is deterministic; its errors are
// sticky so generated encoders need no checks.
package stanza
