package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStrict: a schema with a defect generates, with a warning, and exit
// status 0; with -strict it is refused with status 1 and nothing written.
// Malformed XML is refused either way.
func TestStrict(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "defect.xsd")
	os.WriteFile(schema, []byte(`<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:defect" elementFormDefault="qualified">
  <xs:element name="retract">
    <xs:attribute name="id" type="xs:string"/>
  </xs:element>
</xs:schema>
`), 0o644)
	malformed := filepath.Join(dir, "malformed.xsd")
	os.WriteFile(malformed, []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a"></xs:schema>`), 0o644)
	tests := []struct {
		name string
		args []string
		want int
		out  bool // files written
	}{
		{"repaired", []string{schema}, 0, true},
		{"strict", []string{"-strict", schema}, 1, false},
		{"malformed", []string{malformed}, 1, false},
		{"malformed strict", []string{"-strict", malformed}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"-out", out, "-module", "example.com/out"}, tt.args...)
			if got := run(args); got != tt.want {
				t.Errorf("exit status %d, want %d", got, tt.want)
			}
			_, err := os.Stat(filepath.Join(out, "defect", "types_gen.go"))
			if written := err == nil; written != tt.out {
				t.Errorf("files written: %v, want %v", written, tt.out)
			}
		})
	}
}
