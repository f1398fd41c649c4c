package auth

import (
	"crypto/tls"
	"errors"
	"fmt"
	"slices"

	"github.com/xdg-go/scram"
)

// Channel-binding types (IANA channel-binding types registry).
const (
	// TLSExporter is RFC 9266: 32 bytes of keying material exported with the
	// label "EXPORTER-Channel-Binding" and no context. Defined for TLS 1.3,
	// and for TLS 1.2 only with the extended master secret (RFC 7627).
	TLSExporter = "tls-exporter"
	// TLSServerEndPoint is RFC 5929 section 4: the hash of the server's
	// certificate, with the hash of its signature algorithm (SHA-256 for
	// MD5 and SHA-1); undefined for algorithms with no single hash (Ed25519).
	TLSServerEndPoint = "tls-server-end-point"
	// TLSUnique is RFC 5929 section 3: the first Finished message of the
	// handshake. Not defined for TLS 1.3 (RFC 9266 section 4), and unsafe
	// after a resumption without the extended master secret.
	TLSUnique = "tls-unique"
)

// BindingPreference ranks the channel-binding types this package can
// compute, strongest first, for choosing among those a server advertises.
var BindingPreference = []string{TLSExporter, TLSServerEndPoint, TLSUnique}

// errNoDefaultBinding is the error of channelBinding under TLS 1.3 when
// the server advertised no channel-binding types (XEP-0440): there is no
// type both sides are known to compute (see the package documentation,
// "Channel binding"). This side could bind, so a SCRAM mechanism without
// -PLUS sends the "y" flag rather than "n".
var errNoDefaultBinding = errors.New("TLS 1.3 and no channel-binding types advertised (XEP-0440): servers that predate RFC 9266 bind with tls-unique, which TLS 1.3 does not define, so no type is known to match")

// channelBinding computes the channel binding for cs. With advertised
// types (XEP-0440) it takes the first of BindingPreference the server
// advertised that can be computed. Without, under TLS 1.2 and older it
// uses tls-unique, the default of RFC 5802 that every server binding
// without XEP-0440 implements; under TLS 1.3 it returns
// errNoDefaultBinding.
func channelBinding(cs *tls.ConnectionState, advertised []string) (scram.ChannelBinding, error) {
	if cs == nil {
		return scram.ChannelBinding{}, errors.New("the connection is not TLS")
	}
	if !cs.HandshakeComplete {
		return scram.ChannelBinding{}, errors.New("the TLS handshake is not complete")
	}
	var types []string
	switch {
	case len(advertised) > 0:
		for _, t := range BindingPreference {
			if slices.Contains(advertised, t) {
				types = append(types, t)
			}
		}
		if len(types) == 0 {
			return scram.ChannelBinding{}, fmt.Errorf("the server advertises only %q", advertised)
		}
	case cs.Version >= tls.VersionTLS13:
		return scram.ChannelBinding{}, errNoDefaultBinding
	default:
		types = []string{TLSUnique}
	}
	var errs []error
	for _, t := range types {
		cb, err := computeBinding(cs, t)
		if err == nil {
			return cb, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", t, err))
	}
	return scram.ChannelBinding{}, errors.Join(errs...)
}

// computeBinding computes one type with xdg-go/scram's helpers (which hash
// the certificate and export the keying material with crypto/tls).
func computeBinding(cs *tls.ConnectionState, typ string) (scram.ChannelBinding, error) {
	switch typ {
	case TLSExporter:
		// crypto/tls refuses the export under TLS 1.2 without the extended
		// master secret, as RFC 9266 section 4.2 requires.
		return scram.NewTLSExporterBinding(cs)
	case TLSServerEndPoint:
		return scram.NewTLSServerEndpointBinding(cs)
	case TLSUnique:
		if cs.Version >= tls.VersionTLS13 {
			return scram.ChannelBinding{}, errors.New("not defined for TLS 1.3")
		}
		if len(cs.TLSUnique) == 0 {
			return scram.ChannelBinding{}, errors.New("not available on this connection (resumed without extended master secret)")
		}
		return scram.NewTLSUniqueBinding(cs.TLSUnique), nil
	}
	return scram.ChannelBinding{}, errors.New("not implemented")
}
