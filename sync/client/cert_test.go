package client_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/client"
	"egovdesk/sync/client/certtest"
	"egovdesk/sync/protocol"
)

var healthy = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(protocol.Health{Status: "ok"})
})

// health asks the bureau at addr for its health with opts.
func health(t *testing.T, addr string, opts client.Options) error {
	t.Helper()
	opts.RequestTimeout = 5 * time.Second
	c, err := client.New(context.Background(), addr, opts)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	_, err = c.Health(context.Background())
	return err
}

// refused checks that err is a refused certificate of the reason, with a
// Chinese message containing every one of want, reachable through
// client.Message and app.ErrorMessage alike, still retried by the syncer,
// and carrying the certificate the server presented.
func refused(t *testing.T, err error, reason client.CertReason, presented tls.Certificate, want ...string) *client.CertError {
	t.Helper()
	var ce *client.CertError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a refused certificate", err)
	}
	if ce.Reason != reason {
		t.Fatalf("reason %s, want %s (%v)", ce.Reason, reason, err)
	}
	msg := client.Message(err)
	if msg != ce.Message() || app.ErrorMessage(err) != msg {
		t.Errorf("messages differ: client %q, app %q, cert %q", msg, app.ErrorMessage(err), ce.Message())
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
	if ce.Leaf() == nil || client.Fingerprint(ce.Leaf()) != client.Fingerprint(presented.Leaf) {
		t.Errorf("the error does not carry the presented certificate")
	}
	if c := client.Classify(err); c != client.ClassRetry {
		t.Errorf("class %s: a refused certificate must not quarantine the outbox", c)
	}
	return ce
}

// A bureau behind TLS with its own CA: refused with the reason in Chinese
// until the CA is imported; then chain, validity and name are checked as
// usual.
func TestPrivateCA(t *testing.T) {
	ca := certtest.NewCA(t, "某县数据管理局内部CA")
	good := ca.Issue(t, certtest.Leaf{})
	srv := certtest.Serve(t, healthy, good)

	ce := refused(t, health(t, srv.URL, client.Options{}), client.CertUnknownAuthority, good,
		"不认识的机构", "某县数据管理局内部CA", "导入", "指纹")
	if !ce.Trustable() {
		t.Error("an unknown CA cannot be trusted by the clerk")
	}
	if err := health(t, srv.URL, client.Options{RootCAs: ca.PEM()}); err != nil {
		t.Fatalf("with the CA imported: %v", err)
	}
	// Through the name as well as the address.
	if err := health(t, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), client.Options{RootCAs: ca.PEM()}); err != nil {
		t.Fatalf("by name with the CA imported: %v", err)
	}

	wrong := ca.Issue(t, certtest.Leaf{Names: []string{"sgj.example.gov.cn", "10.1.2.3"}})
	srv.SetCertificate(wrong)
	ce = refused(t, health(t, srv.URL, client.Options{RootCAs: ca.PEM()}), client.CertWrongName, wrong,
		"“sgj.example.gov.cn”、“10.1.2.3”", "“127.0.0.1”不符")
	if ce.Trustable() {
		t.Error("a certificate for another name offered for trust")
	}

	end := time.Date(2025, 6, 30, 12, 0, 0, 0, time.Local)
	expired := ca.Issue(t, certtest.Leaf{NotBefore: end.AddDate(-1, 0, 0), NotAfter: end})
	srv.SetCertificate(expired)
	refused(t, health(t, srv.URL, client.Options{RootCAs: ca.PEM()}), client.CertExpired, expired,
		"已于 2025年6月30日 过期", "本机日期为 "+time.Now().Format("2006年1月2日"))

	start := time.Now().AddDate(0, 0, 3)
	future := ca.Issue(t, certtest.Leaf{NotBefore: start, NotAfter: start.AddDate(1, 0, 0)})
	srv.SetCertificate(future)
	refused(t, health(t, srv.URL, client.Options{RootCAs: ca.PEM()}), client.CertNotYetValid, future,
		"自 "+start.Format("2006年1月2日")+" 起才有效", "检查本机的日期和时间")
}

// A self-signed certificate is refused as such; pinned by its fingerprint
// it is trusted whatever names it carries; once pinned, any other
// certificate is refused — even one whose CA is trusted — and so is the
// pinned one after it expired.
func TestPinnedCertificate(t *testing.T) {
	self := certtest.SelfSigned(t, certtest.Leaf{Names: []string{"bureau.intranet"}})
	srv := certtest.Serve(t, healthy, self)

	ce := refused(t, health(t, srv.URL, client.Options{}), client.CertSelfSigned, self, "自签名证书", "指纹")
	if !ce.Trustable() {
		t.Error("a self-signed certificate cannot be trusted by the clerk")
	}
	pin := client.Fingerprint(ce.Leaf())
	if err := health(t, srv.URL, client.Options{Pins: []string{pin}}); err != nil {
		t.Fatalf("pinned: %v", err)
	}
	// The pin as a bureau may dictate it: lower case, no colons.
	if err := health(t, srv.URL, client.Options{Pins: []string{strings.ToLower(strings.ReplaceAll(pin, ":", ""))}}); err != nil {
		t.Fatalf("pinned without colons: %v", err)
	}

	other := certtest.SelfSigned(t, certtest.Leaf{Names: []string{"bureau.intranet"}})
	srv.SetCertificate(other)
	if ce := refused(t, health(t, srv.URL, client.Options{Pins: []string{pin}}), client.CertPinMismatch, other, "与之前确认的不一致", "核实"); ce.Host == "" {
		t.Errorf("a refused pin to %s names no host", srv.URL) // an IP address: TLS has no ServerName
	}

	ca := certtest.NewCA(t, "内部CA")
	signed := ca.Issue(t, certtest.Leaf{})
	srv.SetCertificate(signed)
	refused(t, health(t, srv.URL, client.Options{Pins: []string{pin}, RootCAs: ca.PEM()}), client.CertPinMismatch, signed, "与之前确认的不一致")

	old := certtest.SelfSigned(t, certtest.Leaf{NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1)})
	srv.SetCertificate(old)
	refused(t, health(t, srv.URL, client.Options{Pins: []string{client.Fingerprint(old.Leaf)}}), client.CertExpired, old, "过期")

	if _, err := client.New(context.Background(), srv.URL, client.Options{Pins: []string{"AB:CD"}}); err == nil {
		t.Error("New accepted a pin that is not a SHA-256 fingerprint")
	}
}

func TestCertificateFiles(t *testing.T) {
	ca := certtest.NewCA(t, "内部CA")
	leaf := ca.Issue(t, certtest.Leaf{})
	bundle := append(ca.PEM(), client.EncodePEM(leaf.Leaf)...)
	for name, data := range map[string][]byte{
		"PEM":                ca.PEM(),
		"DER":                ca.Cert.Raw,
		"PEM with CRLF":      []byte(strings.ReplaceAll(string(ca.PEM()), "\n", "\r\n")),
		"PEM after comments": append([]byte("Subject: 内部CA\n"), ca.PEM()...),
	} {
		certs, err := client.ParseCertificates(data)
		if err != nil || len(certs) != 1 || !certs[0].Equal(ca.Cert) {
			t.Errorf("%s: %d certificates, %v", name, len(certs), err)
		}
	}
	// A DER certificate ends with its signature's last byte, which may be
	// one TrimSpace cuts (1 certificate in about 40): it must still read.
	for i := 0; ; i++ {
		c := certtest.NewCA(t, "内部CA")
		if len(bytes.TrimSpace(c.Cert.Raw)) == len(c.Cert.Raw) {
			if i < 5000 {
				continue
			}
			t.Fatal("no certificate ending in a space byte in 5000")
		}
		if certs, err := client.ParseCertificates(c.Cert.Raw); err != nil || !certs[0].Equal(c.Cert) {
			t.Errorf("DER ending in %#x: %v", c.Cert.Raw[len(c.Cert.Raw)-1], err)
		}
		break
	}
	if certs, err := client.ParseCertificates(bundle); err != nil || len(certs) != 2 {
		t.Errorf("bundle: %d certificates, %v", len(certs), err)
	}
	for name, data := range map[string][]byte{
		"text":    []byte("hello"),
		"a key":   []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
		"nothing": nil,
	} {
		if _, err := client.ParseCertificates(data); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "不是证书文件") {
			t.Errorf("%s: %v", name, err)
		}
	}

	fp := client.Fingerprint(leaf.Leaf)
	if !regexp.MustCompile(`^[0-9A-F]{2}(:[0-9A-F]{2}){31}$`).MatchString(fp) {
		t.Errorf("fingerprint %q", fp)
	}
	a, err1 := client.ParsePin(fp)
	b, err2 := client.ParsePin(strings.ToLower(strings.ReplaceAll(fp, ":", " ")))
	if err1 != nil || err2 != nil || a != b {
		t.Errorf("pins %x %v, %x %v", a, err1, b, err2)
	}
	if !client.SelfSigned(ca.Cert) || client.SelfSigned(leaf.Leaf) {
		t.Error("SelfSigned")
	}
}
