package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"strings"

	"egovdesk/app"
	"egovdesk/sync/server"
)

// The demo bureau's unit and accounts. The passwords are printed on start:
// a demo directory is for trying egovdesk out, never for real filings.
const demoProfile = "huoqiu"

// demoPlaces are the demo's 建设单位 under each profile, its unified
// social credit code (registered in the place: the 天宁 demo's unit had a
// 霍邱 code, found in a walkthrough), the level of the government it
// belongs to (县, 市, 区) and its data bureau's short name, for the
// accounts' names. The unit is created once: a demo directory first
// served under another profile keeps its unit.
var demoPlaces = map[string]struct{ unit, code, level, bureau string }{
	"huoqiu":   {"霍邱县城关镇人民政府", "11341522003064951U", "县", "县数管局"},
	"luan":     {"六安市民政局", "113415000030649510", "市", "市数管局"},
	"tianning": {"常州市天宁区雕庄街道办事处", "113204020030649513", "区", "区数据局"},
	"wuhan":    {"武汉市民政局", "11420100003064951D", "市", "市大数据局"},
	"yunan":    {"郁南县都城镇人民政府", "11445322003064951R", "县", "县政务和数据局"},
}

// demoUnit returns the demo unit the directory has, under whichever
// profile it was first served, or creates place's.
func demoUnit(ctx context.Context, srv *server.Server, unit, code string) (server.Unit, error) {
	for _, p := range demoPlaces {
		if u, err := srv.FindUnit(ctx, p.code); err == nil {
			return u, nil
		} else if app.ErrorCode(err) != app.ENOTFOUND {
			return u, err
		}
	}
	return srv.AddUnit(ctx, unit, code)
}

// demoAccounts are the demo's accounts; in names, {L} is the level and {B}
// the bureau of demoPlaces.
var demoAccounts = []struct {
	login, name, password string
	role                  app.Role
}{
	{"chengguan", "建设单位项目专员", "chengguan-demo", app.RoleUnit},
	{"shenhe", "{B}审核员", "shenhe-demo", app.RoleReviewer},
	{"admin", "{B}管理员", "admin-demo-pw", app.RoleAdmin},
	// the other steps of a review flow: the joint review, and 批复立项 by
	// the development-and-reform department (霍邱, 六安: 报发改委审批)
	{"caizheng", "{L}财政局联审员", "caizheng-demo", app.RoleFinance},
	{"fagai", "{L}发改委联审及审批员", "fagai-demo", app.RoleNDRC},
	{"mima", "{L}密码管理局联审员", "mima-demo", app.RoleCrypto},
}

// demo creates (once) a demo bureau in its data directory and serves it.
func (e *env) demo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bureau demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f serveFlags
	f.register(fs, "bureau-demo")
	// The demo reads neither variable (below): its help says so.
	d := fs.Lookup("data")
	d.Usage, d.DefValue = "the demo's data directory (EGOV_BUREAU_DATA is not read: it may name the real bureau's)", "bureau-demo"
	db := fs.Lookup("database")
	db.Usage, db.DefValue = "PostgreSQL database for the demo's records, postgres://user@host:port/db ("+envDatabase+" is not read); empty: the embedded Badger store in --data", ""
	prof := fs.String("profile", demoProfile, "the rule profile the demo bureau serves: huoqiu, luan, tianning, wuhan or yunan")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	// Demo accounts have printed passwords: only an explicit --data may put
	// them anywhere but ./bureau-demo, never EGOV_BUREAU_DATA (which may
	// name the real bureau's directory).
	if !isSet(fs, "data") {
		f.data = "bureau-demo"
	}
	if !isSet(fs, "database") {
		f.database = "" // nor EGOVDESK_DATABASE
	}
	if !isSet(fs, "log-format") && f.logFormat == "json" {
		f.logFormat = "text"
	}
	cfg, err := e.serverConfig(&f)
	if err != nil {
		return err
	}
	if !isSet(fs, "password-max-age") {
		// The demo's accounts keep their published passwords: a demo
		// directory kept for months must still log in as the README says.
		cfg.PasswordPolicy.MaxAge = -1
	}
	if cfg.Storage, err = openStorage(ctx, f.database, cfg.Logger); err != nil {
		return err
	}
	srv, err := server.Open(ctx, cfg)
	if err != nil {
		if cfg.Storage != nil {
			cfg.Storage.Close()
		}
		return err
	}
	unit, err := seedDemo(ctx, srv, *prof)
	if err != nil {
		srv.Close()
		return err
	}
	// Listen before the banner, so that it gives the address the bureau
	// took (with -addr 127.0.0.1:0 it printed port 0).
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen %s: %w", f.addr, err)
	}
	addr := ln.Addr().String()
	fmt.Fprintf(e.stdout, `演示数管局已就绪（数据目录 %s）
  地址      http://%s
  建设单位  %s
`, f.data, addr, unit)
	for _, a := range demoAccounts {
		// The login first: the roles' Chinese names are of uneven width.
		fmt.Fprintf(e.stdout, "  登录名 %-10s 密码 %-15s %s\n", a.login, a.password, a.role.Label())
	}
	fmt.Fprintf(e.stdout, "  审核台    http://%s/console/ （用上面任一数管局账号登录，各看各的待办步骤）\n", addr)
	fmt.Fprintf(e.stdout, `  规则配置  %s

试一试：
  curl -s http://%s/api/v1/login -H 'Content-Type: application/json' -d '{"login":"chengguan","password":"chengguan-demo"}'
按 Ctrl+C 停止。
`, *prof, addr)
	runErr := srv.RunOn(ctx, ln)
	if err := srv.Close(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// seedDemo adds the demo unit and accounts unless they exist, serves the
// rule profile named profile, and returns the unit's name.
func seedDemo(ctx context.Context, srv *server.Server, profile string) (string, error) {
	name, data, err := profileData(profile)
	if err != nil {
		return "", err
	}
	place, ok := demoPlaces[profile]
	if !ok { // a profile of the bureau's own, from a file
		place = demoPlaces[demoProfile]
	}
	u, err := demoUnit(ctx, srv, place.unit, place.code)
	if err != nil {
		return "", fmt.Errorf("demo unit: %w", err)
	}
	for _, a := range demoAccounts {
		// The demo's passwords are published (README): exempt from the
		// password rules and the forced change (NewAccount.Demo).
		shown := strings.NewReplacer("{L}", place.level, "{B}", place.bureau).Replace(a.name)
		n := server.NewAccount{Login: a.login, Name: shown, Role: a.role, Password: a.password, Demo: true}
		if a.role == app.RoleUnit {
			n.UnitID = u.ID
		}
		if _, err := srv.AddAccount(ctx, n); err != nil && app.ErrorCode(err) != app.ECONFLICT {
			return "", fmt.Errorf("demo account %s: %w", a.login, err)
		}
	}
	if _, err := srv.SetProfile(ctx, name, data); err != nil {
		return "", fmt.Errorf("demo profile: %w", err)
	}
	return u.Name, nil
}
