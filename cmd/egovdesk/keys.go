package main

import (
	"errors"
	"os"
	"path/filepath"
	"unicode/utf8"

	"egovdesk/app"
	"egovdesk/app/atrest"
)

// The data directory's filings and attachments are encrypted at rest with a
// random 32-byte data key (Badger's master key and the attachment files'
// key). keys.json holds it wrapped twice: by the system (DPAPI on Windows,
// the Secret Service on Linux desktops) or, where neither is there, by a
// start-up passphrase; and sealed with the recovery key that settings
// show, which opens backups on another computer.

// keyAsk is what the clerk must type before the data directory opens.
type keyAsk int

const (
	askNothing    keyAsk = iota
	askNew               // no system key store: choose a start-up passphrase
	askPassphrase        // the passphrase (or the recovery key)
	askRecovery          // the system's key is gone: the recovery key
)

// minPassphrase is the shortest start-up passphrase, in characters.
const minPassphrase = 8

// keyItem names the data directory's item in the Secret Service.
func keyItem(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return "egovdesk data " + dir
}

// systemProtector is atrest.SystemProtector; tests replace it.
var systemProtector = func(dir string) atrest.Protector { return atrest.SystemProtector(keyItem(dir)) }

// loadKeys opens the keys of data directory dir with the system's key
// store p, making them on first start; when the clerk must type a
// passphrase or the recovery key it returns what to ask instead.
func loadKeys(dir string, p atrest.Protector) (*atrest.Keys, keyAsk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, askNothing, err
	}
	exists, needs, err := atrest.NeedsPassphrase(dir, p)
	switch {
	case err != nil:
		return nil, askNothing, err
	case !exists && needs:
		return nil, askNew, nil
	case !exists:
		k, err := atrest.Create(dir, p, "")
		return k, askNothing, err
	case needs:
		return nil, askPassphrase, nil
	}
	k, err := atrest.Load(dir, p)
	if errors.Is(err, atrest.ErrKeyGone) {
		return nil, askRecovery, nil
	}
	return k, askNothing, err
}

// answerKeys opens (or, for askNew, makes) the keys of dir with what the
// clerk typed. A wrong passphrase or recovery key is an EINVALID
// *app.Error that says so; nothing on disk changes then. A recovery key
// that opens keys whose system key was gone wraps them under p again.
func answerKeys(dir string, p atrest.Protector, ask keyAsk, typed string) (*atrest.Keys, error) {
	switch ask {
	case askNew:
		if utf8.RuneCountInString(typed) < minPassphrase {
			return nil, app.Errorf(app.EINVALID, "启动口令至少 %d 个字符，请重新设置", minPassphrase)
		}
		return atrest.Create(dir, nil, typed)
	case askPassphrase, askRecovery:
		k, err := atrest.LoadPassphrase(dir, typed)
		if errors.Is(err, atrest.ErrWrongPassphrase) {
			if ask == askRecovery {
				return nil, app.Errorf(app.EINVALID, "恢复密钥不正确，请核对后重新输入（共 8 组，每组 4 个字母或数字）。本机数据未作任何改动。")
			}
			return nil, app.Errorf(app.EINVALID, "口令不正确，请重新输入。本机数据未作任何改动。")
		}
		if err != nil {
			return nil, err
		}
		if ask == askRecovery && p != nil {
			if err := atrest.Save(dir, k, p, ""); err != nil {
				return nil, err
			}
		}
		return k, nil
	}
	return nil, errors.New("nothing to answer")
}

// protectionText says in the clerk's words what protects the data key.
func protectionText(method string) string {
	switch method {
	case atrest.MethodDPAPI:
		return "密钥由 Windows 数据保护（DPAPI）随您的 Windows 账户保管"
	case atrest.MethodSecretService:
		return "密钥保存在系统钥匙环中，随桌面登录解锁"
	case atrest.MethodPassphrase:
		return "密钥由启动口令保护"
	}
	return method
}

// attachmentCipher is the cipher of new attachment files: SM4-GCM where
// the deployment requires 商用密码 (EGOVDESK_ATTACHMENT_CIPHER=sm4, set
// by the unit's IT for every user), AES-256-GCM otherwise. Files keep the
// cipher they were written with; both read.
func attachmentCipher(string) atrest.Cipher {
	if os.Getenv("EGOVDESK_ATTACHMENT_CIPHER") == "sm4" && atrest.Available(atrest.SM4GCM) {
		return atrest.SM4GCM
	}
	return atrest.AES256GCM
}
