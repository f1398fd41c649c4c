module github.com/protoxmpp/protoxmpp/internal/benchcmp

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/protoxmpp/protoxmpp v0.0.0
	gosrc.io/xmpp v0.5.1
	mellium.im/sasl v0.3.2
	mellium.im/xmpp v0.22.0
)

require (
	github.com/google/uuid v1.1.1 // indirect
	github.com/xdg-go/scram v1.4.0 // indirect
	github.com/xdg-go/stringprep v1.0.4 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	mellium.im/reader v0.1.0 // indirect
	mellium.im/xmlstream v0.15.4 // indirect
)

replace github.com/protoxmpp/protoxmpp => ../..
