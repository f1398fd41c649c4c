package stanza

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds the helpers generated code calls, so that they are written
// once here rather than in every generated package.

// DateTime is an XSD date, time or dateTime value (XEP-0082 profiles), kept
// as written so that it re-encodes unchanged. Time parses it.
type DateTime string

// NewDateTime formats t as an XEP-0082 DateTime in UTC.
func NewDateTime(t time.Time) DateTime {
	return DateTime(t.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"))
}

// Time parses the value as an XEP-0082 DateTime, Date or Time.
func (v DateTime) Time() (time.Time, error) {
	s := strings.TrimSpace(string(v))
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02", "15:04:05.999999999Z07:00", "15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, Errorf(ErrInvalidValue, "stanza: not an XEP-0082 date or time: "+strconv.Quote(s))
}

// Run is one entry of an Order: N consecutive children held by the field
// at position Slot among the struct's child fields.
type Run struct {
	Slot uint16
	N    uint16
}

// Order records the order of an element's children when it differs from the
// order the schema gives, so that encoding reproduces what was decoded.
type Order []Run

// OrderRecorder builds an Order while a generated decoder reads children. It
// allocates only when the order differs from the schema's and there are more
// than eight runs.
type OrderRecorder struct {
	runs     [8]Run
	n        int
	more     []Run
	last     uint16
	unsorted bool
}

// Add records one child held by the field at slot.
func (o *OrderRecorder) Add(slot int) {
	s := uint16(slot)
	if o.n > 0 && s < o.last {
		o.unsorted = true
	}
	o.last = s
	if o.n > 0 {
		if o.n <= len(o.runs) {
			if r := &o.runs[o.n-1]; r.Slot == s && r.N < 0xFFFF {
				r.N++
				return
			}
		} else if r := &o.more[len(o.more)-1]; r.Slot == s && r.N < 0xFFFF {
			r.N++
			return
		}
	}
	if o.n < len(o.runs) {
		o.runs[o.n] = Run{Slot: s, N: 1}
	} else {
		if o.n == len(o.runs) {
			o.more = append(o.more, o.runs[:]...)
		}
		o.more = append(o.more, Run{Slot: s, N: 1})
	}
	o.n++
}

// Result returns the recorded order, reusing buf, or nil when the children
// came in the schema's order.
func (o *OrderRecorder) Result(buf Order) Order {
	if !o.unsorted {
		return nil
	}
	if o.n > len(o.runs) {
		return append(buf[:0], o.more...)
	}
	return append(buf[:0], o.runs[:o.n]...)
}

// IsSpace reports whether s holds only XML whitespace.
func IsSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// DecodeEmpty consumes an element that must have no attributes and no
// content but whitespace.
func DecodeEmpty(d *Decoder) error {
	if len(d.attrs) > 0 {
		a := d.attrs[0].Name
		return &DecodeError{Attr: a.Local, Err: Errorf(ErrUnexpected, "unexpected attribute on an empty element")}
	}
	for {
		switch d.Next() {
		case EndElement:
			return nil
		case CharData:
			if !IsSpace(d.text) {
				return UnexpectedText(d)
			}
		case StartElement:
			return UnexpectedElement(d)
		default:
			return d.Failure()
		}
	}
}

// ReadSimple is ReadText for an element of a simple type: attributes are an
// error, since nothing could keep them.
func (d *Decoder) ReadSimple() (string, error) {
	if len(d.attrs) > 0 {
		return "", &DecodeError{Attr: d.attrs[0].Name.Local, Err: Errorf(ErrUnexpected, "unexpected attribute on an element of simple type")}
	}
	return d.ReadText()
}

// Failure returns the error that stopped Next, or a not-well-formed error
// when the input ended inside an element.
func (d *Decoder) Failure() error { return d.errOrEOF() }

// UnexpectedElement reports a child element the schema does not allow.
func UnexpectedElement(d *Decoder) error {
	n := d.name
	return &DecodeError{Path: []string{n.Local}, Err: Errorf(ErrUnexpected, "unexpected element {"+n.Space+"}"+n.Local)}
}

// UnexpectedText reports text in element-only content.
func UnexpectedText(d *Decoder) error {
	t := d.text
	if len(t) > 20 {
		t = t[:20] + "..."
	}
	return &DecodeError{Err: Errorf(ErrUnexpected, "unexpected text "+strconv.Quote(strings.TrimSpace(t)))}
}

func valueError(kind, s string) error {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return Errorf(ErrInvalidValue, "invalid "+kind+" "+strconv.Quote(s))
}

// ParseBool parses an xs:boolean: true, false, 1 or 0.
func ParseBool(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, valueError("boolean", s)
}

// ParseInt parses an XSD integer type of the given bit size.
func ParseInt(s string, bits int) (int64, error) {
	t := strings.TrimSpace(s)
	if len(t) > 1 && t[0] == '+' {
		t = t[1:]
	}
	v, err := strconv.ParseInt(t, 10, bits)
	if err != nil {
		return 0, valueError("integer", s)
	}
	return v, nil
}

// ParseUint parses an XSD unsigned integer type of the given bit size.
func ParseUint(s string, bits int) (uint64, error) {
	t := strings.TrimSpace(s)
	if len(t) > 1 && t[0] == '+' {
		t = t[1:]
	}
	v, err := strconv.ParseUint(t, 10, bits)
	if err != nil {
		return 0, valueError("unsigned integer", s)
	}
	return v, nil
}

// ParseFloat parses an xs:float or xs:double (INF, -INF and NaN included).
func ParseFloat(s string, bits int) (float64, error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "INF" || t == "+INF":
		t = "+Inf"
	case t == "-INF":
		t = "-Inf"
	case t == "NaN":
	case !isFloat(t):
		// Go's own forms (inf, 0x1p-2, 1_000) are not XSD's.
		return 0, valueError("number", s)
	}
	v, err := strconv.ParseFloat(t, bits)
	if err != nil {
		return 0, valueError("number", s)
	}
	return v, nil
}

// ParseBase64 decodes xs:base64Binary, ignoring whitespace.
func ParseBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, " \t\r\n") {
		s = strings.Join(strings.Fields(s), "")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, valueError("base64", s)
	}
	return b, nil
}

// ParseHex decodes xs:hexBinary.
func ParseHex(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, valueError("hexBinary", s)
	}
	return b, nil
}

// SplitList splits an xs:list value on whitespace.
func SplitList(s string) []string { return strings.Fields(s) }

// JoinList formats an xs:list value.
func JoinList[T any](v []T, format func(T) string) string {
	var b strings.Builder
	for i, x := range v {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(format(x))
	}
	return b.String()
}

// FormatBool formats an xs:boolean.
func FormatBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// FormatInt formats an XSD integer.
func FormatInt(v int64) string { return strconv.FormatInt(v, 10) }

// FormatUint formats an XSD unsigned integer.
func FormatUint(v uint64) string { return strconv.FormatUint(v, 10) }

// FormatFloat formats an xs:float or xs:double.
func FormatFloat(v float64, bits int) string {
	switch {
	case v != v:
		return "NaN"
	case v > 0 && v*2 == v:
		return "INF"
	case v < 0 && v*2 == v:
		return "-INF"
	}
	return strconv.FormatFloat(v, 'g', -1, bits)
}

// FormatBase64 formats xs:base64Binary.
func FormatBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// FormatHex formats xs:hexBinary.
func FormatHex(b []byte) string { return hex.EncodeToString(b) }

// AttrBool adds an xs:boolean attribute.
func (e *Encoder) AttrBool(local string, v bool) { e.Attr(local, FormatBool(v)) }

// AttrInt adds an integer attribute without allocating.
func (e *Encoder) AttrInt(local string, v int64) {
	var buf [24]byte
	e.attrDigits(local, strconv.AppendInt(buf[:0], v, 10))
}

// AttrUint adds an unsigned integer attribute without allocating.
func (e *Encoder) AttrUint(local string, v uint64) {
	var buf [24]byte
	e.attrDigits(local, strconv.AppendUint(buf[:0], v, 10))
}

// TextInt writes an integer as text without allocating.
func (e *Encoder) TextInt(v int64) {
	var buf [24]byte
	e.textDigits(strconv.AppendInt(buf[:0], v, 10))
}

// TextUint writes an unsigned integer as text without allocating.
func (e *Encoder) TextUint(v uint64) {
	var buf [24]byte
	e.textDigits(strconv.AppendUint(buf[:0], v, 10))
}

// TextBool writes an xs:boolean as text.
func (e *Encoder) TextBool(v bool) { e.Text(FormatBool(v)) }

// attrDigits adds an attribute whose value is ASCII digits (and a sign),
// which need no escaping.
func (e *Encoder) attrDigits(local string, digits []byte) {
	e.Attr(local, "")
	if e.err != nil {
		return
	}
	e.buf = append(e.buf[:len(e.buf)-1], digits...)
	e.buf = append(e.buf, '\'')
}

// textDigits writes ASCII digits as text.
func (e *Encoder) textDigits(digits []byte) {
	if e.err != nil {
		return
	}
	if e.open {
		e.buf = append(e.buf, '>')
		e.open = false
	}
	e.buf = append(e.buf, digits...)
}

// appendBase64 appends b as xs:base64Binary, which never needs escaping.
func appendBase64(buf, b []byte) []byte {
	enc := base64.StdEncoding
	n := len(buf)
	buf = slices.Grow(buf, enc.EncodedLen(len(b)))[:n+enc.EncodedLen(len(b))]
	enc.Encode(buf[n:], b)
	return buf
}

// TextBase64 writes b as xs:base64Binary text without allocating; empty
// b writes nothing, as Text("") does.
func (e *Encoder) TextBase64(b []byte) {
	if len(b) == 0 {
		return
	}
	e.textDigits(nil)
	if e.err == nil {
		e.buf = appendBase64(e.buf, b)
	}
}

// AttrBase64 is AttrQuoted for an xs:base64Binary value, written without
// allocating.
func (e *Encoder) AttrBase64(open string, b []byte) {
	e.AttrQuoted(open, "")
	if e.err != nil {
		return
	}
	e.buf = append(appendBase64(e.buf[:len(e.buf)-1], b), '\'')
}

// ErrNonCanonical is matched by the error of NonCanonical.
var ErrNonCanonical = errors.New("value not in canonical form")

// LexicalError is the error of NonCanonical: a valid value written in
// another form than the one its type writes.
type LexicalError struct {
	// Value is the lexical form received.
	Value string
}

func (e *LexicalError) Error() string {
	return "value " + strconv.Quote(e.Value) + " is not in canonical form"
}

// Unwrap returns ErrNonCanonical.
func (e *LexicalError) Unwrap() error { return ErrNonCanonical }

// NonCanonical reports a valid value written in another form than the one
// its type writes ('1' for true, '+7' or '007' for 7). Generated decoders
// keep such an element as it came, in place (XMLExtra), beside the typed
// field that holds its value, and write it instead of the field while the
// field keeps that value; validation does not report it, as the value is
// valid.
func NonCanonical(s string) error { return &LexicalError{Value: s} }

// KeptText returns the lexical form of the element x when it is a copy
// kept by a generated decoder because its valid value was not in canonical
// form (see NonCanonical), with the name n.
func KeptText(x Element, n Name) (string, bool) {
	r, ok := x.(*RawElement)
	if !ok || r.Name != n {
		return "", false
	}
	var le *LexicalError
	if !errors.As(r.Err, &le) {
		return "", false
	}
	return le.Value, true
}

// KeptChild returns the lexical form of the first copy in extra (a
// generated type's XMLExtra) kept for the child element n, as KeptText.
func KeptChild(extra []Element, n Name) (string, bool) {
	for _, x := range extra {
		if s, ok := KeptText(x, n); ok {
			return s, true
		}
	}
	return "", false
}

// KeptAttr returns the value of the attribute {space}local in attrs (a
// generated type's AnyAttrs), and whether there is one.
func KeptAttr(attrs []Attr, space, local string) (string, bool) {
	for _, a := range attrs {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value, true
		}
	}
	return "", false
}

// Canonical checks: whether a parsed value's canonical form is exactly the
// lexical form s it came from, without allocating. Generated decoders keep
// the form of a value written otherwise.

// IsCanonicalInt reports whether FormatInt(v) == s.
func IsCanonicalInt(v int64, s string) bool {
	var buf [24]byte
	return string(strconv.AppendInt(buf[:0], v, 10)) == s
}

// IsCanonicalUint reports whether FormatUint(v) == s.
func IsCanonicalUint(v uint64, s string) bool {
	var buf [24]byte
	return string(strconv.AppendUint(buf[:0], v, 10)) == s
}

// IsCanonicalFloat reports whether FormatFloat(v, bits) == s.
func IsCanonicalFloat(v float64, bits int, s string) bool {
	if v != v || v*2 == v && v != 0 {
		return FormatFloat(v, bits) == s
	}
	var buf [32]byte
	return string(strconv.AppendFloat(buf[:0], v, 'g', -1, bits)) == s
}

// IsCanonicalBase64 reports whether FormatBase64(b) == s.
func IsCanonicalBase64(b []byte, s string) bool {
	enc := base64.StdEncoding
	if enc.EncodedLen(len(b)) != len(s) {
		return false
	}
	var buf [64]byte
	for len(b) > 0 {
		n := min(len(b), 48) // whole groups of three but at the end
		m := enc.EncodedLen(n)
		enc.Encode(buf[:m], b[:n])
		if string(buf[:m]) != s[:m] {
			return false
		}
		b, s = b[n:], s[m:]
	}
	return true
}

// IsCanonicalHex reports whether FormatHex(b) == s.
func IsCanonicalHex(b []byte, s string) bool {
	if hex.EncodedLen(len(b)) != len(s) {
		return false
	}
	var buf [64]byte
	for len(b) > 0 {
		n := min(len(b), 32)
		hex.Encode(buf[:2*n], b[:n])
		if string(buf[:2*n]) != s[:2*n] {
			return false
		}
		b, s = b[n:], s[2*n:]
	}
	return true
}
