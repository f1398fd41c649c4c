// Package xmltest compares XML semantically for round-trip tests, and loads
// the stanza corpus under testdata/corpus.
//
// Two inputs are equal when they have the same elements (by namespace and
// local name, whatever the prefixes), the same attributes (in any order,
// namespace declarations aside) and the same text once unescaped:
//
//	xmltest.Equal(t, want, got, map[string]string{"": "jabber:client"})
//
// Canonical returns the form Equal compares, one element per line, so that a
// cmp.Diff of two of them points at the element that differs.
package xmltest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// XMLNamespace is the namespace bound to the reserved prefix xml
// (xml:lang, xml:space).
const XMLNamespace = "http://www.w3.org/XML/1998/namespace"

// xmlnsNamespace is the namespace of namespace declarations; no element or
// attribute may be in it.
const xmlnsNamespace = "http://www.w3.org/2000/xmlns/"

// Equal reports through t.Errorf, with a (-want +got) diff of their
// canonical forms, when want and got are not the same XML. scope gives the
// namespace bindings in effect around both inputs, as for Canonical. If either
// input does not parse, Equal calls t.Fatalf.
func Equal(t testing.TB, want, got []byte, scope map[string]string) {
	t.Helper()
	w, err := Canonical(want, scope)
	if err != nil {
		t.Fatalf("xmltest: want: %v\n%s", err, want)
		return
	}
	g, err := Canonical(got, scope)
	if err != nil {
		t.Fatalf("xmltest: got: %v\n%s", err, got)
		return
	}
	if w != g {
		t.Errorf("xmltest: XML differs (-want +got):\n%s", cmp.Diff(w, g))
	}
}

// Canonical parses data, a sequence of zero or more top-level elements (such
// as stanzas cut from a stream), and returns its canonical form. Attribute
// values are normalized as XML 1.0 section 3.3.3 says (a literal tab or line
// break becomes a space), which encoding/xml does not do by itself.
//
// scope maps prefixes to the namespaces bound around data: a stanza cut out
// of a client stream inherits {"": "jabber:client", "stream":
// "http://etherx.jabber.org/streams"}. The prefix xml is always bound. A nil
// scope binds nothing.
//
// In the canonical form each element is written on its own line as
// {namespace}local, indented two spaces per level, followed by its attributes
// one per line as @{namespace}local="value" (or @local="value" for an
// attribute in no namespace), sorted by namespace and then local name, with
// namespace declarations left out. Text is unescaped (entity and character
// references resolved, CDATA sections opened) and written as a quoted Go
// string. Whitespace-only text is dropped from elements with element-only
// content (child elements and no other text) and between top-level elements;
// all other text is kept exactly, including leading and trailing whitespace.
// Comments and processing instructions are ignored.
//
// Canonical returns an error if data is not namespace-well-formed XML: a
// syntax error, a mismatched end tag, an unbound prefix, a duplicate
// attribute, or text outside the top-level elements.
func Canonical(data []byte, scope map[string]string) (string, error) {
	roots, err := parse(data, scope)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, n := range roots {
		n.write(&b, 0)
	}
	return b.String(), nil
}

// node is a parsed element or a run of text.
type node struct {
	name  xml.Name // zero for text
	attrs []xml.Attr
	text  string
	kids  []*node
}

func (n *node) isText() bool { return n.name.Local == "" }

// write appends n to b at the given depth.
func (n *node) write(b *strings.Builder, depth int) {
	indent := strings.Repeat("  ", depth)
	if n.isText() {
		b.WriteString(indent)
		b.WriteString(strconv.Quote(n.text))
		b.WriteByte('\n')
		return
	}
	fmt.Fprintf(b, "%s{%s}%s\n", indent, n.name.Space, n.name.Local)
	for _, a := range n.attrs {
		b.WriteString(indent)
		b.WriteString("  @")
		if a.Name.Space != "" {
			fmt.Fprintf(b, "{%s}", a.Name.Space)
		}
		fmt.Fprintf(b, "%s=%s\n", a.Name.Local, strconv.Quote(a.Value))
	}
	elementOnly := false
	for _, k := range n.kids {
		if !k.isText() {
			elementOnly = true
		} else if strings.TrimLeft(k.text, " \t\r\n") != "" {
			elementOnly = false
			break
		}
	}
	for _, k := range n.kids {
		if elementOnly && k.isText() {
			continue
		}
		k.write(b, depth+1)
	}
}

// frame is an open element during parsing, with the bindings it declares.
type frame struct {
	node     *node
	raw      xml.Name // prefix and local name as written, to match the end tag
	bindings map[string]string
}

// parse builds the element trees of data, resolving namespaces itself so that
// it can seed the bindings from scope and reject unbound prefixes.
func parse(data []byte, scope map[string]string) ([]*node, error) {
	d := xml.NewDecoder(bytes.NewReader(normalizeAttrs(data)))
	d.Strict = true
	base := map[string]string{"xml": XMLNamespace}
	for p, ns := range scope {
		if p == "xml" || p == "xmlns" {
			return nil, fmt.Errorf("xmltest: scope binds reserved prefix %q", p)
		}
		base[p] = ns
	}
	var (
		roots []*node
		stack []frame
	)
	lookup := func(prefix string) (string, bool) {
		for i := len(stack) - 1; i >= 0; i-- {
			if ns, ok := stack[i].bindings[prefix]; ok {
				return ns, true
			}
		}
		ns, ok := base[prefix]
		return ns, ok
	}
	addText := func(s string) error {
		if len(stack) == 0 {
			if strings.TrimLeft(s, " \t\r\n") != "" {
				return fmt.Errorf("xmltest: offset %d: text outside the top-level elements: %q", d.InputOffset(), s)
			}
			return nil
		}
		parent := stack[len(stack)-1].node
		if k := len(parent.kids); k > 0 && parent.kids[k-1].isText() {
			parent.kids[k-1].text += s // text split by a comment or CDATA section
			return nil
		}
		parent.kids = append(parent.kids, &node{text: s})
		return nil
	}
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("xmltest: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			f := frame{raw: t.Name, bindings: map[string]string{}}
			var attrs []xml.Attr
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					f.bindings[""] = a.Value
				case a.Name.Space == "xmlns":
					if a.Name.Local == "xml" || a.Name.Local == "xmlns" || a.Value == "" {
						return nil, fmt.Errorf("xmltest: offset %d: illegal declaration xmlns:%s=%q", d.InputOffset(), a.Name.Local, a.Value)
					}
					f.bindings[a.Name.Local] = a.Value
				default:
					attrs = append(attrs, a)
				}
			}
			stack = append(stack, f)
			n := &node{}
			ns, ok := lookup(t.Name.Space)
			if !ok {
				return nil, fmt.Errorf("xmltest: offset %d: element <%s:%s>: unbound prefix %q", d.InputOffset(), t.Name.Space, t.Name.Local, t.Name.Space)
			}
			n.name = xml.Name{Space: ns, Local: t.Name.Local}
			for _, a := range attrs {
				if a.Name.Space != "" {
					ns, ok := lookup(a.Name.Space)
					if !ok {
						return nil, fmt.Errorf("xmltest: offset %d: attribute %s:%s: unbound prefix %q", d.InputOffset(), a.Name.Space, a.Name.Local, a.Name.Space)
					}
					a.Name.Space = ns
				}
				n.attrs = append(n.attrs, a)
			}
			slices.SortFunc(n.attrs, func(a, b xml.Attr) int {
				if c := strings.Compare(a.Name.Space, b.Name.Space); c != 0 {
					return c
				}
				return strings.Compare(a.Name.Local, b.Name.Local)
			})
			for i := 1; i < len(n.attrs); i++ {
				if n.attrs[i].Name == n.attrs[i-1].Name {
					return nil, fmt.Errorf("xmltest: offset %d: duplicate attribute {%s}%s", d.InputOffset(), n.attrs[i].Name.Space, n.attrs[i].Name.Local)
				}
			}
			if n.name.Space == xmlnsNamespace {
				return nil, fmt.Errorf("xmltest: offset %d: element in the xmlns namespace", d.InputOffset())
			}
			stack[len(stack)-1].node = n
			if len(stack) == 1 {
				roots = append(roots, n)
			} else {
				parent := stack[len(stack)-2].node
				parent.kids = append(parent.kids, n)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, fmt.Errorf("xmltest: offset %d: unexpected end tag </%s>", d.InputOffset(), qname(t.Name))
			}
			top := stack[len(stack)-1]
			if top.raw != t.Name {
				return nil, fmt.Errorf("xmltest: offset %d: end tag </%s> does not match <%s>", d.InputOffset(), qname(t.Name), qname(top.raw))
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if err := addText(string(t)); err != nil {
				return nil, err
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
			// Not content.
		}
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("xmltest: unexpected end of input inside <%s>", qname(stack[len(stack)-1].raw))
	}
	return roots, nil
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// normalizeAttrs applies XML attribute-value normalization (XML 1.0 section
// 3.3.3) to the well-formed element in: each literal tab, line feed,
// carriage return or CR LF pair inside a quoted attribute value becomes one
// space, as a conforming parser reports it (a character reference such as
// &#9; stays a tab). encoding/xml, and so xmltest.Canonical, skips this
// step, so without it the reference would disagree with every conforming
// parser about a value holding a literal line break.
func normalizeAttrs(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '<' {
			out = append(out, c)
			continue
		}
		if bytes.HasPrefix(in[i:], []byte("<![CDATA[")) {
			end := bytes.Index(in[i:], []byte("]]>"))
			if end < 0 {
				return append(out, in[i:]...)
			}
			out = append(out, in[i:i+end+3]...)
			i += end + 2
			continue
		}
		// A tag: copy it, normalizing inside quotes, through its '>'.
		var quote byte
		for ; i < len(in); i++ {
			c := in[i]
			switch {
			case quote == 0 && (c == '\'' || c == '"'):
				quote = c
			case quote == 0 && c == '>':
				out = append(out, c)
				goto next
			case quote != 0 && c == quote:
				quote = 0
			case quote != 0 && c == '\r' && i+1 < len(in) && in[i+1] == '\n':
				i++
				c = ' '
			case quote != 0 && (c == '\t' || c == '\n' || c == '\r'):
				c = ' '
			}
			out = append(out, c)
		}
	next:
	}
	return out
}
