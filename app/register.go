package app

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ExistingSystem is one entry of a bureau's register of existing
// information systems (已建系统登记): what was built, by whom, with what
// data. The bureau imports its register so that a declaration rebuilding
// one of them is flagged among its similar projects (避免重复建设).
type ExistingSystem struct {
	ID      string `json:"id"`
	Name    string `json:"name"`           // 系统名称
	Owner   string `json:"owner"`          // 建设单位, as the register writes it
	Content string `json:"content"`        // 建设内容/功能
	Data    string `json:"data,omitempty"` // 数据资源
	Year    int    `json:"year,omitempty"` // 建成年份, 0 when not known
}

// Limits of a registered system's fields, in characters.
const (
	MaxSystemName    = 200
	MaxSystemOwner   = 200
	MaxSystemContent = 5000
)

// Problems returns what is wrong with s, in Chinese, keyed by the field's
// Chinese column name; none for a system that can be registered. thisYear
// bounds 建成年份.
func (s ExistingSystem) Problems(thisYear int) map[string]string {
	p := map[string]string{}
	text := func(col, v string, max int, required bool) {
		switch {
		case strings.TrimSpace(v) == "" && required:
			p[col] = fmt.Sprintf("请填写%s", col)
		case utf8.RuneCountInString(v) > max:
			p[col] = fmt.Sprintf("%s不能超过 %d 个字（现有 %d 个）", col, max, utf8.RuneCountInString(v))
		}
	}
	text("系统名称", s.Name, MaxSystemName, true)
	text("建设单位", s.Owner, MaxSystemOwner, true)
	text("建设内容/功能", s.Content, MaxSystemContent, true)
	text("数据资源", s.Data, MaxSystemContent, false)
	if s.Year != 0 && (s.Year < 1980 || s.Year > thisYear) {
		p["建成年份"] = fmt.Sprintf("建成年份 %d 不在 1980 至 %d 之间", s.Year, thisYear)
	}
	return p
}

// Fingerprint is s's fingerprint for the similar-projects index, taken as
// a declaration's is: its name, and what it builds (content and data
// resources), so that a declaration and a registered system compare as two
// declarations do.
func (s ExistingSystem) Fingerprint() Fingerprint {
	return DeclarationFingerprint(&Declaration{ProjectName: s.Name, Content: s.Content, DataResources: s.Data})
}
