// Package ejabberdtest starts a real ejabberd (23.01, as packaged by
// Debian) for integration tests: the twin of internal/prosodytest. One
// throwaway server per call, on loopback ports picked at start, with a
// fresh self-signed certificate, in a temporary folder that holds
// everything it reads and writes: configuration, Mnesia spool, logs and
// the Erlang VM's $HOME. It never touches /etc/ejabberd or
// /var/lib/ejabberd, needs no systemd, and never binds the default ports.
//
// # Use in tests
//
//	func TestLogin(t *testing.T) {
//		srv := ejabberdtest.Start(t, ejabberdtest.Options{})
//		srv.Register(t, "alice", "secret")
//		c, err := client.Dial(ctx, jid.MustParse("alice@"+srv.Domain), "secret",
//			client.Options{Server: srv.C2SAddr, RootCAs: srv.CAPool})
//		...
//	}
//
// Start skips the test when ejabberd or the Erlang runtime is missing, and
// fails it instead when the environment variable CI is "true" (install
// with apt-get install -y ejabberd). The server stops in t.Cleanup; when
// the test failed, its log is written to the test output. Register (and
// RegisterErr) creates an account through ejabberd's HTTP API
// (mod_http_api, on a loopback port of its own, open to loopback callers
// only); registering an existing account is an error (ErrUserExists).
// Command runs any other API command (get_roster, kick_session, ...).
//
// Programs without a testing.TB (a load-test command) use StartProcess
// and call the stop function it returns.
//
// # How it runs
//
// The Erlang VM is started directly (erl -s ejabberd), as the calling
// user (root is fine), the way "ejabberdctl foreground" would but with no
// node name: there is then no Erlang distribution, so no epmd, no cookie
// and no distribution port, and several servers run side by side.
// ejabberdctl itself is not used (it switches to the ejabberd system user
// and talks to the node over distribution); the HTTP API replaces it.
// ERL_LIBS comes from Debian's ejabberdctl, or from the folder holding the
// ejabberd application.
//
// # What the server offers
//
// C2SAddr starts unencrypted and offers STARTTLS (RFC 6120 section 5),
// required unless Options.AllowPlain. DirectTLSAddr speaks TLS at once
// (XEP-0368). Both serve the certificate in CAFile and CAPool, valid for
// Domain, localhost, 127.0.0.1 and ::1; Server.TLSConfig returns a client
// configuration trusting it.
//
// Passwords are stored as SCRAM keys of one hash (Options.SCRAMHash), so
// the server offers that SCRAM mechanism, its -PLUS variant and PLAIN,
// under TLS 1.3 as under TLS 1.2 (Options.TLS12Only). ejabberd 23.01
// binds channels with tls-unique only, even under TLS 1.3 where it is not
// defined, and advertises no channel-binding types (XEP-0440); see
// client/auth for what the client makes of that.
//
// Modules loaded: roster (with versioning), disco, ping, version, time,
// carboncopy, privacy and blocking, offline, admin_extra and, unless
// Options.NoStreamManagement, stream_mgmt; mod_register with
// Options.Registration, and Options.Modules. Server-to-server is refused
// and there is no traffic shaper.
//
// # Files and environment
//
// Server.Dir holds ejabberd.yml (ConfigFile), ejabberd.log (LogFile),
// error.log, ejabberd.console (the VM's standard output and error),
// cert.pem (CAFile), key.pem, inetrc (names resolve from files only),
// spool/ (Mnesia) and home/. Set EJABBERDTEST_DEBUG=1 for a debug-level
// log.
//
// # Timing
//
// On the development machine a server starts in about 1.5 s and a
// registration takes a few milliseconds. Stop sends SIGTERM (the VM shuts
// down cleanly) and waits up to 10 s before SIGKILL.
package ejabberdtest
