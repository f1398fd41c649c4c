package stream

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/sm"
)

// TestIsSMCoversHandlers reads the type switches of smElement, smClient and
// smServer in sm.go and checks that isSM reports every type they handle:
// element skips smElement for the others, so that a type added to a
// handler and not to isSM would never reach it.
func TestIsSMCoversHandlers(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "sm.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	handlers := map[string]bool{"smElement": true, "smClient": true, "smServer": true}
	var types []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || !handlers[fn.Name.Name] {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if c, ok := n.(*ast.CaseClause); ok {
				for _, e := range c.List {
					if st, ok := e.(*ast.StarExpr); ok {
						if sel, ok := st.X.(*ast.SelectorExpr); ok {
							if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "sm" {
								types = append(types, sel.Sel.Name)
							}
						}
					}
				}
			}
			return true
		})
	}
	if len(types) < 7 {
		t.Fatalf("found %d handled types in sm.go (%v), want the 7 of XEP-0198 at least", len(types), types)
	}
	for _, name := range types {
		// Each element's name is its type's, lowercased (XEP-0198), with
		// the attributes it requires, if any.
		var el stanza.Element
		for _, attrs := range []string{"", " h='1'", " h='1' previd='x'"} {
			x, err := stanza.DecodeString("<" + strings.ToLower(name) + " xmlns='" + sm.NS + "'" + attrs + "/>")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if reflect.TypeOf(x).Elem().Name() == name {
				el = x
				break
			}
		}
		if el == nil {
			t.Fatalf("no <%s/> decodes into sm.%s", strings.ToLower(name), name)
		}
		if !isSM(el) {
			t.Errorf("isSM(*sm.%s) is false, but sm.go handles it", name)
		}
	}
	if isSM(&stanza.RawElement{}) {
		t.Error("isSM of a raw element is true")
	}
}
