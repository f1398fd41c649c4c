package stanza

import (
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckLexical returns why value is not in the lexical space of the XSD
// built-in type xsd ("dateTime", "unsignedInt", "language", ...), "" when
// it is; "list of T" checks each item of a list of T. Types whose lexical
// space is every string (string, anyURI and the
// types it does not know) always pass. Values of types other than string,
// normalizedString and token are checked after collapsing whitespace, as
// XSD's whiteSpace facet prescribes.
func CheckLexical(xsd, value string) string {
	bad := func(what string) string { return quote(value) + " is not a valid xs:" + what }
	if item, ok := strings.CutPrefix(xsd, "list of "); ok {
		for _, f := range strings.Fields(value) {
			if CheckLexical(item, f) != "" {
				return quote(value) + " is not a valid list of xs:" + item
			}
		}
		return ""
	}
	switch xsd {
	case "", "string", "anySimpleType", "anyType", "anyURI", "list":
		return ""
	case "normalizedString":
		if strings.ContainsAny(value, "\t\n\r") {
			return bad(xsd)
		}
		return ""
	case "token":
		if strings.ContainsAny(value, "\t\n\r") || strings.HasPrefix(value, " ") || strings.HasSuffix(value, " ") || strings.Contains(value, "  ") {
			return bad(xsd)
		}
		return ""
	}
	v := collapse(value)
	ok := true
	switch xsd {
	case "boolean":
		ok = v == "true" || v == "false" || v == "1" || v == "0"
	case "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
		"unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte":
		ok = integerInRange(xsd, v)
	case "decimal":
		ok = isDecimal(v)
	case "float", "double":
		ok = v == "INF" || v == "-INF" || v == "+INF" || v == "NaN" || isFloat(v)
	case "dateTime":
		d, rest, ok1 := cutDate(v)
		ok = ok1 && d && strings.HasPrefix(rest, "T") && isTimeTZ(rest[1:])
	case "date":
		d, rest, ok1 := cutDate(v)
		ok = ok1 && d && isTZ(rest)
	case "time":
		ok = isTimeTZ(v)
	case "duration":
		ok = isDuration(v)
	case "language":
		ok = isLanguage(v)
	case "NMTOKEN":
		ok = isNmtoken(v)
	case "NMTOKENS":
		ok = listOf(v, isNmtoken)
	case "Name":
		ok = isName(v, true)
	case "NCName", "ID", "IDREF", "ENTITY":
		ok = isName(v, false)
	case "IDREFS", "ENTITIES":
		ok = listOf(v, func(s string) bool { return isName(s, false) })
	case "QName", "NOTATION":
		p, l, found := strings.Cut(v, ":")
		ok = isName(p, false) && (!found || isName(l, false))
	case "base64Binary":
		_, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), ""))
		ok = err == nil
	case "hexBinary":
		_, err := hex.DecodeString(v)
		ok = err == nil
	}
	if !ok {
		return bad(xsd)
	}
	return ""
}

func collapse(s string) string {
	if !strings.ContainsAny(s, " \t\n\r") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

var intRanges = map[string][2]string{
	"long":               {"-9223372036854775808", "9223372036854775807"},
	"int":                {"-2147483648", "2147483647"},
	"short":              {"-32768", "32767"},
	"byte":               {"-128", "127"},
	"nonNegativeInteger": {"0", ""},
	"positiveInteger":    {"1", ""},
	"nonPositiveInteger": {"", "0"},
	"negativeInteger":    {"", "-1"},
	"unsignedLong":       {"0", "18446744073709551615"},
	"unsignedInt":        {"0", "4294967295"},
	"unsignedShort":      {"0", "65535"},
	"unsignedByte":       {"0", "255"},
}

func integerInRange(xsd, v string) bool {
	digits := strings.TrimLeft(v, "+-")
	if len(v)-len(digits) > 1 || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return false
	}
	r, ok := intRanges[xsd]
	if !ok {
		return true
	}
	x, ok := new(big.Int).SetString(strings.TrimPrefix(v, "+"), 10)
	if !ok {
		return false
	}
	if r[0] != "" {
		lo, _ := new(big.Int).SetString(r[0], 10)
		if x.Cmp(lo) < 0 {
			return false
		}
	}
	if r[1] != "" {
		hi, _ := new(big.Int).SetString(r[1], 10)
		if x.Cmp(hi) > 0 {
			return false
		}
	}
	return true
}

func digitsOnly(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func isDecimal(v string) bool {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "+"), "-")
	i, f, dot := strings.Cut(v, ".")
	if !dot {
		return digitsOnly(i)
	}
	return (i == "" || digitsOnly(i)) && (f == "" || digitsOnly(f)) && (i != "" || f != "")
}

func isFloat(v string) bool {
	m, e, found := strings.Cut(strings.ToLower(v), "e")
	if !isDecimal(m) {
		return false
	}
	if !found {
		return true
	}
	e = strings.TrimPrefix(strings.TrimPrefix(e, "+"), "-")
	return digitsOnly(e)
}

// cutDate reads -?YYYY-MM-DD at the start of v; d reports a valid date.
func cutDate(v string) (d bool, rest string, ok bool) {
	s := strings.TrimPrefix(v, "-")
	y, s, ok1 := strings.Cut(s, "-")
	if !ok1 || len(y) < 4 || !digitsOnly(y) || (len(y) > 4 && y[0] == '0') || len(s) < 5 {
		return false, "", false
	}
	mo, da := s[:2], s[3:5]
	if s[2] != '-' || !digitsOnly(mo) || !digitsOnly(da) {
		return false, "", false
	}
	m := int(mo[0]-'0')*10 + int(mo[1]-'0')
	dd := int(da[0]-'0')*10 + int(da[1]-'0')
	days := [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	return m >= 1 && m <= 12 && dd >= 1 && dd <= days[m], s[5:], true
}

func two(s string, max int) bool {
	return len(s) == 2 && digitsOnly(s) && int(s[0]-'0')*10+int(s[1]-'0') <= max
}

// isTimeTZ reads hh:mm:ss(.s+)?(Z|(+|-)hh:mm)?.
func isTimeTZ(v string) bool {
	if len(v) < 8 || v[2] != ':' || v[5] != ':' || !two(v[:2], 24) || !two(v[3:5], 59) || !two(v[6:8], 59) {
		return false
	}
	if v[:2] == "24" && v[3:8] != "00:00" {
		return false
	}
	rest := v[8:]
	if strings.HasPrefix(rest, ".") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	return isTZ(rest)
}

func isTZ(s string) bool {
	switch {
	case s == "" || s == "Z":
		return true
	case len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':':
		return two(s[1:3], 14) && two(s[4:6], 59)
	}
	return false
}

func isDuration(v string) bool {
	s := strings.TrimPrefix(v, "-")
	if !strings.HasPrefix(s, "P") || len(s) < 2 {
		return false
	}
	s = s[1:]
	date, tm, hasT := strings.Cut(s, "T")
	if hasT && tm == "" {
		return false
	}
	any := false
	read := func(part, units string, frac byte) bool {
		for part != "" {
			i := 0
			for i < len(part) && (part[i] >= '0' && part[i] <= '9' || part[i] == '.') {
				i++
			}
			if i == 0 || i == len(part) {
				return false
			}
			num, u := part[:i], part[i]
			if strings.Contains(num, ".") && u != frac {
				return false
			}
			j := strings.IndexByte(units, u)
			if j < 0 || !isDecimal(num) {
				return false
			}
			units = units[j+1:]
			part = part[i+1:]
			any = true
		}
		return true
	}
	return read(date, "YMD", 0) && read(tm, "HMS", 'S') && any
}

func isLanguage(v string) bool {
	for i, part := range strings.Split(v, "-") {
		if len(part) < 1 || len(part) > 8 {
			return false
		}
		for _, c := range part {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

func isNameChar(r rune, colon bool) bool {
	return isNameStart(r, colon) || r == '-' || r == '.' || unicode.IsDigit(r) || r == 0xB7 ||
		unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || r >= 0x203F && r <= 0x2040
}

func isNameStart(r rune, colon bool) bool {
	return r == '_' || colon && r == ':' || unicode.IsLetter(r) || r >= 0xC0 && r != 0xD7 && r != 0xF7 && r < 0x2000
}

func isName(s string, colon bool) bool {
	if s == "" {
		return false
	}
	r, n := utf8.DecodeRuneInString(s)
	if !isNameStart(r, colon) {
		return false
	}
	for _, r := range s[n:] {
		if !isNameChar(r, colon) {
			return false
		}
	}
	return true
}

func isNmtoken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isNameChar(r, true) {
			return false
		}
	}
	return true
}

func listOf(v string, item func(string) bool) bool {
	f := strings.Fields(v)
	if len(f) == 0 {
		return false
	}
	for _, s := range f {
		if !item(s) {
			return false
		}
	}
	return true
}
