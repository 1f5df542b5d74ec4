package app_test

import (
	"errors"
	"io/fs"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/assets"
)

// FuzzLoadProfile feeds LoadProfile mutations of the five real profiles. It
// must never panic; every failure must be an *app.Error whose messages are
// Chinese; every profile it accepts must evaluate without panicking.
func FuzzLoadProfile(f *testing.F) {
	names, err := fs.Glob(assets.Profiles, "profiles/*.json")
	if err != nil || len(names) == 0 {
		f.Fatalf("no embedded profiles: %v", err)
	}
	for _, n := range names {
		data, err := fs.ReadFile(assets.Profiles, n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(n, data)
	}
	f.Add("profiles/sample.json", []byte(minimalProfile))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p, err := app.LoadProfile(name, data)
		if err != nil {
			var e *app.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *app.Error", err, err)
			}
			if !hasHan(e.Message) {
				t.Fatalf("message %q is not Chinese", e.Message)
			}
			for _, fe := range e.Fields {
				if !hasHan(fe.Message) {
					t.Fatalf("field %s message %q is not Chinese", fe.Field, fe.Message)
				}
			}
			return
		}
		d := declaration(t, "霍邱县城关镇智慧社区管理平台", "霍邱县城关镇人民政府", "500")
		a := p.Evaluate(d, now)
		_ = a.MissingMaterials(nil)
		_ = p.DeadlinesFor(d, map[string]time.Time{app.AnchorAcceptance: now, app.AnchorGoLive: now, app.AnchorCompletion: now, app.AnchorApproval: now}, now)
	})
}
