//go:build tools

// Package tools records the module's build-time tool dependencies so that
// go.mod pins them. It is never compiled into the library.
package tools

import (
	_ "github.com/dave/jennifer/jen"
	_ "golang.org/x/tools/txtar"
)
