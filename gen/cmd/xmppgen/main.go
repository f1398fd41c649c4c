// Command xmppgen generates Go packages with typed structs and streaming,
// non-reflective encoders and decoders from XMPP XSD schemas: one package per
// target namespace.
//
// Usage:
//
//	xmppgen -out DIR [-I SEARCHDIR]... [-pkgmap FILE] [-module PATH] [-check] [-strict] SCHEMA.xsd...
//
// -I names folders where xs:import and xs:include are resolved, by file name
// or by target namespace; the xml namespace (xml:lang) is built in. -pkgmap
// names a file of "NAMESPACE PACKAGE" lines; a namespace it does not list gets
// a package named after its schema file, with a warning. -module is the import
// path of DIR (default: found from the go.mod above DIR). -check writes
// nothing and exits 1 if any generated file would change or is orphaned.
//
// Defects of a schema that have one sensible reading (XSD 1.1 constructs,
// content out of order, misspelled built-ins, a namespace used without an
// xs:import, ...) are repaired, and references to what is defined nowhere
// are kept as untyped content (stanza.RawElement, or a string), each with a
// warning on standard error citing file:line:col. -strict makes every
// warning an error, for checking one's own schemas. Malformed XML is always
// an error.
//
// In your own module, add it as a tool once:
//
//	go get -tool github.com/protoxmpp/protoxmpp/gen/cmd/xmppgen
//
// and run it from a //go:generate line:
//
//	//go:generate go tool xmppgen -out . -pkgmap pkgmap.txt myext.xsd
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/protoxmpp/protoxmpp/gen"
)

type multi []string

func (m *multi) String() string     { return fmt.Sprint(*m) }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("xmppgen", flag.ContinueOnError)
	var cfg gen.Config
	var dirs multi
	fs.StringVar(&cfg.Out, "out", "", "output `folder`: one package per namespace below it")
	fs.Var(&dirs, "I", "`folder` where xs:import and xs:include are resolved (repeatable)")
	fs.StringVar(&cfg.PkgMap, "pkgmap", "", "`file` of NAMESPACE PACKAGE lines")
	fs.StringVar(&cfg.Module, "module", "", "import `path` of the output folder (default: from go.mod)")
	check := fs.Bool("check", false, "write nothing; exit 1 if generated files are stale or orphaned")
	fs.BoolVar(&cfg.Strict, "strict", false, "make every warning (a repaired or degraded schema defect) an error")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: xmppgen -out DIR [-I SEARCHDIR]... [-pkgmap FILE] [-module PATH] [-check] [-strict] SCHEMA.xsd...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg.SearchDirs = dirs
	cfg.Schemas = fs.Args()
	if cfg.Out == "" || len(cfg.Schemas) == 0 {
		fs.Usage()
		return 2
	}
	res, err := gen.Generate(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(os.Stderr, w)
	}
	if *check {
		changed, orphans, err := gen.Diff(res, cfg.Out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		for _, c := range changed {
			fmt.Fprintln(os.Stderr, "xmppgen: stale:", c)
		}
		for _, o := range orphans {
			fmt.Fprintln(os.Stderr, "xmppgen: orphaned:", o)
		}
		if len(changed)+len(orphans) > 0 {
			return 1
		}
		return 0
	}
	if err := gen.Write(res, cfg.Out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
