package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/bureautest"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
)

// MustBureau returns a client logged in to a real bureau on a loopback
// port, as the clerk of its one unit, and the unit's id.
func MustBureau(tb testing.TB) (*client.Client, string) {
	tb.Helper()
	ctx := context.Background()
	b := bureautest.Start(tb, bureautest.Options{BadgerOnly: true})
	unit := b.AddUnit("霍邱县城关镇人民政府", "11341522003064951U")
	b.AddAccount("clerk", "李梅", app.RoleUnit, unit.ID)
	const pw = bureautest.Password
	hs := b.HTTP
	c := MustNew(tb, hs)
	if _, err := c.Login(ctx, "clerk", pw); err != nil {
		tb.Fatal(err)
	}
	return c, unit.ID
}

// request returns the submission of a new declaration of unit, changed by edit.
func request(tb testing.TB, unit string, edit func(*app.Filing)) protocol.SubmitRequest {
	tb.Helper()
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unit, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	f.Declaration = declaration()
	if edit != nil {
		edit(f)
	}
	req, err := protocol.NewSubmitRequest(f.Body())
	if err != nil {
		tb.Fatal(err)
	}
	return req
}

// TestSubmitBatchMatchesSubmit: every result of a batch, passed through
// ResultError, is classified, coded and worded exactly as Submit's answer
// for the same revision.
func TestSubmitBatchMatchesSubmit(t *testing.T) {
	t.Parallel()
	c, unit := MustBureau(t)
	ctx := context.Background()
	sent := request(t, unit, nil)
	if _, err := c.Submit(ctx, sent); err != nil {
		t.Fatal(err)
	}
	conflicting := request(t, unit, func(f *app.Filing) { // same ids, another body
		f.ID, f.Revision.ID, f.Declaration.ProjectName = sent.FilingID, sent.RevisionID, "改过的名称"
	})
	stale := request(t, unit, func(f *app.Filing) { f.Revision.BaseID = uuid.NewString(); f.Revision.Number = 2 })
	invalid := request(t, unit, func(f *app.Filing) { f.Declaration.TotalInvestment = app.Wans(1) })
	badHash := request(t, unit, nil)
	badHash.BodySHA256 = sent.BodySHA256
	reqs := []protocol.SubmitRequest{request(t, unit, nil), sent, conflicting, stale, invalid, badHash}

	results, err := c.SubmitBatch(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	wantClass := []client.Class{client.ClassNone, client.ClassNone, client.ClassConflict, client.ClassConflict,
		client.ClassPermanent, client.ClassPermanent}
	for i, req := range reqs {
		berr := client.ResultError(results[i])
		if got := client.Classify(berr); got != wantClass[i] {
			t.Errorf("item %d: class %s, want %s (%v)", i, got, wantClass[i], berr)
		}
		rc, serr := c.Submit(ctx, req)
		if client.Classify(berr) != client.Classify(serr) || client.ProblemCode(berr) != client.ProblemCode(serr) ||
			client.Message(berr) != client.Message(serr) || app.ErrorCode(berr) != app.ErrorCode(serr) {
			t.Errorf("item %d: batch %v, single %v", i, berr, serr)
		}
		// SM2 signatures are randomised: each answer carries its own, and
		// both must verify with the bureau's key.
		if serr == nil {
			k, err := c.ReceiptKey(ctx)
			pub, perr := protocol.ParseReceiptPublicKey([]byte(k.PEM))
			if err != nil || perr != nil {
				t.Fatalf("receipt key: %v, %v", err, perr)
			}
			if err1, err2 := protocol.VerifyReceipt(pub, rc), protocol.VerifyReceipt(pub, *results[i].Receipt); err1 != nil || err2 != nil {
				t.Errorf("item %d: receipts do not verify: single %v, batch %v", i, err1, err2)
			}
			rc.Signature, results[i].Receipt.Signature = "", ""
		}
		if serr == nil && !reflect.DeepEqual(rc, *results[i].Receipt) {
			t.Errorf("item %d: batch receipt %+v, single %+v", i, *results[i].Receipt, rc)
		}
	}
	if _, err := c.SubmitBatch(ctx, make([]protocol.SubmitRequest, protocol.MaxBatch+1)); err == nil {
		t.Error("a batch over MaxBatch was sent")
	}
}

// TestSubmitBatchFaults: an older bureau without the route answers 404, a
// batch answer that does not match the request is a fault to retry, and a
// result without receipt or problem too.
func TestSubmitBatchFaults(t *testing.T) {
	t.Parallel()
	reqs := []protocol.SubmitRequest{{FilingID: "f1", RevisionID: "r1"}, {FilingID: "f2", RevisionID: "r2"}}
	rc := &protocol.Receipt{FilingID: "f1", RevisionID: "r1", Status: protocol.ReceiptReceived}
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
		status int
		class  client.Class
	}{
		{"older bureau", func(w http.ResponseWriter) {
			problem(w, protocol.NewProblem(app.ENOTFOUND, "没有这个接口"))
		}, http.StatusNotFound, client.ClassPermanent},
		{"method not allowed", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusMethodNotAllowed)
		}, http.StatusMethodNotAllowed, client.ClassPermanent},
		{"too few results", func(w http.ResponseWriter) {
			json.NewEncoder(w).Encode(protocol.BatchSubmitResponse{Results: []protocol.BatchResult{{Status: 201, Receipt: rc}}})
		}, http.StatusOK, client.ClassRetry},
		{"receipt of another revision", func(w http.ResponseWriter) {
			json.NewEncoder(w).Encode(protocol.BatchSubmitResponse{Results: []protocol.BatchResult{{Status: 201, Receipt: rc}, {Status: 201, Receipt: rc}}})
		}, http.StatusOK, client.ClassRetry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != protocol.PathSubmissions || r.Method != http.MethodPost {
					t.Errorf("%s %s", r.Method, r.URL.Path)
				}
				tt.answer(w)
			}))
			defer srv.Close()
			_, err := MustNew(t, srv).SubmitBatch(context.Background(), reqs)
			var ce *client.Error
			if !errors.As(err, &ce) || ce.Status != tt.status || ce.Class() != tt.class {
				t.Errorf("err = %v, want status %d, class %s", err, tt.status, tt.class)
			}
		})
	}
	if c := client.Classify(client.ResultError(protocol.BatchResult{Status: 200})); c != client.ClassRetry {
		t.Errorf("an empty result is %s", c)
	}
	if client.ResultError(protocol.BatchResult{Status: 201, Receipt: rc}) != nil {
		t.Error("a receipt is an error")
	}
}

// declaration returns a complete, valid declaration of a township in 霍邱县.
func declaration() *app.Declaration {
	return &app.Declaration{
		PlanYear:        2027,
		ProjectName:     "霍邱县城关镇智慧社区管理平台",
		UnitName:        "霍邱县城关镇人民政府",
		UnitCreditCode:  "11341522003064951U",
		RegionCode:      "341522",
		Contact:         app.Contact{Leader: "王建国", Person: "李梅", Phone: "0564-6012345"},
		Nature:          app.NatureNew,
		ServiceTypes:    []app.ServiceType{app.ServiceSoftware},
		Class:           app.ClassPublic,
		Plan:            app.PlanListed,
		PeriodStart:     "2027-03",
		PeriodEnd:       "2027-12",
		Goals:           "建成覆盖全镇 12 个社区的网格化管理平台",
		Content:         "网格事件上报、分拨、督办",
		Modules:         []app.Module{{Name: "事件上报", Description: "网格员移动端上报"}},
		DataResources:   "共享至县数据共享交换平台",
		SharesData:      true,
		Security:        app.Security{Level: 2, Plan: "按等保二级建设", Assess: true},
		Crypto:          app.CryptoPlan{Level: 2, Summary: "采用 SM2/SM3/SM4", Review: true},
		Deployment:      app.Deployment{Mode: app.DeployEgovCloud, Resources: "8 核 32G"},
		Xinchuang:       app.Xinchuang{Supported: true, Notes: "麒麟 V10、达梦 8"},
		OMPlan:          "纳入县统一运维",
		Schedule:        []app.Milestone{{Name: "上线试运行", Due: "2027-10"}, {Name: "竣工验收", Due: "2027-12"}},
		TotalInvestment: app.Wans(180),
		YearAmount:      app.Wans(180),
		Budget: []app.BudgetItem{
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(150)},
			{Category: app.BudgetSupervision, Name: "工程监理", Amount: app.Wans(10)},
			{Category: app.BudgetSecurityEval, Name: "等保测评", Amount: app.Wans(8)},
			{Category: app.BudgetCryptoEval, Name: "密评", Amount: app.Wans(7)},
			{Category: app.BudgetTesting, Name: "第三方软件测试", Amount: app.Wans(5)},
		},
		Funding: []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(180)}},
	}
}
