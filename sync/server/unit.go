package server

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"egovdesk/app"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/bureaustore"
)

// Unit is a project unit (建设单位) that files with the bureau; Code is its
// 统一社会信用代码.
type Unit = protocol.Unit

// AddUnit registers a unit by name and unified social credit code. It fails
// with EINVALID when the name is blank or the code is not a valid credit
// code, and with ECONFLICT when the code is already registered.
func (s *Server) AddUnit(ctx context.Context, name, code string) (_ Unit, err error) {
	if err = s.auditReady(); err != nil {
		return
	}
	target := code
	defer func() { s.audited(ctx, "unit.create", target, &err) }()
	name, code, err = checkUnit(name, code)
	if err != nil {
		return Unit{}, err
	}
	target = code // as kept: a code typed full-width is found in the trail as stored
	if err := s.checkUnitNameFree(ctx, "", name); err != nil {
		return Unit{}, err
	}
	u := Unit{ID: uuid.NewString(), Name: name, Code: code, Created: s.Now()}
	if err := s.store.AddUnit(ctx, u); err != nil {
		if errors.Is(err, bureaustore.ErrDuplicate) {
			// Which unit holds the code: "已登记" alone sent the admin
			// searching (found in a walkthrough).
			if units, lerr := s.store.Units(ctx); lerr == nil {
				for _, o := range units {
					if o.Code == code {
						return Unit{}, app.Errorf(app.ECONFLICT, "统一社会信用代码 %s 已登记为“%s”：同一单位不必重复添加；代码填错了请核对", code, o.Name)
					}
				}
			}
		}
		return Unit{}, err
	}
	return u, nil
}

// checkName checks a name an admin types — a unit's, an account's, a
// token's label — as a filing's one-line fields are checked
// (app.CheckString: no control character, line break or direction
// override, at most limit characters), and refuses the invisible format
// characters (zero-width space, BOM, tag characters) and private-use ones
// too: a name is read on screens, in the queue, on printed copies and in
// the command line's tab-separated lists, and found from outside unit
// names with a bell, a line break and U+202E were taken. "" when fine.
func checkName(name string, limit int) string {
	if name == "" {
		return ""
	}
	if msg := app.CheckString(name, limit, true); msg != "" {
		return msg
	}
	letter := false
	prev := rune(-1)
	for _, r := range name {
		if unicode.In(r, unicode.Cf, unicode.Co) || app.Invisible(r) || !assigned(r) {
			return fmt.Sprintf("含有不可见或无法显示的字符（U+%04X），请删去后重新填写", r)
		}
		if unicode.In(r, unicode.Mn, unicode.Me) && (prev < 0 || unicode.Is(unicode.Han, prev)) {
			return fmt.Sprintf("含有附加符号（U+%04X），请删去后重新填写", r)
		}
		prev = r
		if unicode.In(r, unicode.Radical) || r >= 0x2E80 && r <= 0x2FFF || r >= 0x31C0 && r <= 0x31EF || r == 0x303F || r == 0xFFFD {
			// CJK radicals, strokes and description characters look like
			// ideographs or like nothing (found from outside: ⺠ for 民, ㇐ for 一)
			return fmt.Sprintf("含有部首、笔画或替代字符“%c”（U+%04X），请改用正常的汉字", r, r)
		}
		letter = letter || unicode.IsLetter(r)
	}
	if !letter {
		return "须含有文字"
	}
	return ""
}

// assigned reports whether r is a character of the Unicode version Go
// knows (unassigned code points show as nothing or as a box). Go's
// unicode.C holds the unassigned ones too: they are the ones of C in none
// of its named categories.
func assigned(r rune) bool {
	return !unicode.Is(unicode.C, r) || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
}

// checkUnitNameFree fails with EINVALID when a unit other than id is named
// name as app.SameName compares.
func (s *Server) checkUnitNameFree(ctx context.Context, id, name string) error {
	units, err := s.store.Units(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		if u.ID != id && app.SameName(u.Name) == app.SameName(name) {
			return fieldErr("name", fmt.Sprintf("已有单位名为“%s”（统一社会信用代码 %s），单位名称不能重复", u.Name, u.Code))
		}
	}
	return nil
}

// checkUnit returns a unit's name and credit code as stored (trimmed, the
// code half-width and in upper case: an administrator's input method in
// full-width mode typed ９１３４…), or the EINVALID field problems of a
// blank name or an invalid code, saying what is wrong with it: the one
// rule for adding and editing a unit.
func checkUnit(name, code string) (string, string, error) {
	name, code = strings.TrimSpace(name), strings.ToUpper(strings.TrimSpace(code))
	if c, ok := app.NormalizeCode(code); ok {
		code = c
	}
	var p app.Problems
	if name == "" {
		p.Add("name", "请填写单位名称")
	} else if msg := checkName(name, 100); msg != "" {
		p.Add("name", "单位名称%s", msg)
	}
	switch {
	case code == "": // it read 统一社会信用代码“”无效 (a walkthrough)
		p.Add("code", "请填写统一社会信用代码（18 位，见单位的法人证书或营业执照）")
	case utf8.RuneCountInString(code) > 40: // not quoted back whole
		p.Add("code", "统一社会信用代码无效：%s", app.CreditCodeProblem(code))
	case !app.ValidCreditCode(code):
		p.Add("code", "统一社会信用代码“%s”无效：%s", code, app.CreditCodeProblem(code))
	}
	return name, code, p.Err()
}

// Units returns every unit, by name.
func (s *Server) Units(ctx context.Context) ([]Unit, error) {
	out, err := s.store.Units(ctx)
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// FindUnit returns the unit whose id, credit code or exact name is ref. It
// fails with ENOTFOUND when there is none and EINVALID when the name is ambiguous.
func (s *Server) FindUnit(ctx context.Context, ref string) (Unit, error) {
	ref = strings.TrimSpace(ref)
	u, err := s.store.Unit(ctx, ref)
	if errors.Is(err, bureaustore.ErrNotFound) {
		code := strings.ToUpper(ref)
		if c, ok := app.NormalizeCode(ref); ok { // typed as checkUnit reads it
			code = c
		}
		u, err = s.store.UnitByCode(ctx, code)
	}
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, bureaustore.ErrNotFound) {
		return Unit{}, fmt.Errorf("find unit %s: %w", ref, err)
	}
	units, err := s.Units(ctx)
	if err != nil {
		return Unit{}, err
	}
	var found []Unit
	for _, x := range units {
		if x.Name == ref {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 0:
		return Unit{}, app.Errorf(app.ENOTFOUND, "没有找到单位“%s”", ref)
	case 1:
		return found[0], nil
	}
	return Unit{}, app.Errorf(app.EINVALID, "有 %d 个单位名为“%s”，请用统一社会信用代码指定", len(found), ref)
}
