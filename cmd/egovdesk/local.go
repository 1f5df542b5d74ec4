package main

import (
	"context"
	"time"

	"egovdesk/app"
	"egovdesk/app/atrest"
	"egovdesk/app/store"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

// local is the UI's view of the local store and the attachment files. The
// store speaks app's types, as the UI does: most methods only delegate.
type local struct {
	st    *store.Store
	blobs *syncer.BlobDir
	dir   string // the data directory
	keys  *atrest.Keys
}

var _ ui.Store = (*local)(nil)

func (l *local) List(ctx context.Context, q app.Query) ([]app.FilingRow, error) {
	return l.st.List(ctx, q)
}

func (l *local) Counts(ctx context.Context) (app.Counts, error) { return l.st.Counts(ctx) }

func (l *local) Anchors(ctx context.Context) ([]app.FilingAnchors, error) { return l.st.Anchors(ctx) }

func (l *local) Get(ctx context.Context, id string) (*app.Filing, error) { return l.st.Get(ctx, id) }

func (l *local) Save(ctx context.Context, f *app.Filing) error { return l.st.Save(ctx, f) }

func (l *local) Rescue(f *app.Filing) error { return l.st.Rescue(f) }

func (l *local) PendingRescue(id string) *app.Filing { return l.st.PendingRescue(id) }

func (l *local) DropRescue(id string) { l.st.DropRescue(id) }

func (l *local) Backup(_ context.Context, path string) error {
	return writeBackup(path, l.dir, l.st, l.keys)
}

func (l *local) DeleteDraft(ctx context.Context, id string) error { return l.st.DeleteDraft(ctx, id) }

func (l *local) RestoreDraft(ctx context.Context, id string) error { return l.st.RestoreDraft(ctx, id) }

func (l *local) Submit(ctx context.Context, id, actor string, now time.Time) error {
	_, err := l.st.Submit(ctx, id, actor, now)
	return err
}

// Send returns the send state of the filing's current revision, as its row
// in the list shows it: from its summary, which every submit, attempt and
// acknowledgement keeps up to date, rather than from the outbox, which the
// open editor would otherwise read whole (bodies and all) on every change
// the syncer makes.
func (l *local) Send(ctx context.Context, id string) (app.Send, error) {
	sum, err := l.st.Summary(ctx, id)
	if err != nil {
		return app.Send{}, err
	}
	if sum.Send.State == app.SendNone && !sum.SubmittedAt.IsZero() {
		return app.Send{State: app.SendSent}, nil // submitted, no send state recorded
	}
	return sum.Send, nil
}

func (l *local) Retry(ctx context.Context, id string) error {
	items, err := l.st.Outbox(ctx)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.FilingID == id && it.State == app.SendQuarantined {
			if err := l.st.Retry(ctx, it.Seq); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *local) Withdraw(ctx context.Context, id string, now time.Time) error {
	return l.st.Withdraw(ctx, id, now)
}

func (l *local) CanWithdraw(ctx context.Context, id string) error { return l.st.CanWithdraw(ctx, id) }

func (l *local) Withdrawable(ctx context.Context, id string) error { return l.st.Withdrawable(ctx, id) }

func (l *local) Revisions(ctx context.Context, id string) ([]app.RevisionInfo, error) {
	return l.st.Revisions(ctx, id)
}

func (l *local) RevisionBody(ctx context.Context, id, revID string) ([]byte, error) {
	return l.st.RevisionBody(ctx, id, revID)
}

func (l *local) Inbox(ctx context.Context) ([]app.Message, error) { return l.st.Inbox(ctx) }

func (l *local) MarkRead(ctx context.Context, id string) error { return l.st.MarkRead(ctx, id) }

func (l *local) MarkAllRead(ctx context.Context, filingID string) (int, error) {
	return l.st.MarkAllRead(ctx, filingID)
}

func (l *local) Subscribe(ctx context.Context, fn func()) { l.st.Subscribe(ctx, fn) }

func (l *local) Import(ctx context.Context, path string) (app.Attachment, error) {
	return l.blobs.Import(ctx, path)
}
