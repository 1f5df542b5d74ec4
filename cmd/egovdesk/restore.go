package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"egovdesk/app"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

var (
	_ ui.BureauRestorer    = (*link)(nil)
	_ ui.AttachmentFetcher = (*link)(nil)
)

// RestoreFromBureau asks the syncer for a restore from the bureau (文件 →
// 从数管局恢复). It fails with an ENOTFOUND *app.Error when no bureau is
// connected.
func (l *link) RestoreFromBureau() error {
	l.mu.Lock()
	s := l.syncer
	l.mu.Unlock()
	if s == nil {
		return app.Errorf(app.ENOTFOUND, "尚未连接数管局，无法从数管局恢复；请先在“设置”中连接并登录")
	}
	return s.RestoreNow(l.ctx)
}

// FetchAttachment returns the path of attachment a of filing filingID: the
// file in the attachment store, or, when this machine does not have it (a
// filing restored from the bureau), the bureau's copy downloaded into the
// store and checked against its SHA-256.
//
// An encrypted attachment is opened through a viewing copy: its plaintext
// in a folder of the user's temporary directory (viewDir), named as the
// clerk named the file, for the system's viewer; the folder is emptied
// when the client closes and at its next start.
func (l *link) FetchAttachment(ctx context.Context, filingID string, a app.Attachment) (string, error) {
	p, err := l.fetchAttachment(ctx, filingID, a)
	if err != nil || !l.blobs.Encrypted() {
		return p, err
	}
	return viewCopy(l.blobs, a)
}

func (l *link) fetchAttachment(ctx context.Context, filingID string, a app.Attachment) (string, error) {
	if p := l.blobs.Path(a.SHA256); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	l.mu.Lock()
	s := l.syncer
	l.mu.Unlock()
	if s == nil {
		return "", app.Errorf(app.ENOTFOUND, "附件“%s”不在本机；连接数管局后可从数管局下载", a.Name)
	}
	return s.FetchAttachment(ctx, l.blobs, filingID, a)
}

// viewDir is the folder of viewing copies: per user, outside the data
// directory.
func viewDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("egovdesk-view-%d", os.Getuid()))
}

// viewCopy writes the plaintext of attachment a into a fresh folder under
// viewDir and returns its path.
func viewCopy(blobs *syncer.BlobDir, a app.Attachment) (string, error) {
	if err := os.MkdirAll(viewDir(), 0o700); err != nil {
		return "", err
	}
	d, err := os.MkdirTemp(viewDir(), "a-")
	if err != nil {
		return "", err
	}
	name := filepath.Base(filepath.Clean("/" + a.Name))
	if name == "/" || name == "." || name == "" {
		name = a.SHA256[:12]
	}
	r, err := blobs.OpenReader(a.SHA256)
	if err != nil {
		return "", err
	}
	defer r.Close()
	p := filepath.Join(d, name)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && hex.EncodeToString(h.Sum(nil)) != a.SHA256 {
		err = app.Errorf(app.EINVALID, "附件“%s”的本地文件已损坏（内容与校验值不符）", a.Name)
	}
	if err != nil {
		os.RemoveAll(d)
		return "", err
	}
	return p, nil
}

// clearViewCopies removes the viewing copies (a viewer still holding one
// keeps it on Windows until the next start).
func clearViewCopies() { os.RemoveAll(viewDir()) }
