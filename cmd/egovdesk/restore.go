package main

import (
	"context"
	"os"

	"egovdesk/app"
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
func (l *link) FetchAttachment(ctx context.Context, filingID string, a app.Attachment) (string, error) {
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
