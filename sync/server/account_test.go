package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server"
)

func TestLoginThrottle(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) {
		c.Throttle = server.ThrottleConfig{Free: 3, IPFree: 100, Base: 2 * time.Second, Max: time.Minute, Forget: time.Hour}
	})
	wrong := protocol.LoginRequest{Login: "clerk-a", Password: "guess"}
	for i := 0; i < 4; i++ {
		fx.expectProblem("POST", protocol.PathLogin, "", wrong, http.StatusUnauthorized, app.EUNAUTHORIZED)
	}
	// Locked now, even with the right password.
	r := fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: password})
	if p := r.problem(t); r.StatusCode != http.StatusTooManyRequests || p.Code != app.ETOOMANY {
		t.Fatalf("locked login: %d %s", r.StatusCode, r.body)
	}
	if secs, _ := strconv.Atoi(r.Header.Get(protocol.HeaderRetryAfter)); secs < 1 {
		t.Errorf("Retry-After = %q", r.Header.Get(protocol.HeaderRetryAfter))
	}
	// Another login from the same address is not locked.
	fx.login("clerk-b")
	fx.clock.Advance(3 * time.Second)
	fx.login("clerk-a")
	// Unknown logins fail like wrong passwords.
	fx.expectProblem("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "nobody", Password: "x"}, http.StatusUnauthorized, app.EUNAUTHORIZED)
}

func TestTokensExpireAndRevoke(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.TokenTTL = time.Hour })
	fx.mustJSON("GET", protocol.PathMe, fx.clerkA, nil, http.StatusOK, nil)
	fx.clock.Advance(time.Hour)
	fx.expectProblem("GET", protocol.PathMe, fx.clerkA, nil, http.StatusUnauthorized, app.EUNAUTHORIZED)

	ctx := context.Background()
	tok, exp, err := fx.srv.CreateToken(ctx, "reviewer", 24*time.Hour, "script")
	if err != nil || !exp.After(fx.clock.Now()) {
		t.Fatal(err)
	}
	fx.mustJSON("GET", protocol.PathReviewQueue, tok, nil, http.StatusOK, nil)
	if err := fx.srv.RevokeToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	fx.expectProblem("GET", protocol.PathReviewQueue, tok, nil, http.StatusUnauthorized, app.EUNAUTHORIZED)

	b := fx.login("clerk-b").Token
	if n, err := fx.srv.RevokeTokens(ctx, "clerk-b"); err != nil || n != 1 {
		t.Fatalf("RevokeTokens = %d, %v", n, err) // the fixture's token expired with the clock
	}
	fx.expectProblem("GET", protocol.PathMe, b, nil, http.StatusUnauthorized, app.EUNAUTHORIZED)

	c := fx.login("clerk-a").Token
	if r := fx.do("POST", protocol.PathLogout, c, nil); r.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	fx.expectProblem("GET", protocol.PathMe, c, nil, http.StatusUnauthorized, app.EUNAUTHORIZED)
}

func TestAccountRules(t *testing.T) {
	fx := MustBureau(t)
	ctx := context.Background()
	for _, n := range []server.NewAccount{
		{Login: "x", Role: app.RoleUnit, UnitID: fx.unitA.ID, Password: password},            // login too short
		{Login: "short-pw", Role: app.RoleUnit, UnitID: fx.unitA.ID, Password: "1234"},       // password
		{Login: "no-unit", Role: app.RoleUnit, Password: password},                           // unit missing
		{Login: "rev-unit", Role: app.RoleReviewer, UnitID: fx.unitA.ID, Password: password}, // bureau in a unit
		{Login: "clerk-a", Role: app.RoleUnit, UnitID: fx.unitA.ID, Password: password},      // taken
		{Login: "ghost", Role: app.RoleUnit, UnitID: "no-such-unit", Password: password},     // unknown unit
	} {
		if _, err := fx.srv.AddAccount(ctx, n); err == nil {
			t.Errorf("AddAccount(%+v) succeeded", n)
		}
	}
	if _, err := fx.srv.AddUnit(ctx, "重复", fx.unitA.Code); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("duplicate unit code: %v", err)
	}
	if _, err := fx.srv.AddUnit(ctx, "无效", "123"); app.ErrorCode(err) != app.EINVALID || !strings.Contains(fmt.Sprint(app.FieldErrors(err)), "应为 18 位，现为 3 位") {
		t.Errorf("invalid unit code: %v", err)
	}
	long := strings.Repeat("9", 5000)
	if _, err := fx.srv.AddUnit(ctx, "过长", long); app.ErrorCode(err) != app.EINVALID || strings.Contains(fmt.Sprint(app.FieldErrors(err)), long) ||
		!strings.Contains(fmt.Sprint(app.FieldErrors(err)), "现为 5000 位") {
		t.Errorf("a code of 5,000 characters is quoted back, or not refused by its length: %.200v", err)
	}
	// Typed through an input method left in full-width mode, the code is
	// kept as it is written: half-width, in capitals.
	u, err := fx.srv.AddUnit(ctx, "霍邱县石店镇人民政府", "９１３３０１００７９９６５５０５８ｂ")
	if err != nil || u.Code != "91330100799655058B" {
		t.Errorf("a code typed full-width: %+v, %v", u, err)
	}
	// recorded under the code as kept, which the trail is searched by
	if trail := server.AuditTrail(t, fx.srv); trail[len(trail)-1].Action != "unit.create" || trail[len(trail)-1].Target != "91330100799655058B" {
		t.Errorf("the unit's creation recorded as %+v", trail[len(trail)-1])
	}
	if found, err := fx.srv.FindUnit(ctx, "９１３３ ０１００ ７９９６ ５５０５ ８ｂ"); err != nil || found.ID != u.ID {
		t.Errorf("the unit found by its code typed full-width and grouped: %+v, %v", found, err)
	}
	u, err = fx.srv.FindUnit(ctx, fx.unitB.Name)
	if err != nil || u.ID != fx.unitB.ID {
		t.Errorf("FindUnit by name = %+v, %v", u, err)
	}
}

// Expired and revoked token records are deleted; live ones keep working.
func TestPruneTokens(t *testing.T) {
	fx := MustBureau(t, func(c *server.Config) { c.TokenTTL = time.Hour })
	ctx := context.Background()
	revoked := fx.login("clerk-b").Token
	if err := fx.srv.RevokeToken(ctx, revoked); err != nil {
		t.Fatal(err)
	}
	if n, err := fx.srv.PruneTokens(ctx); err != nil || n != 1 {
		t.Fatalf("PruneTokens with one revoked token = %d, %v", n, err)
	}
	fx.mustJSON("GET", protocol.PathMe, fx.clerkA, nil, http.StatusOK, nil)
	fx.expectProblem("GET", protocol.PathMe, revoked, nil, http.StatusUnauthorized, app.EUNAUTHORIZED)

	fx.clock.Advance(time.Hour) // the fixture's four logins and the second clerk-b login expire
	live, _, err := fx.srv.CreateToken(ctx, "reviewer", 24*time.Hour, "script")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := fx.srv.PruneTokens(ctx); err != nil || n != 4 {
		t.Fatalf("PruneTokens after expiry = %d, %v; want the 4 expired", n, err)
	}
	fx.mustJSON("GET", protocol.PathReviewQueue, live, nil, http.StatusOK, nil)
	if n, _ := fx.srv.PruneTokens(ctx); n != 0 {
		t.Fatalf("second PruneTokens deleted %d", n)
	}
	if _, err := fx.srv.RevokeTokens(ctx, "reviewer"); err != nil {
		t.Fatalf("RevokeTokens after pruning: %v", err)
	}
}

// TestLoginLimitPerClientBehindAProxy: behind a trusted reverse proxy the
// per-address login limit counts each client by its X-Forwarded-For
// address, so one clerk's failures do not lock out the whole county; a
// header from a peer that is not a trusted proxy is ignored, so nobody
// escapes the limit by inventing addresses.
func TestLoginLimitPerClientBehindAProxy(t *testing.T) {
	limits := server.ThrottleConfig{Free: 100, IPFree: 3, Base: 2 * time.Second, Max: time.Minute, Forget: time.Hour}
	fail := func(fx *fixture, from string, n int) {
		t.Helper()
		for i := range n {
			wrong := protocol.LoginRequest{Login: fmt.Sprintf("guess-%d", i), Password: "guess"}
			r := fx.do("POST", protocol.PathLogin, "", wrong, "X-Forwarded-For", from)
			if r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d from %s: %d %s", i, from, r.StatusCode, r.body)
			}
		}
	}
	status := func(fx *fixture, from string) int {
		t.Helper()
		return fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-b", Password: password},
			"X-Forwarded-For", from).StatusCode
	}

	// The proxy (the test's loopback peer) is trusted.
	fx := MustBureau(t, func(c *server.Config) {
		c.Throttle = limits
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	})
	fail(fx, "10.1.1.7", 4)
	if got := status(fx, "10.1.1.7"); got != http.StatusTooManyRequests {
		t.Fatalf("login from the failing client: %d, want 429", got)
	}
	if got := status(fx, "10.1.1.8"); got != http.StatusOK {
		t.Fatalf("login from another client behind the proxy: %d, want 200", got)
	}
	if got := status(fx, "10.1.1.7, 10.1.1.9"); got != http.StatusOK {
		t.Fatalf("login whose proxy saw another client: %d, want 200", got)
	}
	// A proxy that writes the client's port (found from outside: each port
	// was a new address) or an IPv6 client in brackets: the address counts.
	fail(fx, "10.3.3.3:1000", 1)
	fail(fx, "10.3.3.3:1001", 1)
	fail(fx, "[2001:db8:5:5::1]:443", 1)
	fail(fx, "::ffff:10.3.3.3", 1)
	fail(fx, "10.3.3.3:1003", 1)
	if got := status(fx, "10.3.3.3:1002"); got != http.StatusTooManyRequests {
		t.Fatalf("a client whose proxy adds ports, past its limit: %d, want 429", got)
	}
	// Text that is no address stands for the proxy (the test's peer),
	// not for a new client each time.
	fail(fx, "unknown", 2)
	fail(fx, "203.0.113.07", 2) // leading zero: not an address
	if got := fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "nobody-else", Password: "x"},
		"X-Forwarded-For", "junk").StatusCode; got != http.StatusTooManyRequests {
		t.Fatalf("entries that are no address, past the proxy's limit: %d, want 429", got)
	}

	// Without trusted proxies the header counts for nothing. (clerk-c has
	// never logged in from the test's address, so the address's limit
	// applies to it; see TestLoginLimitsStrangerCannotLockOut for the
	// logins that have.)
	fx = MustBureau(t, func(c *server.Config) { c.Throttle = limits })
	if _, err := fx.srv.AddAccount(context.Background(), server.NewAccount{Login: "clerk-c", Name: "赵六",
		Role: app.RoleUnit, UnitID: fx.unitB.ID, Password: password}); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		fail(fx, fmt.Sprintf("10.2.2.%d", i), 1)
	}
	if got := fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-c", Password: password},
		"X-Forwarded-For", "10.2.2.200").StatusCode; got != http.StatusTooManyRequests {
		t.Fatalf("invented addresses escaped the limit: %d, want 429", got)
	}
}

// TestLoginTokensAreBounded (found from outside): one account's password
// sent in a loop made 816 live tokens in 35 s, and the admin's list of
// them a 1.3 MB page. A login past 32 live ones ends the oldest; tokens an
// admin issued are not counted or ended.
func TestLoginTokensAreBounded(t *testing.T) {
	fx := MustBureau(t)
	ctx := context.Background()
	issued, _, err := fx.srv.CreateToken(ctx, "clerk-a", time.Hour, "报表脚本")
	if err != nil {
		t.Fatal(err)
	}
	first := fx.login("clerk-a").Token
	for range 40 {
		fx.clock.Advance(time.Minute) // the oldest is the one created first
		fx.login("clerk-a")
	}
	toks, err := fx.srv.Tokens(ctx, "clerk-a")
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, tk := range toks {
		if !tk.Revoked && tk.Label != "报表脚本" {
			live++
		}
	}
	if live != 32 {
		t.Fatalf("%d live login tokens after 42 logins, want 32", live)
	}
	if r := fx.do("GET", protocol.PathMe, first, nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the oldest login's token: %d", r.StatusCode)
	}
	if r := fx.do("GET", protocol.PathMe, issued, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("the admin's issued token: %d", r.StatusCode)
	}
	if _, _, err := fx.srv.CreateToken(ctx, "clerk-a", time.Hour, "login from 报表机"); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("an issued token labelled as a login's: %v", err)
	}
	var ended []string
	for _, e := range server.AuditTrail(t, fx.srv) {
		if e.Action == "token.revoke" && e.Actor == "clerk-a" {
			ended = append(ended, e.Detail)
		}
	}
	if len(ended) == 0 || !strings.Contains(ended[0], "最早的 1 个已失效") {
		t.Fatalf("audit of the ended tokens: %q", ended)
	}
}

// TestOneAccountsLoginsAreChecked2AtATime (found from outside): a
// successful login never counts against the limits, so one account's
// password sent in a loop queued every login of the bureau behind its
// argon2 checks (a reviewer's login took 3.5–11 s). Two logins of one
// account are checked at once; a third is refused at once (429), and
// another account's login is not.
func TestOneAccountsLoginsAreChecked2AtATime(t *testing.T) {
	fx := MustBureau(t)
	release := sync.OnceFunc(server.HoldHashing(fx.srv))
	t.Cleanup(release)
	results := make(chan int, 3)
	login := func(who string) {
		r := fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: who, Password: password})
		results <- r.StatusCode
	}
	go login("clerk-a")
	go login("clerk-a")
	for deadline := time.Now().Add(10 * time.Second); server.LoginsChecking(fx.srv, "clerk-a") != 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d logins of clerk-a being checked, want 2", server.LoginsChecking(fx.srv, "clerk-a"))
		}
	}
	r := fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: "clerk-a", Password: password})
	if p := r.problem(t); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(p.Detail, "正有其他登录在核对密码") {
		t.Fatalf("a third login of clerk-a: %d %s", r.StatusCode, r.body)
	}
	go login("reviewer")
	for deadline := time.Now().Add(10 * time.Second); server.LoginsChecking(fx.srv, "reviewer") != 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the reviewer's login was not let through to the check")
		}
	}
	release()
	for range 3 {
		if st := <-results; st != http.StatusOK {
			t.Fatalf("a login waiting its turn: %d", st)
		}
	}
}

// TestKnownLoginsHaveAPlaceOfTheirOwn (found from outside): logins of
// unknown names from 20 addresses, each within its address's limits,
// filled every place of the password checks and held every login of the
// bureau for up to 9 s. A login from an address it succeeded from lately
// has a place of its own; a login never seen there waits its turn.
func TestKnownLoginsHaveAPlaceOfTheirOwn(t *testing.T) {
	fx := MustBureau(t)
	login := func(who string) int {
		return fx.do("POST", protocol.PathLogin, "", protocol.LoginRequest{Login: who, Password: password}).StatusCode
	}
	if st := login("reviewer"); st != http.StatusOK { // the reviewer works here
		t.Fatalf("first login: %d", st)
	}
	release := sync.OnceFunc(server.HoldSharedHashing(fx.srv)) // the flood of unknown names
	t.Cleanup(release)
	stranger := make(chan int, 1)
	go func() { stranger <- login("no-such-login") }()
	reviewer := make(chan int, 1)
	go func() { reviewer <- login("reviewer") }()
	select {
	case st := <-reviewer:
		if st != http.StatusOK {
			t.Fatalf("the reviewer's login during the flood: %d", st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the reviewer's login waited behind the flood")
	}
	select {
	case st := <-stranger:
		t.Fatalf("a login never seen here went past the flood: %d", st)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	if st := <-stranger; st != http.StatusUnauthorized {
		t.Fatalf("the unknown login once its turn came: %d", st)
	}
}
