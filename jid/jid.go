package jid

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/secure/precis"
)

// MaxPartLen is the longest a localpart, domainpart or resourcepart may be,
// in bytes of UTF-8 after enforcement (RFC 7622 sections 3.2 to 3.4).
const MaxPartLen = 1023

// JID is an XMPP address (RFC 7622): an optional localpart, a domainpart and
// an optional resourcepart, held as the text of the address.
//
// A JID made by Parse, New or WithResource holds the canonical (enforced)
// form of its parts, so == compares two such JIDs as addresses. One made by
// Raw, as generated stanza types make the addresses they decode, holds the
// text exactly as it came, valid or not: decoding does no PRECIS work and
// re-encodes the address as it came. Its parts are split from the text on
// demand; Prepare (or Check) enforces them, and Equal compares two JIDs as
// addresses whatever their form. The zero value is no address (IsZero).
type JID struct {
	s string
}

// Raw returns the JID whose text is s, as it is: nothing is checked or
// prepared (see Prepare and Check). Generated stanza types use it for the
// addresses they decode.
func Raw(s string) JID { return JID{s: s} }

// Parse parses s as a JID, splitting it as RFC 7622 section 3.1 describes
// and enforcing every part (see the package documentation). The error is an
// *Error naming the first part that failed.
func Parse(s string) (JID, error) {
	bare, resource, hasResource := strings.Cut(s, "/")
	local, domain, hasLocal := strings.Cut(bare, "@")
	if !hasLocal {
		local, domain = "", bare
	}
	var l, d, r string
	var err error
	if hasLocal {
		if l, err = enforceLocal(local); err != nil {
			return JID{}, err
		}
	}
	if d, err = enforceDomain(domain); err != nil {
		return JID{}, err
	}
	if hasResource {
		if r, err = enforceResource(resource); err != nil {
			return JID{}, err
		}
	}
	if l == local && d == domain && r == resource {
		return JID{s: s}, nil // already canonical: no copy
	}
	return join(l, d, r), nil
}

// join builds the JID of canonical parts.
func join(local, domain, resource string) JID {
	if local == "" && resource == "" {
		return JID{s: domain}
	}
	b := make([]byte, 0, len(local)+len(domain)+len(resource)+2)
	if local != "" {
		b = append(append(b, local...), '@')
	}
	b = append(b, domain...)
	if resource != "" {
		b = append(append(b, '/'), resource...)
	}
	return JID{s: string(b)}
}

// MustParse is Parse that panics on error, for addresses written in code.
func MustParse(s string) JID {
	j, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return j
}

// New builds a JID from its parts, enforcing each as Parse does. An empty
// local or resource means the part is absent; domain is required.
func New(local, domain, resource string) (JID, error) {
	var l, d, r string
	var err error
	if local != "" {
		if l, err = enforceLocal(local); err != nil {
			return JID{}, err
		}
	}
	if d, err = enforceDomain(domain); err != nil {
		return JID{}, err
	}
	if resource != "" {
		if r, err = enforceResource(resource); err != nil {
			return JID{}, err
		}
	}
	return join(l, d, r), nil
}

// parts splits the text of j as RFC 7622 section 3.1 describes.
func (j JID) parts() (local, domain, resource string) {
	bare, resource, _ := strings.Cut(j.s, "/")
	local, domain, hasLocal := strings.Cut(bare, "@")
	if !hasLocal {
		return "", bare, resource
	}
	return local, domain, resource
}

// Local returns the localpart, "" when there is none.
func (j JID) Local() string { l, _, _ := j.parts(); return l }

// Domain returns the domainpart, "" only for the zero JID.
func (j JID) Domain() string { _, d, _ := j.parts(); return d }

// Resource returns the resourcepart, "" when there is none.
func (j JID) Resource() string { _, _, r := j.parts(); return r }

// Bare returns j without its resourcepart (localpart@domainpart), in the
// form j has.
func (j JID) Bare() JID {
	bare, _, _ := strings.Cut(j.s, "/")
	return JID{s: bare}
}

// DomainJID returns the JID made of j's domainpart alone (the server or
// service that hosts j).
func (j JID) DomainJID() JID { return JID{s: j.Domain()} }

// WithResource returns j with its resourcepart replaced by r, enforced with
// the OpaqueString profile; an empty r gives the bare JID. It fails for the
// zero JID, which has no domainpart.
func (j JID) WithResource(r string) (JID, error) {
	if j.IsZero() {
		return JID{}, &Error{Part: Domainpart, Err: ErrEmpty}
	}
	out := j.Bare()
	if r == "" {
		return out, nil
	}
	er, err := enforceResource(r)
	if err != nil {
		return JID{}, err
	}
	return JID{s: out.s + "/" + er}, nil
}

// String returns the text of j: localpart@domainpart/resourcepart (the
// parts that are present), "" for the zero JID; the canonical form for a
// JID made by Parse, the text as it came for one made by Raw.
func (j JID) String() string { return j.s }

// AppendTo appends the text of j (as String) to b.
func (j JID) AppendTo(b []byte) []byte { return append(b, j.s...) }

// IsZero reports whether j is the zero JID (no address).
func (j JID) IsZero() bool { return j.s == "" }

// IsBare reports whether j is an address without a resourcepart.
func (j JID) IsBare() bool { return j.s != "" && !strings.Contains(j.s, "/") }

// IsFull reports whether j has a resourcepart.
func (j JID) IsFull() bool { return j.Resource() != "" }

// Prepare returns j with every part enforced (as Parse(j.String())), or
// the *Error of the first part that fails: how a JID received, made by
// Raw, is checked and put in canonical form.
func (j JID) Prepare() (JID, error) { return Parse(j.s) }

// Check returns the error Prepare would, nil for a valid address.
func (j JID) Check() error {
	_, err := Parse(j.s)
	return err
}

// Equal reports whether j and o are the same address: the same text, or
// texts whose canonical forms are the same. Two invalid addresses are
// equal only when their texts are.
func (j JID) Equal(o JID) bool {
	if j == o {
		return true
	}
	pj, err1 := j.Prepare()
	po, err2 := o.Prepare()
	return err1 == nil && err2 == nil && pj == po
}

// MarshalText implements encoding.TextMarshaler: the text of j, empty for
// the zero JID.
func (j JID) MarshalText() ([]byte, error) { return j.AppendTo(nil), nil }

// AppendText implements encoding.TextAppender.
func (j JID) AppendText(b []byte) ([]byte, error) { return j.AppendTo(b), nil }

// UnmarshalText implements encoding.TextUnmarshaler with Parse; empty text
// gives the zero JID.
func (j *JID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*j = JID{}
		return nil
	}
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*j = p
	return nil
}

// Part names a part of a JID in an *Error.
type Part uint8

// The parts of a JID (RFC 7622 section 3).
const (
	Localpart Part = iota + 1
	Domainpart
	Resourcepart
)

func (p Part) String() string {
	switch p {
	case Localpart:
		return "localpart"
	case Domainpart:
		return "domainpart"
	case Resourcepart:
		return "resourcepart"
	}
	return fmt.Sprintf("Part(%d)", uint8(p))
}

// Sentinel errors matched with errors.Is; every error from this package is
// an *Error wrapping one of them.
var (
	// ErrEmpty: a part that is present is zero bytes long once enforced
	// ("@example.com", "example.com/"), or the domainpart is missing.
	ErrEmpty = errors.New("jid: empty part")
	// ErrTooLong: a part is longer than MaxPartLen bytes once enforced.
	ErrTooLong = errors.New("jid: part longer than 1023 bytes")
	// ErrInvalid: a part has a code point or a form its profile does not
	// allow (PRECIS, the RFC 7622 section 3.3.1 characters, IDNA2008, a
	// malformed IP literal).
	ErrInvalid = errors.New("jid: invalid part")
)

// Error is why a JID was refused: which part, which sentinel (Err) and,
// for ErrInvalid, the cause found by PRECIS, IDNA or this package.
type Error struct {
	Part  Part
	Err   error // ErrEmpty, ErrTooLong or ErrInvalid
	Cause error // the detail, may be nil
	Len   int   // the enforced length, for ErrTooLong
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("jid: ")
	b.WriteString(e.Part.String())
	b.WriteString(": ")
	switch e.Err {
	case ErrEmpty:
		b.WriteString("empty")
	case ErrTooLong:
		fmt.Fprintf(&b, "%d bytes, more than %d", e.Len, MaxPartLen)
	default:
		b.WriteString("invalid")
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel and the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// forbiddenLocal are the characters RFC 7622 section 3.3.1 disallows in a
// localpart on top of the UsernameCaseMapped profile.
const forbiddenLocal = "\"&'/:<>@"

// errUTF8 is the cause for a part that is not UTF-8: PRECIS and IDNA would
// turn the bad bytes into U+FFFD rather than refuse them.
var errUTF8 = errors.New("not valid UTF-8")

func enforceLocal(s string) (string, error) {
	if canonicalASCIILocal(s) {
		return checkLen(Localpart, s)
	}
	return slowLocal(s)
}

func slowLocal(s string) (string, error) {
	if s == "" {
		return "", &Error{Part: Localpart, Err: ErrEmpty}
	}
	if !utf8.ValidString(s) {
		return "", &Error{Part: Localpart, Err: ErrInvalid, Cause: errUTF8}
	}
	out, err := precis.UsernameCaseMapped.String(s)
	if err != nil {
		return "", &Error{Part: Localpart, Err: ErrInvalid, Cause: err}
	}
	if i := strings.IndexAny(out, forbiddenLocal); i >= 0 {
		return "", &Error{Part: Localpart, Err: ErrInvalid,
			Cause: fmt.Errorf("character %q is not allowed (RFC 7622 section 3.3.1)", out[i])}
	}
	return checkLen(Localpart, out)
}

func enforceResource(s string) (string, error) {
	if canonicalASCIIResource(s) {
		return checkLen(Resourcepart, s)
	}
	return slowResource(s)
}

func slowResource(s string) (string, error) {
	if s == "" {
		return "", &Error{Part: Resourcepart, Err: ErrEmpty}
	}
	if !utf8.ValidString(s) {
		return "", &Error{Part: Resourcepart, Err: ErrInvalid, Cause: errUTF8}
	}
	out, err := precis.OpaqueString.String(s)
	if err != nil {
		return "", &Error{Part: Resourcepart, Err: ErrInvalid, Cause: err}
	}
	return checkLen(Resourcepart, out)
}

// domainProfile is IDNA2008 with the UTS 46 mapping for lookup
// (non-transitional, so ß and ς stay), the hyphen, joiner and Bidi rules,
// and STD3 (letters, digits, hyphen) for ASCII.
var domainProfile = idna.New(domainOptions...)

var domainOptions = []idna.Option{
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.BidiRule(),
	idna.CheckHyphens(true),
	idna.CheckJoiners(true),
	idna.StrictDomainName(true),
}

// dnsProfile is domainProfile with the DNS length limits: labels of 63
// octets, names of 253.
var dnsProfile = idna.New(append(domainOptions[:len(domainOptions):len(domainOptions)], idna.VerifyDNSLength(true))...)

// ToASCII returns a domain name, such as a JID's domainpart, in A-labels
// (RFC 5891), the form DNS queries, connections and TLS use (RFC 6125
// section 6.4.2, RFC 6066 section 3), with the rules Parse applies to
// domainparts and the DNS length limits. IP literals are not domain names:
// callers handle them before.
func ToASCII(domain string) (string, error) {
	return dnsProfile.ToASCII(domain)
}

func enforceDomain(s string) (string, error) {
	// RFC 7622 section 3.2: a final label separator is stripped before any
	// other canonicalization.
	s = strings.TrimSuffix(s, ".")
	if canonicalASCIIDomain(s) {
		return checkLen(Domainpart, s)
	}
	return slowDomain(s)
}

func slowDomain(s string) (string, error) {
	if s == "" {
		return "", &Error{Part: Domainpart, Err: ErrEmpty}
	}
	if !utf8.ValidString(s) {
		return "", &Error{Part: Domainpart, Err: ErrInvalid, Cause: errUTF8}
	}
	if s[0] == '[' {
		return ipLiteral(s)
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
		return s, nil // dotted decimal without leading zeros: already canonical
	}
	out, err := domainProfile.ToUnicode(s)
	if err != nil {
		return "", &Error{Part: Domainpart, Err: ErrInvalid, Cause: err}
	}
	if out != s {
		// x/net/idna checks some rules (the Bidi rule among them) on the
		// labels before mapping: the mapped form must pass on its own too,
		// or the canonical form would not parse ("\u2138A" maps to a
		// Hebrew letter followed by a Latin one). PRECIS runs its rules to
		// a fixed point likewise (RFC 8264 section 7).
		again, err := domainProfile.ToUnicode(out)
		if err == nil && again != out {
			err = fmt.Errorf("mapping is not stable: %q, then %q", out, again)
		}
		if err != nil {
			return "", &Error{Part: Domainpart, Err: ErrInvalid, Cause: err}
		}
	}
	if out == "" {
		return "", &Error{Part: Domainpart, Err: ErrEmpty}
	}
	for label := range strings.SplitSeq(out, ".") {
		if label == "" {
			return "", &Error{Part: Domainpart, Err: ErrInvalid, Cause: errors.New("empty label")}
		}
	}
	return checkLen(Domainpart, out)
}

// ipLiteral checks an RFC 3986 IP-literal holding an IPv6 address and
// returns it in RFC 5952 form.
func ipLiteral(s string) (string, error) {
	inner, ok := strings.CutSuffix(s[1:], "]")
	if !ok {
		return "", &Error{Part: Domainpart, Err: ErrInvalid, Cause: errors.New("IP literal without closing bracket")}
	}
	a, err := netip.ParseAddr(inner)
	if err != nil || !a.Is6() || a.Zone() != "" {
		if err == nil {
			err = fmt.Errorf("%q is not an IPv6 address without zone", inner)
		}
		return "", &Error{Part: Domainpart, Err: ErrInvalid, Cause: err}
	}
	return "[" + a.String() + "]", nil
}

func checkLen(p Part, s string) (string, error) {
	switch {
	case s == "":
		return "", &Error{Part: p, Err: ErrEmpty}
	case len(s) > MaxPartLen:
		return "", &Error{Part: p, Err: ErrTooLong, Len: len(s)}
	}
	return s, nil
}

// The fast paths below recognize the common all-ASCII parts that their
// profile leaves unchanged, so that parsing a canonical JID costs no PRECIS
// or IDNA pass. Each accepts only strings the full enforcement returns
// unchanged and without error (a test fuzzes that claim); anything else
// takes the full path.

// canonicalASCIILocal: printable ASCII (PVALID in the IdentifierClass),
// no upper case (which UsernameCaseMapped lowers), none of the RFC 7622
// section 3.3.1 characters.
func canonicalASCIILocal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || 'A' <= c && c <= 'Z' || strings.IndexByte(forbiddenLocal, c) >= 0 {
			return false
		}
	}
	return true
}

// canonicalASCIIResource: printable ASCII and U+0020, which OpaqueString
// neither maps nor normalizes.
func canonicalASCIIResource(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// canonicalASCIIDomain: dot-separated non-empty labels of lower-case
// letters, digits and hyphens, no hyphen first or last or in both the
// third and fourth places (so no A-label, which must be decoded).
func canonicalASCIIDomain(s string) bool {
	if s == "" {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		n := len(label)
		if n == 0 || label[0] == '-' || label[n-1] == '-' || n >= 4 && label[2] == '-' && label[3] == '-' {
			return false
		}
		for i := 0; i < n; i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
