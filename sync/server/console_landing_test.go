package server_test

import (
	"context"
	"net/http"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/server"
)

// An auditor lands on 安全审计 however they come in: through /console/
// (whose login asked to go back to the queue), the queue's own address,
// or a page's "回到待审核". They landed on the queue's 403. A reviewer
// still lands on the queue, and /console/ without a session on the login.
func TestConsoleLandsEachRoleAtHome(t *testing.T) {
	fx := MustBureau(t)
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "auditor", Name: "审计员甲", Role: app.RoleAuditor, Password: password}); err != nil {
		t.Fatal(err)
	}
	anon := fx.browser()
	if r := anon.get("/console/"); r.Header.Get("Location") != "/console/login" {
		t.Errorf("/console/ without a session goes to %q", r.Header.Get("Location"))
	}
	for login, home := range map[string]string{"auditor": "/console/audit", "reviewer": "/console/queue"} {
		b := fx.browser()
		b.login(login, http.StatusSeeOther)
		for _, path := range []string{"/console/", "/console/queue"} {
			r := b.get(path)
			if path == home {
				if r.StatusCode != http.StatusOK {
					t.Errorf("%s at %s: %d", login, path, r.StatusCode)
				}
				continue
			}
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != home {
				t.Errorf("%s at %s: %d to %q, want %s", login, path, r.StatusCode, r.Header.Get("Location"), home)
			}
		}
	}
}
