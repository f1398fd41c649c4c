package prosodytest

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/internal/testproc"
)

func TestLuaString(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "/tmp/x/prosody.log", `"/tmp/x/prosody.log"`},
		{"empty", "", `""`},
		{"quote and backslash", `a"b\c`, `"a\"b\\c"`},
		{"newline", "a\nb", `"a\010b"`},
		{"nul then digit", "a\x001", `"a\0001"`},
		{"utf-8 kept", "café", `"café"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, lua(tt.in)); diff != "" {
				t.Errorf("lua(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// settings returns the top-level "key = value" lines of a configuration.
func settings(cfg string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(cfg, "\n") {
		if k, v, ok := strings.Cut(line, " = "); ok && !strings.HasPrefix(k, "--") {
			if i := strings.Index(v, " --"); i >= 0 {
				v = v[:i]
			}
			m[k] = v
		}
	}
	return m
}

func TestConfig(t *testing.T) {
	const dir = "/tmp/p t"
	tests := []struct {
		name string
		opts Options
		env  string // PROSODYTEST_DEBUG
		want map[string]string
	}{
		{"default", Options{Domain: "localhost"}, "", map[string]string{
			"authentication":               `"internal_hashed"`,
			"c2s_require_encryption":       "true",
			"allow_unencrypted_plain_auth": "false",
			"ssl":                          `{ certificate = "/tmp/p t/cert.pem", key = "/tmp/p t/key.pem" }`,
			"modules_enabled":              `{ "prosodytest_ready", "roster", "saslauth", "tls", "disco", "ping", "version", "time", "carbons", "blocklist", "smacks" }`,
			"modules_disabled":             `{ "s2s", "s2s_auth_certs", "limits" }`,
			"network_settings":             "{ shutdown_deadline = 2 }",
			"log":                          `{ { levels = { min = "info" }, to = "file", filename = "/tmp/p t/prosody.log" } }`,
		}},
		{"sha256", Options{Domain: "localhost", SCRAMSHA256: true}, "", map[string]string{
			"password_hash": `"SHA-256"`,
		}},
		{"tls12", Options{Domain: "localhost", TLS12Only: true}, "", map[string]string{
			"ssl": `{ certificate = "/tmp/p t/cert.pem", key = "/tmp/p t/key.pem", protocol = "tlsv1_2" }`,
		}},
		{"allow plain", Options{Domain: "localhost", AllowPlain: true}, "", map[string]string{
			"c2s_require_encryption":       "false",
			"allow_unencrypted_plain_auth": "true",
		}},
		{"plain storage", Options{Domain: "localhost", PlainStorage: true}, "", map[string]string{
			"authentication": `"internal_plain"`,
		}},
		{"max clients", Options{Domain: "localhost", MaxClients: 5000}, "", map[string]string{
			"network_settings": "{ shutdown_deadline = 2, tcp_backlog = 5000 }",
		}},
		{"few clients keep the backlog", Options{Domain: "localhost", MaxClients: 3}, "", map[string]string{
			"network_settings": "{ shutdown_deadline = 2, tcp_backlog = 128 }",
		}},
		{"modules", Options{Domain: "localhost", Modules: []string{"csi_simple", "roster", "limits"}}, "", map[string]string{
			"modules_enabled":  `{ "prosodytest_ready", "roster", "saslauth", "tls", "disco", "ping", "version", "time", "carbons", "blocklist", "smacks", "csi_simple", "limits" }`,
			"modules_disabled": `{ "s2s", "s2s_auth_certs" }`,
		}},
		{"debug", Options{Domain: "localhost"}, "1", map[string]string{
			"log": `{ { levels = { min = "debug" }, to = "file", filename = "/tmp/p t/prosody.log" } }`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PROSODYTEST_DEBUG", tt.env)
			cfg := tt.opts.config(dir, 40001, 40002)
			got := settings(cfg)
			// Every server: loopback only, our ports, no other listener,
			// nothing outside dir.
			common := map[string]string{
				"run_as_root":          "true",
				"daemonize":            "false",
				"pidfile":              `"/tmp/p t/prosody.pid"`,
				"data_path":            `"/tmp/p t/data"`,
				"certificates":         `"/tmp/p t/certs"`,
				"plugin_paths":         `{ "/tmp/p t/plugins" }`,
				"interfaces":           `{ "127.0.0.1" }`,
				"local_interfaces":     `{ "127.0.0.1" }`,
				"c2s_ports":            "{ 40001 }",
				"c2s_direct_tls_ports": "{ 40002 }",
				"s2s_ports":            "{}",
				"s2s_direct_tls_ports": "{}",
				"legacy_ssl_ports":     "{}",
				"component_ports":      "{}",
				"http_ports":           "{}",
				"https_ports":          "{}",
				"proxy65_ports":        "{}",
			}
			for k, v := range common {
				if _, ok := tt.want[k]; !ok {
					tt.want[k] = v
				}
			}
			sub := map[string]string{}
			for k := range tt.want {
				sub[k] = got[k]
			}
			if diff := cmp.Diff(tt.want, sub); diff != "" {
				t.Errorf("settings (-want +got):\n%s\nconfig:\n%s", diff, cfg)
			}
			if !strings.HasSuffix(cfg, "\nVirtualHost \"localhost\"\n") {
				t.Errorf("config does not end with the virtual host:\n%s", cfg)
			}
			if _, ok := got["password_hash"]; ok && !tt.opts.SCRAMSHA256 {
				t.Error("password_hash set without SCRAMSHA256")
			}
		})
	}
}

func TestWriteCert(t *testing.T) {
	tests := []struct {
		domain string
		dns    []string
		ips    []string
	}{
		{"localhost", []string{"localhost"}, []string{"127.0.0.1", "::1"}},
		{"example.test", []string{"localhost", "example.test"}, []string{"127.0.0.1", "::1"}},
		{"192.0.2.1", []string{"localhost"}, []string{"127.0.0.1", "::1", "192.0.2.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			dir := t.TempDir()
			certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
			certPEM, err := testproc.WriteCert(certFile, keyFile, tt.domain)
			if err != nil {
				t.Fatal(err)
			}
			onDisk, err := os.ReadFile(certFile)
			if err != nil || string(onDisk) != string(certPEM) {
				t.Fatalf("cert file (%v) differs from the returned PEM", err)
			}
			block, _ := pem.Decode(certPEM)
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			var ips []string
			for _, ip := range cert.IPAddresses {
				ips = append(ips, ip.String())
			}
			if diff := cmp.Diff(tt.dns, cert.DNSNames); diff != "" {
				t.Errorf("DNS names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.ips, ips); diff != "" {
				t.Errorf("IP addresses (-want +got):\n%s", diff)
			}
			pool := x509.NewCertPool()
			pool.AddCert(cert)
			for _, name := range append(append([]string(nil), tt.dns...), tt.ips...) {
				if err := cert.VerifyHostname(name); err != nil {
					t.Errorf("VerifyHostname(%s): %v", name, err)
				}
			}
			if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: tt.dns[0], KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
				t.Errorf("self-verification: %v", err)
			}
			if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("key file mode: %v %v, want 0600", fi.Mode(), err)
			}
			if net.ParseIP(tt.domain) == nil && cert.Subject.CommonName != tt.domain {
				t.Errorf("CommonName %q, want %q", cert.Subject.CommonName, tt.domain)
			}
		})
	}
}

// fakeTB records how Start gave up; Fatal and Skip end the goroutine as
// testing.T's do.
type fakeTB struct {
	testing.TB
	fatal, skip string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatal(args ...any) {
	f.fatal = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skip = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// Without prosody in PATH, Start skips, or fails when CI is "true", and
// StartProcess returns an error.
func TestStartWithoutProsody(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if err := Available(); err == nil {
		t.Fatal("Available: nil with an empty PATH")
	}
	tests := []struct {
		ci              string
		wantFatal, skip bool
	}{
		{"", false, true},
		{"false", false, true},
		{"true", true, false},
	}
	for _, tt := range tests {
		t.Run("CI="+tt.ci, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			f := &fakeTB{TB: t}
			done := make(chan *Server)
			go func() {
				defer close(done)
				done <- Start(f, Options{})
			}()
			if s := <-done; s != nil {
				t.Fatalf("Start returned a server: %+v", s)
			}
			if got := f.fatal != ""; got != tt.wantFatal {
				t.Errorf("Fatal called: %t (%q), want %t", got, f.fatal, tt.wantFatal)
			}
			if tt.wantFatal && f.fatal != notInstalled {
				t.Errorf("Fatal message %q, want %q", f.fatal, notInstalled)
			}
			if got := f.skip != ""; got != tt.skip {
				t.Errorf("Skip called: %t (%q), want %t", got, f.skip, tt.skip)
			}
			if tt.skip && !strings.HasPrefix(f.skip, notInstalled) {
				t.Errorf("Skip message %q, want it to start with %q", f.skip, notInstalled)
			}
		})
	}
	if _, _, err := StartProcess(Options{}); err == nil || !strings.Contains(err.Error(), "prosody not installed") {
		t.Errorf("StartProcess: %v, want a not-installed error", err)
	}
}
