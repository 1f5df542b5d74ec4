package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
)

// TestSeedLeavesDraftsSubmittableToday: the seed runs against a real demo
// bureau (cmd/bureau, built here) on today's clock, and the drafts it leaves
// for the clerk carry only the problems it means to show, none of them a
// date ahead of today: `make run` seeded a trial report that ended in 2027,
// which on a 2026 clock no edit of the clerk's but the dates could send.
// Under every profile's demo, not 霍邱's alone: under 武汉 the catalogue
// and the trial report were 霍邱县城关镇人民政府's, another unit's.
func TestSeedLeavesDraftsSubmittableToday(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bureau")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bureau")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "egovdesk/cmd/bureau")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the bureau: %v\n%s", err, out)
	}
	for _, prof := range []string{"huoqiu", "wuhan", "yunan"} {
		t.Run(prof, func(t *testing.T) { seedUnder(ctx, t, bin, prof) })
	}
}

func seedUnder(ctx context.Context, t *testing.T, bin, prof string) {
	tmp := t.TempDir()
	bureau := exec.CommandContext(ctx, bin, "demo", "-data", filepath.Join(tmp, "bureau-data"), "-addr", "127.0.0.1:0", "-log-level", "info", "-profile", prof)
	out, err := bureau.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	bureau.Stdout = bureau.Stderr
	if err := bureau.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = bureau.Process.Kill(); _ = bureau.Wait() }()
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := re.FindString(sc.Text()); m != "" {
				select {
				case addr <- m:
				default:
				}
			}
		}
	}()
	var url string
	select {
	case url = <-addr:
	case <-ctx.Done():
		t.Fatal("the demo bureau never said where it listens")
	}

	dir := filepath.Join(tmp, "client")
	var sd seeded
	if err := run(ctx, url, dir, "chengguan", "chengguan-demo", "shenhe", "shenhe-demo", &sd); err != nil {
		t.Fatalf("seed: %v", err)
	}
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	approved, err := st.Get(ctx, sd.approved)
	if err != nil {
		t.Fatal(err)
	}
	if sd.prof.ID != prof {
		t.Fatalf("seeded under %s, want %s", sd.prof.ID, prof)
	}
	// The demo is the place's: its unit registered there, its projects
	// named after it (under 天宁 the unit had a 霍邱 code and the projects
	// were 城关镇's; a walkthrough).
	if got := unitCode[2:8]; got != places[prof].region {
		t.Errorf("the demo unit %s (%s) is registered in %s, not the profile's %s", unitName, unitCode, got, places[prof].region)
	}
	// Declared now for this year, it is not late against last year's
	// 申报截止 (霍邱's dossier read 逾期 524 天; seen in the real window).
	if by := sd.prof.Dossier(approved.ID, []*app.Filing{approved}, time.Now()).ByFiling[approved.ID]; by.LateDays() > 0 {
		t.Errorf("the demo's approved project is %d days late against %s", by.LateDays(), by.Label)
	}
	if !strings.HasPrefix(approved.Title(), places[prof].town) || prof != "huoqiu" && strings.Contains(approved.Title(), "城关镇") {
		t.Errorf("the approved project is named %q under %s", approved.Title(), prof)
	}
	// The later draft is one the project's rules take: under 郁南 the
	// demo's 公共类 project had a 验收后备案 郁南 takes of 专业类 ones only.
	later, err := st.Get(ctx, sd.later)
	if err != nil {
		t.Fatal(err)
	}
	if err := sd.prof.Takes(later.Kind, later.Type(), approved.Declaration); err != nil || !sd.prof.ForProject(later.Kind, approved.Declaration) {
		t.Errorf("the later draft, a %s, is not for the project: %v", later.Kind.Label(), err)
	}
	// and so is every draft of the project (郁南 drafted a 验收前置审核申请 of
	// a 备案 project, which accepts itself)
	for _, id := range []string{sd.trial, sd.acceptance, sd.catalogue} {
		if id == "" {
			continue
		}
		f, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if f.ProjectID == approved.ID && !sd.prof.ForProject(f.Kind, approved.Declaration) {
			t.Errorf("the demo drafted a %s of its approved project, which the rules do not take of it", sd.prof.KindName(f.Kind))
		}
	}
	// The reviewer finds one declaration waiting: the seed's queue was
	// empty, and trying the demo as the reviewer began with submitting as
	// the clerk.
	rc, err := client.New(ctx, url, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Login(ctx, "shenhe", "shenhe-demo"); err != nil {
		t.Fatal(err)
	}
	queue, err := rc.ReviewQueue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 1 || queue[0].ID != sd.waiting || queue[0].Status != app.StatusSubmitted {
		t.Errorf("the reviewer's queue after the seed: %+v, want the waiting declaration %s alone, 已提交", queue, sd.waiting)
	}
	if items, err := st.Outbox(ctx); err != nil || len(items) != 0 {
		t.Errorf("outbox after the seed: %d items (%v): something was not delivered", len(items), err)
	}
	now := time.Now()
	// Each later draft and what it is meant to show (kinds.go); none of
	// them a date ahead of today, nor another unit's name. A profile with
	// no minimum trial has nothing against the three weeks, and one that
	// does not ask for the contract at acceptance asks for others.
	trialMeant, accMeant := "trial_end", "materials.contract"
	if sd.prof.TrialMinMonths == 0 {
		trialMeant = ""
	}
	if !slices.Contains(sd.prof.AcceptanceMaterials, "contract") {
		accMeant = "materials."
	}
	for _, d := range []struct{ id, meant string }{
		{sd.catalogue, "share_condition"}, // shared on conditions without one
		{sd.trial, trialMeant},            // three weeks, short of the month
		{sd.acceptance, accMeant},         // the contract not attached yet
	} {
		if d.id == "" && d.meant == accMeant && sd.prof.KindNotFor(app.KindAcceptance, approved.Declaration) != "" {
			continue // 郁南's 备案 project accepts itself (第二十一条第二款)
		}
		f, err := st.Get(ctx, d.id)
		if err != nil {
			t.Fatal(err)
		}
		shown := d.meant == ""
		if f.Acceptance != nil && !strings.HasPrefix(f.Acceptance.ApprovalRef, places[prof].ref+"〔") {
			// 六安's demo approval read 霍数管〔2026〕8号 (a walkthrough)
			t.Errorf("the acceptance's approval number %q is not %s's", f.Acceptance.ApprovalRef, prof)
		}
		problems := append(app.FieldErrors(app.CheckProjectBody(f.Body(), sd.prof, approved.Declaration, now)),
			app.CheckOwnUnit(f.Body(), sd.prof, unitName, unitCode)...)
		for _, p := range append(problems, app.CheckProjectDates(f.Body(), approved.Declaration)...) {
			t.Logf("%s: %s: %s", f.Kind.Label(), p.Field, p.Message)
			switch {
			case strings.Contains(p.Message, "今天"):
				t.Errorf("%s draft: a date the clerk did not make: %s: %s", f.Kind.Label(), p.Field, p.Message)
			case strings.Contains(p.Message, "本账号所属单位"):
				t.Errorf("%s draft: another unit's: %s: %s", f.Kind.Label(), p.Field, p.Message)
			case d.meant == "":
				t.Errorf("%s draft: a problem it is not meant to show: %s: %s", f.Kind.Label(), p.Field, p.Message)
			}
			shown = shown || strings.Contains(p.Field, d.meant)
		}
		if !shown {
			t.Errorf("%s draft: no problem at %s, which it is meant to show", f.Kind.Label(), d.meant)
		}
	}
}
