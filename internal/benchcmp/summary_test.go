package benchcmp_test

import "strconv"

// The summaries every implementation's decoded value is reduced to: what a
// program reading the stanza would use. Two implementations agree on an
// input when their summaries are equal, except for the fields a variant
// lists as not represented by its library.

// msgSummary is what the chat message input carries.
type msgSummary struct {
	From, To, ID, Type, Lang string
	Body, Thread             string
	ChatState                string // local name of the XEP-0085 element
	DelayFrom, DelayStamp    string // XEP-0203; the stamp as written (UTC, seconds)
	StanzaID, StanzaIDBy     string // XEP-0359
}

// presSummary is what the presence input carries.
type presSummary struct {
	From, To, ID, Lang          string
	Show, Status                string
	Priority                    int
	CapsHash, CapsNode, CapsVer string // XEP-0115
}

// rosterItem is one roster entry.
type rosterItem struct {
	JID, Name, Subscription string
	Groups                  []string
}

// rosterSummary is what the roster result carries.
type rosterSummary struct {
	Type, ID, To, Ver string
	Items             []rosterItem
}

// identity is one disco#info identity.
type identity struct {
	Category, Type, Name string
}

// discoSummary is what the disco#info result carries.
type discoSummary struct {
	Type, ID, From, To string
	Identities         []identity
	Features           []string
}

// streamSummary counts the stanzas of a stream by kind and folds every
// field a reader would use (ids, addresses, bodies, statuses, roster items,
// disco identities and features, software versions) into one FNV-1a hash,
// with a separator after each field so that field boundaries count.
//
// A reading loop counts every stanza and, when hashing is on, folds its
// fields; the stream benchmarks turn hashing off so that they time reading
// and decoding, not the checksum (TestStreamAgree turns it on).
type streamSummary struct {
	Messages, Presences, IQs int
	Sum                      uint64
	hashing                  bool
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// add folds the fields of one value into the checksum.
func (s *streamSummary) add(fields ...string) {
	for _, f := range fields {
		s.fold(f)
	}
}

// fold folds one field into the checksum.
func (s *streamSummary) fold(f string) {
	h := s.Sum
	if h == 0 {
		h = fnvOffset
	}
	for i := 0; i < len(f); i++ {
		h ^= uint64(f[i])
		h *= fnvPrime
	}
	h ^= 0xff // never a byte of UTF-8 text: marks the field's end
	h *= fnvPrime
	s.Sum = h
}

// addBytes folds one field held as bytes into the checksum.
func (s *streamSummary) addBytes(f []byte) {
	h := s.Sum
	if h == 0 {
		h = fnvOffset
	}
	for _, c := range f {
		h ^= uint64(c)
		h *= fnvPrime
	}
	h ^= 0xff
	h *= fnvPrime
	s.Sum = h
}

// addInt folds an integer field into the checksum in decimal.
func (s *streamSummary) addInt(v int) {
	var b [20]byte
	s.addBytes(strconv.AppendInt(b[:0], int64(v), 10))
}
