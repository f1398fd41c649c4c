package xsd

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// document is one parsed schema file: a schema's main file or an included
// one.
type document struct {
	file      string // as used in positions
	root      *node
	tns       string // effective target namespace (the includer's for a chameleon include)
	chameleon bool   // no targetNamespace of its own, included into one that has one
	elemQual  bool
	attrQual  bool
	schema    *schemaInfo
}

// schemaInfo is the loader's view of a Schema.
type schemaInfo struct {
	s         *Schema
	included  map[string]bool        // absolute paths of the documents in this schema
	imports   map[string]*importInfo // by namespace
	xmlWarned bool
}

// importInfo is one xs:import.
type importInfo struct {
	ns, loc  string
	pos      Pos
	doc      *document
	found    bool
	missing  bool   // searched for and not found
	searched string // what was tried, for messages
	used     bool   // a reference into the namespace was seen
	// repairs are the references into a missing namespace that were
	// repaired, in the order first met (see repairMissing).
	repairs    []repairNote
	repairSeen map[repairNote]bool
}

// repairNote is one component of a missing namespace that was referred to.
type repairNote struct {
	k    refKind
	name string
}

// src is the source of a component: its node and document.
type src struct {
	n *node
	d *document
}

// Resolution states of components.
const (
	unresolved = iota
	resolving
	resolved
)

type loader struct {
	opts Options
	set  *Set

	errs  []*Error
	warns []Warning

	schemas []*schemaInfo
	byPath  map[string]*schemaInfo // absolute path of a main file -> schema
	byNS    map[string]*schemaInfo // first schema loaded for a namespace
	imports []*importInfo          // in the order met, resolved breadth first

	src     map[any]src
	state   map[any]int
	pending []any // anonymous types whose bodies are still to build

	firstPos map[any]Pos // where each global was declared, for duplicate errors

	anyType       *ComplexType
	anySimpleType *SimpleType

	tnsCache   map[string]tnsInfo // absolute path -> peeked targetNamespace
	parseCache map[string]parsed  // absolute path -> parse result
	dirCache   map[string][]string

	// Stand-ins for the components of imported namespaces whose schema
	// cannot be found, one per name (see repairMissing).
	missingElems  map[QName]*Element
	missingAttrs  map[QName]*Attribute
	missingGroups map[QName]*Group
	missingAGs    map[QName]*AttributeGroup
	placeholders  map[any]bool // the missingGroups and missingAGs values

	// scanned maps the absolute path of every document of a schema that
	// was found for an import only by scanning the search dirs for its
	// namespace to the absolute path of that schema's main file.
	scanned map[string]string
	// rejected holds the schemas found by scanning that failed to load in
	// an earlier round (absolute path -> their first error): they are not
	// used for their namespace.
	rejected map[string]string
}

type tnsInfo struct {
	tns string
	ok  bool
}

type parsed struct {
	root  *node
	err   *Error
	warns []Warning // the repairs made to the tree (see repairTree)
}

// Load reads the schema files, the files they include and import, and
// resolves every reference. Relative schemaLocations are taken relative to
// the file that names them, then looked up in opts.SearchDirs.
//
// Defects with one sensible reading are repaired, and references to what is
// defined nowhere degraded to untyped content, each with a warning (see the
// package documentation): only a file given that is malformed XML, not a
// schema or unreadable is an error (an imported or included one is treated
// as not found). References into
// an import whose schema cannot be found degrade the same way: elements
// become untyped (xs:anyType) content, types xs:anyType (xs:anySimpleType
// where a simple type is needed), attributes strings, group references lax
// wildcards, and attribute group references are dropped, with one warning
// per import. A schema found for an import only by scanning the search dirs
// for its namespace that turns out to have errors is not used: the import
// is then treated as one whose schema cannot be found.
//
// The returned Set is never nil. On failure the error is a *Error or an
// errors.Join of several, sorted by position; the Set is then only partially
// resolved: read its Warnings, but do not generate code from it. Load never
// panics.
func Load(files []string, opts Options) (*Set, error) {
	rejected := map[string]string{}
	var prev *loader
	for {
		l := newLoader(opts, rejected, prev)
		set, err := l.load(files)
		if err == nil || !l.rejectBrokenScans() {
			return set, err
		}
		prev = l
	}
}

// newLoader returns a loader for one round of Load; the file caches of the
// previous round, if any, are reused.
func newLoader(opts Options, rejected map[string]string, prev *loader) *loader {
	l := &loader{
		opts: opts,
		set: &Set{
			elements:        map[QName]*Element{},
			types:           map[QName]Type{},
			groups:          map[QName]*Group{},
			attributeGroups: map[QName]*AttributeGroup{},
			attributes:      map[QName]*Attribute{},
		},
		byPath:        map[string]*schemaInfo{},
		byNS:          map[string]*schemaInfo{},
		src:           map[any]src{},
		state:         map[any]int{},
		firstPos:      map[any]Pos{},
		tnsCache:      map[string]tnsInfo{},
		parseCache:    map[string]parsed{},
		dirCache:      map[string][]string{},
		missingElems:  map[QName]*Element{},
		missingAttrs:  map[QName]*Attribute{},
		missingGroups: map[QName]*Group{},
		missingAGs:    map[QName]*AttributeGroup{},
		placeholders:  map[any]bool{},
		scanned:       map[string]string{},
		rejected:      rejected,
	}
	if prev != nil {
		l.tnsCache, l.parseCache, l.dirCache = prev.tnsCache, prev.parseCache, prev.dirCache
	}
	return l
}

// load is one round of Load.
func (l *loader) load(files []string) (set *Set, err error) {
	defer func() {
		if r := recover(); r != nil {
			// A bug in the loader, not in the schema: report it as an
			// error rather than crash the generator.
			var p Pos
			if len(files) > 0 {
				p.File = files[0]
			}
			l.errs = append(l.errs, &Error{Pos: p, Msg: fmt.Sprintf("xsd: internal error: %v", r)})
			set, err = l.finish()
		}
	}()
	l.addBuiltins()
	if len(files) == 0 {
		return l.set, &Error{Msg: "xsd: no schema files given"}
	}
	skip := l.includedByOthers(files)
	for _, f := range files {
		if !skip[absPath(f)] {
			l.loadSchema(f)
		}
	}
	for i := 0; i < len(l.imports); i++ {
		l.resolveImport(l.imports[i])
	}
	l.resolveAll()
	for _, imp := range l.imports {
		switch {
		case len(imp.repairs) > 0:
			l.warnf(imp.pos, "cannot find a schema for imported namespace %s%s; its elements are kept as untyped content: %s", imp.ns, imp.searched, repairList(imp.repairs))
		case imp.missing && !imp.used:
			l.warnf(imp.pos, "cannot find a schema for imported namespace %s%s; none of its components is referenced", imp.ns, imp.searched)
		}
	}
	return l.finish()
}

// includedByOthers returns the files given (as absolute paths) that another
// file given includes, directly or through further includes: they are read
// once, as part of the including schema, rather than a second time as
// schemas of their own (which would declare every component twice). A file
// already found included is not followed, so files including each other
// leave the first given as the schema.
func (l *loader) includedByOthers(files []string) map[string]bool {
	given := map[string]bool{}
	for _, f := range files {
		given[absPath(f)] = true
	}
	out := map[string]bool{}
	for _, f := range files {
		root := absPath(f)
		if out[root] {
			continue
		}
		seen := map[string]bool{root: true}
		for queue := []string{f}; len(queue) > 0; queue = queue[1:] {
			n, err := l.parseFile(queue[0])
			if err != nil {
				continue
			}
			for _, k := range n.elems() {
				if k.name.Space != XSDNamespace || k.name.Local != "include" {
					continue
				}
				loc, _ := k.attr("schemaLocation")
				for _, c := range l.candidates(queue[0], loc) {
					if !fileExists(c) {
						continue
					}
					if key := absPath(c); !seen[key] {
						seen[key] = true
						queue = append(queue, c)
						if given[key] {
							out[key] = true
						}
					}
					break
				}
			}
		}
	}
	return out
}

// rejectBrokenScans adds to l.rejected the schemas found by scanning the
// search dirs for a namespace that have errors (after finish has sorted
// them, so the first error of each is kept). It reports whether it added
// any, that is whether another round may load without them.
func (l *loader) rejectBrokenScans() bool {
	added := false
	for _, e := range l.errs {
		if e.Pos.File == "" {
			continue
		}
		main, ok := l.scanned[absPath(e.Pos.File)]
		if !ok {
			continue
		}
		if _, done := l.rejected[main]; !done {
			l.rejected[main] = e.Error()
			added = true
		}
	}
	return added
}

// finish sorts and deduplicates the diagnostics.
func (l *loader) finish() (*Set, error) {
	rank := map[string]int{}
	for _, si := range l.schemas {
		if _, ok := rank[si.s.File]; !ok {
			rank[si.s.File] = len(rank)
		}
	}
	cmpPos := func(a, b Pos) int {
		ra, oka := rank[a.File]
		rb, okb := rank[b.File]
		switch {
		case oka && okb && ra != rb:
			return cmp.Compare(ra, rb)
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	}
	slices.SortStableFunc(l.warns, func(a, b Warning) int { return cmpPos(a.Pos, b.Pos) })
	l.set.Warnings = slices.Compact(l.warns)
	slices.SortStableFunc(l.errs, func(a, b *Error) int { return cmpPos(a.Pos, b.Pos) })
	l.errs = slices.CompactFunc(l.errs, func(a, b *Error) bool { return *a == *b })
	switch len(l.errs) {
	case 0:
		return l.set, nil
	case 1:
		return l.set, l.errs[0]
	}
	errs := make([]error, len(l.errs))
	for i, e := range l.errs {
		errs[i] = e
	}
	return l.set, errors.Join(errs...)
}

func (l *loader) errorf(p Pos, format string, args ...any) {
	l.errs = append(l.errs, &Error{Pos: p, Msg: fmt.Sprintf(format, args...)})
}

func (l *loader) warnf(p Pos, format string, args ...any) {
	l.warns = append(l.warns, Warning{Pos: p, Msg: fmt.Sprintf(format, args...)})
}

func absPath(file string) string {
	if a, err := filepath.Abs(file); err == nil {
		return a
	}
	return filepath.Clean(file)
}

// parseFile reads and parses file, once per absolute path.
func (l *loader) parseFile(file string) (*node, *Error) {
	key := absPath(file)
	if p, ok := l.parseCache[key]; ok {
		if p.err != nil {
			// Report the error with the file name of this use.
			e := *p.err
			e.Pos.File = file
			return nil, &e
		}
		return p.root, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		e := &Error{Pos: Pos{File: file}, Msg: "cannot read schema: " + unwrapPathError(err)}
		l.parseCache[key] = parsed{err: e}
		return nil, e
	}
	root, warns, perr := parseXML(file, data)
	if perr == nil && (root.name.Space != XSDNamespace || root.name.Local != "schema") {
		perr = &Error{Pos: root.pos, Msg: fmt.Sprintf("not an XML Schema: the root element is %s, want xs:schema (%s)", QName{root.name.Space, root.name.Local}, XSDNamespace)}
		root = nil
	}
	if root != nil {
		warns = append(warns, repairTree(root)...)
	}
	l.parseCache[key] = parsed{root: root, err: perr, warns: warns}
	return root, perr
}

func unwrapPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// loadSchema loads file as a schema of its own (a file named in Load, or
// one found for an import). It returns nil if the file could not be parsed.
func (l *loader) loadSchema(file string) *schemaInfo {
	key := absPath(file)
	if si, ok := l.byPath[key]; ok {
		return si
	}
	root, perr := l.parseFile(file)
	if perr != nil {
		l.errs = append(l.errs, perr)
		l.byPath[key] = nil
		return nil
	}
	si := &schemaInfo{
		s:        &Schema{Pos: root.pos, File: file},
		included: map[string]bool{key: true},
		imports:  map[string]*importInfo{},
	}
	l.byPath[key] = si
	l.schemas = append(l.schemas, si)
	l.set.Schemas = append(l.set.Schemas, si.s)
	d := l.newDocument(file, root, si, nil)
	si.s.TargetNamespace = d.tns
	si.s.ElementFormQualified = d.elemQual
	si.s.AttributeFormQualified = d.attrQual
	si.s.Doc = docOf(root)
	if _, ok := l.byNS[d.tns]; !ok {
		l.byNS[d.tns] = si
	}
	l.readDocument(d)
	return si
}

// newDocument sets up a document for root; includer is the including
// document for an include.
func (l *loader) newDocument(file string, root *node, si *schemaInfo, includer *document) *document {
	d := &document{file: file, root: root, schema: si}
	l.warns = append(l.warns, l.parseCache[absPath(file)].warns...)
	l.check(root, "schema")
	d.tns, _ = root.attr("targetNamespace")
	if includer != nil && d.tns == "" && includer.tns != "" {
		d.tns = includer.tns
		d.chameleon = true
	}
	d.elemQual = l.formDefault(root, "elementFormDefault")
	d.attrQual = l.formDefault(root, "attributeFormDefault")
	return d
}

func (l *loader) formDefault(n *node, attr string) bool {
	v, ok := n.attr(attr)
	if !ok {
		return false
	}
	switch strings.TrimSpace(v) {
	case "qualified":
		return true
	case "unqualified":
		return false
	}
	l.warnf(n.pos, "%s=%q: want qualified or unqualified; read as unqualified", attr, v)
	return false
}

// readDocument walks the top level of d: includes are read in place,
// imports recorded, global components declared.
func (l *loader) readDocument(d *document) {
	si := d.schema
	defer l.implicitImports(d)
	for _, k := range d.root.elems() {
		if k.name.Space != XSDNamespace {
			l.warnf(k.pos, "element %s (%s) is not allowed in xs:schema; ignored", k.name.Local, k.name.Space)
			continue
		}
		switch k.name.Local {
		case "annotation":
			l.check(k, "annotation")
		case "include":
			l.check(k, "include")
			l.include(d, k)
		case "import":
			l.check(k, "import")
			l.recordImport(d, k)
		case "redefine":
			l.warnf(k.pos, "xs:redefine is not supported; ignored")
		case "notation":
			// Notations have no bearing on generated code.
		case "element":
			e := &Element{Pos: k.pos, Doc: docOf(k), Global: true, MinOccurs: 1, MaxOccurs: 1, GenType: k.genAttr("type")}
			for _, a := range k.attrs {
				if a.Name.Space == GenNamespace && a.Name.Local == "enum" {
					e.Enum = a.Value
				}
			}
			if name, ok := l.globalName(k, d); ok {
				e.Name = name
				if l.declare(k.pos, "element", name, e, l.set.elements) {
					si.s.Elements = append(si.s.Elements, e)
					l.src[e] = src{k, d}
				}
			}
		case "complexType":
			ct := &ComplexType{Pos: k.pos, Doc: docOf(k)}
			if name, ok := l.globalName(k, d); ok {
				ct.Name = name
				if l.declareType(k.pos, name, ct) {
					si.s.ComplexTypes = append(si.s.ComplexTypes, ct)
					l.src[ct] = src{k, d}
				}
			}
		case "simpleType":
			st := &SimpleType{Pos: k.pos, Doc: docOf(k)}
			if name, ok := l.globalName(k, d); ok {
				st.Name = name
				if l.declareType(k.pos, name, st) {
					si.s.SimpleTypes = append(si.s.SimpleTypes, st)
					l.src[st] = src{k, d}
				}
			}
		case "group":
			g := &Group{Pos: k.pos, Doc: docOf(k)}
			if name, ok := l.globalName(k, d); ok {
				g.Name = name
				if l.declare(k.pos, "group", name, g, l.set.groups) {
					si.s.Groups = append(si.s.Groups, g)
					l.src[g] = src{k, d}
				}
			}
		case "attributeGroup":
			ag := &AttributeGroup{Pos: k.pos}
			if name, ok := l.globalName(k, d); ok {
				ag.Name = name
				if l.declare(k.pos, "attribute group", name, ag, l.set.attributeGroups) {
					si.s.AttributeGroups = append(si.s.AttributeGroups, ag)
					l.src[ag] = src{k, d}
				}
			}
		case "attribute":
			a := &Attribute{Pos: k.pos, Doc: docOf(k)}
			if name, ok := l.globalName(k, d); ok {
				a.Name = name
				if l.declare(k.pos, "attribute", name, a, l.set.attributes) {
					si.s.Attributes = append(si.s.Attributes, a)
					l.src[a] = src{k, d}
				}
			}
		default:
			l.warnf(k.pos, "%s is not allowed in xs:schema; ignored", xsName(k))
		}
	}
}

// qnameAttrs are the attributes whose values are QNames, with the XSD
// elements that carry them.
var qnameAttrs = map[string][]string{
	"type":              {"element", "attribute"},
	"ref":               {"element", "attribute", "group", "attributeGroup"},
	"base":              {"extension", "restriction"},
	"itemType":          {"list"},
	"memberTypes":       {"union"},
	"substitutionGroup": {"element"},
}

// implicitImports finds the namespaces d refers to (through a declared
// prefix) without importing them, and imports each, with a warning: its
// schema is then looked up in the search dirs as for an xs:import without a
// schemaLocation, and repaired as a missing import when there is none.
func (l *loader) implicitImports(d *document) {
	si := d.schema
	var walk func(n *node)
	walk = func(n *node) {
		for _, k := range n.elems() {
			if k.name.Space != XSDNamespace {
				continue
			}
			for _, a := range k.attrs {
				if a.Name.Space != "" || !slices.Contains(qnameAttrs[a.Name.Local], k.name.Local) {
					continue
				}
				for _, v := range strings.Fields(a.Value) {
					prefix, _, found := strings.Cut(v, ":")
					if !found {
						prefix = "" // the default namespace, if declared
					}
					ns, ok := k.ns.lookup(prefix)
					if !ok || ns == "" || ns == d.tns || ns == XSDNamespace || ns == XMLNamespace {
						continue
					}
					if _, ok := si.imports[ns]; ok {
						continue
					}
					l.warnf(k.pos, "%s=%q: namespace %s is used without an xs:import; looked up in the search dirs as for an xs:import", a.Name.Local, a.Value, ns)
					imp := &importInfo{ns: ns, pos: k.pos, doc: d}
					si.imports[ns] = imp
					si.s.Imports = append(si.s.Imports, ns)
					l.imports = append(l.imports, imp)
				}
			}
			walk(k)
		}
	}
	walk(d.root)
}

// globalName returns the expanded name of a global declaration.
func (l *loader) globalName(n *node, d *document) (QName, bool) {
	name, ok := n.attr("name")
	name = strings.TrimSpace(name)
	if !ok || !isNCName(name) {
		if !ok {
			l.warnf(n.pos, "global %s has no name; ignored", xsName(n))
		} else {
			l.warnf(n.pos, "%s: invalid name %q; ignored", xsName(n), name)
		}
		return QName{}, false
	}
	return QName{d.tns, name}, true
}

// declare registers a global component in table, reporting duplicates.
func declareIn[T comparable](l *loader, p Pos, what string, q QName, v T, table map[QName]T) bool {
	var zero T
	if old, ok := table[q]; ok && old != zero {
		l.warnf(p, "duplicate %s %s (first declared at %s); the first is kept", what, q, l.firstPos[old])
		return false
	}
	table[q] = v
	l.firstPos[v] = p
	return true
}

func (l *loader) declare(p Pos, what string, q QName, v any, table any) bool {
	switch t := table.(type) {
	case map[QName]*Element:
		return declareIn(l, p, what, q, v.(*Element), t)
	case map[QName]*Group:
		return declareIn(l, p, what, q, v.(*Group), t)
	case map[QName]*AttributeGroup:
		return declareIn(l, p, what, q, v.(*AttributeGroup), t)
	case map[QName]*Attribute:
		return declareIn(l, p, what, q, v.(*Attribute), t)
	}
	return false
}

func (l *loader) declareType(p Pos, q QName, t Type) bool {
	if old, ok := l.set.types[q]; ok {
		if q.Space == XSDNamespace {
			l.warnf(p, "type %s redefines an XSD built-in type; the built-in is kept", q)
		} else {
			l.warnf(p, "duplicate type %s (first declared at %s); the first is kept", q, l.firstPos[old])
		}
		return false
	}
	l.set.types[q] = t
	l.firstPos[t] = p
	return true
}

// isURL reports whether a schemaLocation is a URL (or a template) rather
// than a file path.
func isURL(loc string) bool {
	return strings.Contains(loc, "://") || strings.HasPrefix(loc, "${")
}

// baseName returns the file name at the end of a schemaLocation.
func baseName(loc string) string {
	loc = strings.TrimSpace(loc)
	if i := strings.IndexAny(loc, "?#"); i >= 0 && isURL(loc) {
		loc = loc[:i]
	}
	b := path.Base(filepath.ToSlash(loc))
	if b == "." || b == "/" {
		return ""
	}
	return b
}

// candidates returns the files a schemaLocation may name, in the order to
// try: relative to the referring file, then by base name in the search dirs.
func (l *loader) candidates(from, loc string) []string {
	loc = strings.TrimSpace(loc)
	var out []string
	if loc != "" && !isURL(loc) {
		p := loc
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(from), filepath.FromSlash(loc))
		}
		out = append(out, p)
	}
	if b := baseName(loc); b != "" {
		for _, dir := range l.opts.SearchDirs {
			out = append(out, filepath.Join(dir, b))
		}
	}
	return out
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// include reads the document named by an xs:include into d's schema.
func (l *loader) include(d *document, n *node) {
	loc, ok := n.attr("schemaLocation")
	if !ok || strings.TrimSpace(loc) == "" {
		l.warnf(n.pos, "xs:include has no schemaLocation; ignored")
		return
	}
	var file string
	for _, c := range l.candidates(d.file, loc) {
		if fileExists(c) {
			file = c
			break
		}
	}
	if file == "" {
		l.warnf(n.pos, "xs:include: cannot find %q%s; references to its components are kept as untyped content", loc, l.searchedDirs())
		return
	}
	key := absPath(file)
	si := d.schema
	if si.included[key] {
		return // included already (or an include cycle): nothing new
	}
	si.included[key] = true
	root, perr := l.parseFile(file)
	if perr != nil {
		l.warnf(n.pos, "xs:include of %s, which does not load: %s; references to its components are kept as untyped content", file, perr)
		return
	}
	tns, _ := root.attr("targetNamespace")
	if tns != "" && tns != d.tns {
		l.warnf(n.pos, "xs:include of %s: its targetNamespace %q differs from %q; ignored", file, tns, d.tns)
		return
	}
	inc := l.newDocument(file, root, si, d)
	l.readDocument(inc)
}

func (l *loader) searchedDirs() string {
	if len(l.opts.SearchDirs) == 0 {
		return " (no search dirs)"
	}
	return " (search dirs: " + strings.Join(l.opts.SearchDirs, ", ") + ")"
}

// recordImport notes an xs:import of d.
func (l *loader) recordImport(d *document, n *node) {
	ns, hasNS := n.attr("namespace")
	loc, _ := n.attr("schemaLocation")
	si := d.schema
	if hasNS && ns == d.tns || !hasNS && d.tns == "" {
		l.warnf(n.pos, "xs:import of the schema's own target namespace %q; ignored", d.tns)
		return
	}
	if old, ok := si.imports[ns]; ok {
		if old.loc == "" && loc != "" && !old.found {
			old.loc = loc
		}
		return
	}
	imp := &importInfo{ns: ns, loc: loc, pos: n.pos, doc: d}
	si.imports[ns] = imp
	si.s.Imports = append(si.s.Imports, ns)
	switch ns {
	case XMLNamespace, XSDNamespace:
		imp.found = true // built in: no file needed
		return
	}
	l.imports = append(l.imports, imp)
}

// resolveImport finds and loads the schema for an import, unless its
// namespace is loaded already.
func (l *loader) resolveImport(imp *importInfo) {
	if _, ok := l.byNS[imp.ns]; ok {
		imp.found = true
		return
	}
	var tried []string
	broken := map[string]bool{} // absolute paths of the candidates that do not parse
	for _, c := range l.candidates(imp.doc.file, imp.loc) {
		if !fileExists(c) || broken[absPath(c)] {
			continue
		}
		tns, ok := l.peekTNS(c)
		if ok && tns == imp.ns {
			if _, perr := l.parseFile(c); perr != nil {
				// Not well-formed: the import is repaired as one whose
				// schema cannot be found, unless the search dirs hold
				// another.
				tried = append(tried, fmt.Sprintf("%s has that targetNamespace but does not load: %s", c, perr))
				broken[absPath(c)] = true
				continue
			}
			if l.loadSchema(c) != nil {
				imp.found = true
			}
			return
		}
		tried = append(tried, fmt.Sprintf("%s has targetNamespace %q", c, tns))
	}
	// Scan the search dirs for the namespace, leaving out the files that
	// failed to load in an earlier round.
	var found, skipped []string
	for _, dir := range l.opts.SearchDirs {
		for _, f := range l.xsdFiles(dir) {
			if tns, ok := l.peekTNS(f); ok && tns == imp.ns {
				if why, bad := l.rejected[absPath(f)]; bad {
					skipped = append(skipped, fmt.Sprintf("%s has that targetNamespace but does not load: %s", f, why))
					continue
				}
				if _, perr := l.parseFile(f); perr != nil {
					if !broken[absPath(f)] {
						broken[absPath(f)] = true
						skipped = append(skipped, fmt.Sprintf("%s has that targetNamespace but does not load: %s", f, perr))
					}
					continue
				}
				found = append(found, f)
			}
		}
	}
	if len(found) > 0 {
		best := l.rankCandidates(found, imp.loc)
		if len(found) > 1 {
			l.warnf(imp.pos, "namespace %s is the targetNamespace of %d files (%s); using %s", imp.ns, len(found), strings.Join(found, ", "), best)
		}
		for _, sk := range skipped {
			l.warnf(imp.pos, "namespace %s: %s; using %s", imp.ns, sk, best)
		}
		_, seen := l.byPath[absPath(best)]
		si := l.loadSchema(best)
		if si != nil {
			imp.found = true
		}
		if !seen {
			main := absPath(best)
			l.scanned[main] = main
			if si != nil {
				for doc := range si.included {
					l.scanned[doc] = main
				}
			}
		}
		return
	}
	imp.missing = true
	tried = append(tried, skipped...)
	var b strings.Builder
	if imp.loc != "" {
		fmt.Fprintf(&b, " (schemaLocation %q", imp.loc)
	} else {
		b.WriteString(" (no schemaLocation")
	}
	for _, t := range tried {
		b.WriteString("; " + t)
	}
	b.WriteString("; " + strings.TrimPrefix(l.searchedDirs(), " ("))
	imp.searched = b.String()
}

// rankCandidates picks among files with the wanted targetNamespace: those
// that parse first, then those whose name matches the schemaLocation's base
// name, then the first by name.
func (l *loader) rankCandidates(files []string, loc string) string {
	want := strings.TrimSuffix(baseName(loc), ".xsd")
	score := func(f string) int {
		s := 0
		if root, err := l.parseFile(f); err == nil && root != nil {
			s += 2
		}
		name := strings.TrimSuffix(filepath.Base(f), ".xsd")
		if want != "" && (name == want || strings.HasSuffix(name, "-"+want)) {
			s++
		}
		return s
	}
	best, bestScore := "", -1
	for _, f := range files {
		if s := score(f); s > bestScore {
			best, bestScore = f, s
		}
	}
	return best
}

func (l *loader) xsdFiles(dir string) []string {
	if fs, ok := l.dirCache[dir]; ok {
		return fs
	}
	var out []string
	entries, err := os.ReadDir(dir)
	if err == nil {
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".xsd") {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(out)
	l.dirCache[dir] = out
	return out
}

func (l *loader) peekTNS(file string) (string, bool) {
	key := absPath(file)
	if t, ok := l.tnsCache[key]; ok {
		return t.tns, t.ok
	}
	var t tnsInfo
	if data, err := os.ReadFile(file); err == nil {
		t.tns, t.ok = peekTargetNamespace(data)
	}
	l.tnsCache[key] = t
	return t.tns, t.ok
}

// isNCName reports whether s is a plausible NCName: non-empty, no colon, no
// space, not starting with a digit, '-' or '.'.
func isNCName(s string) bool {
	if s == "" || strings.ContainsAny(s, ": \t\r\n") {
		return false
	}
	c := s[0]
	return !(c >= '0' && c <= '9' || c == '-' || c == '.')
}
