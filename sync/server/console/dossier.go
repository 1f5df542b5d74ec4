package console

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"egovdesk/app"
)

// dossierView is a project's dossier as a filing page shows it beside the
// filing: the project's filings as the bureau holds them, and its
// deadlines with whether, and when, each was met. A reviewer on a
// declaration saw none of its later filings, and on a 验收后备案 nothing
// said it came a week after its 10 working days (a walkthrough under 天宁).
type dossierView struct {
	Name       string
	Entries    []dossierEntryView
	Deadlines  []deadlineView
	Terminated string // when its 项目终止 reached the bureau: no deadlines are counted since
}

type dossierEntryView struct {
	ID, Title, Kind, State string
	Revision               int
	Sent                   string // when it first reached the bureau
	Current                bool   // the filing the page shows
	Late                   int    // days after the deadline it met
}

// deadlineView is one deadline as the reviewer reads it: its last day
// with how it was counted, its rule and where the regulation says it, and
// its state (Class: good, bad, late or "").
type deadlineView struct {
	Label, Due, State, Class, Source, Note string
}

// lateView is the deadline the filing shown met, and met late.
type lateView struct {
	Label, Due, Sent, Source string
	Days                     int
}

// dossierOf returns the view of ds for the page of filing current, and
// the deadline current met late (nil when it met none, or on time).
func dossierOf(prof *app.Profile, ds app.Dossier, current string, now time.Time) (*dossierView, *lateView) {
	v := &dossierView{Name: ds.Name, Terminated: day(ds.Terminated)}
	route := ""
	if ds.Declaration != nil {
		route = prof.DeclarationRoute(ds.Declaration.Declaration)
	}
	for _, e := range ds.Entries {
		ev := dossierEntryView{ID: e.FilingID, Title: prof.ShownTitle(e.Kind, e.Title), Kind: prof.KindName(e.Kind),
			State: prof.StatusOn(e.Status, e.Kind, route), Revision: e.Revision, Current: e.FilingID == current,
			Late: ds.ByFiling[e.FilingID].LateDays()}
		if ev.Title == "" {
			ev.Title = ev.Kind
		}
		if !e.FirstSent.IsZero() {
			ev.Sent = day(e.FirstSent)
		}
		v.Entries = append(v.Entries, ev)
	}
	for _, dl := range ds.Deadlines {
		v.Deadlines = append(v.Deadlines, deadlineOf(ds, dl, now))
	}
	var late *lateView
	if dl, ok := ds.ByFiling[current]; ok && dl.LateDays() > 0 {
		late = &lateView{Label: dl.Label, Due: dueText(dl.Deadline), Sent: day(dl.MetOn), Source: dl.Source, Days: dl.LateDays()}
	}
	return v, late
}

// deadlineOf says one deadline of a project at now.
func deadlineOf(ds app.Dossier, dl app.DossierDeadline, now time.Time) deadlineView {
	v := deadlineView{Label: dl.Label, Source: dl.Source, Due: "及时（无固定日期）"}
	_, happened := ds.Events[dl.Anchor]
	switch {
	case !dl.Known() && !happened && (dl.Anchor == app.AnchorGoLive || dl.Anchor == app.AnchorCompletion ||
		dl.Anchor == app.AnchorAcceptance || dl.Anchor == app.AnchorApproval):
		// counted from an event still ahead
		v.Due = fmt.Sprintf("自%s起算（尚未%s）", app.AnchorLabel(dl.Anchor), app.AnchorLabel(dl.Anchor))
	case dl.Known():
		v.Due = dueText(dl.Deadline) + " 前"
	}
	// What meets the deadline names its state: a filing is 已报送, decided
	// or not (a declaration's 申报截止 too); a deadline counted to the
	// project's acceptance (组织验收, an approval's validity) is met by
	// passing it; nobody "completes" an expiry (found in a walkthrough).
	done, pending := "已完成", "待完成"
	switch {
	case dl.Kind != "" || dl.Anchor == app.AnchorPlanYear:
		done, pending = "已报送", "待报送"
	case dl.Anchor == app.AnchorCompletion || dl.Anchor == app.AnchorApproval:
		done, pending = "已通过验收", "尚未通过验收"
	}
	switch {
	case dl.Bureau:
		// the bureau's own step, timed by the plan year: neither met nor
		// missed by a declaration (it read 已完成 once one arrived)
		v.State = "本局办理的环节"
	case dl.Met && dl.LateDays() > 0:
		v.State, v.Class = fmt.Sprintf("%s（%s，逾期 %d 天）", done, day(dl.MetOn), dl.LateDays()), "late"
	case dl.Met && !dl.MetOn.IsZero():
		v.State, v.Class = fmt.Sprintf("%s（%s）", done, day(dl.MetOn)), "good"
	case dl.Met:
		v.State, v.Class = done, "good"
	case dl.Overdue:
		v.State, v.Class = fmt.Sprintf("已逾期 %d 天", dl.OverdueDays(now)), "bad"
	default:
		v.State = pending
	}
	if dl.Estimated() && (!dl.Met || dl.LateDays() > 0) { // lateness counted against an estimate
		v.Note = fmt.Sprintf("尚未载入 %s 年的法定节假日安排，期限暂按周一至周五估算。", yearsText(dl.Unknown))
	}
	if !dl.Since.IsZero() {
		v.Note = strings.TrimSpace(v.Note + fmt.Sprintf(" 本项目于 %s 首次通过本系统报送，此前各年度不在此计算。", day(dl.Since)))
	}
	return v
}

// dueText is a deadline's last day, with how it was counted when it is
// not the regulation's own day.
func dueText(d app.Deadline) string {
	s := d.Due.Format(dateLayout)
	if d.Estimated() {
		s += "（估算）"
	}
	if d.Planned != "" {
		s += fmt.Sprintf("（按建设周期 %s 结束推算）", d.Planned)
	}
	return s
}

// day is t's date in Beijing, as the console writes dates; "" for none.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(app.Beijing).Format(dateLayout)
}

// yearsText lists years as 2025、2026.
func yearsText(ys []int) string {
	out := make([]string, len(ys))
	for i, y := range ys {
		out[i] = strconv.Itoa(y)
	}
	return strings.Join(out, "、")
}
