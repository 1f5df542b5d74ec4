package bureautest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"egovdesk/app"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

func TestCheckFindsWhatTheDocumentDoesNotAllow(t *testing.T) {
	t.Parallel()
	json := http.Header{"Content-Type": {protocol.MediaJSON}}
	login := func(body string) *http.Request {
		r := httptest.NewRequest("POST", protocol.PathLogin, strings.NewReader(body))
		r.Header.Set("Content-Type", protocol.MediaJSON)
		return r
	}
	good := []byte(`{"login":"clerk","password":"x"}`)
	cases := []struct {
		name    string
		req     *http.Request
		reqBody []byte
		status  int
		body    string
		want    string // in the message; "" for none
	}{
		{"answer lacks a required property", login(string(good)), good, 200, `{"token":"t"}`, "POST /api/v1/login → 200"},
		{"status the operation does not document", login(string(good)), good, 418, `{}`, "418"},
		{"accepted request breaks its schema", login(`{"login":1}`), []byte(`{"login":1}`), 200, `{}`, "request body"},
		{"refused request may break its schema", login(`{"login":1}`), []byte(`{"login":1}`), 400, ``, ""},
		{"path the document does not have", httptest.NewRequest("GET", "/api/v1/nowhere", nil), nil, 404, `{}`, ""},
	}
	for _, c := range cases {
		h := json
		if c.status == 400 {
			h = http.Header{"Content-Type": {protocol.MediaProblem}}
			c.body = `{"type":"about:blank","title":"t","status":400,"detail":"d","code":"invalid"}`
		}
		msg := bureautest.Check(c.req, c.reqBody, c.status, h, []byte(c.body))
		if c.want == "" && msg != "" || c.want != "" && !strings.Contains(msg, c.want) {
			t.Errorf("%s: message %q, want one with %q", c.name, msg, c.want)
		}
	}
}

func TestBureauServesAClientThroughTheCheck(t *testing.T) {
	t.Parallel()
	clk := bureautest.NewClock(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
	b := bureautest.Start(t, bureautest.Options{Clock: clk})
	unit := b.AddUnit("霍邱县城关镇人民政府", "11341522003064951U")
	b.AddAccount("clerk", "李梅", app.RoleUnit, unit.ID)
	ctx := context.Background()
	c, err := client.New(ctx, b.URL, client.Options{RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetToken(ctx, b.Token("clerk")); err != nil {
		t.Fatal(err)
	}
	if me, err := c.Me(ctx); err != nil || me.Login != "clerk" {
		t.Fatalf("me = %+v, %v", me, err)
	}
	clk.Advance(24 * time.Hour)
	_, expires, err := b.Server.CreateToken(ctx, "clerk", time.Hour, "test")
	if want := clk.Now().Add(time.Hour); err != nil || !expires.Equal(want) {
		t.Errorf("token expires %v (%v), want %v on the fixture's clock", expires, err, want)
	}
}
