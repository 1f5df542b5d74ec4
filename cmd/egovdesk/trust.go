package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/sync/client"
	"egovdesk/ui"
)

// trustFile keeps, beside the session, what the clerk trusts for bureaus
// besides the system's roots: an imported CA, or one certificate confirmed
// by fingerprint (pinned). Every client of that bureau uses it — the sync
// loop, the profile fetch, the attachments.
const trustFile = "trust.json"

// trusted is trust.json.
type trusted struct {
	Bureaus []trustEntry `json:"bureaus"`
}

// trustEntry is what is trusted for one bureau.
type trustEntry struct {
	Bureau string    `json:"bureau"`           // origin: https://host[:port]
	Pinned bool      `json:"pinned,omitempty"` // PEM is the pinned certificate, not CAs
	PEM    string    `json:"pem"`
	Added  time.Time `json:"added"`
}

// origin returns addr as the trust file keys it: scheme and host in lower
// case, without a path or the default port.
func origin(addr string) string {
	u, err := url.Parse(strings.TrimSpace(addr))
	if err != nil || u.Host == "" {
		return strings.TrimRight(strings.ToLower(strings.TrimSpace(addr)), "/")
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if scheme == "https" {
		host = strings.TrimSuffix(host, ":443")
	}
	return scheme + "://" + host
}

// entry returns the trust for addr. Call with mu held.
func (l *link) entry(addr string) (trustEntry, bool) {
	o := origin(addr)
	for _, e := range l.trust.Bureaus {
		if e.Bureau == o {
			return e, true
		}
	}
	return trustEntry{}, false
}

// clientTrust returns the client options that carry what is trusted for
// addr. Call with mu held.
func (l *link) clientTrust(addr string) (client.Options, error) {
	var o client.Options
	e, ok := l.entry(addr)
	if !ok {
		return o, nil
	}
	if !e.Pinned {
		o.RootCAs = []byte(e.PEM)
		return o, nil
	}
	certs, err := client.ParseCertificates([]byte(e.PEM))
	if err != nil {
		return o, fmt.Errorf("pinned certificate of %s: %w", e.Bureau, err)
	}
	for _, c := range certs {
		o.Pins = append(o.Pins, client.Fingerprint(c))
	}
	return o, nil
}

// Trusted returns what is trusted, bureau by bureau.
func (l *link) Trusted() []ui.Trust {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []ui.Trust
	for _, e := range l.trust.Bureaus {
		t := ui.Trust{Bureau: e.Bureau, Pinned: e.Pinned, Added: e.Added}
		certs, err := client.ParseCertificates([]byte(e.PEM))
		if err != nil {
			l.log.Warn("trusted certificate unreadable", "bureau", e.Bureau, "err", err)
		}
		for _, c := range certs {
			t.Certs = append(t.Certs, viewCert(c))
		}
		out = append(out, t)
	}
	return out
}

// TrustCA trusts the CA certificates of a certificate file for addr.
func (l *link) TrustCA(addr string, data []byte) (ui.Trust, error) {
	if !strings.HasPrefix(origin(addr), "https://") {
		return ui.Trust{}, app.Errorf(app.EINVALID, "只有以 https:// 开头的服务器地址才需要导入证书")
	}
	certs, err := client.ParseCertificates(data)
	if err != nil {
		return ui.Trust{}, err
	}
	return l.setTrust(trustEntry{Bureau: origin(addr), PEM: string(client.EncodePEM(certs...)), Added: time.Now()})
}

// Pin trusts exactly c for addr.
func (l *link) Pin(addr string, c ui.Certificate) (ui.Trust, error) {
	cert, err := x509.ParseCertificate(c.DER)
	if err != nil {
		return ui.Trust{}, fmt.Errorf("pin: %w", err)
	}
	if client.Fingerprint(cert) != c.Fingerprint {
		return ui.Trust{}, errors.New("pin: the fingerprint shown is not the certificate's")
	}
	return l.setTrust(trustEntry{Bureau: origin(addr), Pinned: true, PEM: string(client.EncodePEM(cert)), Added: time.Now()})
}

// Untrust forgets the trust for addr.
func (l *link) Untrust(addr string) error {
	o := origin(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	doc := trusted{Bureaus: slices.DeleteFunc(slices.Clone(l.trust.Bureaus), func(e trustEntry) bool { return e.Bureau == o })}
	return l.saveTrust(doc, o)
}

// setTrust replaces the trust for e.Bureau with e.
func (l *link) setTrust(e trustEntry) (ui.Trust, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	doc := trusted{Bureaus: slices.DeleteFunc(slices.Clone(l.trust.Bureaus), func(o trustEntry) bool { return o.Bureau == e.Bureau })}
	doc.Bureaus = append(doc.Bureaus, e)
	if err := l.saveTrust(doc, e.Bureau); err != nil {
		return ui.Trust{}, err
	}
	t := ui.Trust{Bureau: e.Bureau, Pinned: e.Pinned, Added: e.Added}
	certs, _ := client.ParseCertificates([]byte(e.PEM)) // encoded above
	for _, c := range certs {
		t.Certs = append(t.Certs, viewCert(c))
	}
	return t, nil
}

// saveTrust stores doc and, when the bureau connected to is changed, starts
// syncing again with a client that trusts what doc says. Call with mu held.
func (l *link) saveTrust(doc trusted, changed string) error {
	if err := writeJSON(filepath.Join(l.dir, trustFile), doc); err != nil {
		l.log.Error("save trusted certificates", "err", err)
		return app.Errorf(app.EINTERNAL, "无法保存信任的证书：请确认本机磁盘未满、数据目录可以写入")
	}
	l.trust = doc
	if l.session.Bureau == "" || origin(l.session.Bureau) != changed || l.syncer == nil {
		return nil
	}
	c, err := l.newClientLocked(l.ctx, l.session.Bureau)
	if err != nil {
		return err
	}
	l.startSync(c)
	l.notify()
	return nil
}

// viewCert describes c to the clerk.
func viewCert(c *x509.Certificate) ui.Certificate {
	name := func(cn string, org []string) string {
		if cn == "" && len(org) > 0 {
			return org[0]
		}
		return cn
	}
	return ui.Certificate{
		Subject:     name(c.Subject.CommonName, c.Subject.Organization),
		Issuer:      name(c.Issuer.CommonName, c.Issuer.Organization),
		Names:       client.CertNames(c),
		NotBefore:   c.NotBefore,
		NotAfter:    c.NotAfter,
		Fingerprint: client.Fingerprint(c),
		SelfSigned:  client.SelfSigned(c),
		DER:         c.Raw,
	}
}

// certificateError returns the refused certificate in err for the UI, or
// nil when err is not about the bureau's certificate.
func certificateError(addr string, err error) *ui.CertificateError {
	var ce *client.CertError
	if !errors.As(err, &ce) || ce.Leaf() == nil {
		return nil
	}
	e := &ui.CertificateError{Problem: ui.CertUnusable, Message: ce.Message(), Addr: addr, Presented: viewCert(ce.Leaf())}
	switch {
	case ce.Reason == client.CertPinMismatch:
		e.Problem = ui.CertChanged
	case ce.Trustable():
		e.Problem = ui.CertUntrusted
	}
	return e
}
