package ejabberdtest

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// File and folder names inside Server.Dir.
const (
	configName  = "ejabberd.yml"
	logName     = "ejabberd.log"
	errorLog    = "error.log"
	consoleName = "ejabberd.console" // the VM's stdout and stderr
	certName    = "cert.pem"
	keyName     = "key.pem"
	spoolName   = "spool" // Mnesia
	homeName    = "home"  // $HOME of the VM: nothing else sees its files
	inetrcName  = "inetrc"
	crashName   = "erl_crash.dump"
)

// inetrc makes the VM resolve names from /etc/hosts and this file only,
// so a test never waits on DNS.
const inetrc = `{lookup, [file]}.
{host, {127,0,0,1}, ["localhost"]}.
`

// yaml quotes s as a YAML double-quoted scalar.
func yaml(s string) string { return strconv.Quote(s) }

// config returns the YAML configuration of a server in dir with its c2s
// (STARTTLS), direct TLS and HTTP API ports.
func (o Options) config(dir string, c2sPort, tlsPort, apiPort int) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	level := "info"
	if o.Debug {
		level = "debug"
	}
	w("# Written by ejabberdtest.")
	w("loglevel: %s", level)
	w("log_rotate_count: 0")
	w("hide_sensitive_log_data: false")
	w("hosts:\n  - %s", yaml(o.Domain))
	w("certfiles:\n  - %s\n  - %s", yaml(filepath.Join(dir, certName)), yaml(filepath.Join(dir, keyName)))
	w("auth_method: internal")
	w("auth_password_format: scram")
	w("auth_scram_hash: %s", o.SCRAMHash)
	// No server-to-server traffic ever leaves the machine.
	w("s2s_access: none")
	w("define_macro:")
	w("  TLS_OPTIONS:")
	w("    - no_sslv3")
	w("    - no_tlsv1")
	w("    - no_tlsv1_1")
	if o.TLS12Only {
		w("    - no_tlsv1_3")
	}
	w("listen:")
	c2s := func(port int, extra ...string) {
		w("  -")
		w("    port: %d", port)
		w("    ip: \"127.0.0.1\"")
		w("    module: ejabberd_c2s")
		w("    access: c2s")
		w("    protocol_options: TLS_OPTIONS")
		if o.MaxClients > 0 {
			w("    backlog: %d", o.MaxClients)
		}
		for _, e := range extra {
			w("    %s", e)
		}
	}
	if o.AllowPlain {
		c2s(c2sPort, "starttls: true")
	} else {
		c2s(c2sPort, "starttls_required: true")
	}
	c2s(tlsPort, "tls: true")
	w("  -")
	w("    port: %d", apiPort)
	w("    ip: \"127.0.0.1\"")
	w("    module: ejabberd_http")
	w("    request_handlers:")
	w("      /api: mod_http_api")
	w("acl:")
	w("  loopback:")
	w("    ip:")
	w("      - 127.0.0.0/8")
	w("access_rules:")
	w("  c2s:")
	w("    allow: all")
	w("  register:")
	w("    allow: all")
	w("api_permissions:")
	w("  \"ejabberdtest\":")
	w("    who:")
	w("      ip: 127.0.0.1/8")
	w("    what:")
	w("      - \"*\"")
	w("modules:")
	for _, m := range o.modules() {
		w("  %s", m)
	}
	return b.String()
}

// modules returns the module lines of the configuration.
func (o Options) modules() []string {
	mods := []string{
		"mod_roster:\n    versioning: true\n    store_current_id: false", // RFC 6121, XEP-0237
		"mod_disco: {}",       // XEP-0030
		"mod_ping: {}",        // XEP-0199
		"mod_version: {}",     // XEP-0092
		"mod_time: {}",        // XEP-0202
		"mod_carboncopy: {}",  // XEP-0280
		"mod_privacy: {}",     // XEP-0016, needed by mod_blocking
		"mod_blocking: {}",    // XEP-0191
		"mod_offline: {}",     // XEP-0160
		"mod_admin_extra: {}", // commands for the HTTP API
	}
	if !o.NoStreamManagement {
		m := "mod_stream_mgmt:\n    resend_on_timeout: if_offline" // XEP-0198
		if o.NoResumption {
			m += "\n    resume_timeout: 0"
		}
		mods = append(mods, m)
	}
	if o.Registration {
		mods = append(mods, "mod_register:\n    access: register\n    ip_access: all\n    password_strength: 0") // XEP-0077
	}
	for _, m := range o.Modules {
		mods = append(mods, m+": {}")
	}
	return mods
}
