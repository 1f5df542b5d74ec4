package console

import (
	"testing"
	"time"

	"egovdesk/app"
)

// A deadline's state says what meets it: a filing 已报送, the project's
// acceptance 已通过验收 (an approval's validity is no task to complete),
// and the bureau's own step is neither met nor missed by the unit (六安's
// 初审及专家集中审查论证结束 read 已完成 once a declaration arrived; a
// walkthrough).
func TestDeadlineStatesSayWhatMeetsThem(t *testing.T) {
	loc := app.Beijing
	now := time.Date(2027, 12, 10, 9, 0, 0, 0, loc)
	due := time.Date(2027, 11, 30, 0, 0, 0, 0, loc)
	dl := func(anchor string, kind app.Kind, met, bureau bool, on time.Time) app.DossierDeadline {
		return app.DossierDeadline{Deadline: app.Deadline{Label: "期限", Anchor: anchor, Due: due, Bureau: bureau}, Kind: kind, Met: met, MetOn: on}
	}
	sent := time.Date(2027, 12, 3, 10, 0, 0, 0, loc)
	for _, c := range []struct {
		dl   app.DossierDeadline
		want string
	}{
		{dl(app.AnchorPlanYear, "", true, false, sent), "已报送（2027-12-03，逾期 3 天）"},
		{dl(app.AnchorPlanYear, "", true, true, time.Time{}), "本局办理的环节"},
		{dl(app.AnchorApproval, "", true, false, time.Date(2027, 11, 20, 0, 0, 0, 0, loc)), "已通过验收（2027-11-20）"},
		{dl(app.AnchorCompletion, "", false, false, time.Time{}), "尚未通过验收"},
		{dl(app.AnchorYearly, app.KindPerformance, false, false, time.Time{}), "待报送"},
	} {
		if got := deadlineOf(app.Dossier{}, c.dl, now).State; got != c.want {
			t.Errorf("%s %s met=%v bureau=%v: %q, want %q", c.dl.Anchor, c.dl.Kind, c.dl.Met, c.dl.Bureau, got, c.want)
		}
	}
}
