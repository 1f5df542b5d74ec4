// Command demoseed fills a desktop client's data directory with a demo
// unit's work against a running demo bureau (`bureau demo`): it logs in as
// the demo clerk, drafts declarations, submits and delivers two of them,
// has the demo reviewer return one with a comment and remarks on two of
// its fields, takes the other through the profile's review steps (受理 and
// 初审 by the reviewer, 联审 by the finance, development-and-reform and
// cryptography departments, 批复立项 with a 核定 amount by the
// development-and-reform department), pulls the decisions into the inbox,
// delivers a third and leaves it in the reviewer's queue, and writes the session, the cached profile and the token the client
// reads at start. It prints the IDs of the filings as shell variables for
// scripts/screenshots.
//
//	go run ./scripts/demoseed -bureau http://127.0.0.1:8440 -data DIR
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/app/store"
	"egovdesk/sync/client"
	"egovdesk/sync/protocol"
	"egovdesk/sync/syncer"
	"egovdesk/ui"
)

func main() {
	bureau := flag.String("bureau", "http://127.0.0.1:8440", "the demo bureau's address")
	data := flag.String("data", "", "the client's data directory (created)")
	clerk := flag.String("login", "chengguan", "the demo clerk's login")
	pw := flag.String("password", "chengguan-demo", "the demo clerk's password")
	reviewer := flag.String("reviewer", "shenhe", "the demo reviewer's login")
	rpw := flag.String("reviewer-password", "shenhe-demo", "the demo reviewer's password")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "demoseed: -data is required")
		os.Exit(2)
	}
	var s seeded
	if err := run(context.Background(), *bureau, *data, *clerk, *pw, *reviewer, *rpw, &s); err != nil {
		fmt.Fprintln(os.Stderr, "demoseed:", err)
		os.Exit(1)
	}
	fmt.Printf("RETURNED=%s\nAPPROVED=%s\nHALF=%s\nEDITING=%s\nCATALOGUE=%s\nTRIAL=%s\nACCEPTANCE=%s\nGOLIVE=%s\nLATER=%s\nWAITING=%s\n",
		s.returned, s.approved, s.half, s.editing, s.catalogue, s.trial, s.acceptance, s.goLive, s.later, s.waiting)
}

// seeded names the filings a seed made and the profile it made them under.
type seeded struct {
	returned, approved, half, editing    string
	catalogue, trial, acceptance, goLive string
	later                                string // the O&M filing, or what the profile has instead
	waiting                              string // a declaration delivered and left in the reviewer's queue
	prof                                 *app.Profile
}

// run seeds the client's data directory dir against the demo bureau at
// addr and fills in out.
func run(ctx context.Context, addr, dir, login, pw, rlogin, rpw string, out *seeded) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	c, err := client.New(ctx, addr, client.Options{})
	if err != nil {
		return err
	}
	me, err := c.Login(ctx, login, pw)
	if err != nil {
		return fmt.Errorf("login %s: %w", login, err)
	}
	doc, _, err := c.Profile(ctx, "")
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	prof, err := app.LoadProfile(doc.ID+".json", doc.Profile)
	if err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		return err
	}
	defer st.Close()
	blobs, err := syncer.OpenBlobDir(filepath.Join(dir, "attachments"))
	if err != nil {
		return err
	}
	unit := me.Account.UnitID
	unitName, unitCode = me.Account.UnitName, me.Account.UnitCode
	if p, ok := places[prof.ID]; ok {
		place = p
	}
	now := time.Now()
	// Every date is the seed's day's: the approved project began ten
	// months ago and has been built, tried out and put into operation
	// since; the others are planned for next year. (Fixed dates went
	// stale: a trial that ended in 2027 could not be reported in 2026.)
	begun := now.AddDate(0, -10, 0)
	nextYear := time.Date(now.Year()+1, time.March, 1, 0, 0, 0, 0, now.Location())

	// Two complete declarations, submitted and delivered.
	returned, err := draft(ctx, st, blobs, prof, unit, place.town+"智慧社区管理平台", 180, true, nextYear, now.Add(-72*time.Hour))
	if err != nil {
		return err
	}
	approved, err := draft(ctx, st, blobs, prof, unit, place.town+"便民服务中心自助终端采购", 38, true, begun, now.Add(-48*time.Hour))
	if err != nil {
		return err
	}
	for _, id := range []string{returned, approved} {
		if _, err := st.Submit(ctx, id, me.Account.Name, now.Add(-24*time.Hour)); err != nil {
			return err
		}
	}
	sy := syncer.New(st, c, blobs, syncer.Options{})
	if err := sy.SyncOnce(ctx); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}

	// The bureau decides: the reviewer, and the accounts of the other
	// review steps of the demo profile (cmd/bureau/demo.go).
	accounts := map[string]string{rlogin: rpw, "caizheng": "caizheng-demo", "fagai": "fagai-demo",
		"mima": "mima-demo"}
	clients := map[string]*client.Client{}
	for l, p := range accounts {
		rc, err := client.New(ctx, addr, client.Options{})
		if err != nil {
			return err
		}
		if _, err := rc.Login(ctx, l, p); err != nil {
			return fmt.Errorf("login %s: %w", l, err)
		}
		clients[l] = rc
	}
	// The 便民服务中心 project is approved, or filed where its amount is
	// one the profile files (备案: 武汉 第八条 under 50 万元), which no
	// reviewer may approve.
	type decision struct {
		id, by string
		protocol.DecisionRequest
	}
	end := []decision{
		{approved, rlogin, protocol.DecisionRequest{Action: app.ActionPass, Approved: app.Wans(36)}},
		{approved, "caizheng", protocol.DecisionRequest{Action: app.ActionConcur, Comment: "资金来源已落实。"}},
		{approved, "fagai", protocol.DecisionRequest{Action: app.ActionConcur}},
		{approved, "mima", protocol.DecisionRequest{Action: app.ActionConcur}},
		{approved, "fagai", protocol.DecisionRequest{Action: app.ActionApprove, Approved: app.Wans(36),
			Comment: "同意立项，核定投资 36 万元。请按合同约定组织实施，项目完成后报送验收材料。"}},
	}
	if f, err := st.Get(ctx, approved); err == nil && f.Declaration != nil {
		if r := prof.RouteFor(f.Declaration, 0).Code; r == app.RouteFiling || r == app.RouteSectorApproval {
			end = []decision{{approved, rlogin, protocol.DecisionRequest{Action: app.ActionFile, Comment: "予以备案。请按合同约定组织实施，项目完成后报送验收材料。"}}}
		}
	}
	for _, d := range append([]decision{
		{returned, rlogin, protocol.DecisionRequest{Action: app.ActionAccept}},
		{returned, rlogin, protocol.DecisionRequest{Action: app.ActionReturn, Comment: "建设内容与" + place.level + "级网格化平台存在重复，请补充与" + place.level + "级平台对接的接口清单；密码应用方案须细化密钥管理，并补充第三方软件测试费用。",
			Remarks: map[string]string{
				"goals":          "建设目标请量化到可考核的指标（如事件处置时限、覆盖社区数）。",
				"crypto.summary": "请写明密钥的生成、存储、分发和销毁方式，以及使用的密码产品型号。",
			}}},
		{approved, rlogin, protocol.DecisionRequest{Action: app.ActionAccept}},
	}, end...) {
		_, err := decide(ctx, clients[d.by], d.id, d.DecisionRequest)
		if d.by != rlogin && app.ErrorCode(err) == app.EFORBIDDEN {
			// A profile without this review step (bureau demo -profile):
			// no joint review to concur in, and the reviewer approves.
			if d.Action != app.ActionApprove {
				continue
			}
			_, err = decide(ctx, clients[rlogin], d.id, d.DecisionRequest)
		}
		if err != nil {
			return fmt.Errorf("decide %s on %s: %w", d.Action, d.id, err)
		}
	}
	if err := sy.SyncOnce(ctx); err != nil {
		return fmt.Errorf("pull decisions: %w", err)
	}

	// Drafts: one half filled in (the problem list), one nearly done.
	half, err := draft(ctx, st, blobs, prof, unit, place.town+"网格化治理平台二期", 120, false, nextYear, now.Add(-2*time.Hour))
	if err != nil {
		return err
	}
	editing, err := draft(ctx, st, blobs, prof, unit, place.town+"政务外网接入及安全改造", 560, true, nextYear, now.Add(-30*time.Minute))
	if err != nil {
		return err
	}
	for i, name := range []string{place.town + "数字乡村综合服务平台", place.town + "应急指挥视频会商系统", place.town + "电子档案管理系统升级"} {
		if _, err := draft(ctx, st, blobs, prof, unit, name, int64(15+i*40), false, nextYear, now.Add(-time.Duration(200+i)*time.Hour)); err != nil {
			return err
		}
	}

	// One declaration sent this morning and waiting for the reviewer: the
	// console's queue was empty after the seed, and whoever tried the demo
	// as the reviewer had to submit something as the clerk first.
	waiting, err := draft(ctx, st, blobs, prof, unit, place.town+"村（社区）便民服务站视频联网", 46, true, nextYear, now.Add(-5*time.Hour))
	if err != nil {
		return err
	}
	if _, err := st.Submit(ctx, waiting, me.Account.Name, now.Add(-3*time.Hour)); err != nil {
		return err
	}
	if err := sy.SyncOnce(ctx); err != nil {
		return fmt.Errorf("deliver the waiting declaration: %w", err)
	}

	// The other kinds, for the 便民服务中心 project that was filed and the
	// 智慧社区 one.
	cat, err := catalogue(ctx, st, unit, returned, now.Add(-20*time.Minute))
	if err != nil {
		return err
	}
	trial, err := trialReport(ctx, st, unit, approved, now.Add(-15*time.Minute))
	if err != nil {
		return err
	}
	// Its acceptance application, where the regulation has the project
	// make one: 郁南 has a 备案 专业类 project accept itself without the
	// bureau's 验收前置审核 (第二十一条第二款), and the demo drafted one.
	filed, err := st.Get(ctx, approved)
	if err != nil {
		return err
	}
	acc := ""
	if prof.KindNotFor(app.KindAcceptance, filed.Declaration) == "" {
		acc, err = acceptance(ctx, st, blobs, unit, approved, trial, now.Add(-10*time.Minute))
		if err != nil {
			return err
		}
	}

	// The 便民服务中心 project went into operation; the bureau files it
	// (where the profile has the go-live filing: 天宁's has not).
	live := ""
	if offers(prof, app.KindGoLive) {
		live, err = goLive(ctx, st, prof, unit, approved, me.Account.Name, now.Add(-5*time.Minute))
		if err != nil {
			return err
		}
		if err := sy.SyncOnce(ctx); err != nil {
			return fmt.Errorf("deliver the go-live: %w", err)
		}
		if _, err := decide(ctx, clients[rlogin], live, protocol.DecisionRequest{Action: app.ActionFile, Comment: "已备案。请于每年年底前报送运维情况。"}); err != nil {
			return fmt.Errorf("file the go-live: %w", err)
		}
		if err := sy.SyncOnce(ctx); err != nil {
			return fmt.Errorf("pull the go-live's decision: %w", err)
		}
	}

	om, err := omDraft(ctx, st, prof, unit, approved, live, now)
	if err != nil {
		return fmt.Errorf("the O&M filing: %w", err)
	}

	// What the client reads at start.
	s := ui.Session{Configured: true, Bureau: c.BaseURL(), Login: login, Actor: me.Account.Name,
		UnitID: unit, UnitName: me.Account.UnitName, UnitCode: me.Account.UnitCode, ProfileID: prof.ID}
	for name, v := range map[string]any{"session.json": s, "profile.json": doc} {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte(c.Token()), 0o600); err != nil {
		return err
	}
	*out = seeded{returned: returned, approved: approved, half: half, editing: editing,
		catalogue: cat, trial: trial, acceptance: acc, goLive: live, later: om, waiting: waiting, prof: prof}
	return nil
}

// unitName and unitCode are the demo unit's, as the bureau registered it:
// its filings are made in its own name (app.CheckOwnUnit).
var unitName, unitCode string

// place is where the demo unit is: the level of its government (县, 市,
// 区: "the 县's platform"), its administrative division code, an office
// telephone number and the public security bureau whose data it asks for.
// Under 武汉 the demo's catalogue named 霍邱县城关镇人民政府 as its provider
// and was refused as another unit's.
var place = places["huoqiu"]

// town starts the projects' names, scope is what they cover and vendor
// builds them: under 天宁 the demo's projects were 城关镇's, a 霍邱 town,
// built by a company of 安徽 (皖; found in a walkthrough).
// ref is the prefix of the place's bureau's document numbers (六安's demo
// approval read 霍数管〔2026〕8号).
var places = map[string]struct{ level, region, phone, police, town, scope, vendor, ref string }{
	"huoqiu":   {"县", "341522", "0564-6012345", "霍邱县公安局", "城关镇", "全镇 12 个社区", "皖通信息技术有限公司", "霍数管"},
	"luan":     {"市", "341500", "0564-3312345", "六安市公安局", "六安市", "全市 4 个区的 86 个社区", "皖通信息技术有限公司", "六数管"},
	"tianning": {"区", "320402", "0519-8812345", "常州市公安局天宁分局", "雕庄街道", "全街道 12 个社区", "常州龙城信息技术有限公司", "天数据"},
	"wuhan":    {"市", "420100", "027-85712345", "武汉市公安局", "武汉市", "全市 13 个区的社区", "武汉楚天信息技术有限公司", "武政数"},
	"yunan":    {"县", "445322", "0766-7512345", "郁南县公安局", "都城镇", "全镇 12 个社区", "云浮南粤信息技术有限公司", "郁政数"},
}

// draft saves a declaration of the demo unit, made at at, of a project
// that starts in start's month; complete ones carry every field, the
// profile's confirmations and the materials it asks for.
func draft(ctx context.Context, st *store.Store, blobs *syncer.BlobDir, prof *app.Profile, unit, name string, wan int64, complete bool, start, at time.Time) (string, error) {
	f, err := app.NewFiling(app.KindDeclaration, uuid.NewString(), uuid.NewString(), unit, at)
	if err != nil {
		return "", err
	}
	d := f.Declaration
	d.PlanYear, d.ProjectName, d.UnitName = start.Year(), name, unitName
	d.Contact = app.Contact{Leader: "王建国", Person: "李梅"}
	// 专业类: a unit's own system, used in its own line of work (郁南
	// 第二条); 公共类 projects are the bureau's (第三条), and 郁南 takes no
	// 验收后备案 or 项目调整 of them from a unit. Only 郁南's rules tell them
	// apart.
	d.Nature, d.Class = app.NatureNew, app.ClassProfessional
	d.TotalInvestment = app.Wans(wan)
	d.Goals = "建成覆盖" + place.scope + "的" + name + "，事件处置时限缩短 30%"
	if complete {
		d.UnitCreditCode, d.RegionCode, d.Contact.Phone = unitCode, place.region, place.phone
		d.ServiceTypes = []app.ServiceType{app.ServiceSoftware}
		d.Plan, d.PeriodStart, d.PeriodEnd = app.PlanListed, month(start), month(start.AddDate(0, 9, 0))
		if start.Year() <= time.Now().Year() && slices.ContainsFunc(prof.Deadlines, func(r app.DeadlineRule) bool { return r.Anchor == app.AnchorPlanYear && !r.Off }) {
			// A project of this year, declared now, under a profile with an
			// annual 申报截止: one added to the year's plan (郁南 第八条's 紧急
			// 项目), not one of the plan declared by last year's deadline,
			// which it read 逾期 524 天 against (seen in the real window).
			// 天宁 has no such path, and no such deadline.
			d.Plan, d.PlanBasis = app.PlanUrgent, "政府常务会议同意补充列入本年度计划"
		}
		d.Content = "网格事件上报、分拨、督办；社区人口与房屋基础信息管理；与" + place.level + "级平台对接"
		d.Modules = []app.Module{{Name: "事件上报", Description: "网格员移动端上报"}, {Name: "督办考核"}}
		d.Integrated, d.SharesData = true, true
		d.DataResources = "产生社区人口、房屋、事件数据，共享至" + place.level + "数据共享交换平台"
		d.SharingAnalysis = "向" + place.level + "数据共享交换平台提供人口、房屋数据"
		d.Security = app.Security{Level: 2, Plan: "按等保二级建设，三同步", Assess: true}
		d.Crypto = app.CryptoPlan{Level: 2, Summary: "采用 SM2/SM3/SM4，身份鉴别使用数字证书", Review: true}
		d.Deployment = app.Deployment{Mode: app.DeployEgovCloud, Resources: "8 核 32G，存储 2T"}
		d.Xinchuang = app.Xinchuang{Supported: true, Notes: "麒麟 V10、达梦 8"}
		d.OMPlan = "质保期一年，之后纳入" + place.level + "统一运维"
		d.Schedule = []app.Milestone{{Name: "招标采购", Due: month(start.AddDate(0, 1, 0))}, {Name: "上线试运行", Due: month(start.AddDate(0, 7, 0))}}
		// The fees a regulation puts in the total (郁南 第十六条: 监理、第三方
		// 测试、安全评估) are lines of their own, as a real estimate has them.
		total := app.Wans(wan)
		dev, supervision, testing, assessment := total*65/100, total/10, total*3/100, total*2/100
		d.Budget = []app.BudgetItem{
			{Category: app.BudgetSoftwareDev, Name: "平台软件开发", Amount: dev},
			{Category: app.BudgetHardware, Name: "终端设备", Amount: total - dev - supervision - testing - assessment},
			{Category: app.BudgetSupervision, Name: "工程监理", Amount: supervision},
			{Category: app.BudgetTesting, Name: "第三方软件测试", Amount: testing},
			{Category: app.BudgetSecurityEval, Name: "等保测评及安全评估", Amount: assessment},
		}
		d.YearAmount = app.Wans(wan)
		d.Funding = []app.Funding{{Kind: app.FundLocal, Amount: app.Wans(wan)}}
		a := prof.Evaluate(d, time.Now())
		for _, c := range a.Checklist {
			d.Confirmations = append(d.Confirmations, c.ID)
		}
		for _, m := range a.Materials {
			// a label may hold a / (郁南's 年度需求计划（含需求方案）/ 项目方案),
			// which no file name may: the bureau refused the demo's filings
			att, err := blobs.ImportReader(ctx, strings.ReplaceAll(m.Label, "/", "／")+".pdf", bytes.NewReader([]byte("%PDF-1.4\n% "+name+" "+m.Label+"\n")))
			if err != nil {
				return "", err
			}
			att.Material = m.Codes[0]
			f.Attachments = append(f.Attachments, att)
		}
	}
	if err := st.Save(ctx, f); err != nil {
		return "", err
	}
	return f.ID, nil
}

func month(t time.Time) string { return t.Format("2006-01") }

func day(t time.Time) string { return t.Format("2006-01-02") }

// decide takes a decision on filing id as c reads it now, with the review
// detail's ETag, as a script of the bureau's should.
func decide(ctx context.Context, c *client.Client, id string, req protocol.DecisionRequest) (protocol.DecisionResponse, error) {
	d, err := c.ReviewFiling(ctx, id)
	if err != nil {
		return protocol.DecisionResponse{}, err
	}
	return c.DecideOn(ctx, d, req)
}
