package auth_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/xdg-go/scram"
)

// conn is both ends of one real TLS connection.
type conn struct {
	client, server tls.ConnectionState
	leaf           *x509.Certificate
}

// serverBinding is what the server end computes for typ from its own view
// of the connection, independently of the client.
func (c *conn) serverBinding(t *testing.T, typ string) scram.ChannelBinding {
	t.Helper()
	var cb scram.ChannelBinding
	var err error
	switch typ {
	case "tls-exporter":
		cb, err = scram.NewTLSExporterBinding(&c.server)
	case "tls-server-end-point":
		// The server hashes its own certificate.
		cb, err = scram.NewTLSServerEndpointBinding(&tls.ConnectionState{PeerCertificates: []*x509.Certificate{c.leaf}})
	case "tls-unique":
		if len(c.server.TLSUnique) == 0 {
			t.Fatal("server has no tls-unique")
		}
		cb = scram.NewTLSUniqueBinding(c.server.TLSUnique)
	default:
		t.Fatalf("unknown binding %q", typ)
	}
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

// selfSigned makes a certificate for example.com signed with key.
func selfSigned(key crypto.Signer) (tls.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "example.com"},
		DNSNames:              []string{"example.com"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// handshake runs a real TLS handshake of the given version over net.Pipe,
// the client verifying the certificate, and returns both states.
func handshake(cert tls.Certificate, version uint16) (*conn, error) {
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	srv := tls.Server(a, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: version, MaxVersion: version})
	cl := tls.Client(b, &tls.Config{RootCAs: pool, ServerName: "example.com", MinVersion: version, MaxVersion: version})
	errc := make(chan error, 1)
	go func() { errc <- srv.Handshake() }()
	if err := cl.Handshake(); err != nil {
		return nil, err
	}
	if err := <-errc; err != nil {
		return nil, err
	}
	return &conn{client: cl.ConnectionState(), server: srv.ConnectionState(), leaf: cert.Leaf}, nil
}

var (
	connsOnce sync.Once
	connsErr  error
	// tls13, tls12: ECDSA P-256 with SHA-256. ed13: Ed25519, for which
	// tls-server-end-point is undefined. tls12b: another TLS 1.2
	// connection with the same certificate (a man in the middle's).
	tls13, tls12, ed13, tls12b, tls13b *conn
)

func conns(t *testing.T) {
	t.Helper()
	connsOnce.Do(func() {
		ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			connsErr = err
			return
		}
		ecert, err := selfSigned(ek)
		if err != nil {
			connsErr = err
			return
		}
		_, edk, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			connsErr = err
			return
		}
		edcert, err := selfSigned(edk)
		if err != nil {
			connsErr = err
			return
		}
		for _, x := range []struct {
			dst  **conn
			cert tls.Certificate
			v    uint16
		}{{&tls13, ecert, tls.VersionTLS13}, {&tls12, ecert, tls.VersionTLS12}, {&ed13, edcert, tls.VersionTLS13}, {&tls12b, ecert, tls.VersionTLS12}, {&tls13b, ecert, tls.VersionTLS13}} {
			if *x.dst, connsErr = handshake(x.cert, x.v); connsErr != nil {
				return
			}
		}
	})
	if connsErr != nil {
		t.Fatal(connsErr)
	}
}

// TestConnections checks the premises the other tests rely on.
func TestConnections(t *testing.T) {
	conns(t)
	if tls13.client.Version != tls.VersionTLS13 || tls12.client.Version != tls.VersionTLS12 {
		t.Fatalf("versions %x %x", tls13.client.Version, tls12.client.Version)
	}
	if len(tls13.client.TLSUnique) != 0 {
		t.Error("crypto/tls gives tls-unique under TLS 1.3")
	}
	if len(tls12.client.TLSUnique) == 0 || string(tls12.client.TLSUnique) != string(tls12.server.TLSUnique) {
		t.Error("tls-unique missing or differing between the ends under TLS 1.2")
	}
	if !tls12.client.DidResume && string(tls12.client.TLSUnique) == string(tls12b.client.TLSUnique) {
		t.Error("two connections share tls-unique")
	}
	if ed13.leaf.SignatureAlgorithm != x509.PureEd25519 {
		t.Errorf("ed25519 certificate signed with %v", ed13.leaf.SignatureAlgorithm)
	}
}
