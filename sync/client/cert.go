package client

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"egovdesk/app"
)

// Bureaus put TLS in front of the bureau server, often with a certificate of
// their own internal CA or a self-signed one. The client trusts, besides the
// system's roots, the CA certificates of Options.RootCAs (verified as usual:
// chain, validity, name), or exactly the certificates whose SHA-256
// fingerprints are in Options.Pins (confirmed by the clerk with the bureau by
// phone). A handshake refused because of the certificate fails with a
// *CertError that says in Chinese what is wrong and carries the presented
// certificates, so the client application can show their fingerprint.

// CertReason says why the bureau's certificate was refused.
type CertReason int

// The reasons a certificate is refused.
const (
	// CertUnknownAuthority: signed by a CA this computer does not trust.
	CertUnknownAuthority CertReason = iota + 1
	// CertSelfSigned: signed by itself and not trusted.
	CertSelfSigned
	// CertExpired: past the end of its validity.
	CertExpired
	// CertNotYetValid: before the start of its validity, most often because
	// this computer's clock is wrong.
	CertNotYetValid
	// CertWrongName: not issued for the name or address the clerk typed.
	CertWrongName
	// CertPinMismatch: not the certificate confirmed earlier (Options.Pins).
	CertPinMismatch
	// CertInvalid: refused for another reason (key usage, constraints…).
	CertInvalid
)

// String returns the reason's name, for logs.
func (r CertReason) String() string {
	switch r {
	case CertUnknownAuthority:
		return "unknown authority"
	case CertSelfSigned:
		return "self-signed"
	case CertExpired:
		return "expired"
	case CertNotYetValid:
		return "not yet valid"
	case CertWrongName:
		return "wrong name"
	case CertPinMismatch:
		return "pin mismatch"
	case CertInvalid:
		return "invalid"
	}
	return fmt.Sprintf("CertReason(%d)", int(r))
}

// CertError is a TLS handshake with the bureau refused because of its
// certificate. It unwraps to the verification error and to an *app.Error
// (EUNAVAILABLE) with the Chinese message, so app.ErrorMessage works on it.
type CertError struct {
	Reason CertReason
	Host   string              // the host name or IP address the client asked for
	Chain  []*x509.Certificate // as the server presented them, its own first
	// Invalid is the certificate whose validity period failed
	// (CertExpired, CertNotYetValid): the server's own or its issuer's.
	Invalid *x509.Certificate
	Now     time.Time // when the certificate was checked
	Err     error     // the verification error
}

// Leaf returns the server's own certificate, or nil when none was presented.
func (e *CertError) Leaf() *x509.Certificate {
	if len(e.Chain) == 0 {
		return nil
	}
	return e.Chain[0]
}

// Error returns the reason and the verification error, for logs.
func (e *CertError) Error() string {
	return fmt.Sprintf("bureau certificate for %s refused (%s): %v", e.Host, e.Reason, e.Err)
}

// Unwrap returns the verification error and the Chinese *app.Error.
func (e *CertError) Unwrap() []error {
	errs := []error{&app.Error{Code: app.EUNAVAILABLE, Message: e.Message()}}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Trustable reports whether the clerk may trust the certificate after
// confirming it with the bureau: import the CA or pin the certificate. It
// is false for certificates a confirmation cannot mend (expired, issued
// for another name, not yet valid, otherwise invalid).
func (e *CertError) Trustable() bool {
	switch e.Reason {
	case CertUnknownAuthority, CertSelfSigned, CertPinMismatch:
		return e.Leaf() != nil
	}
	return false
}

// Message says in Chinese what is wrong with the certificate and what to do.
func (e *CertError) Message() string {
	const dateOnly = "2006年1月2日"
	leaf := e.Leaf()
	switch e.Reason {
	case CertUnknownAuthority:
		issuer := ""
		if leaf != nil {
			issuer = "“" + certName(leaf.Issuer.CommonName, leaf.Issuer.Organization) + "”"
		}
		return "数管局服务器的证书由本机不认识的机构" + issuer + "签发，本机无法确认连接的确实是数管局。" +
			"请向数管局索取其证书机构（CA）的证书文件并导入，或打电话向数管局核对证书指纹后信任此证书。"
	case CertSelfSigned:
		return "数管局服务器使用的是自签名证书，本机无法确认连接的确实是数管局。" +
			"请向数管局索取证书文件并导入，或打电话向数管局核对证书指纹后信任此证书。"
	case CertExpired:
		c := e.Invalid
		if c == nil {
			c = leaf
		}
		who := "数管局服务器的证书"
		if c != leaf && c != nil {
			who = "为数管局服务器签发证书的机构（" + certName(c.Subject.CommonName, c.Subject.Organization) + "）的证书"
		}
		if c == nil {
			return who + "已过期。请联系数管局更换证书。"
		}
		return fmt.Sprintf("%s已于 %s 过期，连接不安全。请联系数管局更换证书。（本机日期为 %s，如果不对，请先改正本机的日期和时间。）",
			who, c.NotAfter.Local().Format(dateOnly), e.Now.Local().Format(dateOnly))
	case CertNotYetValid:
		c := e.Invalid
		if c == nil {
			c = leaf
		}
		if c == nil {
			return "数管局服务器的证书尚未生效：请检查本机的日期和时间是否正确。"
		}
		return fmt.Sprintf("数管局服务器的证书自 %s 起才有效，而本机日期为 %s：请检查本机的日期和时间是否正确。",
			c.NotBefore.Local().Format(dateOnly), e.Now.Local().Format(dateOnly))
	case CertWrongName:
		names := "（证书上没有名称）"
		if leaf != nil {
			if ns := CertNames(leaf); len(ns) > 0 {
				names = "“" + strings.Join(ns, "”、“") + "”"
			}
		}
		return "数管局服务器的证书是为 " + names + " 签发的，与您填写的地址“" + e.Host + "”不符。" +
			"请核对服务器地址（应使用证书上的名称），或联系数管局。"
	case CertPinMismatch:
		return "数管局服务器的证书与之前确认的不一致。可能是数管局更换了证书，也可能有人冒充数管局服务器。" +
			"请先打电话向数管局核实新证书的指纹，核实之前不要连接。"
	}
	return "数管局服务器的证书无效，本机拒绝连接。请联系数管局检查服务器的证书。"
}

// certName returns a certificate name's common name, or its organisation.
func certName(cn string, org []string) string {
	if cn == "" && len(org) > 0 {
		return org[0]
	}
	return cn
}

// CertNames returns the DNS names and IP addresses c is issued for, or its
// common name when it names neither.
func CertNames(c *x509.Certificate) []string {
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	return names
}

// SelfSigned reports whether c is signed by its own key.
func SelfSigned(c *x509.Certificate) bool {
	// Not CheckSignatureFrom: it wants the signer to be a CA, and a
	// self-signed server certificate often is not one.
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// Fingerprint returns the SHA-256 fingerprint of c as 32 upper-case hex
// pairs joined by colons (what `openssl x509 -fingerprint -sha256` prints),
// to be read out and compared over the phone.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// ParsePin reads a SHA-256 fingerprint written in hex, with or without
// colons or spaces, in either case. It fails when it is not 32 bytes of hex.
func ParsePin(s string) ([sha256.Size]byte, error) {
	var pin [sha256.Size]byte
	h := strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(s))
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != sha256.Size {
		return pin, fmt.Errorf("certificate pin %q: not a SHA-256 fingerprint", s)
	}
	copy(pin[:], b)
	return pin, nil
}

// ParseCertificates reads the certificates of a certificate file: PEM (one
// or more CERTIFICATE blocks) or a single DER certificate (.cer/.der). It
// fails with an EINVALID *app.Error in Chinese when the file holds none.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, errors.Join(app.Errorf(app.EINVALID, "证书文件已损坏，无法读取：请向数管局重新索取"), err)
		}
		certs = append(certs, c)
	}
	if len(certs) > 0 {
		return certs, nil
	}
	// DER as it is first: its last byte may well be one TrimSpace would
	// cut (0x20, 0x0a, …); then without the line end an editor may add.
	c, err := x509.ParseCertificate(data)
	if err != nil {
		if c2, err2 := x509.ParseCertificate(bytes.TrimSpace(data)); err2 == nil {
			c, err = c2, nil
		}
	}
	if err != nil {
		return nil, errors.Join(app.Errorf(app.EINVALID,
			"所选文件不是证书文件（应为数管局提供的 .crt、.cer 或 .pem 文件）"), err)
	}
	return []*x509.Certificate{c}, nil
}

// EncodePEM returns certs as PEM CERTIFICATE blocks.
func EncodePEM(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}) // writing to a buffer does not fail
	}
	return b.Bytes()
}

// tlsConfig returns the client's TLS configuration for o: the system's
// roots plus o.RootCAs, or, when o.Pins is set, exactly the pinned
// certificates.
func tlsConfig(o *Options) (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(o.RootCAs) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(o.RootCAs) {
			return nil, errors.New("root CA: no PEM certificate found")
		}
		conf.RootCAs = pool
	}
	if len(o.Pins) > 0 {
		pins := make(map[[sha256.Size]byte]bool, len(o.Pins))
		for _, p := range o.Pins {
			pin, err := ParsePin(p)
			if err != nil {
				return nil, err
			}
			pins[pin] = true
		}
		// A pinned certificate is trusted as it is: its chain and its names
		// are not checked (a self-signed certificate has no chain, and the
		// clerk confirmed this very certificate), only that it is the one
		// confirmed and within its validity. The handshake still proves
		// that the server holds its key.
		conf.InsecureSkipVerify = true
		conf.VerifyConnection = func(cs tls.ConnectionState) error {
			return verifyPinned(cs, pins, time.Now())
		}
	}
	return conf, nil
}

// errPinMismatch is the verification error of a certificate that is not pinned.
var errPinMismatch = errors.New("certificate is not the pinned one")

// verifyPinned accepts the connection when the server's certificate is one
// of pins and valid at now.
func verifyPinned(cs tls.ConnectionState, pins map[[sha256.Size]byte]bool, now time.Time) error {
	if len(cs.PeerCertificates) == 0 {
		return &CertError{Reason: CertInvalid, Host: cs.ServerName, Now: now, Err: errors.New("no certificate presented")}
	}
	leaf := cs.PeerCertificates[0]
	if !pins[sha256.Sum256(leaf.Raw)] {
		return &CertError{Reason: CertPinMismatch, Host: cs.ServerName, Chain: cs.PeerCertificates, Now: now, Err: errPinMismatch}
	}
	switch {
	case now.After(leaf.NotAfter):
		return &CertError{Reason: CertExpired, Host: cs.ServerName, Chain: cs.PeerCertificates, Invalid: leaf, Now: now,
			Err: x509.CertificateInvalidError{Cert: leaf, Reason: x509.Expired}}
	case now.Before(leaf.NotBefore):
		return &CertError{Reason: CertNotYetValid, Host: cs.ServerName, Chain: cs.PeerCertificates, Invalid: leaf, Now: now,
			Err: x509.CertificateInvalidError{Cert: leaf, Reason: x509.Expired}}
	}
	return nil
}

// certError returns the *CertError in err's chain, or classifies the
// standard verification error in it as one (host is the name the client
// asked for); nil when err is not about the server's certificate.
func certError(err error, host string, now time.Time) *CertError {
	var ce *CertError
	if errors.As(err, &ce) {
		if ce.Host == "" {
			ce.Host = host // a pinned connection to an IP address has no ServerName
		}
		return ce
	}
	var ve *tls.CertificateVerificationError
	if !errors.As(err, &ve) {
		return nil
	}
	ce = &CertError{Reason: CertInvalid, Host: host, Chain: ve.UnverifiedCertificates, Now: now, Err: err}
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		ce.Reason, ce.Invalid = CertExpired, invalid.Cert
		if invalid.Cert != nil && now.Before(invalid.Cert.NotBefore) {
			ce.Reason = CertNotYetValid
		}
	case errors.As(err, &hostname) && (ce.Leaf() == nil || !SelfSigned(ce.Leaf())):
		ce.Reason = CertWrongName
		if hostname.Host != "" {
			ce.Host = hostname.Host
		}
	case errors.As(err, &hostname):
		// The names are checked before the chain. A self-signed certificate
		// is trusted by its fingerprint, names aside: say what a pin mends.
		ce.Reason = CertSelfSigned
	case errors.As(err, &unknown):
		ce.Reason = CertUnknownAuthority
		if leaf := ce.Leaf(); leaf != nil && SelfSigned(leaf) {
			ce.Reason = CertSelfSigned
		}
	}
	return ce
}
