package stanza

// Limits bound the resources one peer can make us spend. The zero value of a
// field means "use the default".
type Limits struct {
	// MaxElementBytes bounds the bytes of one top-level element (a stanza or
	// a stream-level element) including its tags. Default 256 KiB.
	MaxElementBytes int
	// MaxDepth bounds element nesting, counting the stream root as depth 1.
	// Default 64.
	MaxDepth int
	// MaxAttrs bounds the attributes (namespace declarations included) on one
	// element. Default 64.
	MaxAttrs int
	// MaxNameBytes bounds the length of an element or attribute name,
	// including its prefix. Default 1024.
	MaxNameBytes int
}

// Default limits.
const (
	DefaultMaxElementBytes = 256 << 10
	DefaultMaxDepth        = 64
	DefaultMaxAttrs        = 64
	DefaultMaxNameBytes    = 1024
)

// WithDefaults returns l with zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxElementBytes <= 0 {
		l.MaxElementBytes = DefaultMaxElementBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = DefaultMaxAttrs
	}
	if l.MaxNameBytes <= 0 {
		l.MaxNameBytes = DefaultMaxNameBytes
	}
	return l
}
