package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"egovdesk/app"
)

// minimalProfile is a small valid profile that the malformed cases below break.
const minimalProfile = `{
  "id": "sample",
  "jurisdiction": "示例县",
  "bureau": "示例县数据资源管理局",
  "regulation": "《示例县电子政务项目建设管理办法》",
  "seed": "000_sample.txt",
  "year": 2021,
  "routes": [
    {"min_wan": "0", "max_wan": "500", "code": "bundled_proposal", "label": "500 万元以下：打捆编制", "approver": "县发改委", "source": "第二部分"},
    {"min_wan": "500", "code": "approval", "label": "500 万元（含）以上：单位编制", "approver": "县发改委", "source": "第二部分"}
  ],
  "obligations": [
    {"id": "supervision", "label": "总投资 ≥ 100万：须实行监理", "when": {"fact": "total_investment", "op": ">=", "wan": "100"}, "source": "第十六条"}
  ],
  "materials": [{"code": "application_report", "source": "第二部分"}],
  "blockers": [
    {"id": "not_in_plan", "label": "未列入年度计划", "fix": "先列入计划", "field": "plan", "when": {"fact": "plan", "op": "=", "value": "not_listed"}, "source": "第二部分"}
  ],
  "deadlines": [
    {"id": "declare", "label": "申报截止", "rule": "7 月前申报", "anchor": "plan_year", "year_offset": -1, "month": 6, "day": 30, "source": "第二部分"}
  ],
  "trial_min_months": 1,
  "acceptance_materials": ["trial_report"]
}`

// mutate decodes minimalProfile, lets change edit it and encodes it again.
func mutate(t *testing.T, change func(p map[string]any)) []byte {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal([]byte(minimalProfile), &p); err != nil {
		t.Fatal(err)
	}
	change(p)
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func at(p map[string]any, key string, i int) map[string]any {
	return p[key].([]any)[i].(map[string]any)
}

func TestProfileLoadMinimal(t *testing.T) {
	p, err := app.LoadProfile("profiles/sample.json", []byte(minimalProfile))
	if err != nil {
		t.Fatalf("LoadProfile: %v %v", err, app.FieldErrors(err))
	}
	if p.File != "sample.json" || len(p.Version) != 64 {
		t.Errorf("file %q version %q", p.File, p.Version)
	}
	if sum := sha256.Sum256(p.Bytes()); hex.EncodeToString(sum[:]) != p.Version {
		t.Errorf("Version is not the SHA-256 of Bytes()")
	}
	q, _ := app.LoadProfile("sample.json", []byte(minimalProfile+"\n"))
	if q.Version == p.Version {
		t.Errorf("a different file must have a different version")
	}
}

func TestProfileLoadRejects(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		data    func(t *testing.T) []byte
		field   string // the FieldError that must be present ("" for whole-file problems)
		problem string // a part of the message
	}{
		{"未知顶层字段", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { p["approvers"] = "x" })
		}, "approvers", "未知字段"},
		{"未知嵌套字段", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "routes", 0)["maxwan"] = "500" })
		}, "routes[0].maxwan", "未知字段"},
		{"字段名大小写不符", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { p["ID"] = p["id"]; delete(p, "id") })
		}, "ID", "未知字段"},
		{"未知事实", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "obligations", 0)["when"].(map[string]any)["fact"] = "investment" })
		}, "obligations[0].when.fact", "未知的事实"},
		{"未知运算符", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "obligations", 0)["when"].(map[string]any)["op"] = "≥" })
		}, "obligations[0].when.op", "不支持运算符"},
		{"金额不是数字", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "obligations", 0)["when"].(map[string]any)["wan"] = "1e2" })
		}, "obligations[0].when.wan", "不是有效金额"},
		{"金额小数位过多", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "obligations", 0)["when"].(map[string]any)["wan"] = "100.0000001" })
		}, "obligations[0].when.wan", "小数位过多"},
		{"金额写成数字而非字符串", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "obligations", 0)["when"].(map[string]any)["wan"] = 100 })
		}, "obligations.when.wan", "类型不正确"},
		{"布尔事实取值无效", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				at(p, "obligations", 0)["when"] = map[string]any{"fact": "integrated", "op": "=", "value": "yes"}
			})
		}, "obligations[0].when.value", "true"},
		{"代码取值无效", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				at(p, "blockers", 0)["when"] = map[string]any{"fact": "plan", "op": "in", "values": []any{"listed", "maybe"}}
			})
		}, "blockers[0].when.values[1]", "不是年度计划的取值"},
		{"条件同时有 fact 和 all", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				at(p, "obligations", 0)["when"].(map[string]any)["all"] = []any{}
			})
		}, "obligations[0].when", "须且只能"},
		{"条件嵌套过深", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				var c any = map[string]any{"fact": "integrated", "op": "=", "value": "true"}
				for range 10 {
					c = map[string]any{"not": c}
				}
				at(p, "obligations", 0)["when"] = c
			})
		}, "obligations[0].when.not.not.not.not.not.not.not.not", "嵌套超过"},
		{"期限的条件用了取决于日期的事实", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				at(p, "deadlines", 0)["when"] = map[string]any{"any": []any{map[string]any{"fact": "plan_year_ahead", "op": "=", "value": "true"}}}
			})
		}, "deadlines[0].when.any[0].fact", "取决于检查的日期"},
		{"未知材料代码", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "materials", 0)["code"] = "feasibility_report" })
		}, "materials[0].code", "未知的材料代码"},
		{"验收材料代码未知", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { p["acceptance_materials"] = []any{"trial_report", "acceptance_form"} })
		}, "acceptance_materials[1]", "未知的材料代码"},
		{"投资分档有空档", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "routes", 1)["min_wan"] = "600" })
		}, "routes[1].min_wan", "空档"},
		{"投资分档重叠", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "routes", 1)["min_wan"] = "499.99" })
		}, "routes[1].min_wan", "重叠"},
		{"第一档不从0起", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "routes", 0)["min_wan"] = "10" })
		}, "routes[0].min_wan", "从 0 万元起"},
		{"最后一档设了上限", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "routes", 1)["max_wan"] = "5000" })
		}, "routes[1].max_wan", "最后一档"},
		{"上限不大于下限", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "routes", 0)["max_wan"] = "0" })
		}, "routes[0].max_wan", "须大于下限"},
		{"未知审批路径", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "routes", 1)["code"] = "approve" })
		}, "routes[1].code", "未知的审批路径"},
		{"缺少中文说明", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "routes", 0)["label"] = " " })
		}, "routes[0].label", "请填写"},
		{"缺少出处", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { delete(at(p, "obligations", 0), "source") })
		}, "obligations[0].source", "出处"},
		{"阻止项无条件", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { delete(at(p, "blockers", 0), "when") })
		}, "blockers[0].when", "须写明条件"},
		{"编号重复", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "blockers", 0)["id"] = "supervision" })
		}, "blockers[0].id", "重复"},
		{"期限月份无效", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "deadlines", 0)["month"] = 13 })
		}, "deadlines[0].month", "月份"},
		{"期限日期不存在", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "deadlines", 0)["day"] = 31 })
		}, "deadlines[0].day", "6 月没有 31 日"},
		{"期限起算事件未知", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { at(p, "deadlines", 0)["anchor"] = "signing" })
		}, "deadlines[0].anchor", "未知的起算事件"},
		{"事件期限同时设月数和工作日", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				p["deadlines"] = []any{map[string]any{"id": "filing", "label": "备案", "rule": "验收后备案", "anchor": "acceptance",
					"months": 1, "working_days": 10, "source": "第二部分"}}
			})
		}, "deadlines[0].months", "须且只能"},
		{"窗口起点不小于终点", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				p["deadlines"] = []any{map[string]any{"id": "eval", "label": "自评价", "rule": "12 至 24 个月", "anchor": "go_live",
					"months": 12, "opens_months": 24, "source": "第二十二条"}}
			})
		}, "deadlines[0].opens_months", "须小于 months"},
		{"调休上班日不是周末", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				p["calendar"] = map[string]any{"source": "国办通知", "workdays": []any{"2026-10-09"}}
			})
		}, "calendar.workdays[0]", "只能是周六或周日"},
		{"节假日日期格式错误", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) {
				p["calendar"] = map[string]any{"source": "国办通知", "holidays": []any{"2026/10/01"}}
			})
		}, "calendar.holidays[0]", "不是有效日期"},
		{"id与文件名不一致", "other.json", func(t *testing.T) []byte {
			return []byte(minimalProfile)
		}, "id", "文件名"},
		{"年份类型错误", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { p["year"] = "2021" })
		}, "year", "类型不正确"},
		{"试运行月数为负", "sample.json", func(t *testing.T) []byte {
			return mutate(t, func(p map[string]any) { p["trial_min_months"] = -1 })
		}, "trial_min_months", "0–24"},
		{"JSON 语法错误", "sample.json", func(t *testing.T) []byte {
			return []byte(strings.Replace(minimalProfile, `"year": 2021,`, `"year": 2021`, 1))
		}, "", "第 8 行"},
		{"文件被截断", "sample.json", func(t *testing.T) []byte {
			return []byte(minimalProfile[:200])
		}, "", "不完整"},
		{"空文件", "sample.json", func(t *testing.T) []byte { return nil }, "", "为空"},
		{"顶层不是对象", "sample.json", func(t *testing.T) []byte { return []byte(`[1,2]`) }, "", "顶层"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := app.LoadProfile("profiles/"+tt.file, tt.data(t))
			if err == nil {
				t.Fatalf("LoadProfile accepted a malformed profile: %+v", p)
			}
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.EINVALID {
				t.Fatalf("error %T %v, want an EINVALID *app.Error", err, err)
			}
			if !strings.Contains(e.Message, tt.file) || !hasHan(e.Message) {
				t.Errorf("message %q does not name the file %s in Chinese", e.Message, tt.file)
			}
			for _, f := range e.Fields {
				if f.Field == tt.field && strings.Contains(f.Message, tt.problem) && hasHan(f.Message) {
					return
				}
			}
			t.Errorf("no field error %q containing %q in %v (message %q)", tt.field, tt.problem, e.Fields, e.Message)
		})
	}
}

func TestProfileLoadProfilesDirectory(t *testing.T) {
	good := []byte(minimalProfile)
	t.Run("一个坏文件使整批失败并点名该文件", func(t *testing.T) {
		fsys := fstest.MapFS{
			"p/sample.json": {Data: good},
			"p/broken.json": {Data: []byte(`{"id": "broken",`)},
			"p/readme.txt":  {Data: []byte("not a profile")},
		}
		_, err := app.LoadProfiles(fsys, "p")
		if err == nil || !strings.Contains(app.ErrorMessage(err), "broken.json") {
			t.Fatalf("err = %v, want one naming broken.json", err)
		}
	})
	t.Run("空目录", func(t *testing.T) {
		_, err := app.LoadProfiles(fstest.MapFS{"p/readme.txt": {Data: []byte("x")}}, "p")
		if app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("err = %v, want EINVALID", err)
		}
	})
	t.Run("按 id 返回", func(t *testing.T) {
		ps, err := app.LoadProfiles(fstest.MapFS{"p/sample.json": {Data: good}}, "p")
		if err != nil || ps["sample"] == nil {
			t.Fatalf("ps %v err %v", ps, err)
		}
	})
}
