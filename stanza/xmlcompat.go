package stanza

import (
	"encoding/xml"
	"errors"
	"io"
)

// MarshalXMLTo writes v to an encoding/xml Encoder, token by token. Generated
// types call it from their MarshalXML methods, so they work inside structs
// marshaled by encoding/xml.
func MarshalXMLTo(xe *xml.Encoder, v Element) error {
	m, b, err := marshalPooled(v)
	defer m.release(b)
	if err != nil {
		return err
	}
	// Copied: xe may keep the names it is given (its namespace
	// prefixes) after the call, and b is written again.
	d := decoders.Get().(*Decoder)
	defer d.release()
	d.ResetBytes(b, 0, nil)
	for {
		switch d.Next() {
		case StartElement:
			start := xml.StartElement{Name: xml.Name{Space: d.name.Space, Local: d.name.Local}}
			for _, a := range d.attrs {
				start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Space: a.Name.Space, Local: a.Name.Local}, Value: a.Value})
			}
			if err := xe.EncodeToken(start); err != nil {
				return err
			}
		case EndElement:
			if err := xe.EncodeToken(xml.EndElement{Name: xml.Name{Space: d.name.Space, Local: d.name.Local}}); err != nil {
				return err
			}
		case CharData:
			if err := xe.EncodeToken(xml.CharData(d.text)); err != nil {
				return err
			}
		default:
			if d.err != nil {
				return d.err
			}
			return nil
		}
	}
}

// UnmarshalXMLFrom reads the element start from an encoding/xml Decoder and
// decodes it into v. Generated types call it from their UnmarshalXML methods.
func UnmarshalXMLFrom(xd *xml.Decoder, start xml.StartElement, v Element) error {
	e := NewEncoder(nil)
	writeStart := func(s xml.StartElement) {
		e.Start(s.Name.Space, s.Name.Local)
		for _, a := range s.Attr {
			if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
				continue
			}
			space := a.Name.Space
			if space == "xml" {
				space = NSXML
			}
			e.AttrNS(space, a.Name.Local, a.Value)
		}
	}
	writeStart(start)
	depth := 1
	for depth > 0 {
		tok, err := xd.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return Errorf(ErrNotWellFormed, "stanza: unexpected end of input")
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			writeStart(t)
			depth++
		case xml.EndElement:
			e.End()
			depth--
		case xml.CharData:
			e.Text(string(t))
		}
	}
	if err := e.Err(); err != nil {
		return err
	}
	return Unmarshal(e.Bytes(), v)
}
