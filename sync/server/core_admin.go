package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"egovdesk/app"
	"egovdesk/app/xlsx"
	"egovdesk/assets"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/console"
)

// The console's admin pages (console.AdminBackend) and register page
// (console.RegisterBackend): each call checks the session is an admin's
// and is then the server's own operation, the one the admin API calls.

// admin returns the admin holding a console session token.
func (c core) admin(token string) (*caller, error) {
	who, err := c.reviewer(token)
	if err != nil {
		return nil, err
	}
	if who.Role != app.RoleAdmin {
		return nil, app.Errorf(app.EFORBIDDEN, "此功能仅供数管局管理员使用")
	}
	return who, nil
}

func (c core) AdminUnits(ctx context.Context, token string) ([]protocol.Unit, error) {
	if _, err := c.admin(token); err != nil {
		return nil, err
	}
	return c.s.Units(ctx)
}

func (c core) AddUnit(ctx context.Context, token, name, code string) (protocol.Unit, error) {
	who, err := c.admin(token)
	if err != nil {
		return protocol.Unit{}, err
	}
	u, err := c.s.AddUnit(ctx, name, code)
	if err == nil {
		c.s.log.Info("unit added", "unit", u.ID, "code", u.Code, "by", who.Login, "via", "console")
	}
	return u, err
}

func (c core) UpdateUnit(ctx context.Context, token, id, name, code string) (protocol.Unit, error) {
	who, err := c.admin(token)
	if err != nil {
		return protocol.Unit{}, err
	}
	u, err := c.s.UpdateUnit(ctx, id, name, code)
	if err == nil {
		c.s.log.Info("unit updated", "unit", u.ID, "code", u.Code, "by", who.Login, "via", "console")
	}
	return u, err
}

func (c core) SetUnitDisabled(ctx context.Context, token, id string, disabled bool) error {
	who, err := c.admin(token)
	if err != nil {
		return err
	}
	if _, err := c.s.SetUnitDisabled(ctx, id, disabled); err != nil {
		return err
	}
	c.s.log.Info("unit disabled", "unit", id, "disabled", disabled, "by", who.Login, "via", "console")
	return nil
}

func (c core) Accounts(ctx context.Context, token string) ([]console.AdminAccount, error) {
	if _, err := c.admin(token); err != nil {
		return nil, err
	}
	as, err := c.s.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	return as, nil
}

func (c core) AddAccount(ctx context.Context, token string, req protocol.AdminAccountRequest) (protocol.Account, error) {
	who, err := c.admin(token)
	if err != nil {
		return protocol.Account{}, err
	}
	a, err := c.s.AddAccount(ctx, NewAccount{Login: req.Login, Name: req.Name, Role: app.Role(req.Role),
		UnitID: req.UnitID, Password: req.Password, MustChange: true}) // an initial password: changed at the first login
	if err == nil {
		c.s.log.Info("account added", "login", a.Login, "role", a.Role, "by", who.Login, "via", "console")
	}
	return a, err
}

func (c core) SetPassword(ctx context.Context, token, login, password string) error {
	who, err := c.admin(token)
	if err != nil {
		return err
	}
	if err := c.s.SetPassword(ctx, login, password); err != nil {
		return err
	}
	c.s.log.Info("password reset", "login", login, "by", who.Login, "via", "console")
	return nil
}

func (c core) SetAccountDisabled(ctx context.Context, token, login string, disabled bool) error {
	who, err := c.admin(token)
	if err != nil {
		return err
	}
	if err := c.s.SetAccountDisabled(ctx, login, disabled); err != nil {
		return err
	}
	c.s.log.Info("account disabled", "login", login, "disabled", disabled, "by", who.Login, "via", "console")
	return nil
}

func (c core) Tokens(ctx context.Context, token, login string) ([]console.AdminToken, error) {
	who, err := c.admin(token)
	if err != nil {
		return nil, err
	}
	ts, err := c.s.Tokens(ctx, login)
	if err != nil {
		return nil, err
	}
	out := make([]console.AdminToken, len(ts))
	for i, t := range ts {
		out[i] = console.AdminToken{AdminToken: t, Current: t.ID == who.tokenHash}
	}
	return out, nil
}

func (c core) RevokeToken(ctx context.Context, token, login, id string) error {
	who, err := c.admin(token)
	if err != nil {
		return err
	}
	if err := c.s.RevokeAccountToken(ctx, login, id); err != nil {
		return err
	}
	c.s.log.Info("token revoked", "login", login, "by", who.Login, "via", "console")
	return nil
}

func (c core) RevokeTokens(ctx context.Context, token, login string) (int, error) {
	who, err := c.admin(token)
	if err != nil {
		return 0, err
	}
	n, err := c.s.RevokeTokens(ctx, login)
	if err != nil {
		return 0, err
	}
	c.s.log.Info("tokens revoked", "login", login, "tokens", n, "by", who.Login, "via", "console")
	return n, nil
}

func (c core) SetProfile(ctx context.Context, token, name string, data []byte) (protocol.ProfileDocument, error) {
	who, err := c.admin(token)
	if err != nil {
		return protocol.ProfileDocument{}, err
	}
	if data == nil {
		if !slices.ContainsFunc(c.BuiltinProfiles(), func(p console.ProfileChoice) bool { return p.ID == name }) {
			return protocol.ProfileDocument{}, app.Errorf(app.ENOTFOUND, "没有内置规则配置“%s”", name)
		}
		if data, err = assets.Profiles.ReadFile("profiles/" + name + ".json"); err != nil {
			return protocol.ProfileDocument{}, err
		}
		name += ".json"
	}
	doc, err := c.s.SetProfile(ctx, path.Base(name), data)
	if err == nil {
		c.s.log.Info("profile set", "id", doc.ID, "version", doc.Version, "by", who.Login, "via", "console")
	}
	return doc, err
}

func (c core) ProfileFile(ctx context.Context, token string) (protocol.ProfileDocument, error) {
	if _, err := c.admin(token); err != nil {
		return protocol.ProfileDocument{}, err
	}
	return c.s.profileDocument(ctx)
}

func (c core) BuiltinProfiles() []console.ProfileChoice {
	out, err := builtinChoices()
	if err != nil {
		c.s.log.Error("built-in profiles", "err", err)
		return nil
	}
	return slices.Clone(out)
}

// builtinChoices reads the embedded profiles once: the profile page and
// every switch ask for them, and they never change while the binary runs.
// Each carries the version it gets once set (SetProfile loads the compact
// form of the file), to tell an uploaded profile from a built-in one.
var builtinChoices = sync.OnceValues(func() ([]console.ProfileChoice, error) {
	var out []console.ProfileChoice
	entries, err := assets.Profiles.ReadDir("profiles")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		data, err := assets.Profiles.ReadFile("profiles/" + name)
		if err != nil {
			return nil, err
		}
		canon, err := json.Marshal(json.RawMessage(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		p, err := app.LoadProfile(name, canon)
		if err != nil {
			return nil, err
		}
		out = append(out, console.ProfileChoice{ID: p.ID, Jurisdiction: p.Jurisdiction, Bureau: p.Bureau, Version: p.Version})
	}
	slices.SortFunc(out, func(a, b console.ProfileChoice) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
})

func (c core) Register(ctx context.Context, token string) (console.Register, error) {
	if _, err := c.admin(token); err != nil {
		return console.Register{}, err
	}
	return c.s.Register(ctx)
}

func (c core) ImportRegister(ctx context.Context, token, name string, data []byte) (int, error) {
	who, err := c.admin(token)
	if err != nil {
		return 0, err
	}
	systems, err := xlsx.ReadRegister(bytes.NewReader(data), c.s.Now().Year())
	if err != nil {
		return 0, err
	}
	if err := c.s.ImportRegister(ctx, systems, who.Login, path.Base(name)); err != nil {
		return 0, err
	}
	c.s.log.Info("register imported", "systems", len(systems), "by", who.Login, "via", "console")
	return len(systems), nil
}

func (c core) RegisterTemplate() ([]byte, error) {
	var buf bytes.Buffer
	if err := xlsx.RegisterTemplate(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
