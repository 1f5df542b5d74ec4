package server

import (
	"slices"
	"testing"

	"egovdesk/app"
	"egovdesk/sync/server/console"
)

// Projects as overdue are listed by unit and project name in pinyin order,
// as the console's unit lists are: 城关镇 came before 安乐乡 by code point.
func TestLateProjectsTieInPinyinOrder(t *testing.T) {
	p := func(id, unit, name string) console.LateProject {
		return console.LateProject{UnitName: unit, Dossier: app.Dossier{Project: id, Name: name}}
	}
	ps := []console.LateProject{p("a", "城关镇人民政府", "智慧社区平台"), p("b", "安乐乡人民政府", "综治平台"),
		p("c", "安乐乡人民政府", "便民服务终端"), p("d", "城关镇人民政府", "档案系统")}
	sortLate(ps, map[string]int{"a": 30, "b": 30, "c": 30, "d": 90})
	var got []string
	for _, x := range ps {
		got = append(got, x.Dossier.Project)
	}
	// d, the most overdue, first; then 安乐乡's 便民… before 综治…, then 城关镇
	if want := []string{"d", "c", "b", "a"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
