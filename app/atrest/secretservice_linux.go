package atrest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// secretService keeps a 32-byte key-encryption key in the desktop's Secret
// Service (gnome-keyring on GNOME, UOS and Kylin; KWallet's Secret Service
// interface on KDE) under service "egovdesk" and the data directory's key
// ID as the user; the data key in keys.json is sealed with it
// (AES-256-GCM). The keyring unlocks with the desktop login, so the clerk
// is asked nothing.
type secretService struct {
	user string // names the item: one per data directory
}

const keyringService = "cn.egovdesk.client"

// SystemProtector returns the Secret Service protector for the data
// directory whose item is named user, or nil when no Secret Service
// answers on the session bus (no desktop session, a minimal desktop
// without a keyring): then the data key needs a passphrase.
func SystemProtector(user string) Protector {
	_, err := keyring.Get(keyringService, user)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return secretService{user: user}
}

func (s secretService) Method() string { return MethodSecretService }

func (s secretService) Protect(secret []byte) ([]byte, error) {
	kek, err := s.kek(true)
	if err != nil {
		return nil, err
	}
	return sealKey(kek, secret)
}

func (s secretService) Unprotect(wrapped []byte) ([]byte, error) {
	kek, err := s.kek(false)
	if err != nil {
		return nil, err
	}
	p, err := openKey(kek, wrapped)
	if err != nil {
		return nil, fmt.Errorf("%w: the keyring's key does not open keys.json", ErrKeyGone)
	}
	return p, nil
}

// kek returns the key-encryption key, made and stored when create is set
// and there is none.
func (s secretService) kek(create bool) ([]byte, error) {
	v, err := keyring.Get(keyringService, s.user)
	if err == nil {
		k, derr := base64.StdEncoding.DecodeString(v)
		if derr == nil && len(k) == 32 {
			return k, nil
		}
		if !create {
			return nil, fmt.Errorf("%w: the keyring's item is damaged", ErrKeyGone)
		}
	} else if !errors.Is(err, keyring.ErrNotFound) {
		return nil, fmt.Errorf("secret service: %w", err)
	} else if !create {
		return nil, fmt.Errorf("%w: no item %q in the keyring", ErrKeyGone, s.user)
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := keyring.Set(keyringService, s.user, base64.StdEncoding.EncodeToString(k)); err != nil {
		return nil, fmt.Errorf("secret service: %w", err)
	}
	return k, nil
}
