package app_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"egovdesk/app"
	"egovdesk/assets"
)

// TestProfileReviewLimit: the review time limit is the profile's when it
// sets one (with its clause), app's default otherwise, and checked.
func TestProfileReviewLimit(t *testing.T) {
	var nilProf *app.Profile
	if nilProf.ReviewDays() != app.DefaultReviewDays {
		t.Errorf("no profile: %d", nilProf.ReviewDays())
	}
	data, err := assets.Profiles.ReadFile("profiles/luan.json")
	if err != nil {
		t.Fatal(err)
	}
	prof, err := app.LoadProfile("luan.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if prof.Review != nil || prof.ReviewDays() != app.DefaultReviewDays {
		t.Errorf("luan sets no limit (its seed states none), got %+v", prof.Review)
	}
	for _, c := range []struct {
		review string
		days   int
		bad    string
	}{
		{`{"working_days": 15, "source": "第十条"}`, 15, ""},
		{`{"working_days": 0, "source": "第十条"}`, 0, "review.working_days"},
		{`{"working_days": 5}`, 0, "review.source"},
	} {
		p, err := app.LoadProfile("luan.json", bytes.Replace(data, []byte("{"), []byte(`{"review": `+c.review+`,`), 1))
		if c.bad != "" {
			if !strings.Contains(fmt.Sprint(err), c.bad) {
				t.Errorf("%s: err %v, want a problem with %s", c.review, err, c.bad)
			}
			continue
		}
		if err != nil || p.ReviewDays() != c.days {
			t.Errorf("%s: %v, days %d", c.review, err, p.ReviewDays())
		}
	}
}
