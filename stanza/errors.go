package stanza

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error returned by the tokenizer, framer, decoder and
// encoder matches one of them with errors.Is, so that the stream layer can map
// it to a stream error condition.
var (
	// ErrNotWellFormed: the input is not well-formed XML (stream error
	// condition not-well-formed).
	ErrNotWellFormed = errors.New("not well-formed")
	// ErrRestrictedXML: the input uses XML that RFC 6120 section 11 forbids:
	// comments, processing instructions, DTDs, entity references other than the
	// five predefined ones (stream error condition restricted-xml).
	ErrRestrictedXML = errors.New("restricted XML")
	// ErrInvalidUTF8: the input is not valid UTF-8 or holds a character XML
	// forbids (maps to not-well-formed).
	ErrInvalidUTF8 = errors.New("invalid UTF-8 or character")
	// ErrUnboundPrefix: a prefix is used without a namespace declaration
	// (maps to not-well-formed; RFC 6120 4.9.3.10 invalid-namespace when it is
	// the stream's own namespace).
	ErrUnboundPrefix = errors.New("unbound namespace prefix")

	// ErrLimitElementSize: a top-level element is larger than Limits.MaxElementBytes
	// (policy-violation).
	ErrLimitElementSize = errors.New("element too large")
	// ErrLimitDepth: elements are nested deeper than Limits.MaxDepth.
	ErrLimitDepth = errors.New("elements nested too deep")
	// ErrLimitAttrs: an element has more attributes than Limits.MaxAttrs.
	ErrLimitAttrs = errors.New("too many attributes")
	// ErrLimitName: a name is longer than Limits.MaxNameBytes.
	ErrLimitName = errors.New("name too long")

	// ErrInvalidValue: a value does not match its schema type.
	ErrInvalidValue = errors.New("invalid value")
	// ErrUnexpected: content the schema does not allow where it appears.
	ErrUnexpected = errors.New("unexpected content")
	// ErrEncode: a value cannot be encoded as XML (invalid character, bad name).
	ErrEncode = errors.New("cannot encode")
)

// SyntaxError reports malformed or restricted input at a byte offset.
// Line and column are computed only when the error is built.
type SyntaxError struct {
	Offset int64 // byte offset from the start of the input
	Line   int   // 1-based line, 0 if unknown
	Col    int   // 1-based column in bytes, 0 if unknown
	Msg    string
	Kind   error // one of the sentinel errors above
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("stanza: %s at offset %d (line %d, column %d): %s", e.Kind, e.Offset, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("stanza: %s at offset %d: %s", e.Kind, e.Offset, e.Msg)
}

// Unwrap returns the sentinel kind, so errors.Is(err, ErrRestrictedXML) works.
func (e *SyntaxError) Unwrap() error { return e.Kind }

// newSyntaxError builds a SyntaxError for input src at offset off (relative to
// src), with base added to the reported offset.
func newSyntaxError(src string, base int64, off int, kind error, msg string) *SyntaxError {
	if off > len(src) {
		off = len(src)
	}
	if off < 0 {
		off = 0
	}
	line := 1 + strings.Count(src[:off], "\n")
	col := off - strings.LastIndexByte(src[:off], '\n')
	return &SyntaxError{Offset: base + int64(off), Line: line, Col: col, Msg: msg, Kind: kind}
}

// DecodeError is an error found while decoding an element into a typed value.
// Path names the elements from the outermost down, and Attr the attribute,
// if any: "decode <iq>: <query>: attr ver: ...".
type DecodeError struct {
	Path []string
	Attr string
	Err  error
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("stanza: decode")
	for _, p := range e.Path {
		b.WriteString(" <")
		b.WriteString(p)
		b.WriteString(">:")
	}
	if e.Attr != "" {
		b.WriteString(" attr ")
		b.WriteString(e.Attr)
		b.WriteString(":")
	}
	b.WriteByte(' ')
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// WrapElement prefixes err's element path with the element local name.
// Generated decoders call it as errors bubble up, so the final error names
// the full path.
func WrapElement(err error, local string) error {
	if err == nil {
		return nil
	}
	var de *DecodeError
	if errors.As(err, &de) {
		de.Path = append([]string{local}, de.Path...)
		return de
	}
	return &DecodeError{Path: []string{local}, Err: err}
}
