package stanza

// Well-known namespaces the runtime knows about.
const (
	// NSXML is the namespace bound to the reserved prefix "xml" (xml:lang).
	NSXML = "http://www.w3.org/XML/1998/namespace"
	// NSXMLNS is the namespace of namespace declarations themselves.
	NSXMLNS = "http://www.w3.org/2000/xmlns/"
)

// Name is an expanded XML name: a namespace and a local name.
// An empty Space means no namespace.
type Name struct {
	Space string
	Local string
}

// Attr is an attribute with its namespace resolved and its value unescaped.
// Namespace declarations (xmlns, xmlns:p) are never reported as attributes.
type Attr struct {
	Name  Name
	Value string
}

// NSBinding binds a prefix to a namespace. An empty Prefix is the default
// namespace (xmlns='...').
type NSBinding struct {
	Prefix string
	Space  string
}
