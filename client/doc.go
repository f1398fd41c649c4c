// Package client will hold the network client built on package stream:
// connection (SRV, direct TLS, STARTTLS), SASL, resource binding, IQ
// tracking, roster and presence (see the client issue). It is not written
// yet.
package client
