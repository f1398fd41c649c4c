package stanza

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Decoding never refuses a well-formed element because of its schema;
// validation is the separate step that says where a decoded value departs
// from it. Generated types implement Validator; Validate walks a value and
// every typed value inside it and reports every violation at once.

// Violation is one departure of a decoded value from its schema.
type Violation struct {
	// Path locates it: the element names from the validated element down,
	// with a 1-based index for repeated children, and the attribute:
	// "/iq/query/item[2]/@subscription".
	Path string
	// Msg says what is wrong: `"maybe" is not one of none, to, from, both,
	// remove`.
	Msg string
}

func (v *Violation) Error() string { return v.Path + ": " + v.Msg }

// ErrInvalid is matched by every *ValidationError and *Violation with
// errors.Is.
var ErrInvalid = errors.New("stanza: schema violation")

// Is makes errors.Is(v, ErrInvalid) hold.
func (v *Violation) Is(target error) bool { return target == ErrInvalid }

// ValidationError is the error of Validate: every violation found, for
// each element its attributes, then its children in the order of its
// schema, then the content kept because the schema does not allow it.
type ValidationError struct {
	Violations []*Violation
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("stanza: ")
	b.WriteString(strconv.Itoa(len(e.Violations)))
	if len(e.Violations) == 1 {
		b.WriteString(" schema violation: ")
	} else {
		b.WriteString(" schema violations: ")
	}
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.Error())
	}
	return b.String()
}

// Unwrap returns the violations, so that errors.As finds a *Violation.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Violations))
	for i, v := range e.Violations {
		out[i] = v
	}
	return out
}

// Validator is implemented by generated types: ValidateXMPP reports to c
// every violation in the value and in the typed values inside it.
type Validator interface {
	ValidateXMPP(c *Checker)
}

// Validate checks v against its schema and returns nil, or a
// *ValidationError listing every violation with its path. Elements no
// generated package describes (*RawElement) pass, unless they hold the
// error a typed decoder refused them with. Paths start at v's own name.
func Validate(v Element) error {
	var c Checker
	c.Element(v)
	return c.Err()
}

// Checker collects violations as generated ValidateXMPP methods walk a
// value. The zero value is ready; Err returns the result.
type Checker struct {
	path []pathSeg
	vs   []*Violation
}

// pathSeg is one step of a path: the index is formatted only when a
// violation is reported, so that validating a valid value allocates
// nothing per child.
type pathSeg struct {
	local string
	index int
}

// Err returns nil or the *ValidationError of what was reported.
func (c *Checker) Err() error {
	if len(c.vs) == 0 {
		return nil
	}
	return &ValidationError{Violations: c.vs}
}

// Violations returns what was reported so far.
func (c *Checker) Violations() []*Violation { return c.vs }

// Enter descends into the child element local; index is its 1-based
// position among repeated siblings, 0 for a child that cannot repeat.
func (c *Checker) Enter(local string, index int) {
	c.path = append(c.path, pathSeg{local, index})
}

// Leave returns from the last Enter.
func (c *Checker) Leave() { c.path = c.path[:len(c.path)-1] }

func (c *Checker) at(suffix string) string {
	var b strings.Builder
	for _, p := range c.path {
		b.WriteByte('/')
		b.WriteString(p.local)
		if p.index > 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
		}
	}
	b.WriteString(suffix)
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// Report records a violation of the current element.
func (c *Checker) Report(msg string) {
	c.vs = append(c.vs, &Violation{Path: c.at(""), Msg: msg})
}

// ReportAttr records a violation of the attribute local of the current
// element; space is its namespace ("" for none, NSXML shows as xml:).
func (c *Checker) ReportAttr(space, local, msg string) {
	c.vs = append(c.vs, &Violation{Path: c.at("/@" + attrLabel(space, local)), Msg: msg})
}

// ReportChild records a violation of the child element local (index as for
// Enter).
func (c *Checker) ReportChild(local string, index int, msg string) {
	c.Enter(local, index)
	c.Report(msg)
	c.Leave()
}

func attrLabel(space, local string) string {
	switch space {
	case "":
		return local
	case NSXML:
		return "xml:" + local
	}
	return "{" + space + "}" + local
}

// Element validates a child element held as an Element (a wildcard's
// content): a typed value is validated under its own name; a RawElement
// that a typed decoder refused reports why.
func (c *Checker) Element(el Element) {
	if el == nil {
		return
	}
	switch x := el.(type) {
	case *RawElement:
		if x.Err != nil && !errors.Is(x.Err, ErrNonCanonical) {
			c.ReportChild(x.Name.Local, 0, "does not fit its type: "+errText(x.Err))
		}
		return
	case *Text:
		return
	}
	if v, ok := el.(Validator); ok {
		c.Enter(el.ElementName().Local, 0)
		v.ValidateXMPP(c)
		c.Leave()
	}
}

// Elements validates each element of els with Element.
func (c *Checker) Elements(els []Element) {
	for _, el := range els {
		c.Element(el)
	}
}

// Extra reports the content a decoder kept because the schema does not
// allow it where it stands (a generated type's XMLExtra field).
func (c *Checker) Extra(els []Element) {
	for _, el := range els {
		switch x := el.(type) {
		case *Text:
			if !IsSpace(x.Value) {
				c.Report("unexpected text " + quote(x.Value))
			}
		case *RawElement:
			if errors.Is(x.Err, ErrNonCanonical) {
				continue // a valid value, kept in the form it came in
			}
			if x.Err != nil {
				c.ReportChild(x.Name.Local, 0, "does not fit its type: "+errText(x.Err))
				continue
			}
			c.Report("unexpected element " + describeName(x.Name))
		case nil:
		default:
			c.Report("unexpected element " + describeName(el.ElementName()))
		}
	}
}

// NotOneOf reports at the attribute local (or at the current element's text
// when local is "") a value outside an enumeration; allowed is the list
// for the message.
func (c *Checker) NotOneOf(space, local, value, allowed string) {
	msg := quote(value) + " is not one of " + allowed
	if local == "" {
		c.Report(msg)
		return
	}
	c.ReportAttr(space, local, msg)
}

// Lexical reports at the attribute local (or the element's text when local
// is "") a value outside the lexical space of the XSD built-in xsd, or
// outside the facets of its type; it returns whether it reported.
func (c *Checker) Lexical(space, local, xsd, value string, facets *Facets) bool {
	why := CheckLexical(xsd, value)
	if why == "" && facets != nil {
		why = facets.Check(value)
	}
	if why == "" {
		return false
	}
	if local == "" {
		c.Report(why)
	} else {
		c.ReportAttr(space, local, why)
	}
	return true
}

// Invalid reports at the attribute local (or the element's text when local
// is "") a value that is not a valid what, for the reason err gives (a JID
// that does not prepare, for generated code).
func (c *Checker) Invalid(space, local, value, what string, err error) {
	msg := quote(value) + " is not a valid " + what + ": " + err.Error()
	if local == "" {
		c.Report(msg)
		return
	}
	c.ReportAttr(space, local, msg)
}

// Union reports at the attribute local (or the element's text when local
// is "") a value that no member type of its xs:union accepts; each member
// reports whether it accepts the value.
func (c *Checker) Union(space, local, value string, members ...func(string) bool) {
	for _, m := range members {
		if m(value) {
			return
		}
	}
	msg := quote(value) + " is a value of none of the member types of its union"
	if local == "" {
		c.Report(msg)
		return
	}
	c.ReportAttr(space, local, msg)
}

// CheckValue returns why value is not a value of the built-in xsd
// restricted by facets (nil for none), "" when it is.
func CheckValue(xsd, value string, facets *Facets) string {
	if why := CheckLexical(xsd, value); why != "" {
		return why
	}
	if facets != nil {
		return facets.Check(value)
	}
	return ""
}

// InCanonical reports whether value, a valid lexical form of the numeric
// or boolean built-in xsd, is one of canonical (canonical forms).
func InCanonical(xsd, value string, canonical []string) bool {
	v := collapse(value)
	switch xsd {
	case "boolean":
		switch v {
		case "1":
			v = "true"
		case "0":
			v = "false"
		}
	default:
		if integerInRange("integer", v) {
			neg := strings.HasPrefix(v, "-")
			v = strings.TrimLeft(strings.TrimLeft(v, "+-"), "0")
			switch {
			case v == "":
				v = "0"
			case neg:
				v = "-" + v
			}
		}
	}
	for _, c := range canonical {
		if c == v {
			return true
		}
	}
	return false
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:61] + "..."
	}
	return strconv.Quote(s)
}

func describeName(n Name) string {
	if n.Space == "" {
		return "<" + n.Local + "/>"
	}
	return "<" + n.Local + " xmlns='" + n.Space + "'/>"
}

func errText(err error) string {
	var de *DecodeError
	if errors.As(err, &de) {
		return de.Err.Error()
	}
	return err.Error()
}

// Facets are the constraining facets of a derived simple type that
// validation checks beside the lexical space of its built-in: lengths in
// characters (or octets for binary types), numeric bounds and a pattern.
type Facets struct {
	Length, MinLength, MaxLength int // -1 when absent
	// MinInclusive and the others hold the facet's lexical value, "" when
	// absent; they compare as numbers.
	MinInclusive, MaxInclusive, MinExclusive, MaxExclusive string
	// Pattern matches the whole value, "" when absent (a compiled regular
	// expression in Match).
	Pattern string
	Match   func(string) bool
}

// Check returns why value breaks a facet, "" when it does not.
func (f *Facets) Check(value string) string {
	n := utf8.RuneCountInString(value)
	switch {
	case f.Length >= 0 && n != f.Length:
		return quote(value) + " is not " + strconv.Itoa(f.Length) + " characters long"
	case f.MinLength >= 0 && n < f.MinLength:
		return quote(value) + " is shorter than " + strconv.Itoa(f.MinLength) + " characters"
	case f.MaxLength >= 0 && n > f.MaxLength:
		return quote(value) + " is longer than " + strconv.Itoa(f.MaxLength) + " characters"
	}
	if f.MinInclusive != "" || f.MaxInclusive != "" || f.MinExclusive != "" || f.MaxExclusive != "" {
		x, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err == nil {
			bound := func(b string) (float64, bool) {
				if b == "" {
					return 0, false
				}
				y, err := strconv.ParseFloat(b, 64)
				return y, err == nil
			}
			if y, ok := bound(f.MinInclusive); ok && x < y {
				return quote(value) + " is less than " + f.MinInclusive
			}
			if y, ok := bound(f.MaxInclusive); ok && x > y {
				return quote(value) + " is more than " + f.MaxInclusive
			}
			if y, ok := bound(f.MinExclusive); ok && x <= y {
				return quote(value) + " is not more than " + f.MinExclusive
			}
			if y, ok := bound(f.MaxExclusive); ok && x >= y {
				return quote(value) + " is not less than " + f.MaxExclusive
			}
		}
	}
	if f.Match != nil && !f.Match(value) {
		return quote(value) + " does not match the pattern " + f.Pattern
	}
	return ""
}
