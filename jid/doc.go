// Package jid implements XMPP addresses (JIDs) as RFC 7622 defines them:
// localpart@domainpart/resourcepart, each part prepared and enforced with
// its PRECIS profile or IDNA2008 rules.
//
// # One type, as received or prepared
//
// A JID holds the text of an address. Parse, MustParse, New and
// WithResource make it from prepared parts, so that two such JIDs that
// address the same entity compare equal with ==. Raw keeps a text exactly
// as it came, valid or not: the generated stanza types (package
// stanza/xmpp and the others) decode every address with it, so that
// decoding does no PRECIS work, never fails on a bad address, and
// re-encodes the address byte for byte. Its parts, Bare and the like split
// the text on demand; Prepare puts it in canonical form (or says which
// part is wrong), Check only says, and Equal compares any two JIDs as
// addresses. stanza.Validate reports an address that does not prepare.
// The client prepares the addresses it sends.
//
// The package is imported by generated packages, so it depends on nothing
// of this module; it lives beside the runtime, not in the client.
//
// # Rules
//
// Parse splits a string as RFC 7622 section 3.1 says (the resourcepart is
// everything after the first "/", the localpart everything before the
// first "@" that precedes it) and enforces each part:
//
//   - localpart (section 3.3): the UsernameCaseMapped profile of PRECIS
//     (RFC 8265, which obsoletes the RFC 7613 cited by RFC 7622; it maps
//     full-width characters to their narrow forms and upper case to lower
//     case, and allows letters and digits only), and then none of the eight
//     characters section 3.3.1 forbids on top of it: " & ' / : < > @.
//   - domainpart (section 3.2): one trailing "." is stripped first; an IPv4
//     address or a bracketed IPv6 address (RFC 3986 IP-literal, no zone, no
//     IPvFuture) is kept as an address, the IPv6 one written in its RFC 5952
//     text form so that equal addresses compare equal; anything else must be
//     an internationalized domain name (RFC 5890): the UTS 46 mapping for
//     lookup (lower case, full width to narrow, NFC) is applied, A-labels
//     are turned into U-labels, and every label must be a valid U-label or
//     NR-LDH label (IDNA2008 code points, hyphen rules, joiner rules, Bidi
//     rule, letters-digits-hyphen only for ASCII). Empty labels are refused.
//   - resourcepart (section 3.4): the OpaqueString profile of PRECIS (RFC
//     8265): non-ASCII spaces become U+0020, NFC, any printable code point
//     allowed, including "@", "/" and spaces anywhere. RFC 7622 example 18
//     ("juliet@example.com/ foo") is therefore valid: verified erratum 4560
//     removes it from the list of invalid JIDs.
//
// Every part is 1 to 1023 bytes long once enforced; the localpart and
// resourcepart may be absent, the domainpart may not. A failure is an
// *Error naming the part ("jid: localpart: ..."), and matches ErrEmpty,
// ErrTooLong or ErrInvalid with errors.Is.
//
// # Dependencies
//
// PRECIS comes from golang.org/x/text/secure/precis. IDNA2008 (RFC 5891,
// with the UTS 46 mapping RFC 5895 recommends) comes from
// golang.org/x/net/idna: golang.org/x/text keeps its IDNA code in an
// internal package (internal/export/idna) from which x/net/idna is
// generated, so x/net/idna is the only importable form of the Go team's
// maintained implementation, the same code the standard library vendors,
// with current Unicode tables. Writing the IDNA2008 tables and Punycode by
// hand here would only add a second, less tested copy.
//
// # The zero value
//
// The zero JID is no address: IsZero reports true, String returns "", and
// it marshals to empty text; unmarshaling empty text gives it back, so an
// optional JID field works in encoding/json and with flag.TextVar.
//
// # Example
//
//	j, err := jid.Parse("Juliet@Example.COM/balcony")
//	if err != nil {
//		return err // e.g. errors.Is(err, jid.ErrInvalid)
//	}
//	j.String()          // "juliet@example.com/balcony"
//	j.Bare().String()   // "juliet@example.com"
//	j.Domain()          // "example.com"
//	j == jid.MustParse("juliet@example.com/balcony") // true
package jid
