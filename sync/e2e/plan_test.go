package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/syncer"
)

// plan is a deterministic set of filings: the same seed gives the same IDs,
// names and attachment bytes in every process, so a parent knows what a
// child it killed was asked to submit.
type plan struct {
	seed uint64
	n    int
	// maxFile is the largest attachment (the smallest is 2 KB); sizes are
	// log-uniform in between. Zero means 300 KB.
	maxFile int
}

// planned is one filing of a plan.
type planned struct {
	i     int
	id    string
	revID string
	name  string
	files []plannedFile
}

type plannedFile struct {
	name string
	data []byte
	sha  string
}

func (p plan) uuid(i int, what string) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "egovdesk-e2e/%d/%d/%s", p.seed, i, what)).String()
}

// filing returns filing i of the plan. About a third have no attachment, the
// rest one to three; one in twenty also carries a template shared with
// other filings (content-addressed, so uploaded once).
func (p plan) filing(i int) planned {
	rng := rand.New(rand.NewPCG(p.seed, uint64(i)))
	f := planned{i: i, id: p.uuid(i, "filing"), revID: p.uuid(i, "revision"),
		name: fmt.Sprintf("霍邱县城关镇第%03d号政务信息化项目", i)}
	k := 0
	switch r := rng.IntN(10); {
	case r >= 9:
		k = 3
	case r >= 7:
		k = 2
	case r >= 3:
		k = 1
	}
	maxFile := p.maxFile
	if maxFile == 0 {
		maxFile = 300 << 10
	}
	for j := range k {
		size := int(2048 * math.Exp(rng.Float64()*math.Log(float64(maxFile)/2048)))
		f.files = append(f.files, newFile(fmt.Sprintf("第%03d号附件%d.pdf", i, j+1), p.seed, uint64(i*4+j), size))
	}
	if rng.IntN(20) == 0 {
		f.files = append(f.files, newFile("统一申报模板.pdf", p.seed, math.MaxUint32, 20<<10))
	}
	return f
}

func newFile(name string, seed, stream uint64, size int) plannedFile {
	var key [32]byte
	for b := range 8 {
		key[b] = byte(seed >> (8 * b))
		key[8+b] = byte(stream >> (8 * b))
	}
	data := make([]byte, size)
	_, _ = rand.NewChaCha8(key).Read(data)
	return plannedFile{name: name, data: data, sha: sha256Hex(data)}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// shas returns every distinct attachment hash of the plan with its size.
func (p plan) shas() map[string]int64 {
	out := map[string]int64{}
	for i := range p.n {
		for _, f := range p.filing(i).files {
			out[f.sha] = int64(len(f.data))
		}
	}
	return out
}

// ensureSubmitted brings filing pf to "submitted" in the local store, picking
// up where an earlier, killed process stopped: the draft (with its
// attachment files) is saved if it is missing, then submitted if it is
// still a draft. Each step is one store transaction, so a kill leaves either
// the step done or not.
func ensureSubmitted(ctx context.Context, st *store.Store, blobs *syncer.BlobDir, unitID string, pf planned) error {
	f, err := st.Get(ctx, pf.id)
	if app.ErrorCode(err) == app.ENOTFOUND {
		if f, err = pf.draft(ctx, blobs, unitID); err != nil {
			return err
		}
		if err := st.Save(ctx, f); err != nil {
			return fmt.Errorf("save %d: %w", pf.i, err)
		}
	} else if err != nil {
		return fmt.Errorf("get %d: %w", pf.i, err)
	}
	if f.Status != app.StatusDraft {
		return nil
	}
	if _, err := st.Submit(ctx, pf.id, "李梅", time.Now()); err != nil {
		return fmt.Errorf("submit %d: %w", pf.i, err)
	}
	return nil
}

// draft returns the filing as a clerk would have drafted it, its
// attachments imported into blobs.
func (pf planned) draft(ctx context.Context, blobs *syncer.BlobDir, unitID string) (*app.Filing, error) {
	f, err := app.NewFiling(app.KindDeclaration, pf.id, pf.revID, unitID, time.Now())
	if err != nil {
		return nil, err
	}
	f.Declaration = declFixture()
	f.Declaration.ProjectName = pf.name
	for _, pfile := range pf.files {
		a, err := blobs.ImportReader(ctx, pfile.name, bytes.NewReader(pfile.data))
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", pfile.name, err)
		}
		a.Material = "proposal"
		f.Attachments = append(f.Attachments, a)
	}
	return f, nil
}

// declFixture returns a complete, valid declaration of a township in 霍邱县
// (the fixture of the server's and the syncer's tests).
func declFixture() *app.Declaration {
	return &app.Declaration{
		PlanYear:        2027,
		ProjectName:     "霍邱县城关镇智慧社区管理平台",
		UnitName:        "霍邱县城关镇人民政府",
		UnitCreditCode:  "11341522003064951U",
		RegionCode:      "341522",
		Contact:         app.Contact{Leader: "王建国", Person: "李梅", Phone: "0564-6012345"},
		Nature:          app.NatureNew,
		ServiceTypes:    []app.ServiceType{app.ServiceSoftware, app.ServiceThirdParty},
		Class:           app.ClassPublic,
		Plan:            app.PlanListed,
		PeriodStart:     "2027-03",
		PeriodEnd:       "2027-12",
		Goals:           "建成覆盖全镇 12 个社区的网格化管理平台，事件处置时限缩短 30%",
		Content:         "网格事件上报、分拨、督办；社区人口与房屋基础信息管理；与县级平台对接",
		Modules:         []app.Module{{Name: "事件上报", Description: "网格员移动端上报"}, {Name: "督办考核"}},
		Integrated:      true,
		DataResources:   "产生社区人口、房屋、事件数据，共享至县数据共享交换平台",
		SharesData:      true,
		Security:        app.Security{Level: 2, Plan: "按等保二级建设，三同步", Assess: true},
		Crypto:          app.CryptoPlan{Level: 2, Summary: "采用 SM2/SM3/SM4，身份鉴别使用数字证书", Review: true},
		Deployment:      app.Deployment{Mode: app.DeployEgovCloud, Resources: "8 核 32G，存储 2T"},
		Xinchuang:       app.Xinchuang{Supported: true, Notes: "麒麟 V10、达梦 8"},
		OMPlan:          "质保期一年，之后纳入县统一运维",
		Schedule:        []app.Milestone{{Name: "招标采购", Due: "2027-04"}, {Name: "上线试运行", Due: "2027-10"}, {Name: "竣工验收", Due: "2027-12"}},
		TotalInvestment: app.Wans(180),
		YearAmount:      app.Wans(180),
		Budget: []app.BudgetItem{
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: app.Wans(120)},
			{Category: app.BudgetHardware, Name: "移动终端", Quantity: 60, Amount: app.Wans(30)},
			{Category: app.BudgetSupervision, Name: "工程监理", Amount: app.Wans(10)},
			{Category: app.BudgetSecurityEval, Name: "等保测评", Amount: app.Wans(8)},
			{Category: app.BudgetCryptoEval, Name: "密评", Amount: app.Wans(7)},
			{Category: app.BudgetTesting, Name: "第三方软件测试", Amount: app.Wans(5)},
		},
		Funding: []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(150)}, {Kind: app.FundTransfer, Amount: app.Wans(30)}},
	}
}
