package app

import (
	"reflect"
	"strings"
	"testing"
)

// jsonPaths lists the JSON paths of t's fields, rows as ".0".
func jsonPaths(prefix string, t reflect.Type, out *[]string) {
	switch t.Kind() {
	case reflect.Pointer:
		jsonPaths(prefix, t.Elem(), out)
		return
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Struct || t.Elem().Kind() == reflect.Pointer {
			jsonPaths(prefix+".0", t.Elem(), out)
			return
		}
	case reflect.Struct:
		if t.String() != "time.Time" {
			for i := range t.NumField() {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if !f.IsExported() || name == "" || name == "-" {
					continue
				}
				jsonPaths(prefix+"."+name, f.Type, out)
			}
			return
		}
	}
	*out = append(*out, prefix)
}

// Every field of every kind of filing has a Chinese name where the console
// lists a revision's changes and a reviewer's remarks: a revised catalogue
// read "信息资源 第 1 行 · share_type", a trial report "figures · users".
func TestEveryBodyFieldHasALabel(t *testing.T) {
	var paths []string
	jsonPaths("", reflect.TypeFor[Body](), &paths)
	if len(paths) < 200 {
		t.Fatalf("only %d paths: is the walk right?", len(paths))
	}
	for _, p := range paths {
		p = strings.TrimPrefix(p, ".")
		if l := FieldLabel(p); strings.ContainsAny(l, "abcdefghijklmnopqrstuvwxyz_") {
			t.Errorf("%s reads %q", p, l)
		}
	}
	for path, want := range map[string]string{
		"declaration.unit_type":                    "建设单位类型",
		"catalogue.entries.2.items.0.share_type":   "信息资源 第 3 行 · 信息项 第 1 行 · 共享类型",
		"catalogue.demands.0.provider":             "需求清单 第 1 行 · 提供部门",
		"om_filing.provider":                       "运维服务单位",
		"trial_report.performance.avg_response_ms": "性能 · 平均响应（毫秒）",
		"trial_report.modules.1.status":            "功能模块 第 2 行 · 实现情况",
		"trial_report.issues.0.status":             "问题 第 1 行 · 状态",
		"performance.conclusion":                   "评价结论及整改措施",
		"adjustment.after.0.amount":                "调整后概算明细 第 1 行 · 金额",
	} {
		if got := FieldLabel(path); got != want {
			t.Errorf("FieldLabel(%q) = %q, want %q", path, got, want)
		}
	}
}
