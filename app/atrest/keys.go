package atrest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/argon2"
)

// KeysFile is the name, in the data directory, of the file that holds the
// data key wrapped twice: by the operating system's key (or the
// passphrase) for every start, and by the recovery key for a new computer.
const KeysFile = "keys.json"

// Argon2id parameters for passphrases and recovery keys: RFC 9106's second
// recommended option (t=3, 64 MiB, 4 lanes), about half a second on a
// 2-core office laptop.
const (
	ArgonTime    = 3
	ArgonMemory  = 64 * 1024 // KiB
	ArgonThreads = 4
)

// Methods of protecting the data key on this computer.
const (
	MethodDPAPI         = "dpapi"          // Windows: CryptProtectData, user scope
	MethodSecretService = "secret-service" // Linux desktops: org.freedesktop.secrets
	MethodPassphrase    = "passphrase"     // asked at every start
)

// Protector wraps the data key with a key the operating system holds.
type Protector interface {
	// Method is one of the Method constants.
	Method() string
	// Protect returns secret wrapped; Unprotect undoes it. Unprotect
	// fails with ErrKeyGone when the system no longer has the key.
	Protect(secret []byte) ([]byte, error)
	Unprotect(wrapped []byte) ([]byte, error)
}

// ErrKeyGone is returned by Unprotect when the operating system's key is
// no longer there (another user account, a reinstalled system, a keyring
// that was reset).
var ErrKeyGone = errors.New("atrest: the system's key for this data is gone")

// ErrWrongPassphrase is returned when a passphrase or recovery key does
// not open the data key.
var ErrWrongPassphrase = errors.New("atrest: wrong passphrase or recovery key")

// Keys is the data key of one data directory and its recovery key.
type Keys struct {
	Data     []byte // 32 bytes: Badger's master key and the files' key
	Recovery string // the recovery key, as the clerk writes it down
	Method   string // how this computer protects it
}

// ID returns a short fingerprint of the data key (not secret): backups
// carry it, so a restore knows whether this computer's key opens them.
func (k *Keys) ID() string { return KeyID(k.Data) }

// KeyID is Keys.ID for a bare data key.
func KeyID(data []byte) string {
	h := sha256.Sum256(append([]byte("egovdesk key id\x00"), data...))
	return hex.EncodeToString(h[:8])
}

// keysFile is keys.json.
type keysFile struct {
	Version int    `json:"version"` // 1
	Method  string `json:"method"`
	KeyID   string `json:"key_id"`
	// Local is the data key and the recovery key, wrapped by the system
	// (DPAPI, Secret Service) or by the passphrase (Sealed).
	Local []byte  `json:"local,omitempty"`
	Pass  *Sealed `json:"passphrase,omitempty"`
	// Recovery is the data key sealed with the recovery key.
	Recovery *Sealed `json:"recovery"`
}

// Sealed is a secret sealed with AES-256-GCM under a key derived from a
// passphrase or recovery key with Argon2id.
type Sealed struct {
	KDF     string `json:"kdf"` // "argon2id"
	Time    uint32 `json:"t"`
	Memory  uint32 `json:"m"` // KiB
	Threads uint8  `json:"p"`
	Salt    []byte `json:"salt"`
	Box     []byte `json:"box"` // 12-byte nonce, ciphertext and tag
}

// Seal seals secret with pass.
func Seal(secret []byte, pass string) (*Sealed, error) {
	s := &Sealed{KDF: "argon2id", Time: ArgonTime, Memory: ArgonMemory, Threads: ArgonThreads, Salt: make([]byte, 16)}
	if _, err := rand.Read(s.Salt); err != nil {
		return nil, err
	}
	box, err := sealKey(s.key(pass), secret)
	if err != nil {
		return nil, err
	}
	s.Box = box
	return s, nil
}

// Open returns the secret, or ErrWrongPassphrase.
func (s *Sealed) Open(pass string) ([]byte, error) {
	if s == nil || s.KDF != "argon2id" || s.Memory > 1<<21 || s.Time > 64 {
		return nil, errors.New("atrest: unsupported key derivation")
	}
	p, err := openKey(s.key(pass), s.Box)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return p, nil
}

func (s *Sealed) key(pass string) []byte {
	return argon2.IDKey([]byte(pass), s.Salt, s.Time, s.Memory, s.Threads, 32)
}

func sealKey(key, secret []byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	n := make([]byte, g.NonceSize())
	if _, err := rand.Read(n); err != nil {
		return nil, err
	}
	return g.Seal(n, n, secret, nil), nil
}

func openKey(key, box []byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	if len(box) < g.NonceSize() {
		return nil, errors.New("atrest: sealed key too short")
	}
	return g.Open(nil, box[:g.NonceSize()], box[g.NonceSize():], nil)
}

// NewRecoveryKey returns a random recovery key: 160 bits in 8 groups of
// four letters and digits (base32, no padding), e.g. ABCD-EFGH-….
func NewRecoveryKey() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := base32.StdEncoding.EncodeToString(b)
	var g []string
	for i := 0; i < len(s); i += 4 {
		g = append(g, s[i:i+4])
	}
	return strings.Join(g, "-"), nil
}

// NormalRecoveryKey returns s as NewRecoveryKey writes it (upper case,
// dashes), so that a key typed in lower case or without dashes opens too;
// ok is false when s is not shaped like a recovery key.
func NormalRecoveryKey(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
	if len(s) != 32 {
		return "", false
	}
	if _, err := base32.StdEncoding.DecodeString(s); err != nil {
		return "", false
	}
	var g []string
	for i := 0; i < len(s); i += 4 {
		g = append(g, s[i:i+4])
	}
	return strings.Join(g, "-"), true
}

type localSecret struct {
	Data     []byte `json:"data"`
	Recovery string `json:"recovery"`
}

// NeedsPassphrase reports whether the data directory dir's keys are
// protected by a passphrase (or do not exist yet and p is nil: a
// passphrase must be chosen).
func NeedsPassphrase(dir string, p Protector) (exists bool, needs bool, err error) {
	kf, err := readKeys(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, p == nil, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, kf.Method == MethodPassphrase, nil
}

// Load opens the keys of data directory dir with p (the system's key).
// It fails with os.ErrNotExist when there are none yet, and with
// ErrKeyGone when the system no longer holds its key (open with
// Recover then).
func Load(dir string, p Protector) (*Keys, error) {
	kf, err := readKeys(dir)
	if err != nil {
		return nil, err
	}
	if kf.Method == MethodPassphrase {
		return nil, errors.New("atrest: the data key is protected by a passphrase")
	}
	if p == nil || p.Method() != kf.Method {
		return nil, fmt.Errorf("%w (it was protected with %s)", ErrKeyGone, kf.Method)
	}
	raw, err := p.Unprotect(kf.Local)
	if err != nil {
		return nil, err
	}
	return kf.local(raw)
}

// LoadPassphrase opens the keys of dir with the clerk's passphrase, or with
// the recovery key (whatever the method). It fails with
// ErrWrongPassphrase when neither opens them.
func LoadPassphrase(dir, pass string) (*Keys, error) {
	kf, err := readKeys(dir)
	if err != nil {
		return nil, err
	}
	if rk, ok := NormalRecoveryKey(pass); ok && kf.Recovery != nil {
		if data, err := kf.Recovery.Open(rk); err == nil {
			return &Keys{Data: data, Recovery: rk, Method: kf.Method}, nil
		}
	}
	if kf.Method != MethodPassphrase {
		return nil, ErrWrongPassphrase
	}
	raw, err := kf.Pass.Open(pass)
	if err != nil {
		return nil, err
	}
	return kf.local(raw)
}

func (kf *keysFile) local(raw []byte) (*Keys, error) {
	var ls localSecret
	if err := json.Unmarshal(raw, &ls); err != nil || len(ls.Data) != 32 {
		return nil, errors.New("atrest: keys.json holds no usable data key")
	}
	if KeyID(ls.Data) != kf.KeyID {
		return nil, errors.New("atrest: keys.json's data key does not match its fingerprint")
	}
	return &Keys{Data: ls.Data, Recovery: ls.Recovery, Method: kf.Method}, nil
}

// Create makes a new data key and recovery key for dir and writes them,
// protected by p, or by pass when p is nil. It refuses to replace
// existing keys.
func Create(dir string, p Protector, pass string) (*Keys, error) {
	if _, err := readKeys(dir); err == nil {
		return nil, errors.New("atrest: the data directory already has keys")
	}
	k := &Keys{Data: make([]byte, 32)}
	if _, err := rand.Read(k.Data); err != nil {
		return nil, err
	}
	rk, err := NewRecoveryKey()
	if err != nil {
		return nil, err
	}
	k.Recovery = rk
	return k, Save(dir, k, p, pass)
}

// Save writes k into dir (replacing keys.json), protected by p, or by pass
// when p is nil. A restore onto a new computer saves the backup's key this
// way.
func Save(dir string, k *Keys, p Protector, pass string) error {
	raw, _ := json.Marshal(localSecret{Data: k.Data, Recovery: k.Recovery})
	kf := keysFile{Version: 1, KeyID: k.ID()}
	var err error
	if p != nil {
		kf.Method = p.Method()
		if kf.Local, err = p.Protect(raw); err != nil {
			return err
		}
	} else {
		if pass == "" {
			return errors.New("atrest: no system key and no passphrase")
		}
		kf.Method = MethodPassphrase
		if kf.Pass, err = Seal(raw, pass); err != nil {
			return err
		}
	}
	if kf.Recovery, err = Seal(k.Data, k.Recovery); err != nil {
		return err
	}
	k.Method = kf.Method
	data, _ := json.MarshalIndent(kf, "", "  ")
	return writeAtomic(filepath.Join(dir, KeysFile), data)
}

// RecoverySealed returns the data key of dir sealed with its recovery key,
// as a backup carries it.
func RecoverySealed(dir string) (*Sealed, string, error) {
	kf, err := readKeys(dir)
	if err != nil {
		return nil, "", err
	}
	return kf.Recovery, kf.KeyID, nil
}

func readKeys(dir string) (*keysFile, error) {
	data, err := os.ReadFile(filepath.Join(dir, KeysFile))
	if err != nil {
		return nil, err
	}
	var kf keysFile
	if err := json.Unmarshal(data, &kf); err != nil || kf.Version != 1 || kf.Recovery == nil {
		return nil, fmt.Errorf("atrest: %s is damaged: %v", filepath.Join(dir, KeysFile), err)
	}
	return &kf, nil
}

// writeAtomic writes data to path through a synced temporary file renamed
// into place, and syncs the directory.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".keys-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
