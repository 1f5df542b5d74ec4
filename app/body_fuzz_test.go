package app

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"egovdesk/assets"
)

// FuzzDecodeBody feeds arbitrary bytes to DecodeBody and then to the rules of
// whichever body is set. Nothing may panic, and every error a person could
// see must be an EINVALID *Error carrying its field problems.
func FuzzDecodeBody(f *testing.F) {
	sum := strings.Repeat("0", 64)
	body := func(k Kind) Body {
		return Body{ID: "f-1", Kind: k, ProjectID: "p-1", Revision: 1, RevisionID: "r-1",
			Attachments: []Attachment{{Material: "trial_report", Name: "试运行报告.pdf", SHA256: sum, Size: 10}}}
	}
	seeds := []Body{body(KindDeclaration), body(KindCatalogue), body(KindTrialReport), body(KindAcceptance)}
	seeds[0].Declaration = &Declaration{PlanYear: 2027, ProjectName: "城关镇智慧社区综合服务平台"}
	seeds[1].Catalogue = validCatalogue()
	seeds[2].TrialReport = validTrial()
	seeds[3].Acceptance = validAcceptance()
	empty := body(KindCatalogue)
	empty.Catalogue = &Catalogue{Entries: []Resource{{Items: []DataItem{{}}}}, Duties: []Duty{{Items: []string{""}}},
		Negatives: []Negative{{Items: []string{""}}}}
	seeds = append(seeds, empty)
	seeds = append(seeds, lifecycleBodies()...)
	for _, b := range seeds {
		data, _, err := b.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"id":"x","kind":"trial_report","revision":1,"revision_id":"r","trial_report":{"trial_start":"2027-01-31","trial_end":"2027-02-28","figures":{"availability":-5}}}`))
	f.Add([]byte(`{"id":"x","kind":"catalogue","revision":1,"revision_id":"r","catalogue":{"entries":[{"category":"1","sequence":"","items":null}],"negatives":[{"resource_code":"/"}]}}`))
	f.Add([]byte(`{"kind":"acceptance","acceptance":{"contract_amount":1.5}}`))
	f.Add([]byte(`{"id":"x","kind":"adjustment","revision":1,"revision_id":"r","adjustment":{"type":"adjust","approved_total":-1,"before":[{"amount":9223372036854775807},{"amount":9223372036854775807}],"after":[{"name":" "}]}}`))
	f.Add([]byte(`{"id":"x","kind":"performance","revision":1,"revision_id":"r","performance":{"type":"annual_report","year":2027,"period_start":"2027-13","period_end":"0000-00"}}`))
	f.Add([]byte(`{"id":"x","kind":"om_filing","revision":1,"revision_id":"r","om_filing":{"year":-2147483648,"go_live_on":"2027-02-30"}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{`))

	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := DecodeBody(data)
		if err != nil {
			mustInvalid(t, "DecodeBody", err, false)
			return
		}
		switch {
		case b.Declaration != nil:
			mustInvalid(t, "Declaration.Validate", b.Declaration.Validate(), true)
		case b.Catalogue != nil:
			mustInvalid(t, "Catalogue.Validate", b.Catalogue.Validate(), true)
			for i := range b.Catalogue.Entries {
				r := &b.Catalogue.Entries[i]
				_ = r.Code()
				for _, fe := range r.Validate() {
					if fe.Field == "" || fe.Message == "" {
						t.Fatalf("Resource.Validate gave an empty problem %+v", fe)
					}
				}
			}
		case b.TrialReport != nil:
			mustInvalid(t, "TrialReport.Validate", b.TrialReport.Validate(), true)
			_, _ = b.TrialReport.TrialMonths()
			for _, min := range []int{0, 1, 3} {
				_ = b.TrialReport.CheckDuration(min)
			}
		case b.Acceptance != nil:
			required := []string{"trial_report", "test_report", "summary_report"}
			_ = b.Acceptance.Checklist(required, b.Attachments)
			mustInvalid(t, "Acceptance.Validate", b.Acceptance.Validate(required, b.Attachments, 1), true)
			mustInvalid(t, "Acceptance.Validate", b.Acceptance.Validate(nil, nil, 0), true)
		case b.GoLive != nil:
			mustInvalid(t, "GoLive.Validate", b.GoLive.Validate(fuzzNow), true)
		case b.Adjustment != nil:
			mustInvalid(t, "Adjustment.Validate", b.Adjustment.Validate(), true)
			_ = b.Adjustment.Changes()
			_ = PercentText(b.Adjustment.MovedBasisPoints())
			for _, prof := range fuzzProfiles(t) {
				if _, err := prof.AdjustmentRoute(b.Adjustment, nil); err != nil {
					mustInvalid(t, "AdjustmentRoute", err, true)
				}
			}
		case b.AcceptanceFiling != nil:
			mustInvalid(t, "AcceptanceFiling.Validate", b.AcceptanceFiling.Validate([]string{"acceptance_report"}, b.Attachments), true)
		case b.OMFiling != nil:
			mustInvalid(t, "OMFiling.Validate", b.OMFiling.Validate(fuzzNow), true)
		case b.Performance != nil:
			mustInvalid(t, "Performance.Validate", b.Performance.Validate(), true)
		default:
			t.Fatalf("DecodeBody accepted a body with no content: %q", data)
		}
		for _, prof := range fuzzProfiles(t) {
			mustInvalid(t, "CheckBody", CheckBody(b, prof, fuzzNow), true)
			mustInvalid(t, "CheckProjectBody", CheckProjectBody(b, prof, nil, fuzzNow), true)
		}
	})
}

var fuzzNow = time.Date(2027, 6, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// fuzzProfiles returns the embedded profiles, loaded once, in a fixed order.
func fuzzProfiles(t *testing.T) []*Profile {
	fuzzProfilesOnce.Do(func() {
		for _, id := range []string{"huoqiu", "luan", "tianning", "wuhan", "yunan"} {
			data, err := assets.Profiles.ReadFile("profiles/" + id + ".json")
			if err != nil {
				panic(err)
			}
			p, err := LoadProfile(id+".json", data)
			if err != nil {
				panic(err)
			}
			fuzzProfilesList = append(fuzzProfilesList, p)
		}
	})
	return fuzzProfilesList
}

var (
	fuzzProfilesOnce sync.Once
	fuzzProfilesList []*Profile
)

// mustInvalid fails unless err is nil or an EINVALID *Error; with fields it
// must also say which fields are wrong.
func mustInvalid(t *testing.T, what string, err error, fields bool) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID || e.Message == "" {
		t.Fatalf("%s returned %T %v, want an EINVALID *Error", what, err, err)
	}
	if fields && len(e.Fields) == 0 {
		t.Fatalf("%s returned an error without field problems: %v", what, err)
	}
}
