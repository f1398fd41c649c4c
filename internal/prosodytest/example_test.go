package prosodytest_test

import (
	"crypto/tls"
	"fmt"
	"log"

	"github.com/protoxmpp/protoxmpp/internal/prosodytest"
)

// A program without a testing.TB starts a server with StartProcess and
// stops it when done. Tests call prosodytest.Start(t, opts) instead.
func ExampleStartProcess() {
	srv, stop, err := prosodytest.StartProcess(prosodytest.Options{TLS12Only: true})
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	if err := srv.RegisterErr("alice", "secret"); err != nil {
		log.Fatal(err)
	}
	conn, err := tls.Dial("tcp", srv.DirectTLSAddr, srv.TLSConfig())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println(tls.VersionName(conn.ConnectionState().Version))
}
