package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/server/bureaustore"
)

// The password and session policy's storage (身份鉴别): a password set
// keeps the history the reuse rule needs and the forced-change flag, and a
// console session ends after its idle time, on every backend alike.
var policyCases = []struct {
	name string
	fn   func(t *testing.T, st bureaustore.Storage)
}{
	{"PasswordHistory", testPasswordHistory},
	{"SessionIdle", testSessionIdle},
}

func testPasswordHistory(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	acct := bureaustore.Account{ID: "a1", Login: "clerk", Name: "张三", Role: app.RoleUnit, UnitID: "u1",
		Password: "$h0", Created: t0, PasswordChanged: t0, MustChange: true}
	if _, err := st.AddAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	if got, err := st.AccountByLogin(ctx, "clerk"); err != nil || !got.MustChange || !got.PasswordChanged.Equal(t0) {
		t.Fatalf("new account's policy state: %+v, %v", got, err)
	}
	for i, h := range []string{"$h1", "$h2", "$h3", "$h4"} {
		set := bureaustore.PasswordSet{Hash: h, Changed: t0.Add(time.Duration(i+1) * time.Hour), Keep: 3}
		if err := st.SetAccountPassword(ctx, "clerk", set); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.AccountByLogin(ctx, "clerk")
	if err != nil {
		t.Fatal(err)
	}
	if got.Password != "$h4" || !reflect.DeepEqual(got.PasswordHistory, []string{"$h3", "$h2", "$h1"}) ||
		got.MustChange || !got.PasswordChanged.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("after four changes keeping 3: password %q history %q must change %v changed %v",
			got.Password, got.PasswordHistory, got.MustChange, got.PasswordChanged)
	}
	// an admin's reset: the holder must change it
	if err := st.SetAccountPassword(ctx, "clerk", bureaustore.PasswordSet{Hash: "$reset", Changed: t0.Add(5 * time.Hour), MustChange: true, Keep: 3}); err != nil {
		t.Fatal(err)
	}
	got, _ = st.AccountByLogin(ctx, "clerk")
	if !got.MustChange || !reflect.DeepEqual(got.PasswordHistory, []string{"$h4", "$h3", "$h2"}) {
		t.Fatalf("after a reset: must change %v history %q", got.MustChange, got.PasswordHistory)
	}
}

func testSessionIdle(t *testing.T, st bureaustore.Storage) {
	ctx := context.Background()
	addUnit(t, st, "u1")
	if _, err := st.AddAccount(ctx, bureaustore.Account{ID: "r1", Login: "rev", Role: app.RoleReviewer, Password: "$x", Created: t0}); err != nil {
		t.Fatal(err)
	}
	issueToken(t, st, sha("s1"), "r1", t0)
	idle := 15 * time.Minute
	// used every 10 minutes, the session lives on past 15 minutes
	for i := 1; i <= 3; i++ {
		a, err := st.TouchSession(ctx, sha("s1"), t0.Add(time.Duration(i)*10*time.Minute), idle)
		if err != nil || a.Login != "rev" {
			t.Fatalf("touch %d: %+v, %v", i, a, err)
		}
	}
	// then 15 minutes without use end it, and it stays ended
	_, err := st.TouchSession(ctx, sha("s1"), t0.Add(45*time.Minute), idle)
	if !errors.Is(err, bureaustore.ErrSessionIdle) || !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("idle session: %v, want ErrSessionIdle", err)
	}
	_, err = st.TouchSession(ctx, sha("s1"), t0.Add(46*time.Minute), idle)
	if errors.Is(err, bureaustore.ErrSessionIdle) || !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("session after it idled: %v, want a plain ErrNotFound", err)
	}
	if _, err := st.TokenAccount(ctx, sha("s1"), t0.Add(46*time.Minute)); !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("API use of an idled session: %v", err)
	}
	// never used: counted from its issue
	issueToken(t, st, sha("s2"), "r1", t0)
	if _, err := st.TouchSession(ctx, sha("s2"), t0.Add(idle), idle); !errors.Is(err, bureaustore.ErrSessionIdle) {
		t.Fatalf("unused session at its idle limit: %v", err)
	}
	// an API token is not touched by TokenAccount, and idle 0 never ends
	issueToken(t, st, sha("s3"), "r1", t0)
	if _, err := st.TouchSession(ctx, sha("s3"), t0.Add(20*time.Hour), 0); err != nil {
		t.Fatalf("no idle limit: %v", err)
	}
	if _, err := st.TouchSession(ctx, sha("unknown"), t0, idle); errors.Is(err, bureaustore.ErrSessionIdle) || !errors.Is(err, bureaustore.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}
