package stanza

import (
	"bytes"
	"strconv"
)

// FrameKind says what a frame returned by Framer.Next holds.
type FrameKind uint8

const (
	// FrameNone: no complete frame is buffered yet; feed more bytes, or check
	// Err.
	FrameNone FrameKind = iota
	// FrameDecl: the XML declaration `<?xml ...?>`, allowed only as the very
	// first bytes of the document.
	FrameDecl
	// FrameOpen: the root start tag (`<stream:stream ...>`); depth goes from
	// 0 to 1.
	FrameOpen
	// FrameElement: one complete child of the root (a stanza or a stream-level
	// element such as <stream:features/>), from its '<' to the end of its end
	// tag or `/>`.
	FrameElement
	// FrameText: character data outside any child of the root: whitespace
	// before the root or after it closes, and text or CDATA sections between
	// the root's children (whitespace keepalives).
	FrameText
	// FrameClose: the root end tag `</stream:stream>`; the document is over.
	FrameClose
)

func (k FrameKind) String() string {
	switch k {
	case FrameDecl:
		return "FrameDecl"
	case FrameOpen:
		return "FrameOpen"
	case FrameElement:
		return "FrameElement"
	case FrameText:
		return "FrameText"
	case FrameClose:
		return "FrameClose"
	case FrameNone:
		return "FrameNone"
	}
	return "FrameKind(" + strconv.Itoa(int(k)) + ")"
}

// frMaxText bounds a whitespace-only FrameText: longer runs of whitespace are
// handed out in pieces of this size, so keepalive floods never accumulate.
const frMaxText = 4096

// Framer is the incremental framer of an XMPP stream: a resumable byte-level
// scanner that finds where each top-level construct of the stream document
// ends, whatever the chunking of the input, and hands it out as one
// contiguous byte slice for the Decoder to tokenize ("frame first, decode
// second"). It enforces Limits before any value is built and checks
// structure cheaply; full well-formedness (end tag names, attribute syntax,
// entity and character references, UTF-8, namespaces) is the Decoder's job.
//
// A document is split into frames as follows, and the frames concatenated
// are exactly the input consumed:
//
//	<?xml version='1.0'?>            FrameDecl (only at offset 0)
//	<stream:stream ...>              FrameOpen
//	<message ...>...</message>       FrameElement, one per child of the root
//	"\n" or <![CDATA[..]]>           FrameText, between children
//	</stream:stream>                 FrameClose
//
// A frame ends before any '<' that is not its first byte, so a FrameText
// never holds a tag: a CDATA section between the root's children starts a
// FrameText of its own, and adjacent FrameText frames are one run of
// character data. A run of whitespace is cut every 4096 bytes (or
// Limits.MaxElementBytes, if smaller), whether or not more follows; character data holding anything else counts against
// Limits.MaxElementBytes like an element. Frame boundaries depend only on
// the bytes, never on how they were chunked, so the frames are the same
// however the input is split. Whitespace is not handed out until the byte
// after it (a '<') or 4096 bytes of it have arrived, so a lone whitespace
// keepalive stays in Buffered until the next stanza starts.
//
// An empty root element `<stream:stream/>` is returned as FrameOpen
// followed by a FrameClose with no bytes.
//
// Errors are *SyntaxError values whose Kind is ErrRestrictedXML (comments,
// processing instructions, DTD declarations: RFC 6120 section 11),
// ErrNotWellFormed (structure the framer can see is broken), or one of the
// limit errors ErrLimitElementSize, ErrLimitDepth, ErrLimitAttrs and
// ErrLimitName. Offset is the document offset of the byte at which the error
// became certain: for `<!--` the first '-', for a second root element the
// first byte of its name, for ErrLimitElementSize and ErrLimitName the first
// byte beyond the limit, for ErrLimitAttrs the '=' of the attribute one too
// many, for ErrLimitDepth the first byte of the name of the element one
// level too deep. The framer leaves entity references to the Decoder: it
// never looks at '&'.
//
// The legal call order: NewFramer (or Reset), then any sequence of Feed and
// Next. After each Feed, call Next until it returns FrameNone; memory then
// stays bounded by Limits.MaxElementBytes plus the largest chunk fed, whatever
// the peer sends. Errors are sticky: after one, Next always returns
// FrameNone, Err reports it, and Feed discards its input.
type Framer struct {
	lim     Limits
	textMax int // largest whitespace-only FrameText

	buf   []byte
	start int   // index in buf of the first byte not yet returned in a frame
	pos   int   // index in buf of the next byte to scan
	base  int64 // document offset of buf[0]
	err   error

	st       frState
	kind     FrameKind // kind of the frame being scanned; FrameNone at a boundary
	phase    frPhase
	depth    int  // element depth at pos (the root is depth 1)
	mark     int  // index of the '<' or of the first name byte being scanned
	run      int  // index of the first byte of the attribute name being scanned, or -1
	textFrom int  // index of the first byte of the current run of character data
	attrs    int  // '=' seen in the current start tag
	quote    byte // quote of the attribute value being scanned
	ws       bool // the FrameText being scanned is all whitespace so far
	closing  bool // FrameClose of an empty root element is due
	reuse    bool // see ReuseBuffer

	lines     int64 // newlines in the discarded prefix of the document
	lineStart int64 // document offset just after the last discarded newline
}

type frPhase uint8

const (
	frProlog frPhase = iota // before the root start tag
	frRoot                  // inside the root element
	frEpilog                // after the root end tag
)

type frState uint8

const (
	frTop       frState = iota // at a frame boundary
	frText                     // in a FrameText
	frLT                       // after '<' (at mark)
	frBang                     // after "<!"
	frCDATAOpen                // in "<![CDATA[" (from mark)
	frCDATA                    // in a CDATA section
	frDecl                     // in "<?xml" + whitespace (from mark)
	frDeclBody                 // in the XML declaration, before "?>"
	frStartName                // in a start tag's name (from mark)
	frTag                      // in a start tag after its name, outside quotes
	frAttrVal                  // in a quoted attribute value
	frEmptyEnd                 // after '/' in a start tag
	frEndSlash                 // after "</"
	frEndName                  // in an end tag's name (from mark)
	frEndTail                  // after an end tag's name
	frContent                  // in character data inside a FrameElement
)

// Byte classes for the framer's scanning loops. Names are classified
// exactly for ASCII (XML 1.0 fifth edition NameStartChar and NameChar);
// every byte >= 0x80 is taken as a name byte, and the Decoder checks the
// characters.
const (
	frWS        = 1 << iota // XML whitespace: space, tab, CR, LF
	frName                  // may appear in a name
	frNameStart             // may start a name
)

var frClass = func() (t [256]uint8) {
	for _, c := range []byte(" \t\r\n") {
		t[c] = frWS
	}
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
			t[c] = frName | frNameStart
		case c >= '0' && c <= '9', c == '-', c == '.':
			t[c] = frName
		}
	}
	return t
}()

// NewFramer returns a Framer at the start of a document, enforcing l (with
// its zero fields set to the defaults).
func NewFramer(l Limits) *Framer {
	f := &Framer{}
	f.setLimits(l)
	f.run = -1
	return f
}

func (f *Framer) setLimits(l Limits) {
	f.lim = l.WithDefaults()
	f.textMax = min(frMaxText, f.lim.MaxElementBytes)
}

// Reset forgets the document and any error, as at a stream restart, and
// keeps the buffer and the limits. Bytes fed and not yet returned are
// dropped; to carry them into the new document, copy Buffered first:
//
//	rest := bytes.Clone(f.Buffered())
//	f.Reset()
//	f.Feed(rest)
func (f *Framer) Reset() {
	lim, buf, reuse := f.lim, f.buf[len(f.buf):], f.reuse // frames returned stay as they are
	if reuse {
		buf = f.buf[:0]
	}
	*f = Framer{buf: buf, run: -1, reuse: reuse}
	f.setLimits(lim)
}

// ReuseBuffer sets whether the Framer may write again the memory of frames
// it has returned. By default it never does: a frame stays valid for as
// long as it is referenced, and each time the buffer is full the bytes not
// yet returned move to a new one. With reuse on, they move to the front of
// the same buffer when they fit there, and a frame is valid only until the
// next Feed or Reset: for a caller that copies or decodes each frame (into
// memory of its own) before it feeds more, which then feeds a stream of
// any length without allocating.
func (f *Framer) ReuseBuffer(on bool) { f.reuse = on }

// Feed appends a copy of p to the bytes waiting to be framed. It never
// fails: errors surface from Next. After an error Feed discards p.
func (f *Framer) Feed(p []byte) {
	if f.err != nil || len(p) == 0 {
		return
	}
	if len(f.buf)+len(p) > cap(f.buf) {
		f.compact(len(p))
	}
	f.buf = append(f.buf, p...)
}

// compact drops the bytes already returned in frames, moving the rest to the
// front of a new buffer with room for more bytes: the old one is never
// written again, so frames returned from it stay valid. With ReuseBuffer
// the rest moves to the front of the same buffer instead, when it fits
// with the bytes to come and fills at most half of it (so that each byte
// fed is moved a bounded number of times on average).
func (f *Framer) compact(more int) {
	n := f.start
	done := f.buf[:n]
	if c := bytes.Count(done, []byte{'\n'}); c > 0 {
		f.lines += int64(c)
		f.lineStart = f.base + int64(bytes.LastIndexByte(done, '\n')) + 1
	}
	f.base += int64(n)
	rest := f.buf[n:]
	if more > 0 && f.reuse && len(rest)+more <= cap(f.buf) && 2*len(rest) <= cap(f.buf) {
		f.buf = append(f.buf[:0], rest...) // overlapping: append moves
	} else if more > 0 {
		// Room for what comes, and twice what waits up to the element
		// limit, so that an element fed in many small reads is copied
		// a bounded number of times.
		nb := make([]byte, len(rest), max(len(rest)+more, min(2*len(rest), f.lim.MaxElementBytes), frMinBuf))
		copy(nb, rest)
		f.buf = nb
	} else {
		f.buf = rest[:0:0]
	}
	f.start = 0
	f.pos -= n
	f.mark -= n
	f.textFrom -= n
	if f.run >= 0 {
		f.run -= n
	}
}

// frKeepBuf is the largest buffer a Framer keeps once it has returned
// every complete frame; frMinBuf is the smallest it makes.
const (
	frKeepBuf = 4 << 10
	frMinBuf  = 512
)

// Next returns the next complete frame and its bytes, a slice of the
// internal buffer that the Framer never writes again (unless ReuseBuffer
// is on): the frame stays valid, and may be aliased (see
// Decoder.ResetOwned); it keeps the buffer it is part of, at most about the
// size of the reads fed, in memory. It returns FrameNone when it needs more
// input, and for ever after an error.
func (f *Framer) Next() (FrameKind, []byte) {
	if f.err != nil {
		return FrameNone, nil
	}
	if f.lim.MaxElementBytes == 0 { // zero Framer
		f.setLimits(f.lim)
		f.run = -1
	}
	if f.closing {
		f.closing = false
		f.phase = frEpilog
		f.depth = 0
		return FrameClose, f.buf[f.start:f.start:f.start]
	}
	k, end := f.scan()
	if k == FrameNone {
		// Everything fed is consumed: a buffer grown by a large element
		// is dropped, so that an idle stream holds little memory.
		if f.start == len(f.buf) && cap(f.buf) > frKeepBuf {
			f.compact(0)
			f.buf = nil
		}
		return FrameNone, nil
	}
	b := f.buf[f.start:end:end]
	f.start = end
	return k, b
}

// Err returns the error that stopped the framer, or nil.
func (f *Framer) Err() error { return f.err }

// Offset returns the document offset (since the last Reset) of the first
// byte not yet returned in a frame.
func (f *Framer) Offset() int64 { return f.base + int64(f.start) }

// Buffered returns the bytes fed but not yet returned in a frame, a slice of
// the internal buffer valid until the next call to Feed, Next or Reset.
// Before switching to TLS the stream layer checks it is empty.
func (f *Framer) Buffered() []byte { return f.buf[f.start:len(f.buf):len(f.buf)] }

// Depth returns the element depth at the last frame boundary: 0 before the
// root opens, 1 inside the root between its children, 0 after the root
// closes.
func (f *Framer) Depth() int {
	if f.phase == frRoot {
		return 1
	}
	return 0
}

// emit ends the frame being scanned at end.
func (f *Framer) emit(k FrameKind, end int) (FrameKind, int) {
	f.pos = end
	f.st = frTop
	f.kind = FrameNone
	return k, end
}

// fail makes the error at buffer index i sticky.
func (f *Framer) fail(kind error, i int, msg string) (FrameKind, int) {
	before := f.buf[:i]
	line := 1 + f.lines + int64(bytes.Count(before, []byte{'\n'}))
	lineStart := f.lineStart
	if j := bytes.LastIndexByte(before, '\n'); j >= 0 {
		lineStart = f.base + int64(j) + 1
	}
	off := f.base + int64(i)
	f.err = &SyntaxError{
		Offset: off,
		Line:   int(line),
		Col:    int(off-lineStart) + 1,
		Msg:    msg,
		Kind:   kind,
	}
	return FrameNone, 0
}

// failLimit reports a limit crossed at buffer index i.
func (f *Framer) failLimit(kind error, i int, what string, n int) (FrameKind, int) {
	return f.fail(kind, i, what+" exceeds the limit of "+strconv.Itoa(n))
}

const frCDATAStart = "<![CDATA["

// scan runs the state machine from f.pos over the buffered bytes and returns
// the kind and end index of the next complete frame, or FrameNone when it
// needs more bytes or has failed. It never looks further than MaxElementBytes
// from the start of the frame.
func (f *Framer) scan() (FrameKind, int) {
	buf := f.buf
	pos := f.pos
	st := f.st
	end := len(buf)
	if w := f.start + f.lim.MaxElementBytes; end > w {
		end = w
	}
loop:
	for {
		switch st {
		case frTop:
			if pos >= end {
				break loop
			}
			if buf[pos] == '<' {
				f.mark = pos
				pos++
				st = frLT
				continue
			}
			f.kind = FrameText
			f.ws = true
			f.textFrom = pos
			st = frText

		case frText:
			if f.ws {
				lim := f.start + f.textMax
				for pos < end && pos < lim && frClass[buf[pos]]&frWS != 0 {
					pos++
				}
				if pos == lim {
					return f.emit(FrameText, pos)
				}
				if pos >= end {
					break loop
				}
				if buf[pos] == '<' {
					return f.emit(FrameText, pos)
				}
				if f.phase != frRoot {
					return f.fail(ErrNotWellFormed, pos, "character data outside the root element")
				}
				f.ws = false
			}
			stop, lt, bad := frTextRun(buf, f.textFrom, pos, end)
			if bad >= 0 {
				return f.fail(ErrNotWellFormed, bad, "']]>' in character data")
			}
			if !lt {
				pos = end
				break loop
			}
			return f.emit(FrameText, stop)

		case frContent:
			if pos < end && buf[pos] == '<' {
				// No character data: the next tag follows at once, as
				// between most of a stanza's tags.
				f.mark = pos
				pos++
				st = frLT
				continue loop
			}
			stop, lt, bad := frTextRun(buf, f.textFrom, pos, end)
			if bad >= 0 {
				return f.fail(ErrNotWellFormed, bad, "']]>' in character data")
			}
			if !lt {
				pos = end
				break loop
			}
			f.mark = stop
			pos = stop + 1
			st = frLT

		case frLT:
			if pos >= end {
				break loop
			}
			c := buf[pos]
			switch {
			case frClass[c]&frNameStart != 0:
				if f.kind == FrameNone {
					switch f.phase {
					case frProlog:
						f.kind = FrameOpen
					case frRoot:
						f.kind = FrameElement
					default:
						return f.fail(ErrNotWellFormed, pos, "element after the root element")
					}
				}
				if f.depth >= f.lim.MaxDepth {
					return f.failLimit(ErrLimitDepth, pos, "element depth", f.lim.MaxDepth)
				}
				f.mark = pos
				f.attrs = 0
				pos++
				st = frStartName
			case c == '/':
				if f.kind == FrameNone {
					if f.phase != frRoot {
						return f.fail(ErrNotWellFormed, pos, "end tag outside the root element")
					}
					f.kind = FrameClose
				}
				pos++
				st = frEndSlash
			case c == '!':
				pos++
				st = frBang
			case c == '?':
				if f.kind != FrameNone || f.base+int64(f.mark) != 0 {
					return f.fail(ErrRestrictedXML, pos, "processing instruction")
				}
				f.kind = FrameDecl
				pos++
				st = frDecl
			default:
				return f.fail(ErrNotWellFormed, pos, "'<' not followed by a name")
			}

		case frStartName, frEndName:
			for pos < end && frClass[buf[pos]]&frName != 0 {
				pos++
			}
			if pos-f.mark > f.lim.MaxNameBytes {
				return f.failLimit(ErrLimitName, f.mark+f.lim.MaxNameBytes, "name length in bytes", f.lim.MaxNameBytes)
			}
			if pos >= end {
				break loop
			}
			c := buf[pos]
			if st == frEndName {
				st = frEndTail
				continue
			}
			if frClass[c]&frWS == 0 && c != '>' && c != '/' {
				return f.fail(ErrNotWellFormed, pos, "invalid character in element name")
			}
			f.run = -1
			st = frTag

		case frTag:
			for pos < end {
				c := buf[pos]
				cl := frClass[c]
				if cl&frName != 0 {
					if f.run < 0 {
						f.run = pos
					}
					for pos < end && frClass[buf[pos]]&frName != 0 {
						pos++
					}
					if pos-f.run > f.lim.MaxNameBytes {
						return f.failLimit(ErrLimitName, f.run+f.lim.MaxNameBytes, "name length in bytes", f.lim.MaxNameBytes)
					}
					continue // the name ends at the next byte, or goes on in the next chunk
				}
				f.run = -1
				if cl&frWS != 0 {
					pos++
					continue
				}
				switch c {
				case '=':
					f.attrs++
					if f.attrs > f.lim.MaxAttrs {
						return f.failLimit(ErrLimitAttrs, pos, "attribute count", f.lim.MaxAttrs)
					}
					pos++
				case '\'', '"':
					// The value, read here when its quote is in the
					// buffer: frAttrVal reads one that goes on in the
					// next chunk.
					pos++
					i := bytes.IndexByte(buf[pos:end], c)
					if i < 0 {
						f.quote = c
						st = frAttrVal
						continue loop
					}
					if j := bytes.IndexByte(buf[pos:pos+i], '<'); j >= 0 {
						return f.fail(ErrNotWellFormed, pos+j, "'<' in attribute value")
					}
					pos += i + 1
				case '>':
					pos++
					if f.kind == FrameOpen {
						f.depth = 1
						f.phase = frRoot
						return f.emit(FrameOpen, pos)
					}
					f.depth++
					f.textFrom = pos
					st = frContent
					continue loop
				case '/':
					pos++
					st = frEmptyEnd
					continue loop
				default:
					return f.fail(ErrNotWellFormed, pos, "invalid character in start tag")
				}
			}
			break loop

		case frAttrVal:
			seg := buf[pos:end]
			i := bytes.IndexByte(seg, f.quote)
			if i >= 0 {
				seg = seg[:i]
			}
			if j := bytes.IndexByte(seg, '<'); j >= 0 {
				return f.fail(ErrNotWellFormed, pos+j, "'<' in attribute value")
			}
			if i < 0 {
				pos = end
				break loop
			}
			pos += i + 1
			st = frTag

		case frEmptyEnd:
			if pos >= end {
				break loop
			}
			if buf[pos] != '>' {
				return f.fail(ErrNotWellFormed, pos, "'/' not followed by '>' in start tag")
			}
			pos++
			switch {
			case f.kind == FrameOpen:
				f.depth = 1
				f.phase = frRoot
				f.closing = true
				return f.emit(FrameOpen, pos)
			case f.depth == 1:
				return f.emit(FrameElement, pos)
			}
			f.textFrom = pos
			st = frContent

		case frEndSlash:
			if pos >= end {
				break loop
			}
			if frClass[buf[pos]]&frNameStart == 0 {
				return f.fail(ErrNotWellFormed, pos, "'</' not followed by a name")
			}
			f.mark = pos
			pos++
			st = frEndName

		case frEndTail:
			for pos < end && frClass[buf[pos]]&frWS != 0 {
				pos++
			}
			if pos >= end {
				break loop
			}
			if buf[pos] != '>' {
				return f.fail(ErrNotWellFormed, pos, "invalid character in end tag")
			}
			pos++
			f.depth--
			switch {
			case f.kind == FrameClose:
				f.phase = frEpilog
				return f.emit(FrameClose, pos)
			case f.depth == 1:
				return f.emit(FrameElement, pos)
			}
			f.textFrom = pos
			st = frContent

		case frBang:
			if pos >= end {
				break loop
			}
			switch buf[pos] {
			case '-':
				return f.fail(ErrRestrictedXML, pos, "comment")
			case '[':
				if f.kind == FrameNone {
					if f.phase != frRoot {
						return f.fail(ErrNotWellFormed, pos, "CDATA section outside the root element")
					}
					f.kind = FrameText
					f.ws = false
				}
				pos++
				st = frCDATAOpen
			default:
				return f.fail(ErrRestrictedXML, pos, "DTD or markup declaration")
			}

		case frCDATAOpen:
			for pos < end && pos-f.mark < len(frCDATAStart) {
				if buf[pos] != frCDATAStart[pos-f.mark] {
					return f.fail(ErrNotWellFormed, pos, "malformed CDATA section")
				}
				pos++
			}
			if pos-f.mark < len(frCDATAStart) {
				break loop
			}
			st = frCDATA

		case frCDATA:
			i := bytes.Index(buf[pos:end], []byte("]]>"))
			if i < 0 {
				pos = max(pos, end-2) // "]]" may be completed by the next bytes
				break loop
			}
			pos += i + 3
			f.textFrom = pos
			if f.kind == FrameText {
				st = frText
			} else {
				st = frContent
			}

		case frDecl:
			const decl = "<?xml"
			for pos < end && pos-f.mark < len(decl) {
				if buf[pos] != decl[pos-f.mark] {
					return f.fail(ErrRestrictedXML, pos, "processing instruction")
				}
				pos++
			}
			if pos >= end {
				break loop
			}
			if frClass[buf[pos]]&frWS == 0 {
				return f.fail(ErrRestrictedXML, pos, "processing instruction")
			}
			pos++
			st = frDeclBody

		case frDeclBody:
			for ; pos < end; pos++ {
				switch buf[pos] {
				case '<':
					return f.fail(ErrNotWellFormed, pos, "'<' in XML declaration")
				case '>':
					if buf[pos-1] != '?' {
						return f.fail(ErrNotWellFormed, pos, "'>' in XML declaration")
					}
					return f.emit(FrameDecl, pos+1)
				}
			}
			break loop
		}
	}
	// Out of bytes: wait for more, unless the frame has reached its limit.
	f.pos = pos
	f.st = st
	if end < len(buf) {
		return f.failLimit(ErrLimitElementSize, end, "frame size in bytes", f.lim.MaxElementBytes)
	}
	return FrameNone, 0
}

// frTextRun finds where the character data at buf[pos:end] stops: at the
// next '<' (lt is set) or at end. bad is the index of the '>' of a "]]>" in
// the character data from buf[from:], or -1.
func frTextRun(buf []byte, from, pos, end int) (stop int, lt bool, bad int) {
	stop = end
	if i := bytes.IndexByte(buf[pos:end], '<'); i >= 0 {
		stop, lt = pos+i, true
	}
	return stop, lt, frBadCDEnd(buf, from, pos, stop)
}

// frBadCDEnd returns the index of the '>' of a "]]>" in the character data
// buf[from:stop], of which buf[pos:stop] is new, or -1.
func frBadCDEnd(buf []byte, from, pos, stop int) int {
	lo := max(from, pos-2)
	seg := buf[lo:stop]
	if bytes.IndexByte(seg, ']') < 0 {
		return -1
	}
	if i := bytes.Index(seg, []byte("]]>")); i >= 0 {
		return lo + i + 2
	}
	return -1
}
