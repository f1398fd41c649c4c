package jid_test

import (
	"errors"
	"fmt"

	"github.com/protoxmpp/protoxmpp/jid"
)

func Example() {
	j, err := jid.Parse("Juliet@Example.COM./balcony")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(j)
	fmt.Println(j.Local(), j.Domain(), j.Resource())
	fmt.Println(j.Bare(), j.DomainJID())
	fmt.Println(j == jid.MustParse("juliet@example.com/balcony"))
	// Output:
	// juliet@example.com/balcony
	// juliet example.com balcony
	// juliet@example.com example.com
	// true
}

func ExampleParse_errors() {
	for _, s := range []string{"@example.com", "henry\u2163@example.com", "juliet@"} {
		_, err := jid.Parse(s)
		var je *jid.Error
		errors.As(err, &je)
		fmt.Println(je.Part, errors.Is(err, jid.ErrEmpty), errors.Is(err, jid.ErrInvalid))
	}
	// Output:
	// localpart true false
	// localpart false true
	// domainpart true false
}

func ExampleJID_WithResource() {
	bare := jid.MustParse("romeo@example.net")
	full, err := bare.WithResource("orchard")
	fmt.Println(full, err)
	// Output: romeo@example.net/orchard <nil>
}
