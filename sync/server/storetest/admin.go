package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
	"egovdesk/sync/server/console"
)

// adminCases are the cases of the Administration methods of the storage
// seam (the console's admin pages) and the queue's counts.
var adminCases = []struct {
	name string
	fn   func(t *testing.T, st bureaustore.Storage)
}{
	{"AdminUpdateUnit", testUpdateUnit},
	{"AdminDisabledUnit", testDisabledUnit},
	{"AdminLastAdmin", testLastAdmin},
	{"AdminAccountsAndPassword", testAdminAccounts},
	{"AdminAccountTokens", testAccountTokens},
	{"AdminRegister", testRegister},
	{"QueueCounts", testQueueCounts},
}

func addAccount(t *testing.T, st bureaustore.Storage, a bureaustore.Account) {
	t.Helper()
	if a.Name == "" {
		a.Name = a.Login
	}
	if a.Created.IsZero() {
		a.Created = t0
	}
	if _, err := st.AddAccount(context.Background(), a); err != nil {
		t.Fatalf("AddAccount %s: %v", a.Login, err)
	}
}

func issueToken(t *testing.T, st bureaustore.Storage, hash, acct string, created time.Time) {
	t.Helper()
	if _, err := st.IssueToken(context.Background(), hash, bureaustore.Token{AccountID: acct, Label: "login " + acct,
		Created: created, Expires: created.Add(24 * time.Hour)}); err != nil {
		t.Fatalf("IssueToken: %v", err)
	}
}

func testUpdateUnit(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	u2 := addUnit(t, st, "u2")
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "政务云"), t0)
	got, err := st.UpdateUnit(ctx, "u1", "新名称", "NEW-CODE")
	if err != nil || got.ID != "u1" || got.Name != "新名称" || got.Code != "NEW-CODE" || !got.Created.Equal(t0) {
		t.Fatalf("UpdateUnit: %+v, %v", got, err)
	}
	if u, err := st.UnitByCode(ctx, "NEW-CODE"); err != nil || u.ID != "u1" || u.Name != "新名称" {
		t.Fatalf("UnitByCode of the new code: %+v, %v", u, err)
	}
	if _, err := st.UnitByCode(ctx, "CODE-u1"); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("UnitByCode of the old code: %v", err)
	}
	// The old code is free again, another unit's is not.
	if err := st.AddUnit(ctx, protocol.Unit{ID: "u3", Name: "第三", Code: "CODE-u1", Created: t0}); err != nil {
		t.Fatalf("AddUnit with the freed code: %v", err)
	}
	_, err = st.UpdateUnit(ctx, "u1", "新名称", u2.Code)
	wantErr(t, "UpdateUnit to another unit's code", err, bureaustore.ErrDuplicate)
	if u, _ := st.Unit(ctx, "u1"); u.Code != "NEW-CODE" {
		t.Fatalf("refused update stored: %+v", u)
	}
	_, err = st.UpdateUnit(ctx, "nope", "x", "X-CODE")
	wantErr(t, "UpdateUnit of an unknown unit", err, bureaustore.ErrNotFound)
	// The queue shows the new name.
	res, err := st.Queue(ctx, console.QueueQuery{}, rules(t0.Add(time.Hour)))
	if err != nil || len(res.Page.Items) != 1 || res.Page.Items[0].UnitName != "新名称" {
		t.Fatalf("queue after a rename: %+v, %v", res.Page.Items, err)
	}
	if res, err := st.Queue(ctx, console.QueueQuery{Text: "新名称"}, rules(t0.Add(time.Hour))); err != nil || len(res.Page.Items) != 1 {
		t.Fatalf("queue searched by the new name: %+v, %v", res.Page.Items, err)
	}
	if v, err := st.Filing(ctx, "", "f1"); err != nil || v.Unit.Name != "新名称" {
		t.Fatalf("filing's unit after a rename: %+v, %v", v.Unit, err)
	}
}

func testDisabledUnit(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	addAccount(t, st, bureaustore.Account{ID: "a1", Login: "clerk", Role: app.RoleUnit, UnitID: "u1"})
	addAccount(t, st, bureaustore.Account{ID: "a2", Login: "other", Role: app.RoleUnit, UnitID: "u2"})
	addAccount(t, st, bureaustore.Account{ID: "a3", Login: "rev", Role: app.RoleReviewer})
	issueToken(t, st, sha("t1"), "a1", t0)
	issueToken(t, st, sha("t2"), "a2", t0)
	issueToken(t, st, sha("t3"), "a3", t0)
	mustSubmit(t, st, "u1", sub(t, "f1", "r1", "", 1, "停用单位的材料"), t0)
	u, err := st.SetUnitDisabled(ctx, "u1", true)
	if err != nil || !u.Disabled || u.ID != "u1" || u.Name != "单位u1" {
		t.Fatalf("SetUnitDisabled: %+v, %v", u, err)
	}
	if u, err := st.Unit(ctx, "u1"); err != nil || !u.Disabled {
		t.Fatalf("Unit after disabling: %+v, %v", u, err)
	}
	_, err = st.TokenAccount(ctx, sha("t1"), t0)
	wantErr(t, "token of a disabled unit's account", err, bureaustore.ErrNotFound)
	for _, h := range []string{"t2", "t3"} {
		if _, err := st.TokenAccount(ctx, sha(h), t0); err != nil {
			t.Fatalf("token %s of a live account: %v", h, err)
		}
	}
	// The account itself stays enabled: AccountLive says no for its unit.
	a, err := st.AccountByLogin(ctx, "clerk")
	if err != nil || a.Disabled {
		t.Fatalf("account of a disabled unit: %+v, %v", a, err)
	}
	if bureaustore.AccountLive(a, &u) {
		t.Fatal("AccountLive of a disabled unit's account")
	}
	// Its filings stay.
	if v, err := st.Filing(ctx, "", "f1"); err != nil || v.Filing.Filing.ID != "f1" {
		t.Fatalf("filing of a disabled unit: %v", err)
	}
	if _, err := st.SetUnitDisabled(ctx, "u1", false); err != nil {
		t.Fatal(err)
	}
	if acct, err := st.TokenAccount(ctx, sha("t1"), t0); err != nil || acct.ID != "a1" {
		t.Fatalf("token after enabling the unit again: %+v, %v", acct, err)
	}
	_, err = st.SetUnitDisabled(ctx, "nope", true)
	wantErr(t, "SetUnitDisabled of an unknown unit", err, bureaustore.ErrNotFound)
}

func testLastAdmin(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addAccount(t, st, bureaustore.Account{ID: "a1", Login: "root", Role: app.RoleAdmin})
	addAccount(t, st, bureaustore.Account{ID: "a2", Login: "root2", Role: app.RoleAdmin})
	addAccount(t, st, bureaustore.Account{ID: "a3", Login: "rev", Role: app.RoleReviewer})
	issueToken(t, st, sha("t2"), "a2", t0)
	if err := st.SetAccountDisabled(ctx, "root2", true); err != nil {
		t.Fatalf("disable one of two admins: %v", err)
	}
	if a, _ := st.AccountByLogin(ctx, "root2"); !a.Disabled {
		t.Fatal("disabled admin not stored disabled")
	}
	_, err := st.TokenAccount(ctx, sha("t2"), t0)
	wantErr(t, "token of a disabled account", err, bureaustore.ErrNotFound)
	err = st.SetAccountDisabled(ctx, "root", true)
	wantErr(t, "disable the last enabled admin", err, bureaustore.ErrInvalid)
	if app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("last admin refused with %v, want EINVALID with the bureau's message", err)
	}
	if a, _ := st.AccountByLogin(ctx, "root"); a.Disabled {
		t.Fatal("the last admin was disabled")
	}
	// A reviewer is no admin; disabling one is not refused, nor is
	// disabling an admin already disabled, nor enabling.
	if err := st.SetAccountDisabled(ctx, "rev", true); err != nil {
		t.Fatalf("disable a reviewer: %v", err)
	}
	if err := st.SetAccountDisabled(ctx, "root2", true); err != nil {
		t.Fatalf("disable a disabled admin again: %v", err)
	}
	if err := st.SetAccountDisabled(ctx, "root2", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenAccount(ctx, sha("t2"), t0); err != nil {
		t.Fatalf("token of an enabled account: %v", err)
	}
	if err := st.SetAccountDisabled(ctx, "root", true); err != nil {
		t.Fatalf("disable an admin once another is enabled: %v", err)
	}
	err = st.SetAccountDisabled(ctx, "nope", true)
	wantErr(t, "disable an unknown login", err, bureaustore.ErrNotFound)
	// Two admins disabling each other at once: one of them stays enabled.
	if err := st.SetAccountDisabled(ctx, "root", false); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 2)
	done := make(chan struct{})
	for i, login := range []string{"root", "root2"} {
		go func() {
			defer func() { done <- struct{}{} }()
			errs[i] = st.SetAccountDisabled(ctx, login, true)
		}()
	}
	<-done
	<-done
	enabled := 0
	for _, login := range []string{"root", "root2"} {
		if a, _ := st.AccountByLogin(ctx, login); !a.Disabled {
			enabled++
		}
	}
	if enabled != 1 || (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("two admins disabled at once: %d enabled, errors %v", enabled, errs)
	}
}

func testAdminAccounts(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addAccount(t, st, bureaustore.Account{ID: "a1", Login: "clerk", Name: "张三", Role: app.RoleUnit, UnitID: "u1", Password: "$old"})
	addAccount(t, st, bureaustore.Account{ID: "a2", Login: "rev", Role: app.RoleReviewer, Disabled: true})
	as, err := st.Accounts(ctx)
	if err != nil || len(as) != 2 {
		t.Fatalf("Accounts: %+v, %v", as, err)
	}
	slices.SortFunc(as, func(a, b protocol.AdminAccount) int { return cmpString(a.Login, b.Login) })
	if c := as[0]; c.ID != "a1" || c.Name != "张三" || c.UnitName != "单位u1" || c.UnitCode != "CODE-u1" ||
		c.Role != app.RoleUnit || !c.Created.Equal(t0) || c.Disabled {
		t.Fatalf("Accounts[clerk]: %+v", c)
	}
	if r := as[1]; r.ID != "a2" || r.UnitID != "" || !r.Disabled {
		t.Fatalf("Accounts[rev]: %+v", r)
	}
	issueToken(t, st, sha("t1"), "a1", t0)
	issueToken(t, st, sha("t2"), "a1", t0.Add(time.Minute))
	if err := st.SetAccountPassword(ctx, "clerk", bureaustore.PasswordSet{Hash: "$new", Changed: t0}); err != nil {
		t.Fatal(err)
	}
	if a, _ := st.AccountByLogin(ctx, "clerk"); a.Password != "$new" {
		t.Fatalf("password after SetAccountPassword: %q", a.Password)
	}
	for _, h := range []string{"t1", "t2"} {
		_, err := st.TokenAccount(ctx, sha(h), t0.Add(time.Hour))
		wantErr(t, "token "+h+" after a new password", err, bureaustore.ErrNotFound)
	}
	err = st.SetAccountPassword(ctx, "nope", bureaustore.PasswordSet{Hash: "$x"})
	wantErr(t, "password of an unknown login", err, bureaustore.ErrNotFound)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testAccountTokens(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addAccount(t, st, bureaustore.Account{ID: "a1", Login: "rev", Role: app.RoleReviewer})
	addAccount(t, st, bureaustore.Account{ID: "a2", Login: "rev2", Role: app.RoleReviewer})
	issueToken(t, st, sha("t1"), "a1", t0)
	issueToken(t, st, sha("t2"), "a1", t0.Add(time.Minute))
	issueToken(t, st, sha("t3"), "a2", t0)
	ts, err := st.AccountTokens(ctx, "rev")
	if err != nil || len(ts) != 2 {
		t.Fatalf("AccountTokens: %+v, %v", ts, err)
	}
	slices.SortFunc(ts, func(a, b protocol.AdminToken) int { return a.Created.Compare(b.Created) })
	if ts[0].ID != sha("t1") || ts[1].ID != sha("t2") || ts[0].Label != "login a1" || !ts[1].Created.Equal(t0.Add(time.Minute)) ||
		!ts[0].Expires.Equal(t0.Add(24*time.Hour)) || ts[0].Revoked || ts[1].Revoked {
		t.Fatalf("AccountTokens: %+v", ts)
	}
	if err := st.RevokeAccountToken(ctx, "rev", ts[0].ID); err != nil {
		t.Fatal(err)
	}
	_, err = st.TokenAccount(ctx, sha("t1"), t0)
	wantErr(t, "revoked token", err, bureaustore.ErrNotFound)
	if _, err := st.TokenAccount(ctx, sha("t2"), t0.Add(time.Hour)); err != nil {
		t.Fatalf("the other token after revoking one: %v", err)
	}
	ts, _ = st.AccountTokens(ctx, "rev")
	revoked := 0
	for _, tok := range ts {
		if tok.Revoked {
			revoked++
			if tok.ID != sha("t1") {
				t.Fatalf("revoked the wrong token: %+v", ts)
			}
		}
	}
	if len(ts) != 2 || revoked != 1 {
		t.Fatalf("tokens after revoking one: %+v", ts)
	}
	// Another account's token, an unknown one, an unknown login.
	err = st.RevokeAccountToken(ctx, "rev", sha("t3"))
	wantErr(t, "revoke another account's token", err, bureaustore.ErrNotFound)
	if _, err := st.TokenAccount(ctx, sha("t3"), t0); err != nil {
		t.Fatalf("another account's token after a refused revocation: %v", err)
	}
	wantErr(t, "revoke an unknown token", st.RevokeAccountToken(ctx, "rev", sha("nope")), bureaustore.ErrNotFound)
	wantErr(t, "revoke an empty ID", st.RevokeAccountToken(ctx, "rev", ""), bureaustore.ErrNotFound)
	wantErr(t, "revoke of an unknown login", st.RevokeAccountToken(ctx, "nope", sha("t1")), bureaustore.ErrNotFound)
	_, err = st.AccountTokens(ctx, "nope")
	wantErr(t, "tokens of an unknown login", err, bureaustore.ErrNotFound)
	// Pruned tokens are no longer listed.
	if _, err := st.PruneTokens(ctx, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ts, _ := st.AccountTokens(ctx, "rev"); len(ts) != 1 || ts[0].ID != sha("t2") {
		t.Fatalf("tokens after pruning: %+v", ts)
	}
}

func testRegister(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	if reg, err := st.Register(ctx); err != nil || len(reg.Systems) != 0 || !reg.Imported.IsZero() {
		t.Fatalf("Register before any: %+v, %v", reg, err)
	}
	goals := "建设全市统一的政务云平台，整合各部门的计算和存储资源，提供弹性扩容和统一运维能力。"
	mustSubmit(t, st, "u1", declaration(t, "f1", "市级政务云平台扩容项目", goals), t0)
	// Enough unrelated systems that a backend ranking only a few
	// candidates still meets the one that matters.
	var systems []app.ExistingSystem
	for i := range 120 {
		systems = append(systems, app.ExistingSystem{ID: "ignored", Name: fmt.Sprintf("第%d号业务系统", i),
			Owner: "某局", Content: fmt.Sprintf("办理第%d类行政许可事项的受理和审批。", i)})
	}
	systems = append(systems, app.ExistingSystem{Name: "市级政务云平台", Owner: "市大数据中心", Content: goals, Year: 2021})
	meta := bureaustore.RegisterMeta{Imported: t0, By: "root", File: "已建系统.xlsx"}
	if err := st.ReplaceRegister(ctx, systems, meta); err != nil {
		t.Fatal(err)
	}
	reg, err := st.Register(ctx)
	if err != nil || len(reg.Systems) != len(systems) || !reg.Imported.Equal(t0) || reg.By != "root" || reg.File != "已建系统.xlsx" {
		t.Fatalf("Register: %d systems, %+v, %v", len(reg.Systems), reg.Imported, err)
	}
	ids := map[string]bool{}
	for _, s := range reg.Systems {
		if len(s.ID) <= len(bureaustore.RegisteredPrefix) || s.ID[:len(bureaustore.RegisteredPrefix)] != bureaustore.RegisteredPrefix || ids[s.ID] {
			t.Fatalf("registered system's ID %q: want unique, starting with %q", s.ID, bureaustore.RegisteredPrefix)
		}
		ids[s.ID] = true
	}
	got, err := st.Similar(ctx, "f1")
	if err != nil || len(got) == 0 {
		t.Fatalf("Similar with a register: %+v, %v", got, err)
	}
	if e := got[0]; !e.Registered || e.Title != "市级政务云平台" || e.UnitName != "市大数据中心" || e.Year != 2021 ||
		!ids[e.ID] || e.Score < bureaustore.SimilarFloor {
		t.Fatalf("Similar(f1)[0]: %+v, want the registered 市级政务云平台", e)
	}
	// Replaced: the old systems leave the register and the similar projects.
	other := []app.ExistingSystem{{Name: "中小学食堂视频监控", Owner: "教育局", Content: "为全区中小学食堂安装高清摄像头。"}}
	if err := st.ReplaceRegister(ctx, other, bureaustore.RegisterMeta{Imported: t0.Add(time.Hour), By: "root2", File: "b.xlsx"}); err != nil {
		t.Fatal(err)
	}
	reg, err = st.Register(ctx)
	if err != nil || len(reg.Systems) != 1 || reg.Systems[0].Name != "中小学食堂视频监控" || reg.By != "root2" || !reg.Imported.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Register after a replacement: %+v, %v", reg, err)
	}
	got, err = st.Similar(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if e.Registered {
			t.Fatalf("Similar after the register was replaced lists %+v", e)
		}
	}
	// A declaration filed later still finds the registered systems.
	mustSubmit(t, st, "u1", declaration(t, "f2", "中小学食堂视频监控", "为全区中小学食堂安装高清摄像头。"), t0)
	if got, err := st.Similar(ctx, "f2"); err != nil || len(got) != 1 || !got[0].Registered || got[0].UnitName != "教育局" {
		t.Fatalf("Similar(f2): %+v, %v", got, err)
	}
	if err := st.ReplaceRegister(ctx, nil, bureaustore.RegisterMeta{Imported: t0.Add(2 * time.Hour), By: "root"}); err != nil {
		t.Fatal(err)
	}
	if reg, err := st.Register(ctx); err != nil || len(reg.Systems) != 0 {
		t.Fatalf("Register emptied: %+v, %v", reg, err)
	}
	if got, err := st.Similar(ctx, "f2"); err != nil || len(got) != 0 {
		t.Fatalf("Similar(f2) with an empty register: %+v, %v", got, err)
	}
}

// subOf returns a submission of revision 1 of a filing of kind.
func subOf(t *testing.T, fid string, kind app.Kind) *bureaustore.Submission {
	t.Helper()
	s := sub(t, fid, "r"+fid, "", 1, "项目"+fid)
	b := &s.Body
	b.Kind = kind
	switch kind {
	case app.KindCatalogue:
		b.Declaration, b.Catalogue = nil, &app.Catalogue{}
	case app.KindTrialReport:
		b.Declaration, b.TrialReport = nil, &app.TrialReport{ProjectName: "项目" + fid}
	case app.KindAcceptance:
		b.Declaration, b.Acceptance = nil, &app.Acceptance{}
	}
	data, sum, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	s.Request.Body, s.Request.BodySHA256 = data, sum
	return s
}

func testQueueCounts(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	addUnit(t, st, "u2")
	kinds := []app.Kind{app.KindDeclaration, app.KindDeclaration, app.KindDeclaration, app.KindCatalogue,
		app.KindCatalogue, app.KindTrialReport, app.KindAcceptance}
	for i, k := range kinds {
		mustSubmit(t, st, []string{"u1", "u2"}[i%2], subOf(t, fmt.Sprintf("f%d", i), k), t0.Add(time.Duration(i)*time.Minute))
	}
	// f0 and f3 move on to preliminary review, f1 leaves the queue.
	decide(t, st, bureaustore.Decision{FilingID: "f0", Action: app.ActionAccept})
	decide(t, st, bureaustore.Decision{FilingID: "f3", Action: app.ActionAccept})
	decide(t, st, bureaustore.Decision{FilingID: "f1", Action: app.ActionReturn, Comment: "请补充"})
	// The counts must match the queue as its pages list it.
	type key struct {
		kind app.Kind
		st   app.Status
	}
	want := map[key]int{}
	res, err := st.Queue(ctx, console.QueueQuery{Limit: 100}, rules(t0.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Page.Items {
		want[key{e.Kind, e.Status}]++
	}
	if len(res.Page.Items) != 6 || want[key{app.KindDeclaration, app.StatusPreliminary}] != 1 ||
		want[key{app.KindCatalogue, app.StatusPreliminary}] != 1 {
		t.Fatalf("queue: %+v", res.Page.Items)
	}
	check := func(q console.QueueQuery, matching int, known bool) {
		t.Helper()
		q.Limit = 100
		res, err := st.Queue(ctx, q, rules(t0.Add(time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		c := res.Page.Counts
		if c.Total != 6 || c.MatchingKnown != known || (known && c.Matching != matching) {
			t.Fatalf("counts under %+v: %+v, want total 6, matching %d (known %v)", q, c, matching, known)
		}
		if known && len(res.Page.Items) != matching {
			t.Fatalf("counts under %+v say %d matching, the page lists %d", q, matching, len(res.Page.Items))
		}
		byKind, byStatus := map[app.Kind]int{}, map[app.Status]int{}
		for k, n := range want {
			byKind[k.kind] += n
			byStatus[k.st] += n
		}
		// Both ways: every kind and status listed is counted, and nothing
		// else is (a count of 0 is as good as none).
		for k := range merge(byKind, c.ByKind) {
			if c.ByKind[k] != byKind[k] {
				t.Fatalf("counts by kind %+v, want %v", c.ByKind, byKind)
			}
		}
		for s := range merge(byStatus, c.ByStatus) {
			if c.ByStatus[s] != byStatus[s] {
				t.Fatalf("counts by status %+v, want %v", c.ByStatus, byStatus)
			}
		}
	}
	check(console.QueueQuery{}, 6, true)
	check(console.QueueQuery{Kind: app.KindDeclaration}, 2, true)
	check(console.QueueQuery{Status: app.StatusPreliminary}, 2, true)
	check(console.QueueQuery{Kind: app.KindCatalogue, Status: app.StatusSubmitted}, 1, true)
	check(console.QueueQuery{UnitID: "u1"}, 0, false)
	check(console.QueueQuery{Text: "项目"}, 0, false)
	check(console.QueueQuery{Year: 2027}, 0, false)
	// The rules themselves, as every backend applies them.
	c := bureaustore.NewQueueCounts(console.QueueQuery{Kind: app.KindAcceptance})
	bureaustore.AddQueueCount(&c, console.QueueQuery{Kind: app.KindAcceptance}, app.KindAcceptance, app.StatusExpert, 2)
	bureaustore.AddQueueCount(&c, console.QueueQuery{Kind: app.KindAcceptance}, app.KindCatalogue, app.StatusExpert, 3)
	if c.Total != 5 || c.Matching != 2 || !c.MatchingKnown || c.ByStatus[app.StatusExpert] != 5 {
		t.Fatalf("AddQueueCount: %+v", c)
	}
	// Approved, returned: out of the queue and out of its counts.
	decide(t, st, bureaustore.Decision{FilingID: "f0", Action: app.ActionPass})
	decide(t, st, bureaustore.Decision{FilingID: "f0", Action: app.ActionApprove})
	res, _ = st.Queue(ctx, console.QueueQuery{Limit: 100}, rules(t0.Add(time.Hour)))
	if res.Page.Counts.Total != len(res.Page.Items) || res.Page.Counts.Matching != len(res.Page.Items) {
		t.Fatalf("counts after an approval: %+v for %d items", res.Page.Counts, len(res.Page.Items))
	}
}

// merge returns the keys of a and b.
func merge[K comparable](a, b map[K]int) map[K]bool {
	out := map[K]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
