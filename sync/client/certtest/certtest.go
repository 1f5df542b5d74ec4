// Package certtest makes the certificates a bureau may present, for tests of
// the client's TLS trust: a private CA and the certificates it issues (for
// 127.0.0.1 and localhost, expired, for another name), self-signed ones, and
// a TLS terminator in front of an HTTP handler whose certificate can be
// replaced while it runs.
package certtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// CA is a certificate authority made for a test.
type CA struct {
	Cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// NewCA returns a new CA named name, valid from an hour ago for ten years.
func NewCA(tb testing.TB, name string) *CA {
	tb.Helper()
	key := newKey(tb)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(tb),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"测试数据管理局"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	return &CA{Cert: create(tb, tmpl, tmpl, key, key), key: key}
}

// PEM returns the CA's certificate as PEM.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}

// Leaf is what a server certificate is made with.
type Leaf struct {
	Names     []string  // DNS names and IP addresses [127.0.0.1, localhost]
	NotBefore time.Time // [an hour ago]
	NotAfter  time.Time // [in a year]
}

func (l Leaf) template(tb testing.TB) *x509.Certificate {
	if l.Names == nil {
		l.Names = []string{"127.0.0.1", "localhost"}
	}
	if l.NotBefore.IsZero() {
		l.NotBefore = time.Now().Add(-time.Hour)
	}
	if l.NotAfter.IsZero() {
		l.NotAfter = time.Now().AddDate(1, 0, 0)
	}
	t := &x509.Certificate{
		SerialNumber: serial(tb),
		Subject:      pkix.Name{CommonName: l.Names[0]},
		NotBefore:    l.NotBefore,
		NotAfter:     l.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range l.Names {
		if ip := net.ParseIP(n); ip != nil {
			t.IPAddresses = append(t.IPAddresses, ip)
		} else {
			t.DNSNames = append(t.DNSNames, n)
		}
	}
	return t
}

// Issue returns a server certificate signed by ca, with its key.
func (ca *CA) Issue(tb testing.TB, l Leaf) tls.Certificate {
	tb.Helper()
	key := newKey(tb)
	c := create(tb, l.template(tb), ca.Cert, key, ca.key)
	return tls.Certificate{Certificate: [][]byte{c.Raw, ca.Cert.Raw}, PrivateKey: key, Leaf: c}
}

// SelfSigned returns a self-signed server certificate, with its key.
func SelfSigned(tb testing.TB, l Leaf) tls.Certificate {
	tb.Helper()
	key := newKey(tb)
	t := l.template(tb)
	c := create(tb, t, t, key, key)
	return tls.Certificate{Certificate: [][]byte{c.Raw}, PrivateKey: key, Leaf: c}
}

// Server is a TLS terminator on a loopback port in front of an HTTP handler.
type Server struct {
	*httptest.Server
	mu   sync.Mutex
	cert tls.Certificate // guarded by mu
}

// Serve starts a TLS server on 127.0.0.1 presenting cert in front of h,
// closed when the test ends. Its URL is https://127.0.0.1:port.
func Serve(tb testing.TB, h http.Handler, cert tls.Certificate) *Server {
	tb.Helper()
	s := &Server{Server: httptest.NewUnstartedServer(h), cert: cert}
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are what the tests are about
	// Not StartTLS: its own certificate would be presented to clients that
	// send no server name (an IP address), whatever GetCertificate says.
	s.Listener = tls.NewListener(s.Listener, &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.cert
		return &c, nil
	}})
	s.Start()
	s.URL = "https://" + s.Listener.Addr().String()
	tb.Cleanup(s.Close)
	return s
}

// SetCertificate makes the server present cert from the next handshake on,
// and closes the open connections so clients must handshake again.
func (s *Server) SetCertificate(cert tls.Certificate) {
	s.mu.Lock()
	s.cert = cert
	s.mu.Unlock()
	s.CloseClientConnections()
}

func newKey(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func serial(tb testing.TB) *big.Int {
	tb.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func create(tb testing.TB, tmpl, parent *x509.Certificate, key, signer *ecdsa.PrivateKey) *x509.Certificate {
	tb.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
