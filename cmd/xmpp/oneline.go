package main

import "bytes"

// appendOneLine appends xml, a serialized well-formed element, to dst with
// every line break replaced so that it reads as one line and still means
// the same to an XML parser:
//
//   - in character data, a line break (LF, CR LF or CR, which XML reads as
//     one LF) becomes the character reference &#xA;;
//   - inside a tag (between attributes, or in an attribute value, where
//     attribute-value normalization turns it into a space anyway) it becomes
//     a space;
//   - inside a CDATA section, the section is closed, &#xA; written and a new
//     section opened.
//
// Comments and processing instructions cannot occur (RFC 6120 section 11).
func appendOneLine(dst, xml []byte) []byte {
	if bytes.IndexByte(xml, '\n') < 0 && bytes.IndexByte(xml, '\r') < 0 {
		return append(dst, xml...)
	}
	const (
		inText = iota
		inTag
		inCDATA
	)
	state := inText
	var quote byte
	for i := 0; i < len(xml); i++ {
		c := xml[i]
		if c == '\r' || c == '\n' {
			if c == '\r' && i+1 < len(xml) && xml[i+1] == '\n' {
				i++
			}
			switch state {
			case inText:
				dst = append(dst, "&#xA;"...)
			case inTag:
				dst = append(dst, ' ')
			case inCDATA:
				dst = append(dst, "]]>&#xA;<![CDATA["...)
			}
			continue
		}
		switch state {
		case inText:
			if c == '<' {
				if bytes.HasPrefix(xml[i:], []byte("<![CDATA[")) {
					dst = append(dst, "<![CDATA["...)
					i += len("<![CDATA[") - 1
					state = inCDATA
					continue
				}
				state = inTag
			}
		case inTag:
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '\'' || c == '"':
				quote = c
			case c == '>':
				state = inText
			}
		case inCDATA:
			if c == ']' && bytes.HasPrefix(xml[i:], []byte("]]>")) {
				dst = append(dst, "]]>"...)
				i += 2
				state = inText
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}
