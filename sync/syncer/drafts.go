package syncer

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// Drafts kept at the bureau: a private copy of each unsent draft in the
// unit's draft area, so that a dead laptop loses none: a new filing's
// draft, under the filing's ID, and the new revision of a returned filing,
// under the filing's ID and the revision it builds on (store.draftKey:
// "<filing>@<base>", which the bureau keeps as any other key).
//
// A pass that pushed without error then brings the copies up to date:
//   - every DraftList (and on the first pass, so a new machine gets them
//     at once after its restore) it pages through the unit's copies and
//     takes them over (store.AdoptDraft: a draft changed here and on
//     another machine keeps both texts), and drops here the drafts whose
//     copy another machine deleted (store.DropDraftCopy, into the trash,
//     with an inbox entry and an OS notification);
//   - it deletes at the bureau the copies of drafts deleted here more than
//     DraftUndo ago (after the list's 撤销), and of drafts submitted since;
//   - it uploads the drafts changed since their copy, once their autosave
//     settled (no save for DraftSettle): a local save arms a timer that
//     kicks the loop then, so typing sends nothing until the clerk pauses.
//
// Each copy that went up is recorded at once (store.DraftKept), so a pass
// cut short goes on with the rest next time. A failure of the copies does
// not fail the pass: the filings still go; Status.DraftsProblem says why
// in Chinese, and the next pass tries again. The clerk switches the copies
// off in the settings (SetKeepDrafts), the bureau in its profile: it then
// answers 403, and Status.DraftsOff says so until a later listing works.

// DraftRemote is a Remote that can keep drafts (*client.Client).
type DraftRemote interface {
	Drafts(ctx context.Context, cursor string, limit int) (protocol.DraftPage, error)
	Draft(ctx context.Context, id string) (protocol.Draft, error)
	PutDraft(ctx context.Context, id string, put protocol.DraftPut) (protocol.Draft, error)
	DeleteDraft(ctx context.Context, id string, version int64) error
}

// draftLocal is what the copies need of the Local (*store.Store).
type draftLocal interface {
	DraftUploads(ctx context.Context, settled time.Time, limit int) ([]store.DraftUpload, bool, error)
	DraftKept(ctx context.Context, id string, version int64, sum string) error
	DraftDeletions(ctx context.Context, cutoff time.Time) ([]store.DraftDeletion, error)
	DraftDropped(ctx context.Context, id string) error
	KeptDrafts(ctx context.Context) (map[string]int64, error)
	AdoptDraft(ctx context.Context, d store.BureauDraft) (*app.Message, error)
	DropDraftCopy(ctx context.Context, id string) (*app.Message, error)
}

// Defaults of the draft copies' timing.
const (
	defaultDraftSettle = 5 * time.Second
	defaultDraftUndo   = 30 * time.Second // longer than the list's 撤销 (20 s)
	defaultDraftList   = 2 * time.Minute
	draftBatch         = 50
)

// Why the copies are off, as Status.DraftsOff says it.
const (
	draftsOffByClerk = "已在设置中关闭“在数管局保留草稿副本”：草稿只保存在本机"
	draftsOffDefault = "本数管局不保留草稿副本（规则配置已关闭此功能），草稿只保存在本机，请注意备份"
)

// draftState is the copies' state, guarded by Syncer.mu.
type draftState struct {
	off        bool      // the clerk switched them off
	bureauOff  string    // why the bureau keeps none ("" while it does)
	lastList   time.Time // when the copies were last listed; zero: list next pass
	timer      *time.Timer
	lastRemote bool                   // the remote can keep drafts
	refused    map[string]refusedCopy // drafts whose text the bureau refused (too big, too many): not sent again
}

// refusedCopy is a text of a draft the bureau refused, and why.
type refusedCopy struct {
	sha string
	err error
}

// draftRefused is a copy the bureau will not keep as it is (422, 413):
// trying again does not help until the draft changes.
type draftRefused struct{ err error }

func (e *draftRefused) Error() string { return "a draft the bureau cannot keep: " + e.err.Error() }
func (e *draftRefused) Unwrap() error { return e.err }

// SetKeepDrafts switches the copies on or off (the clerk's setting). On
// again, the next pass lists and uploads.
func (s *Syncer) SetKeepDrafts(on bool) {
	s.mu.Lock()
	s.drafts.off = !on
	s.drafts.lastList = time.Time{}
	s.mu.Unlock()
	s.showDrafts("")
	if on {
		s.Kick()
	}
}

// SetBureauKeepsDrafts tells the syncer what the bureau's profile says
// (app.Profile.KeepsDrafts): off, nothing is uploaded and Status.DraftsOff
// says so; on, the next pass tries again.
func (s *Syncer) SetBureauKeepsDrafts(on bool) {
	s.mu.Lock()
	changed := (s.drafts.bureauOff == "") != on
	if on {
		s.drafts.bureauOff = ""
	} else if s.drafts.bureauOff == "" {
		s.drafts.bureauOff = draftsOffDefault
	}
	s.drafts.lastList = time.Time{}
	s.mu.Unlock()
	s.showDrafts("")
	if changed && on {
		s.Kick()
	}
}

// showDrafts brings Status.DraftsOff up to date, and DraftsProblem to
// problem when it is not "-".
func (s *Syncer) showDrafts(problem string) {
	s.mu.Lock()
	off := ""
	switch {
	case s.drafts.off:
		off = draftsOffByClerk
	case s.drafts.bureauOff != "":
		off = s.drafts.bureauOff
	}
	s.mu.Unlock()
	s.setStatus(func(st *Status) {
		st.DraftsOff = off
		if problem != "-" {
			st.DraftsProblem = problem
		}
	})
}

// draftSaved arms the settle timer after a local write: the copies go up
// DraftSettle after the last save.
func (s *Syncer) draftSaved() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drafts.off || s.drafts.bureauOff != "" || !s.drafts.lastRemote {
		return
	}
	if s.drafts.timer != nil {
		s.drafts.timer.Stop()
	}
	s.drafts.timer = time.AfterFunc(s.opts.DraftSettle+100*time.Millisecond, s.Kick)
}

// syncDrafts brings the draft copies up to date (see above). It returns
// an error only when the bureau refused the token.
func (s *Syncer) syncDrafts(ctx context.Context) error {
	dr, ok1 := s.remote.(DraftRemote)
	dl, ok2 := s.local.(draftLocal)
	s.mu.Lock()
	s.drafts.lastRemote = ok1 && ok2
	off, bureauOff, lastList := s.drafts.off, s.drafts.bureauOff, s.drafts.lastList
	s.mu.Unlock()
	if !ok1 || !ok2 || off {
		return nil
	}
	now := s.opts.Now()
	list := lastList.IsZero() || now.Sub(lastList) >= s.opts.DraftList
	if bureauOff != "" && !list {
		return nil
	}
	err := s.copyDrafts(ctx, dr, dl, list)
	var ce *client.Error
	switch {
	case err == nil:
		s.mu.Lock()
		s.drafts.bureauOff = ""
		if list {
			s.drafts.lastList = now
		}
		s.mu.Unlock()
		s.showDrafts("")
		s.setStatus(func(st *Status) { st.DraftsCopied = s.opts.Now() })
		return nil
	case errors.As(err, &ce) && ce.Status == http.StatusForbidden:
		why := draftsOffDefault
		if ce.Problem != nil && ce.Problem.Detail != "" {
			why = ce.Problem.Detail
		}
		s.mu.Lock()
		s.drafts.bureauOff, s.drafts.lastList = why, now
		s.mu.Unlock()
		s.log.Info("the bureau keeps no drafts", "why", why)
		s.showDrafts("")
		return nil
	case errors.As(err, &ce) && (ce.Status == http.StatusNotFound || ce.Status == http.StatusMethodNotAllowed):
		// A bureau older than the draft area: nothing to keep them in.
		s.mu.Lock()
		s.drafts.bureauOff, s.drafts.lastList = "数管局的服务器版本较旧，不能保留草稿副本；草稿只保存在本机", now
		s.mu.Unlock()
		s.showDrafts("")
		return nil
	case client.Classify(err) == client.ClassReauth:
		return err
	}
	msg := "草稿副本暂未保存到数管局：" + describe(err, 0) + "；草稿仍在本机，稍后自动重试"
	var refused *draftRefused
	if errors.As(err, &refused) {
		msg = "有草稿未能在数管局保留副本：" + client.Message(refused.err) + "；这份草稿仍保存在本机"
	}
	s.log.Warn("draft copies", "err", err)
	s.showDrafts(msg)
	return nil
}

// copyDrafts lists (when list), deletes and uploads; see syncDrafts.
func (s *Syncer) copyDrafts(ctx context.Context, dr DraftRemote, dl draftLocal, list bool) error {
	if list {
		if err := s.listDrafts(ctx, dr, dl); err != nil {
			return err
		}
	}
	now := s.opts.Now()
	dels, err := dl.DraftDeletions(ctx, now.Add(-s.opts.DraftUndo))
	if err != nil {
		return err
	}
	for _, d := range dels {
		err := dr.DeleteDraft(ctx, d.ID, d.Version)
		var ce *client.Error
		switch {
		case err == nil, errors.As(err, &ce) && ce.Status == http.StatusNotFound:
		case errors.As(err, &ce) && ce.Status == http.StatusConflict:
			// Another machine changed it since: its text stays at the
			// bureau, and the next listing brings it back here.
			s.mu.Lock()
			s.drafts.lastList = time.Time{}
			s.mu.Unlock()
		default:
			return err
		}
		if err := dl.DraftDropped(ctx, d.ID); err != nil {
			return err
		}
	}
	var lastProblem error
	for round := 0; round < 2; round++ {
		ups, settling, err := dl.DraftUploads(ctx, now.Add(-s.opts.DraftSettle), draftBatch)
		if err != nil {
			return err
		}
		if settling {
			s.draftSaved()
		}
		conflict := false
		for _, u := range ups {
			s.mu.Lock()
			r, skip := s.drafts.refused[u.ID]
			s.mu.Unlock()
			if skip && r.sha == u.SHA256 {
				lastProblem = r.err // still the text it refused: still not kept
				continue
			}
			d, err := dr.PutDraft(ctx, u.ID, protocol.DraftPut{BaseVersion: u.BaseVersion, SHA256: u.SHA256, Body: u.Body})
			var ce *client.Error
			switch {
			case err == nil:
				if err := dl.DraftKept(ctx, u.ID, d.Version, u.SHA256); err != nil {
					return err
				}
				s.mu.Lock()
				delete(s.drafts.refused, u.ID)
				s.mu.Unlock()
			case errors.As(err, &ce) && ce.Status == http.StatusConflict:
				conflict = true
			case errors.As(err, &ce) && (ce.Status == http.StatusUnprocessableEntity || ce.Status == http.StatusRequestEntityTooLarge):
				lastProblem = err // this one cannot go (too big, too many): the others still do
				s.mu.Lock()
				if s.drafts.refused == nil {
					s.drafts.refused = map[string]refusedCopy{}
				}
				s.drafts.refused[u.ID] = refusedCopy{u.SHA256, err}
				s.mu.Unlock()
			default:
				return err
			}
		}
		if !conflict {
			break
		}
		// Another machine's copy is newer: take it over (both texts kept
		// where both changed), then send ours over it.
		if err := s.listDrafts(ctx, dr, dl); err != nil {
			return err
		}
	}
	if lastProblem != nil {
		return &draftRefused{lastProblem}
	}
	return nil
}

// listDrafts takes over every copy the bureau keeps for the unit that
// this machine has not seen at its version (fetching only those bodies),
// and drops here the drafts whose copy is gone from it.
func (s *Syncer) listDrafts(ctx context.Context, dr DraftRemote, dl draftLocal) error {
	kept, err := dl.KeptDrafts(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var revisions []store.BureauDraft // new revisions' copies, taken over last
	cursor := ""
	for {
		page, err := dr.Drafts(ctx, cursor, protocol.DraftsMaxLimit)
		if err != nil {
			return err
		}
		for _, d := range page.Drafts {
			seen[d.ID] = true
			if v, ok := kept[d.ID]; ok && v == d.Version {
				continue // this machine holds that copy (and what changed since goes up)
			}
			full, err := dr.Draft(ctx, d.ID)
			var ce *client.Error
			if errors.As(err, &ce) && ce.Status == http.StatusNotFound {
				delete(seen, d.ID) // deleted since it was listed
				continue
			}
			if err != nil {
				return err
			}
			bd := store.BureauDraft{ID: full.ID, Version: full.Version, SHA256: full.SHA256, Body: full.Body}
			if strings.Contains(bd.ID, "@") {
				revisions = append(revisions, bd)
				continue
			}
			if err := s.adoptDraft(ctx, dl, bd); err != nil {
				return err
			}
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	// The copies of new revisions, the latest revision first: of two
	// texts of one filing, the one on the filing's head becomes its draft
	// revision, and one on a revision since moved past is kept beside it.
	slices.SortStableFunc(revisions, func(a, b store.BureauDraft) int {
		return cmp.Compare(revisionNumber(b.Body), revisionNumber(a.Body))
	})
	for _, bd := range revisions {
		if err := s.adoptDraft(ctx, dl, bd); err != nil {
			return err
		}
	}
	for id := range kept {
		if seen[id] {
			continue
		}
		msg, err := dl.DropDraftCopy(ctx, id)
		if err != nil {
			return err
		}
		if msg != nil {
			s.log.Info("a draft deleted on another machine went to the trash", "draft", id)
			s.tell(msg)
		}
	}
	return nil
}

// adoptDraft takes over the bureau's copy d (store.AdoptDraft) and tells
// the clerk when the store says to.
func (s *Syncer) adoptDraft(ctx context.Context, dl draftLocal, d store.BureauDraft) error {
	msg, err := dl.AdoptDraft(ctx, d)
	if app.ErrorCode(err) == app.EINVALID {
		s.log.Warn("a draft copy cannot be read", "draft", d.ID, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	if msg != nil {
		s.log.Info("a draft copy kept beside this machine's text", "draft", d.ID, "filing", msg.FilingID)
		s.tell(msg)
	}
	return nil
}

// tell raises an OS notification for an inbox entry the store wrote about
// the drafts' copies.
func (s *Syncer) tell(msg *app.Message) {
	s.publish(Notification{Kind: NotifyNotice, ChangeID: msg.ID, At: msg.At, Title: msg.Title, Text: msg.Body})
}

// revisionNumber returns the revision number a draft's document says (0
// when it does not read).
func revisionNumber(body []byte) int {
	var doc struct {
		Revision struct {
			Number int `json:"number"`
		} `json:"revision"`
	}
	_ = json.Unmarshal(body, &doc)
	return doc.Revision.Number
}
