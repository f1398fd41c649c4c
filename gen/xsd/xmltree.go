package xsd

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// node is an element of a parsed schema file, with names resolved to
// namespaces and the in-scope prefix bindings kept for QName values.
type node struct {
	name  xml.Name   // Space is the namespace URI
	attrs []xml.Attr // Space of each name is the namespace URI; xmlns declarations removed
	ns    *scope     // bindings in scope at this element
	kids  []*node    // child elements and text (text nodes have name.Local == "")
	text  string     // character data of a text node
	pos   Pos
}

// scope is one level of namespace bindings.
type scope struct {
	parent *scope
	m      map[string]string // prefix ("" for the default namespace) -> URI
}

func (s *scope) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return XMLNamespace, true
	}
	for ; s != nil; s = s.parent {
		if uri, ok := s.m[prefix]; ok {
			return uri, true
		}
	}
	// No default namespace declared: unprefixed names are in no namespace.
	return "", prefix == ""
}

// lineIndex maps byte offsets to line and column.
type lineIndex struct {
	file   string
	starts []int // offset of the first byte of each line
}

func newLineIndex(file string, data []byte) *lineIndex {
	li := &lineIndex{file: file, starts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

func (li *lineIndex) pos(off int64) Pos {
	o := int(off)
	if o < 0 {
		o = 0
	}
	line := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > o }) // first line starting after o
	return Pos{File: li.file, Line: line, Col: o - li.starts[line-1] + 1}
}

// posOnLine returns the position of off if it lies on line, else column 1
// of line.
func (li *lineIndex) posOnLine(line int, off int64) Pos {
	p := li.pos(off)
	if line < 1 || line == p.Line {
		return p
	}
	return Pos{File: li.file, Line: line, Col: 1}
}

// parseXML parses data into a tree. It checks what encoding/xml's RawToken
// leaves out: tag matching, prefix bindings, a single root element,
// duplicate attributes.
//
// An undeclared prefix xs or xsd on an element is bound to the XSD
// namespace, with a warning: the one sensible reading in a schema.
func parseXML(file string, data []byte) (*node, []Warning, *Error) {
	root, warns, err := parseXMLTree(file, data)
	if err != nil {
		return nil, nil, err
	}
	return root, warns, nil
}

func parseXMLTree(file string, data []byte) (*node, []Warning, *Error) {
	var warns []Warning
	li := newLineIndex(file, data)
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = charsetReader
	var (
		stack   []*node
		raw     []xml.Name // raw (prefixed) names of the open elements
		root    *node
		rootEnd bool
	)
	errAt := func(off int64, format string, args ...any) *Error {
		return &Error{Pos: li.pos(off), Msg: fmt.Sprintf(format, args...)}
	}
	for {
		off := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(stack) > 0 {
				return nil, nil, errAt(d.InputOffset(), "XML syntax error: unexpected end of file: <%s> is not closed (opened at %s)", rawName(raw[len(raw)-1]), stack[len(stack)-1].pos)
			}
			if root == nil {
				return nil, nil, errAt(d.InputOffset(), "XML syntax error: no root element")
			}
			return root, warns, nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, nil, &Error{Pos: li.posOnLine(se.Line, d.InputOffset()), Msg: "XML syntax error: " + se.Msg}
			}
			return nil, nil, errAt(d.InputOffset(), "XML error: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if rootEnd {
				return nil, nil, errAt(off, "XML syntax error: extra content after the document element")
			}
			n := &node{pos: li.pos(off)}
			var parent *scope
			if len(stack) > 0 {
				parent = stack[len(stack)-1].ns
			}
			n.ns = parent
			seen := map[xml.Name]bool{}
			for _, a := range t.Attr {
				if seen[a.Name] {
					return nil, nil, errAt(off, "XML syntax error: attribute %s repeated in <%s>", rawName(a.Name), rawName(t.Name))
				}
				seen[a.Name] = true
				switch {
				case a.Name.Space == "xmlns":
					if n.ns == parent {
						n.ns = &scope{parent: parent, m: map[string]string{}}
					}
					if a.Value == "" {
						return nil, nil, errAt(off, "XML namespace error: xmlns:%s must not be empty", a.Name.Local)
					}
					n.ns.m[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					if n.ns == parent {
						n.ns = &scope{parent: parent, m: map[string]string{}}
					}
					n.ns.m[""] = a.Value
				}
			}
			space, ok := n.ns.lookup(t.Name.Space)
			if !ok && (t.Name.Space == "xs" || t.Name.Space == "xsd") {
				warns = append(warns, Warning{Pos: li.pos(off), Msg: fmt.Sprintf("namespace prefix %q is not declared; read as the XSD namespace", t.Name.Space)})
				n.ns = &scope{parent: n.ns, m: map[string]string{t.Name.Space: XSDNamespace}}
				space, ok = XSDNamespace, true
			}
			if !ok {
				return nil, nil, errAt(off, "XML namespace error: unbound prefix %q in <%s>", t.Name.Space, rawName(t.Name))
			}
			n.name = xml.Name{Space: space, Local: t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				if a.Name.Space != "" {
					uri, ok := n.ns.lookup(a.Name.Space)
					if !ok {
						return nil, nil, errAt(off, "XML namespace error: unbound prefix %q in attribute %s", a.Name.Space, rawName(a.Name))
					}
					a.Name.Space = uri
				}
				n.attrs = append(n.attrs, a)
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
			raw = append(raw, t.Name)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, nil, errAt(off, "XML syntax error: unexpected end element </%s>", rawName(t.Name))
			}
			open := raw[len(raw)-1]
			if open != t.Name {
				return nil, nil, errAt(off, "XML syntax error: element <%s> (opened at line %d) closed by </%s>", rawName(open), stack[len(stack)-1].pos.Line, rawName(t.Name))
			}
			stack = stack[:len(stack)-1]
			raw = raw[:len(raw)-1]
			if len(stack) == 0 {
				rootEnd = true
			}
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) != 0 {
					return nil, nil, errAt(off, "XML syntax error: character data outside the document element")
				}
				continue
			}
			p := stack[len(stack)-1]
			if k := len(p.kids); k > 0 && p.kids[k-1].name.Local == "" {
				p.kids[k-1].text += string(t)
			} else {
				p.kids = append(p.kids, &node{text: string(t), pos: li.pos(off)})
			}
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) && root != nil {
				return nil, nil, errAt(off, "XML syntax error: DOCTYPE inside the document element")
			}
		}
	}
}

func rawName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// charsetReader accepts the spellings of UTF-8 and ASCII that encoding/xml
// rejects, and ISO-8859-1.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf8", "utf-8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
		data, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		buf := make([]byte, 0, len(data))
		for _, b := range data {
			buf = utf8.AppendRune(buf, rune(b))
		}
		return bytes.NewReader(buf), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// attr returns the value of the unqualified attribute local.
func (n *node) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// isXSD reports whether n is the XSD element local.
func (n *node) isXSD(local string) bool {
	return n.name.Space == XSDNamespace && n.name.Local == local
}

// elems returns the child elements of n.
func (n *node) elems() []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name.Local != "" {
			out = append(out, k)
		}
	}
	return out
}

// xsdKids returns the XSD child elements of n named one of locals.
func (n *node) xsdKids(locals ...string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name.Space != XSDNamespace {
			continue
		}
		for _, l := range locals {
			if k.name.Local == l {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// xsdKid returns the first XSD child element of n named one of locals.
func (n *node) xsdKid(locals ...string) *node {
	if k := n.xsdKids(locals...); len(k) > 0 {
		return k[0]
	}
	return nil
}

// innerText returns the character data of n and its descendants.
func (n *node) innerText() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(n *node) {
		for _, k := range n.kids {
			if k.name.Local == "" {
				b.WriteString(k.text)
			} else {
				walk(k)
			}
		}
	}
	walk(n)
	return b.String()
}

// docOf returns the documentation of the annotations of n.
func docOf(n *node) string {
	var parts []string
	for _, a := range n.xsdKids("annotation") {
		for _, d := range a.xsdKids("documentation") {
			if t := cleanDoc(d.innerText()); t != "" {
				parts = append(parts, t)
			}
		}
	}
	return strings.Join(parts, "\n\n")
}

// cleanDoc removes the common indentation of text, trailing spaces, leading
// and trailing blank lines, and collapses runs of blank lines into one, so
// paragraphs survive.
func cleanDoc(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\t", "    ")
	lines := strings.Split(text, "\n")
	indent := -1
	for i, l := range lines {
		l = strings.TrimRight(l, " \r")
		lines[i] = l
		if l == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	var out []string
	blank := false
	for _, l := range lines {
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l[indent:])
	}
	return strings.Join(out, "\n")
}

// peekTargetNamespace returns the targetNamespace of the root element of
// data, and whether the root is an xs:schema.
func peekTargetNamespace(data []byte) (string, bool) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	for {
		tok, err := d.Token()
		if err != nil {
			return "", false
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Space != XSDNamespace || se.Name.Local != "schema" {
				return "", false
			}
			for _, a := range se.Attr {
				if a.Name.Space == "" && a.Name.Local == "targetNamespace" {
					return a.Value, true
				}
			}
			return "", true
		}
	}
}

// genAttr returns the value of the generator hint attribute local
// (GenNamespace) of n, "" when absent.
func (n *node) genAttr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Space == GenNamespace && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
