package app_test

import (
	"strings"
	"testing"

	"egovdesk/app"
)

// The loader checks the life-cycle rules, route overrides, additions and
// the new deadline anchors, naming the path of each problem.
func TestProfileLoadLifecycleProblems(t *testing.T) {
	lifecycle := func(r map[string]any) func(p map[string]any) {
		return func(p map[string]any) {
			base := map[string]any{"id": "om", "kind": "om_filing", "label": "运维情况按年度备案", "route": "filing",
				"approver": "县数管局", "source": "第四部分"}
			for k, v := range r {
				base[k] = v
			}
			p["lifecycle"] = []any{base}
		}
	}
	tests := []struct {
		name   string
		change func(p map[string]any)
		field  string
		says   string
	}{
		{"unknown kind", lifecycle(map[string]any{"kind": "declaration"}), "lifecycle[0].kind", "不是项目后续阶段"},
		{"unknown type", lifecycle(map[string]any{"kind": "adjustment", "types": []any{"merge"}}), "lifecycle[0].types[0]", "merge"},
		{"no source", lifecycle(map[string]any{"source": ""}), "lifecycle[0].source", "出处"},
		{"bad route", lifecycle(map[string]any{"route": "maybe"}), "lifecycle[0].route", "未知的审批路径"},
		{"missing deadline", lifecycle(map[string]any{"deadline": "om_filing"}), "lifecycle[0].deadline", "没有编号"},
		{"unknown material", lifecycle(map[string]any{"materials": []any{"receipt"}}), "lifecycle[0].materials[0]", "未知的材料代码"},
		{"self adjust on O&M", lifecycle(map[string]any{"self_adjust": map[string]any{"max_percent": "15", "route": "filing",
			"label": "自行调整", "approver": "审批部门", "source": "第十九条",
			"situations": []any{map[string]any{"code": "a", "label": "情形", "source": "第十九条"}}}}), "lifecycle[0].self_adjust", "只有项目调整"},
		{"self adjust over 100 %", lifecycle(map[string]any{"kind": "adjustment", "self_adjust": map[string]any{"max_percent": "150", "route": "filing",
			"label": "自行调整", "approver": "审批部门", "source": "第十九条",
			"situations": []any{map[string]any{"code": "a", "label": "情形", "source": "第十九条"}}}}), "lifecycle[0].self_adjust.max_percent", "0 到 100"},
		{"self adjust without situations", lifecycle(map[string]any{"kind": "adjustment", "self_adjust": map[string]any{"max_percent": "15", "route": "filing",
			"label": "自行调整", "approver": "审批部门", "source": "第十九条"}}), "lifecycle[0].self_adjust.situations", "情形"},
		{"addition not required", func(p map[string]any) { p["acceptance_additions"] = []any{"contract"} }, "acceptance_additions[0]", "不在 acceptance_materials"},
		{"route basis", func(p map[string]any) { at(p, "routes", 1)["basis"] = "guessed" }, "routes[1].basis", "approved"},
		{"override on route", func(p map[string]any) {
			p["route_overrides"] = []any{map[string]any{"when": map[string]any{"fact": "route", "op": "=", "value": "approval"},
				"code": "sector_approval", "label": "行业审批", "approver": "主管部门", "source": "第九条"}}
		}, "route_overrides[0].when", "不能使用 route"},
		{"yearly in construction with offset", func(p map[string]any) {
			p["deadlines"] = []any{map[string]any{"id": "report", "label": "年度报告", "rule": "建设期内每年年末", "anchor": "construction_yearly",
				"month": 12, "day": 31, "year_offset": 1, "source": "第二十条"}}
		}, "deadlines[0].year_offset", "年份偏移"},
		{"unknown rule field", func(p map[string]any) { at(p, "blockers", 0)["adition"] = true }, "blockers[0].adition", "未知字段"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := app.LoadProfile("sample.json", mutate(t, tt.change))
			for _, f := range app.FieldErrors(err) {
				if f.Field == tt.field && strings.Contains(f.Message, tt.says) {
					return
				}
			}
			t.Fatalf("no problem on %s saying %q: %v", tt.field, tt.says, app.FieldErrors(err))
		})
	}
	ok := mutate(t, func(p map[string]any) {
		at(p, "blockers", 0)["addition"] = true
		at(p, "blockers", 0)["off"] = true
		p["lifecycle"] = []any{map[string]any{"id": "om", "kind": "om_filing", "label": "运维情况按年度备案", "route": "filing",
			"approver": "县数管局", "deadline": "om", "source": "第四部分"}}
		p["deadlines"] = []any{map[string]any{"id": "om", "label": "运维备案", "rule": "按年度", "anchor": "operation_yearly",
			"month": 12, "day": 31, "addition": true, "source": "本局补充要求"}}
	})
	p, err := app.LoadProfile("sample.json", ok)
	if err != nil {
		t.Fatalf("valid life-cycle profile: %v %v", err, app.FieldErrors(err))
	}
	if !p.Blockers[0].Addition || !p.Blockers[0].Off || len(p.LifecycleRules(app.KindOMFiling, "", nil)) != 1 {
		t.Errorf("decoded %+v %+v", p.Blockers[0], p.Lifecycle)
	}
}
