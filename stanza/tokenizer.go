package stanza

import "strings"

// Tokenizer is the incremental tokenizer: bytes arrive with Feed in chunks
// split anywhere, tokens come out of Next. It frames first (Framer: limits
// enforced before any value is built) and tokenizes each complete frame with
// a Decoder, so that a top-level element's tokens come out once all of it
// has arrived, whatever the chunking.
//
// The root element (the XMPP stream) is reported as a StartElement as soon
// as its start tag is complete, each child as its whole token sequence, and
// the root's end tag as an EndElement. Next returns None when it needs more
// input (Err is nil) or after an error (Err is not nil, sticky).
type Tokenizer struct {
	f       *Framer
	d       Decoder
	scope   []NSBinding // bindings in effect inside the root
	root    Name
	rootQ   string
	inFrame bool
	// rootOpen: the root start tag has been returned and its end tag not.
	rootOpen bool
	kind     Kind
	err      error
}

// NewTokenizer returns a Tokenizer enforcing l (zero fields: defaults).
func NewTokenizer(l Limits) *Tokenizer {
	t := &Tokenizer{f: NewFramer(l)}
	t.d.SetLimits(l)
	return t
}

// Feed appends input.
func (t *Tokenizer) Feed(p []byte) { t.f.Feed(p) }

// Reset forgets everything (a stream restart).
func (t *Tokenizer) Reset() {
	t.f.Reset()
	t.scope = t.scope[:0]
	t.root = Name{}
	t.rootQ = ""
	t.inFrame = false
	t.rootOpen = false
	t.err = nil
	t.kind = None
}

// Err returns the first error.
func (t *Tokenizer) Err() error { return t.err }

// Name, Attrs and Text describe the current token, as for Decoder.
func (t *Tokenizer) Name() Name { return t.d.Name() }

// Attrs returns the current start tag's attributes.
func (t *Tokenizer) Attrs() []Attr { return t.d.Attrs() }

// Text returns the current character data.
func (t *Tokenizer) Text() string { return t.d.Text() }

// Depth returns the number of elements open around the current token,
// counting the root, as for Decoder.Depth: 1 at the root's StartElement, 2
// at a stanza's StartElement, 1 at its EndElement and 0 at the root's
// EndElement.
func (t *Tokenizer) Depth() int {
	if t.inFrame && t.rootOpen {
		// The Decoder holds the frame alone; the root is open around it.
		return 1 + t.d.Depth()
	}
	// The root's start or end tag, or text before or after the root: the
	// Decoder saw the root tag itself.
	return t.d.Depth()
}

// Scope returns the namespace bindings the root start tag put in effect.
func (t *Tokenizer) Scope() []NSBinding { return t.scope }

// Next returns the next token.
func (t *Tokenizer) Next() Kind {
	if t.err != nil {
		return None
	}
	for {
		if t.inFrame {
			k := t.d.Next()
			if k != None {
				t.kind = k
				return k
			}
			t.inFrame = false
			if err := t.d.Err(); err != nil {
				t.err = err
				return None
			}
		}
		kind, frame := t.f.Next()
		off := t.f.Offset() - int64(len(frame))
		switch kind {
		case FrameNone:
			if err := t.f.Err(); err != nil {
				t.err = err
			}
			return None
		case FrameDecl:
			t.d.ResetBytes(frame, off, nil)
			if t.d.Next() != None || t.d.Err() != nil {
				t.err = t.d.Err()
				if t.err == nil {
					t.err = newSyntaxError(string(frame), off, 0, ErrNotWellFormed, "bad XML declaration")
				}
				return None
			}
		case FrameOpen:
			t.d.ResetBytes(frame, off, nil)
			if t.d.Next() != StartElement {
				t.err = t.d.Err()
				if t.err == nil {
					t.err = newSyntaxError(string(frame), off, 0, ErrNotWellFormed, "bad root start tag")
				}
				return None
			}
			t.root = t.d.Name()
			t.rootQ = t.d.stack[0].qname
			t.scope = t.scope[:0]
			for _, b := range t.d.bindings[2:] {
				t.scope = append(t.scope, NSBinding{Prefix: b.prefix, Space: b.space})
			}
			t.rootOpen = true
			t.kind = StartElement
			return StartElement
		case FrameElement:
			t.d.ResetBytes(frame, off, t.scope)
			t.inFrame = true
		case FrameText:
			t.d.ResetBytes(frame, off, t.scope)
			t.d.inRoot = true
			t.inFrame = true
		case FrameClose:
			d := &t.d
			if len(frame) == 0 {
				// An empty root element <stream:stream/>: the Framer
				// returned all of it as FrameOpen, and the Decoder read
				// it as a StartElement with its end pending.
				d.Reset("", off, nil)
				d.name, d.kind = t.root, EndElement
				t.rootOpen = false
				t.kind = EndElement
				return EndElement
			}
			d.ResetBytes(frame, off, t.scope)
			// Read the end tag against a stand-in for the root.
			d.stack = append(d.stack, openElem{qname: t.rootQ, space: t.root.Space, nbind: len(d.bindings), colon: strings.IndexByte(t.rootQ, ':')})
			if d.Next() != EndElement {
				t.err = d.Err()
				if t.err == nil {
					t.err = newSyntaxError(string(frame), off, 0, ErrNotWellFormed, "bad root end tag")
				}
				return None
			}
			t.rootOpen = false
			t.kind = EndElement
			return EndElement
		}
	}
}
