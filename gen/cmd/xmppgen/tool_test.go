package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoTool follows the README's steps for a user's module, the modern
// way: in a fresh module whose go.mod only replaces the project with this
// checkout, `go get -tool` adds xmppgen as a tool, a //go:generate line runs
// it with `go tool xmppgen`, `go mod tidy` keeps the tool requirement
// (nothing imports the project before generation, the generated code does
// after), and the module builds. It runs offline, from the module cache,
// which holds the project's dependencies.
func TestGoTool(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command in a scratch module; skipped with -short")
	}
	checkout, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/ext\n\ngo 1.26\n\nreplace github.com/protoxmpp/protoxmpp => " + checkout + "\n",
		// (The directive is split so that go generate in this project
		// does not see it.)
		"generate.go": "// Package ext holds the types generated for the myext extension.\npackage ext\n\n//go:" +
			"generate go tool xmppgen -out . -pkgmap pkgmap.txt -I schemas schemas/myext.xsd\n",
		"pkgmap.txt": "urn:example:myext:0   myext\n",
		"schemas/myext.xsd": `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="urn:example:myext:0"
    elementFormDefault="qualified">
  <xs:element name="greeting">
    <xs:complexType>
      <xs:simpleContent>
        <xs:extension base="xs:string">
          <xs:attribute name="lang" type="xs:language"/>
        </xs:extension>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
</xs:schema>
`,
		"use.go": `package ext

import "example.com/ext/myext"

// Hello is a greeting.
var Hello = myext.Greeting{Value: "hello"}
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("go", "get", "-tool", "github.com/protoxmpp/protoxmpp/gen/cmd/xmppgen")
	run("go", "generate", "./...")
	for _, f := range []string{"types_gen.go", "decode_gen.go", "encode_gen.go", "validate_gen.go"} {
		if _, err := os.Stat(filepath.Join(dir, "myext", f)); err != nil {
			t.Errorf("go generate did not write myext/%s: %v", f, err)
		}
	}
	run("go", "mod", "tidy")
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mod), "\ntool github.com/protoxmpp/protoxmpp/gen/cmd/xmppgen\n") {
		t.Errorf("go mod tidy dropped the tool directive:\n%s", mod)
	}
	run("go", "build", "./...")
	run("go", "vet", "./...")
}
