//go:build ci

package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"egovdesk/app"
	"egovdesk/app/apptest"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

const password = bureautest.Password

// MustBureau starts the real bureau server over Badger in a temporary
// directory on a loopback port, with 霍邱县's profile, one unit, its clerk
// and a reviewer. It returns the bureau's address.
func MustBureau(tb testing.TB) string {
	tb.Helper()
	return mustBureauWith(tb, "huoqiu")
}

// mustBureauWith is MustBureau with the profile of assets/profiles/<profile>.json.
func mustBureauWith(tb testing.TB, profile string) string {
	tb.Helper()
	return mustBureauNamed(tb, profile, bureauNames{unit: "霍邱县城关镇人民政府", clerk: "李梅", reviewer: "王审核"})
}

// bureauNames are the names of the test bureau's unit and accounts.
type bureauNames struct{ unit, clerk, reviewer string }

// mustBureauNamed is mustBureauWith with the unit and accounts named n.
func mustBureauNamed(tb testing.TB, profile string, n bureauNames) string {
	tb.Helper()
	ctx := context.Background()
	b := bureautest.Start(tb, bureautest.Options{BadgerOnly: true, Config: func(cfg *server.Config) { cfg.LongPoll = time.Second }})
	srv := b.Server
	data, err := os.ReadFile("../../assets/profiles/" + profile + ".json")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := srv.SetProfile(ctx, profile+".json", data); err != nil {
		tb.Fatal(err)
	}
	unit := b.AddUnit(n.unit, "11341522003064951U")
	b.AddAccount("clerk", n.clerk, app.RoleUnit, unit.ID)
	b.AddAccount("reviewer", n.reviewer, app.RoleReviewer, "")
	return b.URL
}

// find returns the first object under o that match accepts.
func find[T fyne.CanvasObject](tb testing.TB, o fyne.CanvasObject, what string, match func(T) bool) T {
	tb.Helper()
	var found T
	ok := false
	walkAll(o, func(c fyne.CanvasObject) {
		if v, is := as[T](c); is && !ok && match(v) {
			found, ok = v, true
		}
	})
	if !ok {
		tb.Fatalf("no %s on screen", what)
	}
	return found
}

// The whole round trip against the real bureau: the clerk connects on the
// first-run screen, submits a declaration from the editor, the syncer
// delivers it, a reviewer returns it with a comment, the next pass brings
// the decision back as an OS notification and an unread inbox entry; opening
// the entry shows the comment and marks it read; the timeline offers
// 修改后重新提交, which opens an editable second revision.
func TestRoundTripWithARealBureau(t *testing.T) {
	addr := MustBureau(t)
	files, notes := &pickedFiles{}, &notices{}
	d, w := mustDeskWith(t, t.TempDir(), func(o *deskOptions) { o.files, o.notifier = files, notes })
	c := clerkOf(t, d)
	ctx := context.Background()
	d.ui.Start()
	d.pump()

	// First run: connect.
	content := w.Content()
	entry := func(placeholder string) *widget.Entry {
		return find(t, content, placeholder, func(e *widget.Entry) bool { return e.PlaceHolder == placeholder })
	}
	test.Type(entry("https://sgj.example.gov.cn:8443"), addr)
	test.Type(entry("数管局分配的账号"), "clerk")
	test.Type(entry("密码"), password)
	test.Tap(find(t, content, "连接数管局", func(b *widget.Button) bool { return b.Text == "连接数管局" }))
	// The session is stored before the setup screen hands over to the list;
	// wait for the list too, or it would close the editor opened below.
	d.eventually(t, "the login", func() bool { return d.link.Session().Configured && c.homeShown() })
	if s := d.link.Session(); s.Actor != "李梅" || s.UnitName != "霍邱县城关镇人民政府" || d.link.Profile().ID != "huoqiu" {
		t.Fatalf("session %+v, profile %v", s, d.link.Profile().ID)
	}

	// A declaration drafted earlier; the clerk confirms, attaches, submits.
	f, err := app.NewFiling(app.KindDeclaration, "7e6f4c1a-1d2b-4c3d-8e9f-a0b1c2d3e4f5", "7e6f4c1a-1d2b-4c3d-8e9f-a0b1c2d3e4f6", d.link.Session().UnitID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	if err := d.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	d.ui.OpenFiling(f.ID)
	tickConfirmations(c)
	attachMissing(c, files, f.ID)
	if ps := c.submit(); ps != "" {
		t.Fatalf("problems left:\n%s", ps)
	}
	tapDialogButton(t, w, "Yes", "是")
	d.eventually(t, "the outbox item", func() bool { n, _ := d.store.PendingCount(ctx); return n == 1 })

	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v (%+v)", err, d.link.Status())
	}
	d.eventually(t, "已送达 in the editor", func() bool { return strings.Contains(c.text(), "已送达") })

	// The reviewer returns it with a comment.
	rc, err := client.New(ctx, addr, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Login(ctx, "reviewer", password); err != nil {
		t.Fatal(err)
	}
	const comment = "请补充与县级平台对接的接口清单，并细化密码应用方案。"
	if _, err := decideOn(ctx, rc, f.ID, protocol.DecisionRequest{Action: app.ActionReturn, Comment: comment}); err != nil {
		t.Fatal(err)
	}

	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	d.eventually(t, "the notification", func() bool { return len(notes.all()) == 1 })
	if n := notes.all()[0]; n.Title != "《霍邱县城关镇智慧社区管理平台》第 1 版："+app.ActionReturn.Label() || n.Body != comment || n.FilingID != f.ID {
		t.Errorf("notification %q: %q about %s, want the return of %s with the comment", n.Title, n.Body, n.FilingID, f.ID)
	}

	// The inbox: unread, then read once opened.
	inbox, err := d.store.Inbox(ctx)
	if err != nil || len(inbox) != 1 || inbox[0].Read {
		t.Fatalf("inbox %+v, %v", inbox, err)
	}
	d.ui.ShowHome()
	d.eventually(t, "the counts line with the decision", func() bool { // read off the Fyne thread
		return strings.Contains(c.text(), "未读批复 1 条")
	})
	openInboxEntry(c, inbox[0])
	if txt := c.pane(comment); !strings.Contains(txt, comment) || !strings.Contains(txt, "退回修改") {
		t.Errorf("inbox entry shows:\n%s", txt)
	}
	d.eventually(t, "read", func() bool { n, _ := d.store.UnreadCount(ctx); return n == 0 })

	// The timeline, and a new revision.
	d.ui.OpenTimeline(f.ID)
	d.eventually(t, "the timeline read", func() bool { return c.hasButton("修改后重新提交") }) // read off the Fyne thread
	if txt := c.pane(comment); !strings.Contains(txt, comment) {
		t.Errorf("timeline lacks the comment:\n%s", txt)
	}
	test.Tap(find(t, w.Content(), "修改后重新提交", func(b *widget.Button) bool { return b.Text == "修改后重新提交" && b.Visible() }))
	d.eventually(t, "the second revision", c.editable)
	g, err := d.store.Get(ctx, f.ID)
	if err != nil || g.Revision.Number != 2 || g.Revision.Submitted() {
		t.Fatalf("after 修改后重新提交: revision %+v, %v", g.Revision, err)
	}
}

// A submission whose attachment file went missing on this computer is set
// aside with the reason; once the file is back, 重新发送 queues it again and
// it is delivered.
func TestRetryAfterAMissingAttachment(t *testing.T) {
	addr := MustBureau(t)
	d, _ := MustDesk(t)
	ctx := context.Background()
	if err := d.link.Connect(ctx, addr, "clerk", password); err != nil {
		t.Fatal(err)
	}
	d.ui.Start()
	d.pump()

	f, err := app.NewFiling(app.KindDeclaration, "5a1d7c3e-2b4f-4e6a-9c8d-0e1f2a3b4c5d", "5a1d7c3e-2b4f-4e6a-9c8d-0e1f2a3b4c5e", d.link.Session().UnitID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.Declaration = apptest.Declaration()
	prof := d.link.Profile()
	for _, c := range prof.Evaluate(f.Declaration, time.Now()).Checklist {
		f.Declaration.Confirmations = append(f.Declaration.Confirmations, c.ID)
	}
	var atts []app.Attachment
	for _, need := range prof.Evaluate(f.Declaration, time.Now()).Materials {
		atts = append(atts, importPDF(t, d, need.Label+".pdf", need.Codes[0]))
	}
	f.Attachments = atts
	if err := d.store.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.Submit(ctx, f.ID, "李梅", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(d.blobs.Path(atts[0].SHA256)); err != nil {
		t.Fatal(err)
	}
	_ = d.link.SyncOnce(ctx)

	d.ui.OpenFiling(f.ID)
	c := clerkOf(t, d)
	d.eventually(t, "the set-aside state", func() bool {
		return strings.Contains(c.text(), "未能发送，须处理") && c.hasButton("重新发送")
	})

	importPDF(t, d, atts[0].Name, atts[0].Material) // the clerk puts the file back
	c.tap("重新发送")
	d.eventually(t, "queued again", func() bool {
		items, _ := d.store.Outbox(ctx)
		return len(items) == 1 && items[0].LastError == ""
	})
	if err := d.link.SyncOnce(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	d.eventually(t, "已送达", func() bool {
		return strings.Contains(c.text(), "已送达") && !c.hasButton("重新发送")
	})
}

// The unit's 统一社会信用代码 is known once connected (the bureau names units
// by it): a new declaration and a new catalogue start with it filled in.
func TestNewFilingsKnowTheUnitsCode(t *testing.T) {
	addr := MustBureau(t)
	d, _ := MustDesk(t)
	if err := d.link.Connect(context.Background(), addr, "clerk", password); err != nil {
		t.Fatal(err)
	}
	d.ui.Start()
	d.pump()
	c := clerkOf(t, d)
	c.newFiling(d.ui.NewDeclaration)
	if got := c.entry("统一社会信用代码").Text; got != "11341522003064951U" {
		t.Errorf("a new declaration's 统一社会信用代码 is %q", got)
	}
	id := c.newFiling(func() { d.ui.NewFiling(app.KindCatalogue) })
	f, err := d.store.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if f.Catalogue.ProviderCode != "11341522003064951U" {
		t.Errorf("a new catalogue's 提供方代码 is %q", f.Catalogue.ProviderCode)
	}
}

// decideOn takes a reviewer's decision on filing id as rc reads it now,
// as a careful script does: the review detail's ETag in If-Match.
func decideOn(ctx context.Context, rc *client.Client, id string, req protocol.DecisionRequest) (protocol.DecisionResponse, error) {
	d, err := rc.ReviewFiling(ctx, id)
	if err != nil {
		return protocol.DecisionResponse{}, err
	}
	return rc.DecideOn(ctx, d, req)
}
