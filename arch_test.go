package protoxmpp

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/protoxmpp/protoxmpp"

type pkgInfo struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

// TestArchitecture enforces the import arrows of STYLE.md: the runtime uses
// only the standard library; generated packages use only the runtime and
// their siblings; nothing outside gen/ imports gen/, and gen/ never imports
// the runtime, the stream or the client.
func TestArchitecture(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkgInfo
	for dec.More() {
		var p pkgInfo
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("only %d packages listed", len(pkgs))
	}
	isGen := func(p string) bool { return p == module+"/gen" || strings.HasPrefix(p, module+"/gen/") }
	isOurs := func(p string) bool { return p == module || strings.HasPrefix(p, module+"/") }
	isStd := func(p string) bool { return !strings.Contains(strings.Split(p, "/")[0], ".") }
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			switch {
			case p.ImportPath == module+"/stanza":
				if !isStd(imp) {
					t.Errorf("runtime %s imports %s: it must use the standard library only", p.ImportPath, imp)
				}
			case strings.HasPrefix(p.ImportPath, module+"/stanza/") && p.ImportPath != module+"/stanza/all":
				// The JID type of addresses is the one exception: it
				// prepares addresses (PRECIS) on demand.
				if !isStd(imp) && imp != module+"/stanza" && !strings.HasPrefix(imp, module+"/stanza/") && imp != module+"/jid" {
					t.Errorf("generated package %s imports %s", p.ImportPath, imp)
				}
			case isGen(p.ImportPath):
				for _, bad := range []string{"/stanza", "/stream", "/client"} {
					if imp == module+bad || strings.HasPrefix(imp, module+bad+"/") {
						t.Errorf("generator package %s imports %s", p.ImportPath, imp)
					}
				}
			}
			if isGen(imp) && !isGen(p.ImportPath) && isOurs(p.ImportPath) {
				t.Errorf("%s imports the generator package %s", p.ImportPath, imp)
			}
		}
	}
}
