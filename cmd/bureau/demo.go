package main

import (
	"context"
	"flag"
	"fmt"

	"egovdesk/app"
	"egovdesk/sync/server"
)

// The demo bureau's unit and accounts. The passwords are printed on start:
// a demo directory is for trying egovdesk out, never for real filings.
const (
	demoUnit    = "霍邱县城关镇人民政府"
	demoCode    = "11341522003064951U"
	demoProfile = "huoqiu"
)

var demoAccounts = []struct {
	login, name, password string
	role                  app.Role
}{
	{"chengguan", "城关镇项目专员", "chengguan-demo", app.RoleUnit},
	{"shenhe", "县数管局审核员", "shenhe-demo", app.RoleReviewer},
	{"admin", "县数管局管理员", "admin-demo-pw", app.RoleAdmin},
	// the other steps of 霍邱's review flow: the joint review and approval
	{"caizheng", "县财政局联审员", "caizheng-demo", app.RoleFinance},
	{"fagai", "县发改委联审员", "fagai-demo", app.RoleNDRC},
	{"mima", "县密码管理局联审员", "mima-demo", app.RoleCrypto},
	{"pizhun", "县数管局审批负责人", "pizhun-demo", app.RoleApprover},
}

// demo creates (once) a demo bureau in its data directory and serves it.
func (e *env) demo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bureau demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f serveFlags
	f.register(fs, "bureau-demo")
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
	if err := seedDemo(ctx, srv, *prof); err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(e.stdout, `演示数管局已就绪（数据目录 %s）
  地址      http://%s
  建设单位  %s
`, f.data, f.addr, demoUnit)
	for _, a := range demoAccounts {
		// The login first: the roles' Chinese names are of uneven width.
		fmt.Fprintf(e.stdout, "  登录名 %-10s 密码 %-15s %s\n", a.login, a.password, a.role.Label())
	}
	fmt.Fprintf(e.stdout, "  审核台    http://%s/console/ （用上面任一数管局账号登录，各看各的待办步骤）\n", f.addr)
	fmt.Fprintf(e.stdout, `  规则配置  %s

试一试：
  curl -s http://%s/api/v1/login -H 'Content-Type: application/json' -d '{"login":"chengguan","password":"chengguan-demo"}'
按 Ctrl+C 停止。
`, demoProfile, f.addr)
	runErr := srv.Run(ctx, f.addr)
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

// seedDemo adds the demo unit and accounts unless they exist, and serves
// the rule profile named profile.
func seedDemo(ctx context.Context, srv *server.Server, profile string) error {
	u, err := srv.FindUnit(ctx, demoCode)
	if app.ErrorCode(err) == app.ENOTFOUND {
		u, err = srv.AddUnit(ctx, demoUnit, demoCode)
	}
	if err != nil {
		return fmt.Errorf("demo unit: %w", err)
	}
	for _, a := range demoAccounts {
		// The demo's passwords are published (README): exempt from the
		// password rules and the forced change (NewAccount.Demo).
		n := server.NewAccount{Login: a.login, Name: a.name, Role: a.role, Password: a.password, Demo: true}
		if a.role == app.RoleUnit {
			n.UnitID = u.ID
		}
		if _, err := srv.AddAccount(ctx, n); err != nil && app.ErrorCode(err) != app.ECONFLICT {
			return fmt.Errorf("demo account %s: %w", a.login, err)
		}
	}
	name, data, err := profileData(profile)
	if err != nil {
		return err
	}
	if _, err := srv.SetProfile(ctx, name, data); err != nil {
		return fmt.Errorf("demo profile: %w", err)
	}
	return nil
}
