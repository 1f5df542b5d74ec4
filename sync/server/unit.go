package server

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

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
	defer s.audited(ctx, "unit.create", code, &err)
	name, code, err = checkUnit(name, code)
	if err != nil {
		return Unit{}, err
	}
	u := Unit{ID: uuid.NewString(), Name: name, Code: code, Created: s.Now()}
	if err := s.store.AddUnit(ctx, u); err != nil {
		return Unit{}, err
	}
	return u, nil
}

// checkUnit returns a unit's name and credit code as stored (trimmed, the
// code in upper case), or the EINVALID field problems of a blank name or
// an invalid code: the one rule for adding and editing a unit.
func checkUnit(name, code string) (string, string, error) {
	name, code = strings.TrimSpace(name), strings.ToUpper(strings.TrimSpace(code))
	var p app.Problems
	if name == "" {
		p.Add("name", "请填写单位名称")
	} else if len([]rune(name)) > 100 {
		p.Add("name", "单位名称不能超过 100 个字")
	}
	if !app.ValidCreditCode(code) {
		p.Add("code", "统一社会信用代码“%s”无效：应为 18 位且校验位正确", code)
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
		u, err = s.store.UnitByCode(ctx, strings.ToUpper(ref))
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
