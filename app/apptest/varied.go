package apptest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"egovdesk/app"
)

// A realistic set of declarations: places, topics that many units build
// (so that declarations of one topic are alike without being copies), and
// the phrases every declaration uses.
var (
	// Places are the units of the set: county and unit names of 六安市.
	Places = func() []string {
		var out []string
		for _, county := range []string{"霍邱县", "舒城县", "金寨县", "霍山县", "六安市金安区", "六安市裕安区", "六安市叶集区", "六安市"} {
			for _, unit := range []string{"城关镇", "新店镇", "石店镇", "冯井镇", "河口镇", "数据资源局", "公安局", "卫健委",
				"教体局", "住建局", "应急局", "市场监管局", "农业农村局", "生态环境局", "城管局", "民政局"} {
				out = append(out, county+unit)
			}
		}
		return out
	}()
	topics = []struct {
		name      string
		sentences []string
	}{
		{"智慧社区综合服务平台", []string{"建设社区事项受理模块，居民在小程序上提交申请", "网格员通过移动端上报事件并跟踪处置", "建设居民信息库，与人口库比对更新", "提供社区公告、活动报名和志愿服务积分", "建设社区视频监控汇聚和门禁管理", "实现社区工作台账电子化，减少重复填报"}},
		{"不动产登记信息系统", []string{"升级不动产登记业务系统，支持全程网办", "建设电子证照签发与核验模块", "改造与税务系统的接口，实现一窗受理", "建设登记档案数字化和查询服务", "对接住建网签备案数据，实时共享", "提供银行抵押登记线上办理"}},
		{"城市运行管理服务平台", []string{"汇聚城管、住建、交通等部门的城市运行数据", "建设城市运行体征指标和预警模型", "建设综合指挥调度和事件分拨模块", "对接数字城管案件系统和市民热线", "建设市政设施物联网感知接入", "建设领导驾驶舱和大屏展示"}},
		{"应急指挥调度系统", []string{"建设应急值守和信息报送模块", "汇聚危化企业、森林防火等风险监测数据", "建设应急资源一张图和物资管理", "对接气象、水文预警信息自动推送", "建设视频会商和移动指挥终端", "建设应急预案数字化和演练评估"}},
		{"医保智能监管系统", []string{"建设医保基金智能审核规则库", "对定点医药机构的结算数据实时监控", "建设疑点线索筛查和稽核工作流程", "对接医院信息系统获取诊疗明细", "建设药品耗材进销存监管", "提供监管统计分析和报表"}},
		{"智慧教育云平台", []string{"建设教育资源公共服务平台，汇聚优质课程", "建设学生综合素质评价系统", "建设智慧课堂和录播教室接入", "建设教育管理数据中心和学籍管理", "提供家校互动和作业管理服务", "建设校园安全视频监控汇聚"}},
		{"农村集体三资监管平台", []string{"建设农村集体资产、资金、资源台账", "实现村级财务网上审批和公开", "建设集体经济合同管理和预警", "对接银行账户实现资金流水监控", "建设产权流转交易模块", "提供三资统计分析和审计支持"}},
		{"河湖长制信息管理系统", []string{"建设河湖基础信息库和一河一档", "河长通过移动端巡河并上报问题", "建设水质在线监测数据接入", "建设问题交办、督办和考核模块", "汇聚水利、环保部门监测数据", "建设河湖视频监控和遥感影像分析"}},
		{"政务服务一网通办平台", []string{"建设统一受理平台，整合部门办事入口", "建设电子证照库和免证办服务", "建设好差评系统和办件监督", "对接省政务服务平台和统一身份认证", "建设帮办代办和视频办服务", "建设事项标准化管理和办事指南"}},
		{"智慧养老服务平台", []string{"建设老年人基础信息库和服务需求评估", "建设居家养老服务派单和结算", "接入智能手环、烟感等物联网设备", "建设养老机构监管和补贴发放", "提供助餐、助浴等服务预约", "建设养老服务质量评价"}},
		{"食品安全追溯平台", []string{"建设食品生产经营主体数据库", "建设冷链食品追溯码和流向管理", "对接农贸市场快检数据", "建设学校食堂明厨亮灶视频接入", "建设监督抽检和风险预警模块", "提供公众扫码查询追溯信息"}},
		{"生态环境监测预警系统", []string{"建设大气、水、噪声自动监测站点数据接入", "建设污染源在线监控和超标预警", "建设环境执法移动办案", "建设环境质量分析和预报模型", "对接排污许可和企业环境信用数据", "建设突发环境事件应急处置"}},
		{"智慧停车管理平台", []string{"建设城区停车泊位数据库和地磁感知", "建设路内停车收费和电子支付", "建设停车诱导屏和手机找车位", "对接商场、小区停车场数据", "建设违停抓拍和执法联动", "提供停车运营统计分析"}},
		{"电子档案管理系统", []string{"建设电子文件归档和长期保存", "建设档案数字化加工和质检", "建设档案利用审批和在线查阅", "对接办公系统实现随办随归", "建设档案四性检测", "提供档案统计和年报"}},
		{"公共资源交易平台", []string{"建设全流程电子化招标投标", "建设远程异地评标和专家抽取", "建设交易保证金电子保函", "对接信用平台实现联合惩戒", "建设交易数据分析和围串标预警", "提供交易信息公开和不见面开标"}},
	}
	sites         = []string{"社区", "行政村", "学校", "医疗机构", "农贸市场", "停车场", "监测站点", "窗口", "网格", "企业"}
	depts         = []string{"公安", "民政", "人社", "自然资源", "住建", "交通", "水利", "农业农村", "卫健", "应急", "市场监管", "税务", "医保", "数据资源"}
	dataKinds     = []string{"人口基础数据", "法人数据", "电子证照数据", "视频监控数据", "物联网感知数据", "空间地理数据", "信用数据", "办件数据", "业务台账数据"}
	objects       = []string{"统计分析报表", "移动端应用", "数据接口", "预警模型", "业务工作流", "综合查询功能", "大屏展示", "短信提醒"}
	phases        = []string{"系统部署和数据迁移", "招标采购", "软件开发和联调", "初步验收", "等保测评和密评"}
	commonPhrases = []string{"严格落实网络安全等级保护和商用密码应用要求", "数据按目录接入市数据共享交换平台",
		"系统部署在市电子政务云", "采用国产化软硬件，满足信创要求", "项目建成后纳入统一运维体系",
		"提升基层治理数字化水平", "减少群众跑腿，提高办事效率", "实现跨部门数据共享和业务协同",
		"建立健全管理制度和考核机制", "开展业务人员培训和推广应用", "利用现有政务外网，不新建网络",
		"统筹利用已建系统，避免重复建设"}
)

// VariedDeclaration returns declaration i of a realistic set: a place, a
// topic, plan year, and goals and content drawn from the topic's and the
// common phrases.
func VariedDeclaration(rng *rand.Rand, i int) *app.Declaration {
	d := ShortDeclaration(i)
	place := Places[rng.IntN(len(Places))]
	topic := topics[rng.IntN(len(topics))]
	suffix := []string{"建设项目", "升级改造项目", "二期建设项目", "提升工程"}[rng.IntN(4)]
	d.ProjectName = place + topic.name + suffix
	d.PlanYear = 2025 + rng.IntN(3)
	pick := func(from []string, n int) []string {
		out := append([]string(nil), from...)
		rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
		return out[:n]
	}
	// What makes each declaration its own: where, how much, with whom, by when.
	detail := []string{
		fmt.Sprintf("覆盖%s所辖%d个%s", place, 3+rng.IntN(40), sites[rng.IntN(len(sites))]),
		fmt.Sprintf("接入%s、%s的%s", depts[rng.IntN(len(depts))], depts[rng.IntN(len(depts))], dataKinds[rng.IntN(len(dataKinds))]),
		fmt.Sprintf("新建%s%s和%s", dataKinds[rng.IntN(len(dataKinds))], objects[rng.IntN(len(objects))], objects[rng.IntN(len(objects))]),
		fmt.Sprintf("%d年%d月前完成%s，%d个月试运行", d.PlanYear, 1+rng.IntN(12), phases[rng.IntN(len(phases))], 3+rng.IntN(4)),
	}
	d.Goals = strings.Join(append(pick(topic.sentences, 1), detail[0], pick(commonPhrases, 1)[0]), "，") + "。"
	d.Content = strings.Join(append(append(pick(topic.sentences, 3), detail[1:]...), pick(commonPhrases, 2)...), "；") + "。"
	d.DataResources = place + topic.name + "业务数据，" + commonPhrases[1]
	return d
}

// NearCopy is what a unit files when it copies another's declaration: its
// own place in the name, another plan year, one sentence of the content
// rewritten and a few words changed.
func NearCopy(rng *rand.Rand, d *app.Declaration, other string) *app.Declaration {
	c := *d
	for _, p := range Places {
		if strings.HasPrefix(c.ProjectName, p) {
			c.ProjectName = other + c.ProjectName[len(p):]
			break
		}
	}
	c.PlanYear = d.PlanYear%3 + 2025
	parts := strings.Split(strings.TrimSuffix(c.Content, "。"), "；")
	parts[rng.IntN(len(parts))] = "新增本单位特色业务的办理和统计功能"
	c.Content = strings.Join(parts, "；") + "。"
	c.Goals = strings.Replace(c.Goals, "实现", "全面实现", 1)
	return &c
}
