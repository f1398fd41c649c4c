// Package auth implements the initiating side of the SASL mechanisms an
// XMPP client uses (RFC 6120 section 6) as stream.Mechanism values:
// SCRAM-SHA-1, SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677; SHA-512
// as the same construction with SHA-512, as XMPP servers deploy it), each
// with its channel-binding -PLUS variant, and PLAIN (RFC 4616).
//
// # Choosing a mechanism
//
// Select takes the names the server offered and returns the first of
// Preference that is offered, allowed by Config.Allowed and usable:
//
//   - a -PLUS mechanism needs a channel binding on the connection (below);
//     without one it is never chosen;
//   - PLAIN needs TLS, unless Config.AllowPlainWithoutTLS is set.
//
// New returns one named mechanism under the same rules.
//
// # Channel binding
//
// The binding is computed from Config.TLS, the client's
// tls.ConnectionState. SCRAM does not say which binding type a -PLUS
// exchange uses: both sides must already agree, and an exchange where they
// do not fails like a wrong password. So the type is chosen as follows.
//
//   - The server advertised its types (XEP-0440, passed as
//     Config.ChannelBindings): the first of BindingPreference it lists that
//     can be computed: tls-exporter (RFC 9266; TLS 1.3, or TLS 1.2 with the
//     extended master secret), then tls-server-end-point (RFC 5929; needs a
//     certificate whose signature uses a single hash, SHA-256 replacing MD5
//     and SHA-1), then tls-unique (RFC 5929; TLS 1.2 and older only, never
//     under TLS 1.3). When it lists none of them, -PLUS is not used.
//   - TLS 1.2 or older, nothing advertised: tls-unique, the default of RFC
//     5802 and the type every server that binds without XEP-0440
//     implements (Prosody 0.12, ejabberd 23.01).
//   - TLS 1.3, nothing advertised: -PLUS is not used. RFC 9266 makes
//     tls-exporter the default there, but servers written before it bind
//     with tls-unique whatever the TLS version and say nothing about it:
//     ejabberd before 23.10 offers SCRAM-SHA-1-PLUS under TLS 1.3 and
//     answers a tls-exporter binding with "Invalid channel binding", and a
//     tls-unique binding cannot be computed under TLS 1.3 (RFC 9266 section
//     4; crypto/tls does not offer it). Trying tls-exporter first and
//     retrying without -PLUS on failure would log in, but the retry is
//     exactly what a man in the middle wants: failing the first attempt
//     is all it takes to remove the binding. There is no such retry here.
//     Prosody 0.12 offers no -PLUS under TLS 1.3; Prosody 0.13 and
//     ejabberd 23.10 and later advertise XEP-0440, so they get -PLUS.
//
// Nothing is retried: Select and New choose once, from the offer, and an
// authentication failure ends the attempt (client.Dial returns it).
//
// # Downgrade protection
//
// SCRAM's GS2 header carries a flag (RFC 5802 section 6): "p=type" when
// binding, "n" when this side does not support channel binding, "y" when it
// does but the server appears not to. The flag is covered by the client's
// proof, so a man in the middle cannot change it. A SCRAM mechanism
// without -PLUS sends:
//
//   - "n" when no binding can be computed on this connection, when
//     Config.Allowed forbids the mechanism's -PLUS variant, when the
//     server advertises only types this side cannot compute, or when the
//     server offers -PLUS variants of other SCRAM mechanisms only (the
//     server binds, so it would refuse "y");
//   - "y" when a binding could be computed but the server offered no -PLUS
//     mechanism at all: a server that does support channel binding (whose
//     -PLUS names an attacker stripped from the offer) then fails the
//     exchange (e=server-does-support-channel-binding) instead of letting
//     the attack pass;
//   - "y" too under TLS 1.3 when the server advertised no types, whether
//     or not it offers -PLUS: this side could bind, but no type is known
//     to match (above). A server that implements RFC 9266 and checks the
//     flag advertises its types, so the only way it sees this "y" is an
//     attacker who removed the advertisement: it refuses, and the attack
//     fails. A server without XEP-0440 that offers -PLUS under TLS 1.3
//     (ejabberd 23.01) does not check the flag against TLS 1.3 bindings
//     and accepts it. "n" would log in everywhere too, but would let the
//     removal of the advertisement pass unnoticed;
//   - nothing, and New returns ErrDowngrade, when the server offers this
//     mechanism's -PLUS variant and a binding of a known type is available
//     (RFC 5802: the client MUST use it), or when it advertises
//     channel-binding types (XEP-0440) but offers no -PLUS mechanism, a
//     combination only a stripped offer produces. Select returns that
//     error too rather than falling back to a weaker mechanism.
//
// So the binding, or the "y" that stands for it, protects every login to a
// server that advertises its types or runs TLS 1.2. What is left is a
// server without XEP-0440 under TLS 1.3 that does not check the flag: an
// attacker holding a certificate for it can relay the exchange unnoticed,
// as with any SCRAM without -PLUS. XEP-0474 (SASL SCRAM Downgrade
// Protection, a hash of the offer inside SCRAM) would close that gap for
// the servers that implement it; it is not implemented here, as neither
// Prosody 0.12 nor ejabberd 23.01 sends it.
//
// Against a man in the middle who can also strip every SCRAM mechanism and
// leave PLAIN, only Config.Allowed protects: list the SCRAM mechanisms
// alone.
//
// # Verifying the server
//
// SCRAM authenticates the server too: its server-final-message carries a
// signature only a holder of the password's keys can compute. Next checks
// it, whether it comes as a challenge or as the additional data of
// <success/>, and returns an error wrapping ErrServerSignature if it does
// not verify; stream.Stream then fails the stream. A <success/> without
// additional data, however, calls no Next: so after EventNegotiated
// StepSASL the caller MUST call Check(m) (or m's Done or Verified, see
// Mechanism) and drop the connection on an error: it means the exchange
// never showed that the server knows the password.
//
// # Preparing the username and password
//
// RFC 5802 (sections 2.2 and 5.1) prepares the username and password with
// SASLprep (RFC 4013), as query strings (code points unassigned in Unicode
// 3.2 allowed); RFC 4616 recommends SASLprep for PLAIN too. The PRECIS profiles that replace it (UsernameCaseMapped
// and OpaqueString, RFC 8265) differ from it on some input: SASLprep applies
// NFKC, OpaqueString NFC, so a password such as "ﬁ" (U+FB01) hashes
// differently. SCRAM's salted password depends on that preparation, so
// both sides must agree, and Prosody (0.12, like most deployed servers)
// applies SASLprep to the username and the password. This package
// therefore uses SASLprep in query mode (built from xdg-go/stringprep's RFC
// 3454 tables) for the username, password and authzid of every mechanism,
// and gives the result to xdg-go/scram's NewClientUnprepped (whose own
// NewClient would use the stricter stored-string mode and refuse
// passwords with, for example, emoji in them).
//
// # Cryptography
//
// All SCRAM computation comes from github.com/xdg-go/scram (v1.2.0 and
// later implement channel binding): the client-first and client-final
// messages, the GS2 header with the p/n/y flag, the cbind-input, PBKDF2,
// the proofs and the server-signature check, and the computation of the
// tls-exporter and tls-server-end-point bindings. tls-unique is the
// ConnectionState's TLSUnique, which crypto/tls computes. Nothing here
// hashes or MACs anything.
//
// # Example
//
//	m, err := auth.Select(offered, auth.Config{
//		Username:        "juliet",
//		Password:        password,
//		TLS:             &state,           // tlsConn.ConnectionState()
//		ChannelBindings: advertisedTypes,  // XEP-0440, nil when none
//	})
//	if err != nil {
//		return err // ErrNoMechanism, ErrDowngrade
//	}
//	s.Authenticate(m)
//	// ... feed the stream until EventNegotiated StepSASL, then:
//	if err := auth.Check(m); err != nil {
//		return err // ErrServerSignature: drop the connection
//	}
package auth
