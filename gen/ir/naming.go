package ir

import (
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names (JID, not Jid).
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "CSI": true, "DNS": true, "DND": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true, "IQ": true,
	"JID": true, "JSON": true, "LHS": true, "MAM": true, "MUC": true, "OS": true, "PEP": true, "QPS": true,
	"RAM": true, "RHS": true, "RPC": true, "SASL": true, "SHA": true, "SID": true, "SLA": true, "SM": true,
	"SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true, "TTL": true, "TZO": true, "UDP": true,
	"UI": true, "UID": true, "UUID": true, "URI": true, "URL": true, "UTC": true, "UTF8": true, "VM": true,
	"XA": true, "XML": true, "XMPP": true, "XSRF": true, "XSS": true,
}

// GoName turns an XML name or value ("text-single", "jid", "xml:lang",
// "stanza-id", "urn:xmpp:ping") into an exported Go identifier
// ("TextSingle", "JID", "XMLLang", "StanzaID", "UrnXMPPPing").
func GoName(s string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			// Split camelCase: a lower-to-upper change starts a word.
			if unicode.IsUpper(r) && i > 0 && len(cur) > 0 && unicode.IsLower(rs[i-1]) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		up := strings.ToUpper(w)
		if initialisms[up] {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" {
		return "X"
	}
	if r := []rune(out)[0]; !unicode.IsLetter(r) {
		out = "X" + out
	}
	// Keep it a valid identifier: drop characters Go does not accept.
	var clean strings.Builder
	for _, r := range out {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			clean.WriteRune(r)
		}
	}
	return clean.String()
}
