package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// handleSubmitBatch receives up to protocol.MaxBatch revisions in one
// request and stores the accepted ones in one transaction, one fsync for
// all. Each gets the receipt or problem the single endpoint would give; a
// refused revision does not affect the others. The request as a whole fails
// only when it cannot be read, carries no or too many submissions, or the
// store fails — and then nothing of it is stored, except when Badger made
// the bureau split it (see applyBatch), in which case a resend is answered
// with the original receipts.
func (s *Server) handleSubmitBatch(w http.ResponseWriter, r *http.Request, c *caller) error {
	data, err := readBody(w, r, s.cfg.MaxBodyBytes, reflect.TypeFor[protocol.BatchSubmitRequest]())
	if err != nil {
		return err
	}
	// One pass decodes the submissions and, most of the time, their bodies
	// (see decodeBatch), each body also kept as the bytes received.
	reqs, bodies, err := decodeBatch(data, runtime.GOMAXPROCS(0))
	if err != nil {
		return err
	}
	switch n := len(reqs); {
	case n == 0:
		return fieldErr("submissions", "没有要提交的材料")
	case n > protocol.MaxBatch:
		return app.Errorf(app.ETOOLARGE, "一次最多提交 %d 份材料（本次 %d 份），请分批提交", protocol.MaxBatch, n)
	}
	giveBack, err := s.takeSubmissions(r.Context(), w, c, reqs)
	if err != nil {
		return err
	}
	results, err := s.submitBatch(r.Context(), c, reqs, bodies)
	var created []bool
	if results != nil { // also when a second commit failed after the first kept its part
		created = make([]bool, len(reqs))
		for i, res := range results {
			created[i] = res.Status == http.StatusCreated
		}
	}
	giveBack(created) // what was not kept: resends, refusals, a failed write
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, protocol.BatchSubmitResponse{Results: results})
	return nil
}

// submitBatch checks every submission before its write is queued, then applies
// the ones that passed in order, in as few transactions as Badger allows
// (one, unless the batch is too big for it). bodies holds the bodies of
// reqs decoded, or is nil when each is still to be decoded. It returns one
// result per submission, in order. It fails with a wrapped storage error
// when the store failed.
func (s *Server) submitBatch(ctx context.Context, c *caller, reqs []protocol.SubmitRequest, bodies []app.Body) ([]protocol.BatchResult, error) {
	now := s.Now()
	profile := s.profile.Load()
	results := make([]protocol.BatchResult, len(reqs))
	// Decoding the bodies and the content rules are most of the work, and
	// need no lock: spread them over the cores.
	workers := min(runtime.GOMAXPROCS(0), (len(reqs)+15)/16)
	checked := make([]app.Body, len(reqs)) // zero where refused
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(reqs); i += workers {
				var decoded *app.Body
				if bodies != nil {
					decoded = &bodies[i]
				}
				body, err := s.checkBatchItem(reqs[i], decoded)
				if err != nil {
					results[i] = refused(reqs[i], err)
					continue
				}
				checked[i] = body
			}
		})
	}
	wg.Wait()
	// A later filing of a project is checked against the project's
	// declaration as the bureau holds it. One sent in the same batch is
	// stored first, in a commit of its own, and the later filings checked
	// and stored after it: found from outside (round 11) and in review,
	// checking them against a batch declaration the store then refused
	// (another revision's base, a reused revision ID, another unit's
	// filing ID, an attachment of another size) admitted what the
	// declaration the bureau kept would not.
	// So is an acceptance application naming a trial report sent in the
	// same batch (trialLink checks the report the bureau holds).
	var inBatch map[string]bool // the batch's filing IDs, only when an application names a report
	if slices.ContainsFunc(checked, func(b app.Body) bool { return b.Acceptance != nil && b.Acceptance.TrialReportID != "" }) {
		inBatch = make(map[string]bool, len(checked))
		for _, b := range checked {
			inBatch[b.ID] = true
		}
	}
	namesBatchTrial := func(b app.Body) bool {
		id := ""
		if b.Acceptance != nil {
			id = strings.TrimSpace(b.Acceptance.TrialReportID)
		}
		return id != "" && id != b.ID && inBatch[id]
	}
	later := func(b app.Body) bool { return laterKind(b.Kind) || namesBatchTrial(b) }
	phases := [][]bool{nil} // nil: every submission at once
	if slices.ContainsFunc(checked, func(b app.Body) bool { return b.Declaration != nil }) && slices.ContainsFunc(checked, later) ||
		slices.ContainsFunc(checked, namesBatchTrial) {
		first, then := make([]bool, len(reqs)), make([]bool, len(reqs))
		for i := range reqs {
			then[i] = later(checked[i])
			first[i] = !then[i]
		}
		phases = [][]bool{first, then}
	}
	// After a first commit its part is kept: the results say which, so
	// that its caps are not given back (found from outside).
	fail := func(n int, err error) ([]protocol.BatchResult, error) {
		err = fmt.Errorf("submit batch of %d: %w", len(reqs), err)
		if n > 0 {
			return results, err
		}
		return nil, err
	}
	for n, in := range phases {
		errs := make([]error, workers)
		phase := make([]*bureaustore.Submission, len(reqs))
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(reqs); i += workers {
					if results[i].Problem != nil || in != nil && !in[i] {
						continue
					}
					invalid, year, err := s.contentRules(ctx, c, checked[i], profile, now)
					if err != nil {
						errs[w] = err
						return
					}
					phase[i] = newSubmission(reqs[i], checked[i], invalid, year, profile)
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return fail(n, err)
		}
		if err := s.storeBatch(ctx, c, phase, results, now); err != nil {
			return fail(n, err)
		}
		// Once a part is stored, the rest is stored whether or not the
		// client waits (found from outside: a client that hung up between
		// the two commits had its declarations kept and its caps given
		// back, and sent past the unit's daily limits).
		ctx = context.WithoutCancel(ctx)
	}
	s.signReceipts(c.UnitID, results)
	// One line per batch at Info (a full push is thousands of revisions a
	// second, past journald's default rate limit); each revision at Debug.
	// The receipts themselves are in the store.
	created, refused := 0, 0
	for i, r := range results {
		switch {
		case r.Status == http.StatusCreated:
			created++
			s.log.Debug("revision received", "filing", reqs[i].FilingID, "revision", reqs[i].RevisionID,
				"unit", c.UnitID, "status", r.Receipt.Status)
		case r.Problem != nil:
			refused++
		}
	}
	s.log.Info("submissions received", "unit", c.UnitID, "by", c.Login, "batch", len(reqs), "new", created,
		"refused", refused, "repeated", len(reqs)-created-refused)
	return results, nil
}

// batchDecodeError returns the EINVALID *app.Error for a batch request
// that did not decode as a whole into err: naming the first submission that
// is not a SubmitRequest, when the request itself is well formed.
func batchDecodeError(data []byte, err error) error {
	var raw struct {
		Submissions []json.RawMessage `json:"submissions"`
	}
	if decodeBytes(data, &raw) != nil {
		return err
	}
	for i, item := range raw.Submissions {
		var req protocol.SubmitRequest
		if err := decodeBytes(item, &req); err != nil {
			return app.Errorf(app.EINVALID, "第 %d 份：%s", i+1, app.ErrorMessage(err))
		}
	}
	return err
}

// checkBatchItem is checkRequest for a submission that names its filing and
// revision in the body only; decoded is its body when decodeBatch decoded
// it, else nil.
func (s *Server) checkBatchItem(req protocol.SubmitRequest, decoded *app.Body) (app.Body, error) {
	if err := checkBatchIDs(req); err != nil {
		return app.Body{}, err
	}
	return s.checkRequest(req.FilingID, req.RevisionID, req, decoded)
}

func checkBatchIDs(req protocol.SubmitRequest) error {
	var p app.Problems
	if req.FilingID == "" {
		p.Add("filing_id", "缺少材料编号")
	}
	if req.RevisionID == "" {
		p.Add("revision_id", "缺少版本编号")
	}
	return p.Err()
}

// applyBatch has the store apply subs in order, writing each result into
// out (entries of nil subs are left alone): exactly once, each refusal
// leaving nothing stored, durable when it returns (the store's group
// commit may share the commit with other requests' writes). It fails only
// with a storage error; then nothing of the failing part is stored.
func (s *Server) applyBatch(ctx context.Context, c *caller, subs []*bureaustore.Submission, out []protocol.BatchResult, now time.Time) error {
	if err := s.storeBatch(ctx, c, subs, out, now); err != nil {
		return err
	}
	s.signReceipts(c.UnitID, out)
	return nil
}

// storeBatch is applyBatch without signing the receipts.
func (s *Server) storeBatch(ctx context.Context, c *caller, subs []*bureaustore.Submission, out []protocol.BatchResult, now time.Time) error {
	if !slices.ContainsFunc(subs, func(s *bureaustore.Submission) bool { return s != nil }) {
		return nil
	}
	res, err := s.store.Submit(ctx, bureaustore.Actor{UnitID: c.UnitID, Name: c.Name}, now, subs)
	if err != nil {
		return err
	}
	for i, sub := range subs {
		switch r := res[i]; {
		case sub == nil:
		case r.Err != nil:
			out[i] = refused(sub.Request, r.Err)
		case r.Created:
			out[i] = protocol.BatchResult{Status: http.StatusCreated, Receipt: &r.Receipt}
		default:
			out[i] = protocol.BatchResult{Status: http.StatusOK, Receipt: &r.Receipt}
		}
	}
	return nil
}

// refused returns the result of a refused submission: the problem the single
// endpoint would have answered, with that endpoint's path as its instance.
func refused(req protocol.SubmitRequest, err error) protocol.BatchResult {
	var p *protocol.Problem
	if !errors.As(err, &p) {
		p = protocol.ProblemOf(err)
	}
	p.Instance = protocol.Path(protocol.PathRevision, req.FilingID, req.RevisionID)
	return protocol.BatchResult{Status: p.Status, Problem: p}
}

// newSubmission returns the submission of body (req's) with the content
// rules' verdict and its project's plan year (contentRules), and the rule
// the store holds it to in its commit: an acceptance application of a
// project the bureau holds (year its plan year) is refused while another
// of the project stands (app.CheckOneAcceptance). contentRules says that
// with the other problems; only the store's commit sees an application
// sent at once beside it (in the same batch, or another request).
func newSubmission(req protocol.SubmitRequest, body app.Body, invalid error, year int, prof *app.Profile) *bureaustore.Submission {
	sub := bureaustore.NewSubmission(req, body, invalid)
	sub.ProjectYear = year
	if body.Kind == app.KindAcceptance && body.ProjectID != "" && year != 0 {
		sub.ProjectRule = func(project []*app.Filing) error {
			return app.CheckOneAcceptance(body, prof, project).Err()
		}
	}
	return sub
}
