package apptest

import (
	"context"
	"fmt"
	"time"

	"egovdesk/app"
	"egovdesk/app/store"
)

var (
	towns    = []string{"城关镇", "新店镇", "石店镇", "马店镇", "孟集镇", "花园镇", "扈胡镇", "长集镇", "乌龙镇", "高塘镇", "龙潭镇", "岔路镇", "冯井镇", "众兴集镇", "夏店镇", "曹庙镇", "范桥镇", "潘集镇", "周集镇", "临水镇", "县教育局", "县卫健委", "县民政局", "县人社局", "县自然资源局", "县住建局", "县交通局", "县农业农村局", "县水利局", "县市场监管局"}
	subjects = []string{"智慧社区", "网格化治理", "数字乡村", "政务服务", "应急指挥", "视频监控", "电子档案", "协同办公", "数据共享", "便民服务", "学籍管理", "健康档案", "养老服务", "就业服务", "不动产登记", "工程监管", "公路养护", "农技推广", "河长制", "食品安全追溯"}
	tails    = []string{"管理平台", "信息系统", "建设项目", "升级改造", "运维服务", "一期工程", "二期工程", "综合平台", "移动应用", "数据中心"}
)

// ProjectName returns the i-th of a long list of varied project names
// ("城关镇智慧社区管理平台（0）"), for seeds that need many.
func ProjectName(i int) string {
	return fmt.Sprintf("%s%s%s（%d）", towns[i%len(towns)], subjects[(i/7)%len(subjects)], tails[(i/3)%len(tails)], i)
}

// SeedDeclarations saves n draft declarations of the unit "local" into st,
// as a unit with a long history would have: varied project names (so that
// name search has work to do), four plan years, investments from 5 to 504
// 万元, created a minute apart from 2026-01-01. The list benchmarks of
// cmd/egovdesk and the memory measurement (scripts/memory) open such a store.
func SeedDeclarations(ctx context.Context, st *store.Store, n int) error {
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, time.Local)
	for i := range n {
		f, err := app.NewFiling(app.KindDeclaration, fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			fmt.Sprintf("00000000-0000-4000-9000-%012d", i), "local", base.Add(time.Duration(i)*time.Minute))
		if err != nil {
			return fmt.Errorf("seed filing %d: %w", i, err)
		}
		f.Declaration.ProjectName = ProjectName(i)
		f.Declaration.PlanYear = 2024 + i%4
		f.Declaration.TotalInvestment = app.Wans(int64(5 + i%500))
		if err := st.Save(ctx, f); err != nil {
			return fmt.Errorf("seed filing %d: %w", i, err)
		}
	}
	return nil
}
