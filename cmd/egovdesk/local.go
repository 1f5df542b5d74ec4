package main

import (
	"context"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

// local is the UI's view of the local store and the attachment files.
type local struct {
	st    *store.Store
	blobs *syncer.BlobDir
}

var _ ui.Store = (*local)(nil)

func (l *local) List(ctx context.Context, q ui.Query) ([]ui.Row, error) {
	sums, err := l.st.List(ctx, app.Query{Kind: q.Kind, Status: q.Status, PlanYear: q.PlanYear, Text: q.Text})
	if err != nil {
		return nil, err
	}
	rows := make([]ui.Row, len(sums))
	for i, s := range sums {
		rows[i] = ui.Row{ID: s.ID, Kind: s.Kind, Status: s.Status, Title: s.Title, PlanYear: s.PlanYear,
			Revision: s.RevisionNumber, Updated: s.Updated, Unread: s.Unread,
			Send: ui.Send{State: sendState(s.Send.State), Reason: s.Send.Reason}}
	}
	return rows, nil
}

// sendState maps the store's send state to the UI's.
func sendState(s app.SendState) ui.SendState {
	switch s {
	case app.SendQueued:
		return ui.SendQueued
	case app.SendSending:
		return ui.SendSending
	case app.SendSent:
		return ui.SendSent
	case app.SendFailed:
		return ui.SendFailed
	case app.SendQuarantined:
		return ui.SendQuarantined
	}
	return ui.SendNone
}

func (l *local) Counts(ctx context.Context) (ui.Counts, error) {
	c, err := l.st.Counts(ctx)
	if err != nil {
		return ui.Counts{}, err
	}
	return ui.Counts{Total: c.Total, Drafts: c.Drafts, Outbox: c.Outbox, Failed: c.Failed, Unread: c.Unread,
		UnreadDecisions: c.UnreadDecisions}, nil
}

func (l *local) Anchors(ctx context.Context) ([]app.FilingAnchors, error) { return l.st.Anchors(ctx) }

func (l *local) Get(ctx context.Context, id string) (*app.Filing, error) { return l.st.Get(ctx, id) }

func (l *local) Save(ctx context.Context, f *app.Filing) error { return l.st.Save(ctx, f) }

func (l *local) Submit(ctx context.Context, id, actor string, now time.Time) error {
	_, err := l.st.Submit(ctx, id, actor, now)
	return err
}

// Send returns the send state of the filing's current revision, as its row
// in the list shows it: from its summary, which every submit, attempt and
// acknowledgement keeps up to date, rather than from the outbox, which the
// open editor would otherwise read whole (bodies and all) on every change
// the syncer makes.
func (l *local) Send(ctx context.Context, id string) (ui.Send, error) {
	sum, err := l.st.Summary(ctx, id)
	if err != nil {
		return ui.Send{}, err
	}
	if sum.Send.State == app.SendNone && !sum.SubmittedAt.IsZero() {
		return ui.Send{State: ui.SendSent}, nil // submitted, no send state recorded
	}
	return ui.Send{State: sendState(sum.Send.State), Reason: sum.Send.Reason}, nil
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

func (l *local) Revisions(ctx context.Context, id string) ([]ui.RevisionInfo, error) {
	revs, err := l.st.Revisions(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]ui.RevisionInfo, len(revs))
	for i, r := range revs {
		out[i] = ui.RevisionInfo{Revision: r.Revision, BodyHash: r.BodyHash}
	}
	return out, nil
}

func (l *local) Inbox(ctx context.Context) ([]ui.Message, error) {
	entries, err := l.st.Inbox(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ui.Message, len(entries))
	for i, e := range entries {
		out[i] = ui.Message{ID: e.ID, FilingID: e.FilingID, FilingTitle: e.FilingTitle, Decision: e.Decision,
			Stale: e.Stale, Title: e.Title, Body: e.Body, At: e.At, Read: e.Read}
	}
	return out, nil
}

func (l *local) MarkRead(ctx context.Context, id string) error { return l.st.MarkRead(ctx, id) }

func (l *local) Subscribe(ctx context.Context, fn func()) { l.st.Subscribe(ctx, fn) }

func (l *local) Import(ctx context.Context, path string) (app.Attachment, error) {
	return l.blobs.Import(ctx, path)
}
