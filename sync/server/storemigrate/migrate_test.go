package storemigrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
	"egovdesk/sync/server/pgstore"
	"egovdesk/sync/server/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func sub(t *testing.T, fid, rid, base string, n int, name string, atts ...app.Attachment) *bureaustore.Submission {
	t.Helper()
	b := app.Body{ID: fid, Kind: app.KindDeclaration, Revision: n, RevisionID: rid, BaseID: base, Attachments: atts,
		Declaration: &app.Declaration{PlanYear: 2027, ProjectName: name, TotalInvestment: 1000000,
			Goals: "整合全市各部门的计算、存储和网络资源，提供统一的政务云服务和安全保障"}}
	data, sum, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return &bureaustore.Submission{Body: b, Request: protocol.SubmitRequest{FilingID: fid, RevisionID: rid,
		BaseRevisionID: base, Revision: n, Body: data, BodySHA256: sum}}
}

// A bureau's Badger store, with every kind of record, moves to PostgreSQL
// whole: the same filings, bodies, receipts, queue, feeds (epoch and
// sequence numbers, so cursors go on), tokens, uploads, profile and
// similar-projects index; and a second migration into it is refused.
func TestBadgerToPostgres(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src, err := badgerstore.Open(ctx, dir, badgerstore.Options{MemTable: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"u1", "u2"} {
		must(src.AddUnit(ctx, protocol.Unit{ID: u, Name: "单位" + u, Code: "CODE-" + u, Created: t0}))
	}
	_, err = src.AddAccount(ctx, bureaustore.Account{ID: "a1", Login: "clerk", Name: "张三", Role: app.RoleUnit, UnitID: "u1", Password: "$argon2id$x", Created: t0})
	must(err)
	_, err = src.IssueToken(ctx, sha("tok"), bureaustore.Token{AccountID: "a1", Created: t0, Expires: t0.Add(24 * time.Hour)})
	must(err)
	must(src.SetProfile(ctx, bureaustore.Profile{ID: "huoqiu", Version: "v1", Updated: t0, Data: []byte(`{"id":"huoqiu"}`)},
		protocol.Change{Type: protocol.ChangeProfile, At: t0, ProfileID: "huoqiu", ProfileVersion: "v1"}))
	by := bureaustore.Actor{UnitID: "u1", Name: "张三"}
	att := app.Attachment{Material: "可研报告", Name: "可研.pdf", SHA256: sha("pdf"), Size: 3, MediaType: "application/pdf"}
	res, err := src.Submit(ctx, by, t0, []*bureaustore.Submission{
		sub(t, "f1", "r1", "", 1, "政务云平台建设"),
		sub(t, "f2", "r2", "", 1, "政务云平台建设二期"),
		sub(t, "f3", "r3", "", 1, "带附件的项目", att),
	})
	must(err)
	for _, r := range res {
		must(r.Err)
	}
	_, err = src.Decide(ctx, bureaustore.Decision{FilingID: "f1", Actor: "审核员", Role: app.RoleReviewer, Action: app.ActionAccept, Now: t0.Add(time.Hour)})
	must(err)
	// f2 goes through review steps to a joint review, where finance has
	// concurred: the queue on PostgreSQL must know whom it still waits for.
	prof := &app.Profile{ID: "steps", Flows: []app.ReviewFlow{{Kinds: []app.Kind{app.KindDeclaration}, Steps: []app.ReviewStep{
		{ID: "intake", Label: "受理", Status: app.StatusSubmitted, Roles: []app.Role{app.RoleReviewer}},
		{ID: "preliminary", Label: "初审", Status: app.StatusPreliminary, Roles: []app.Role{app.RoleReviewer}},
		{ID: "joint", Label: "联审", Status: app.StatusExpert, Roles: []app.Role{app.RoleFinance, app.RoleNDRC},
			Joint: true, Actions: []app.Action{app.ActionReturn}},
		{ID: "approval", Label: "批复立项", Status: app.StatusExpert, Roles: []app.Role{app.RoleApprover}},
	}}}}
	for i, d := range []struct {
		role   app.Role
		action app.Action
	}{{app.RoleReviewer, app.ActionAccept}, {app.RoleReviewer, app.ActionPass}, {app.RoleFinance, app.ActionConcur}} {
		_, err = src.Decide(ctx, bureaustore.Decision{FilingID: "f2", Actor: string(d.role), Role: d.role, Action: d.action,
			Now: t0.Add(time.Duration(i+2) * time.Minute), Profile: prof})
		must(err)
	}
	must(src.PutUpload(ctx, "u1", sha("part"), bureaustore.Upload{Size: 10, Offset: 4, Created: t0, Updated: t0}))
	_, err = src.Broadcast(ctx, []string{"u2"}, protocol.Change{Type: protocol.ChangeNotice, At: t0, NoticeTitle: "通知"})
	must(err)
	// The admin pages' state: a disabled unit (whose clerk's token is
	// refused), a disabled account, a revoked token, the register of
	// existing systems.
	_, err = src.AddAccount(ctx, bureaustore.Account{ID: "a2", Login: "clerk2", Name: "李四", Role: app.RoleUnit, UnitID: "u2", Password: "$argon2id$y", Created: t0})
	must(err)
	_, err = src.IssueToken(ctx, sha("tok2"), bureaustore.Token{AccountID: "a2", Created: t0, Expires: t0.Add(24 * time.Hour)})
	must(err)
	_, err = src.UpdateUnit(ctx, "u2", "单位u2（改名）", "CODE-u2b")
	must(err)
	_, err = src.SetUnitDisabled(ctx, "u2", true)
	must(err)
	_, err = src.AddAccount(ctx, bureaustore.Account{ID: "a3", Login: "rev", Name: "王五", Role: app.RoleReviewer, Password: "$argon2id$z", Created: t0})
	must(err)
	must(src.SetAccountDisabled(ctx, "rev", true))
	_, err = src.IssueToken(ctx, sha("tok3"), bureaustore.Token{AccountID: "a1", Label: "第二个", Created: t0, Expires: t0.Add(24 * time.Hour)})
	must(err)
	must(src.RevokeAccountToken(ctx, "clerk", sha("tok3")))
	must(src.ReplaceRegister(ctx, []app.ExistingSystem{
		{Name: "市级政务云平台建设", Owner: "市大数据局", Content: "整合全市各部门的计算、存储和网络资源，提供统一的政务云服务和安全保障", Year: 2020},
		{Name: "智慧水务监测系统", Owner: "市水务局", Content: "水质水压在线监测", Year: 2019},
	}, bureaustore.RegisterMeta{Imported: t0, By: "管理员", File: "已建系统.xlsx"}))
	must(src.Close())

	url := pgtest.DB(t)
	dst, err := pgstore.Open(ctx, url, pgstore.Options{})
	must(err)
	defer dst.Close()
	counts, err := BadgerToPostgres(ctx, dir, dst, nil)
	must(err)
	// changes: the revision changes of f1 and f2 (f3 waits for its
	// attachment), f1's decision and f2's three, the profile in both
	// feeds, the notice
	if counts["filings"] != 3 || counts["revisions"] != 3 || counts["units"] != 2 || counts["queue"] != 2 || counts["changes"] != 9 ||
		counts["register"] != 2 {
		t.Fatalf("counts: %v", counts)
	}

	src, err = badgerstore.Open(ctx, dir, badgerstore.Options{MemTable: 4 << 20})
	must(err)
	defer src.Close()
	// compared as JSON: a time read back from either store is the same
	// instant, not always in the same *time.Location
	same := func(what string, a, b any) {
		t.Helper()
		ja, err1 := json.Marshal(a)
		jb, err2 := json.Marshal(b)
		if err1 != nil || err2 != nil || string(ja) != string(jb) {
			t.Fatalf("%s differs:\nbadger   %+v\npostgres %+v", what, a, b)
		}
	}
	for _, id := range []string{"f1", "f2", "f3"} {
		a, err1 := src.Filing(ctx, "", id)
		b, err2 := dst.Filing(ctx, "", id)
		must(err1)
		must(err2)
		same("filing "+id, a, b)
	}
	for _, unit := range []string{"u1", "u2"} {
		a, err1 := src.Changes(ctx, bureaustore.ChangesQuery{Unit: unit, Limit: 100})
		b, err2 := dst.Changes(ctx, bureaustore.ChangesQuery{Unit: unit, Limit: 100})
		must(err1)
		must(err2)
		same("feed of "+unit, a, b)
		// a cursor of the Badger bureau goes on on PostgreSQL
		c, err := dst.Changes(ctx, bureaustore.ChangesQuery{Unit: unit, HasCursor: true, Epoch: a.Epoch, Seq: a.Last, Limit: 10})
		must(err)
		if c.Reset || len(c.Changes) != 0 {
			t.Fatalf("the Badger cursor of %s on PostgreSQL: %+v", unit, c)
		}
	}
	// A limit of whole days, as the working-day calendar's (Badger works
	// it out once per day of arrival).
	rules := bureaustore.QueueRules{Now: t0.Add(2 * time.Hour), Due: func(s time.Time) time.Time { return s.Truncate(24 * time.Hour).Add(240 * time.Hour) }}
	qa, err1 := src.Queue(ctx, console.QueueQuery{}, rules)
	qb, err2 := dst.Queue(ctx, console.QueueQuery{}, rules)
	must(err1)
	must(err2)
	qa.Page.Next, qb.Page.Next = "", "" // each backend's own cursor
	same("queue", qa, qb)
	if i := slices.IndexFunc(qb.Page.Items, func(e console.QueueItem) bool { return e.ID == "f2" }); i < 0 ||
		!slices.Equal(qb.Page.Items[i].Concurred, []app.Role{app.RoleFinance}) {
		t.Fatalf("queue on PostgreSQL lost finance's concurrence: %+v", qb.Page.Items)
	}
	acct, err := dst.TokenAccount(ctx, sha("tok"), t0)
	if err != nil || acct.Login != "clerk" || acct.UnitName != "单位u1" {
		t.Fatalf("token after migration: %+v, %v", acct, err)
	}
	up, err := dst.Upload(ctx, "u1", sha("part"))
	if err != nil || up.Offset != 4 {
		t.Fatalf("upload after migration: %+v, %v", up, err)
	}
	pa, _ := src.Profile(ctx)
	pb, err := dst.Profile(ctx)
	must(err)
	same("profile", pa, pb)
	sa, err1 := src.Similar(ctx, "f1")
	sb, err2 := dst.Similar(ctx, "f1")
	must(err1)
	must(err2)
	if len(sb) == 0 || !slices.EqualFunc(sa, sb, func(a, b console.SimilarItem) bool { return a.ID == b.ID }) {
		t.Fatalf("similar projects: badger %+v, postgres %+v", sa, sb)
	}
	// The revision waiting for its attachment is settled by the upload on PostgreSQL.
	if _, err := dst.CompleteUpload(ctx, "u1", att.SHA256, bureaustore.Upload{Size: 3, Offset: 3, Created: t0, Updated: t0}, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if v, err := dst.Filing(ctx, "u1", "f3"); err != nil || len(v.Missing) != 0 || v.Filing.Filing.Status != app.StatusSubmitted {
		t.Fatalf("waiting revision after its upload on PostgreSQL: %+v, %v", v.Filing.Filing, err)
	}
	as, err1 := src.Accounts(ctx)
	bs, err2 := dst.Accounts(ctx)
	must(err1)
	must(err2)
	byLogin := func(a, b protocol.AdminAccount) int { return strings.Compare(a.Login, b.Login) }
	slices.SortFunc(as, byLogin)
	slices.SortFunc(bs, byLogin)
	same("accounts", as, bs)
	if len(bs) != 3 || !bs[2].Disabled || bs[1].UnitName != "单位u2（改名）" {
		t.Fatalf("accounts after migration: %+v", bs)
	}
	ua, err1 := src.Units(ctx)
	ub, err2 := dst.Units(ctx)
	must(err1)
	must(err2)
	byID := func(a, b protocol.Unit) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(ua, byID)
	slices.SortFunc(ub, byID)
	same("units", ua, ub)
	if u, err := dst.UnitByCode(ctx, "CODE-u2b"); err != nil || !u.Disabled {
		t.Fatalf("disabled unit after migration: %+v, %v", u, err)
	}
	if _, err := dst.TokenAccount(ctx, sha("tok2"), t0); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("token of a disabled unit's account after migration: %v", err)
	}
	ta, err1 := src.AccountTokens(ctx, "clerk")
	tb, err2 := dst.AccountTokens(ctx, "clerk")
	must(err1)
	must(err2)
	byHash := func(a, b protocol.AdminToken) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(ta, byHash)
	slices.SortFunc(tb, byHash)
	same("tokens of clerk", ta, tb)
	ra, err1 := src.Register(ctx)
	rb, err2 := dst.Register(ctx)
	must(err1)
	must(err2)
	bySys := func(a, b app.ExistingSystem) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(ra.Systems, bySys)
	slices.SortFunc(rb.Systems, bySys)
	same("register", ra, rb)
	if len(rb.Systems) != 2 || rb.File != "已建系统.xlsx" {
		t.Fatalf("register after migration: %+v", rb)
	}
	if !slices.ContainsFunc(sb, func(e console.SimilarItem) bool { return e.Registered && e.Title == "市级政务云平台建设" }) {
		t.Fatalf("similar projects on PostgreSQL lack the registered system: %+v", sb)
	}
	if _, err := BadgerToPostgres(ctx, dir, dst, nil); err == nil {
		t.Fatal("migrated into a database that has data")
	}
}
