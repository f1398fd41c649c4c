// Package prosodytest starts a real Prosody (0.12, as packaged by Debian)
// for integration tests: one throwaway server per call, on loopback ports
// picked at start, with a fresh self-signed certificate, in a temporary
// folder that holds everything it reads and writes. It never touches
// /etc/prosody or /var/lib/prosody and never binds the default ports.
//
// # Use in tests
//
//	func TestLogin(t *testing.T) {
//		srv := prosodytest.Start(t, prosodytest.Options{})
//		srv.Register(t, "alice", "secret")
//		c, err := client.Dial(ctx, jid.MustParse("alice@"+srv.Domain), "secret",
//			client.Options{Server: srv.C2SAddr, RootCAs: srv.CAPool})
//		...
//	}
//
// Start skips the test when prosody or prosodyctl is not in PATH, and
// fails it instead when the environment variable CI is "true" (install
// with apt-get install -y prosody). The server stops in t.Cleanup; when
// the test failed, its log is written to the test output. Register (and
// RegisterErr, which returns the error) creates an account with
// "prosodyctl adduser", while the server runs; registering an existing
// account is an error (ErrUserExists).
//
// Programs without a testing.TB (a load-test command) use StartProcess
// and call the stop function it returns.
//
// # What the server offers
//
// C2SAddr starts unencrypted and offers STARTTLS (RFC 6120 section 5),
// required unless Options.AllowPlain. DirectTLSAddr speaks TLS at once
// (XEP-0368). Both serve the certificate in CAFile and CAPool, valid for
// Domain, localhost, 127.0.0.1 and ::1; Server.TLSConfig returns a client
// configuration trusting it. On DirectTLSAddr Prosody refuses an SNI name
// that is not a virtual host, so set ServerName to Domain (or to an IP
// address, which sends no SNI).
//
// SASL mechanisms offered once the stream is encrypted (Prosody 0.12
// binds channels with tls-unique only, which TLS 1.3 lacks):
//
//	Options                    TLS 1.3                 TLS 1.2 (TLS12Only)
//	(default)                  PLAIN SCRAM-SHA-1       + SCRAM-SHA-1-PLUS
//	SCRAMSHA256                PLAIN SCRAM-SHA-256     + SCRAM-SHA-256-PLUS
//	PlainStorage               PLAIN SCRAM-SHA-1 SCRAM-SHA-256 (+ both -PLUS)
//
// With AllowPlain the same mechanisms, PLAIN included, are offered without
// TLS. Modules loaded: roster (with versioning and pre-approval), saslauth,
// tls, disco, ping, version, time, carbons, blocklist, smacks, plus the
// presence, message, iq and offline modules Prosody always loads, and
// Options.Modules; server-to-server and rate limiting are off.
//
// # Files and environment
//
// Server.Dir holds prosody.cfg.lua (ConfigFile), prosody.log (LogFile),
// prosody.console (its standard output and error), cert.pem (CAFile),
// key.pem, data/, prosody.pid and plugins/ (a module that logs when
// startup has finished, so the harness waits for it rather than guess).
// Set PROSODYTEST_DEBUG=1 for a debug-level log.
//
// # Timing
//
// On the development machine a server starts in about 0.1 s and a
// registration takes about 0.08 s. Stop sends SIGTERM and waits up to 5 s
// before SIGKILL; it takes about 20 ms, or about 1 s when clients are still
// connected (Prosody closes their streams first).
package prosodytest
