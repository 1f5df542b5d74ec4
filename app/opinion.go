package app

import (
	"fmt"
	"slices"
	"strings"
)

// ApprovalOpinion is what the words of a declaration's approval must speak
// to: 武汉 第十三条 has the approving department's 批复文件 include its
// opinion on the project's 信息资源共享 and 密码应用. In egovdesk the
// approval's comment is that opinion: 批复立项 without one, or without a
// word on either, is refused, saying what it lacks.
type ApprovalOpinion struct {
	// Routes are the route codes of the declarations it holds for (those
	// approved: a 备案 has no 批复文件).
	Routes []string       `json:"routes"`
	Covers []OpinionTopic `json:"covers"`
	Source string         `json:"source"`
}

// OpinionTopic is one thing the opinion must speak to: Label, named by
// one of Terms in the comment.
type OpinionTopic struct {
	Label string   `json:"label"` // 信息资源共享
	Terms []string `json:"terms"` // 共享
}

func (o *ApprovalOpinion) validate(p *Problems) {
	const f = "approval_opinion"
	if len(o.Routes) == 0 {
		p.Add(f+".routes", "%s.routes：请写明须有批复意见的审批路径", f)
	}
	for i, r := range o.Routes {
		if !known(routeCodes, r) {
			p.Add(fmt.Sprintf("%s.routes[%d]", f, i), "%s.routes[%d]：未知的审批路径“%s”（可用：%s）", f, i, r, codes(routeCodes))
		}
	}
	if len(o.Covers) == 0 {
		p.Add(f+".covers", "%s.covers：请写明批复意见须涉及的事项", f)
	}
	for i, c := range o.Covers {
		cf := fmt.Sprintf("%s.covers[%d]", f, i)
		if isBlank(c.Label) {
			p.Add(cf+".label", "%s.label：请填写事项名称", cf)
		}
		if len(c.Terms) == 0 || slices.ContainsFunc(c.Terms, isBlank) {
			p.Add(cf+".terms", "%s.terms：请填写意见中表明这一事项的词语", cf)
		}
	}
	if isBlank(o.Source) {
		p.Add(f+".source", "%s.source：请填写出处（条款）", f)
	}
}

// OpinionFor returns the approval opinion rule that holds for declaration
// d approved at approved (its route's), or nil.
func (prof *Profile) OpinionFor(d *Declaration, approved Money) *ApprovalOpinion {
	if prof == nil || prof.ApprovalOpinion == nil || d == nil {
		return nil
	}
	if o := prof.ApprovalOpinion; slices.Contains(o.Routes, prof.RouteFor(d, approved).Code) {
		return o
	}
	return nil
}

// Lacks returns the labels of the topics comment does not speak to.
func (o *ApprovalOpinion) Lacks(comment string) []string {
	var out []string
	for _, c := range o.Covers {
		if !slices.ContainsFunc(c.Terms, func(t string) bool { return strings.Contains(comment, t) }) {
			out = append(out, c.Label)
		}
	}
	return out
}

// Labels names the topics: 信息资源共享、密码应用.
func (o *ApprovalOpinion) Labels() string {
	s := make([]string, len(o.Covers))
	for i, c := range o.Covers {
		s[i] = c.Label
	}
	return strings.Join(s, "、")
}

// checkOpinion refuses 批复立项 of a declaration whose approval opinion the
// profile asks for when the comment does not speak to all it must.
func checkOpinion(prof *Profile, body *Body, d Decision) error {
	if d.Action != ActionApprove || body == nil {
		return nil
	}
	o := prof.OpinionFor(body.Declaration, d.Approved)
	if o == nil {
		return nil
	}
	lacks := o.Lacks(d.Comment)
	if len(lacks) == 0 {
		return nil
	}
	var p Problems
	p.Add("comment", "批复立项的意见须包含对%s情况的意见（%s）：请补充%s方面的意见", o.Labels(), o.Source, strings.Join(lacks, "、"))
	return p.Err()
}
