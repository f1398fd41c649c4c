package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/protoxmpp/protoxmpp/stanza"
	_ "github.com/protoxmpp/protoxmpp/stanza/all" // decode every payload protoxmpp has a schema for
	"github.com/protoxmpp/protoxmpp/stanza/streams"
)

// decodeCmd is "xmpp decode [-json] [-ns NS] [-validate]".
func (e *env) decodeCmd(args []string) error {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print each element as JSON of its typed value instead of XML")
	ns := fs.String("ns", "jabber:client", "default `namespace` of bare top-level elements")
	validate := fs.Bool("validate", false, "check each element against its schema; print each violation to standard error and exit 1 if there is any")
	if _, err := e.parseCommand(fs, args, 0, 0, "decode [-json] [-ns NS] [-validate]"); err != nil {
		return err
	}
	violations := 0
	if *ns == "" {
		return usagef("decode: -ns must not be empty")
	}
	out := bufio.NewWriter(e.stdout)
	var line, xml []byte
	emit := func(el stanza.Element, off int64) error {
		var err error
		if *asJSON {
			line, err = appendJSONLine(line[:0], el, off)
		} else {
			xml, err = stanza.AppendMarshal(xml[:0], el)
			line = appendOneLine(line[:0], xml)
		}
		if err != nil {
			return fmt.Errorf("decode: offset %d: re-encoding <%s>: %w", off, el.ElementName().Local, err)
		}
		line = append(line, '\n')
		_, err = out.Write(line)
		if *validate {
			var verr *stanza.ValidationError
			if errors.As(stanza.Validate(el), &verr) {
				// Keep standard output and error in step for a reader
				// of both.
				if ferr := out.Flush(); err == nil {
					err = ferr
				}
				for _, v := range verr.Violations {
					violations++
					fmt.Fprintf(e.stderr, "xmpp: offset %d: %s: %s\n", off, v.Path, oneLine(v.Msg))
				}
			}
		}
		return err
	}
	d, err := newInputDecoder(*ns)
	if err != nil {
		return usagef("decode: -ns %q: %v", *ns, err)
	}
	err = d.decodeAll(e.stdin, emit, out.Flush)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err == nil && violations > 0 {
		err = fmt.Errorf("decode: %d schema violation%s", violations, map[bool]string{true: "", false: "s"}[violations == 1])
	}
	return err
}

// decodeError is a decode failure: where it happened in the input and what
// went wrong. Offset is in bytes from the start of standard input; Path
// names the elements open at that point, from the root down, by local name
// ("/stream/message/body"; "/message/body" for bare elements), with
// "@attr" for an attribute.
type decodeError struct {
	Offset    int64
	Line, Col int
	Path      string
	Err       error
}

func (e *decodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "decode: offset %d (line %d, column %d)", e.Offset, e.Line, e.Col)
	if e.Path != "" {
		b.WriteString(" at ")
		b.WriteString(e.Path)
	}
	b.WriteString(": ")
	var se *stanza.SyntaxError
	var de *stanza.DecodeError
	switch {
	case errors.As(e.Err, &se):
		// The offsets in se are the framer's, not the input's: keep the
		// message only.
		fmt.Fprintf(&b, "%v: %s", se.Kind, se.Msg)
	case errors.As(e.Err, &de):
		b.WriteString(de.Err.Error())
	default:
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *decodeError) Unwrap() error { return e.Err }

// inputDecoder turns the bytes of standard input into typed elements:
// a stanza.Framer finds where each top-level element ends (whatever the
// chunking, with the runtime's limits) and a stanza.Decoder decodes it in the
// scope of the stream header.
//
// Input is a whole stream when its first start tag (after an optional XML
// declaration) is a stream root (local name "stream"); otherwise it is a
// sequence of bare elements, decoded as if they stood inside a stream
// header declaring xmlns=NS and xmlns:stream. That header is fed to the
// framer but is not part of the input: offsets are mapped back.
type inputDecoder struct {
	hdr   []byte // the stand-in stream header for bare elements
	fr    *stanza.Framer
	dec   stanza.Decoder
	scope []stanza.NSBinding

	decided bool
	bare    bool
	sniff   []byte // input held back until the mode is known
	insAt   int64  // bare mode: input offset where the stand-in header was inserted
	insLen  int64  // bare mode: its length
	root    string // local name of the root, for paths; "" in bare mode
	rootQ   string // qualified name of the stream root, to check its end tag
	closed  bool   // the root end tag has been read
	total   int64  // input bytes read so far

	// Line accounting up to the framer's offset, in input coordinates.
	lines     int   // newlines before the framer's offset
	lineStart int64 // input offset of the first byte of the current line
}

// newInputDecoder returns an inputDecoder whose bare elements have the
// default namespace ns.
func newInputDecoder(ns string) (*inputDecoder, error) {
	e := stanza.NewEncoder(nil)
	e.StartPrefixed("stream", streams.NS, "stream")
	e.DeclareNS("", ns)
	e.CloseStartTag()
	if err := e.Err(); err != nil {
		return nil, err
	}
	return &inputDecoder{hdr: e.Bytes(), fr: stanza.NewFramer(stanza.Limits{})}, nil
}

// decodeAll reads r to the end in chunks, calling emit for each top-level
// element with its input offset, and flush after each chunk.
func (d *inputDecoder) decodeAll(r io.Reader, emit func(stanza.Element, int64) error, flush func() error) error {
	buf := make([]byte, 32<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			if err := d.feed(buf[:n], emit); err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return d.finish(emit)
		}
		if rerr != nil {
			return fmt.Errorf("decode: reading input: %w", rerr)
		}
	}
}

// feed takes the next chunk of input.
func (d *inputDecoder) feed(p []byte, emit func(stanza.Element, int64) error) error {
	d.total += int64(len(p))
	if !d.decided {
		d.sniff = append(d.sniff, p...)
		if !d.decide(false) {
			return nil
		}
		p, d.sniff = d.sniff, nil
	}
	d.fr.Feed(p)
	return d.drain(emit)
}

// finish ends the input.
func (d *inputDecoder) finish(emit func(stanza.Element, int64) error) error {
	if !d.decided {
		d.decide(true)
		d.fr.Feed(d.sniff)
		d.sniff = nil
		if err := d.drain(emit); err != nil {
			return err
		}
	}
	// What is left is an element cut short, or whitespace that the framer
	// holds until more arrives.
	rest := d.fr.Buffered()
	i := 0
	for i < len(rest) && isSpace(rest[i]) {
		i++
	}
	if i < len(rest) {
		start := d.inputOffset(d.fr.Offset())
		se := &stanza.SyntaxError{Offset: d.total, Kind: stanza.ErrNotWellFormed, Msg: "input ends inside an element"}
		return d.errorAt(d.total, rest, start, se, se)
	}
	// A stream without its closing tag is accepted: a capture may end
	// anywhere between two top-level elements.
	return nil
}

// decide looks at the held-back input to choose between a whole stream and
// bare elements; it returns false when it needs more bytes (and eof is
// false).
func (d *inputDecoder) decide(eof bool) bool {
	b := d.sniff
	i := 0
	declEnd := 0
	if bytes.HasPrefix(b, []byte("<?")) {
		j := bytes.Index(b, []byte("?>"))
		if j < 0 {
			if !eof && len(b) < 4096 {
				return false
			}
			j = len(b) - 2 // let the framer report the broken declaration
		}
		declEnd = j + 2
		i = declEnd
	} else if !eof && len(b) < 2 {
		return false
	}
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) && !eof && len(b) < 4096 {
		return false
	}
	stream := false
	if i < len(b) && b[i] == '<' {
		j := i + 1
		for j < len(b) && !isSpace(b[j]) && b[j] != '>' && b[j] != '/' {
			j++
		}
		if j == len(b) && !eof && j-i < 1024 {
			return false
		}
		q := string(b[i+1 : j])
		_, local, ok := strings.Cut(q, ":")
		if !ok {
			local = q
		}
		stream = local == "stream"
	}
	d.decided = true
	if stream {
		return true
	}
	d.bare = true
	d.insAt, d.insLen = int64(declEnd), int64(len(d.hdr))
	d.sniff = append(append(append([]byte(nil), b[:declEnd]...), d.hdr...), b[declEnd:]...)
	return true
}

// inputOffset maps a framer offset to an input offset.
func (d *inputDecoder) inputOffset(off int64) int64 {
	if !d.bare || off <= d.insAt {
		return off
	}
	return max(d.insAt, off-d.insLen)
}

// drain handles every complete frame.
func (d *inputDecoder) drain(emit func(stanza.Element, int64) error) error {
	for {
		kind, frame := d.fr.Next()
		foff := d.fr.Offset() - int64(len(frame))
		off := d.inputOffset(foff)
		switch kind {
		case stanza.FrameNone:
			if err := d.fr.Err(); err != nil {
				var se *stanza.SyntaxError
				at := d.total
				if errors.As(err, &se) {
					at = d.inputOffset(se.Offset)
				}
				return d.errorAt(at, d.fr.Buffered(), d.inputOffset(d.fr.Offset()), se, err)
			}
			return nil
		case stanza.FrameDecl:
			d.dec.Reset(string(frame), off, nil)
			if d.dec.Next() != stanza.None || d.dec.Err() != nil {
				return d.syntaxError(frame, off, d.dec.Err(), "bad XML declaration")
			}
		case stanza.FrameOpen:
			if err := d.open(frame, off); err != nil {
				return err
			}
		case stanza.FrameText:
			for i, c := range frame {
				if !isSpace(c) {
					return d.errorAt(off+int64(i), frame, off, nil, errors.New("character data between top-level elements"))
				}
			}
		case stanza.FrameElement:
			el, err := d.element(frame, off)
			if err != nil {
				return err
			}
			if err := emit(el, off); err != nil {
				return err
			}
		case stanza.FrameClose:
			if err := d.close(frame, off); err != nil {
				return err
			}
		}
		d.count(frame, off)
	}
}

// count advances the line accounting over a frame that starts at input
// offset off. The stand-in header holds no newline.
func (d *inputDecoder) count(frame []byte, off int64) {
	for i := bytes.IndexByte(frame, '\n'); i >= 0; {
		d.lines++
		d.lineStart = off + int64(i) + 1
		j := bytes.IndexByte(frame[i+1:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
}

// open reads the root start tag.
func (d *inputDecoder) open(frame []byte, off int64) error {
	dec := &d.dec
	dec.Reset(string(frame), off, nil)
	if dec.Next() != stanza.StartElement {
		return d.syntaxError(frame, off, dec.Err(), "bad stream header")
	}
	name := dec.Name()
	if name.Space != streams.NS || name.Local != "stream" {
		return d.errorAt(off, frame, off, nil, fmt.Errorf("root element is {%s}%s, not a stream header {%s}stream", name.Space, name.Local, streams.NS))
	}
	d.scope = append(d.scope[:0], dec.Scope()...)
	if !d.bare {
		d.root = name.Local
		d.rootQ = qnameAt(frame)
	}
	return nil
}

// close checks the root end tag.
func (d *inputDecoder) close(frame []byte, off int64) error {
	if d.bare {
		return d.errorAt(off, frame, off, nil, errors.New("end tag with no element open"))
	}
	d.closed = true
	if len(frame) == 0 { // <stream:stream/>
		return nil
	}
	t := bytes.TrimRight(frame[:len(frame)-1], " \t\r\n")
	if !bytes.HasPrefix(t, []byte("</")) || string(t[2:]) != d.rootQ {
		return d.errorAt(off, frame, off, nil, fmt.Errorf("end tag %q does not match <%s>", frame, d.rootQ))
	}
	return nil
}

// element decodes one top-level element into its typed value.
func (d *inputDecoder) element(frame []byte, off int64) (stanza.Element, error) {
	dec := &d.dec
	dec.Reset(string(frame), off, d.scope)
	if dec.Next() != stanza.StartElement {
		return nil, d.syntaxError(frame, off, dec.Err(), "no element")
	}
	el, err := stanza.DecodeElement(dec)
	if err == nil && (dec.Next() != stanza.None || dec.Err() != nil) {
		err = dec.Err()
		if err == nil {
			err = stanza.Errorf(stanza.ErrNotWellFormed, "content after the element")
		}
	}
	if err != nil {
		return nil, d.syntaxError(frame, off, err, "")
	}
	if r, ok := el.(*stanza.RawElement); ok && r.Err != nil && stanza.Lookup(r.Name) != nil {
		// The element has a schema but its typed decoder refused it.
		path := d.rootPath() + "/" + r.Name.Local
		var de *stanza.DecodeError
		if errors.As(r.Err, &de) {
			for _, p := range de.Path {
				path += "/" + p
			}
			if de.Attr != "" {
				path += "/@" + de.Attr
			}
		}
		line, col := d.position(off, frame, off)
		return nil, &decodeError{Offset: off, Line: line, Col: col, Path: path, Err: r.Err}
	}
	return el, nil
}

// syntaxError reports err (or, when nil, msg) found in frame, which starts at
// input offset off.
func (d *inputDecoder) syntaxError(frame []byte, off int64, err error, msg string) error {
	if err == nil {
		err = stanza.Errorf(stanza.ErrNotWellFormed, msg)
	}
	at := off
	var se *stanza.SyntaxError
	if errors.As(err, &se) {
		at = se.Offset // the Decoder was given the input offset as base
	}
	return d.errorAt(at, frame, off, se, err)
}

// errorAt builds a decodeError at input offset at, inside pending (input
// bytes from offset start), naming the elements open there.
func (d *inputDecoder) errorAt(at int64, pending []byte, start int64, se *stanza.SyntaxError, err error) error {
	if se != nil {
		err = se
	}
	line, col := d.position(at, pending, start)
	return &decodeError{Offset: at, Line: line, Col: col, Path: d.pathAt(pending[:clamp(at-start, len(pending))]), Err: err}
}

// position returns the line and column of input offset at, given the bytes
// pending from offset start (the line accounting covers what came before).
func (d *inputDecoder) position(at int64, pending []byte, start int64) (line, col int) {
	before := pending[:clamp(at-start, len(pending))]
	line = d.lines + 1 + bytes.Count(before, []byte{'\n'})
	lineStart := d.lineStart
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		lineStart = start + int64(i) + 1
	}
	return line, int(at-lineStart) + 1
}

func clamp(n int64, hi int) int {
	return int(min(max(n, 0), int64(hi)))
}

// pathAt names the elements left open by prefix, the start of a top-level
// element cut where an error was found.
func (d *inputDecoder) pathAt(prefix []byte) string {
	var stack []string
	var dec stanza.Decoder
	dec.Reset(string(prefix), 0, d.scope)
	for k := dec.Next(); k != stanza.None; k = dec.Next() {
		switch k {
		case stanza.StartElement:
			stack = append(stack, dec.Name().Local)
		case stanza.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	// An error inside a start tag leaves that element unopened: name it
	// too, as written.
	if i := bytes.LastIndexByte(prefix, '<'); i >= 0 && bytes.IndexByte(prefix[i:], '>') < 0 &&
		i+1 < len(prefix) && prefix[i+1] != '/' && prefix[i+1] != '!' && prefix[i+1] != '?' {
		q := qnameAt(prefix[i:])
		if _, local, ok := strings.Cut(q, ":"); ok {
			q = local
		}
		if q != "" {
			stack = append(stack, q)
		}
	}
	path := d.rootPath()
	for _, s := range stack {
		path += "/" + s
	}
	if path == "" {
		path = "/"
	}
	return path
}

// rootPath is the path of the stream root: "/stream", or "" for bare
// elements.
func (d *inputDecoder) rootPath() string {
	if d.bare || d.root == "" {
		return ""
	}
	return "/" + d.root
}

// qnameAt returns the qualified name of the start tag at the start of b.
func qnameAt(b []byte) string {
	i := 1
	for i < len(b) && !isSpace(b[i]) && b[i] != '>' && b[i] != '/' {
		i++
	}
	return string(b[1:min(i, len(b))])
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
