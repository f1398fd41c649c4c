package auth_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/protoxmpp/protoxmpp/client/auth"
	"github.com/xdg-go/scram"
)

func ExampleSelect() {
	offered := []string{"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"}
	// Without TLS: no channel binding, and PLAIN is never chosen.
	m, err := auth.Select(offered, auth.Config{Username: "juliet", Password: "r0m30"})
	if err != nil {
		fmt.Println(err)
		return
	}
	first, _ := m.Start()
	fmt.Println(m.Name(), strings.SplitN(string(first), "r=", 2)[0])

	_, err = auth.Select([]string{"PLAIN"}, auth.Config{Username: "juliet", Password: "r0m30"})
	fmt.Println(errors.Is(err, auth.ErrNoMechanism))
	// Output:
	// SCRAM-SHA-256 n,,n=juliet,
	// true
}

// Example runs a whole SCRAM-SHA-256 exchange against an xdg-go/scram
// server, the way stream.Stream drives a Mechanism, then checks the server.
func Example() {
	h := scram.SHA256
	c, _ := h.NewClient("juliet", "r0m30", "")
	creds, _ := c.GetStoredCredentialsWithError(scram.KeyFactors{Salt: "salt", Iters: 4096})
	srv, _ := h.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
	sc := srv.NewConversation()

	m, err := auth.Select([]string{"SCRAM-SHA-256"}, auth.Config{Username: "juliet", Password: "r0m30"})
	if err != nil {
		fmt.Println(err)
		return
	}
	msg, _ := m.Start() // <auth/>
	for !sc.Done() {
		challenge, err := sc.Step(string(msg))
		if err != nil {
			fmt.Println("server:", challenge)
			return
		}
		// A challenge, or the additional data of <success/>.
		if msg, err = m.Next([]byte(challenge)); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("server authenticated the client:", sc.Valid())
	fmt.Println("client authenticated the server:", auth.Check(m) == nil)
	// Output:
	// server authenticated the client: true
	// client authenticated the server: true
}
