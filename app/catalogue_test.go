package app

import (
	"strings"
	"testing"
)

// validCatalogue returns the catalogue of a township project with one
// resource of each share type and consistent 三清单; it passes Validate.
//
//	entries[0] 101001/000001 城关镇户籍人口信息     有条件共享, database, item 联系电话 不予共享
//	entries[1] 307001/000002 城关镇社区网格事件信息 无条件共享, spreadsheet, open to the public
//	entries[2] 203001/000003 低保对象家庭经济状况…  不予共享
func validCatalogue() *Catalogue {
	return &Catalogue{
		Title:        "城关镇智慧社区综合服务平台政务数据共享资源目录",
		ProjectName:  "城关镇智慧社区综合服务平台",
		ProviderName: "霍邱县城关镇人民政府",
		ProviderCode: "113415220030123450",
		Entries: []Resource{{
			Category: "101001", Sequence: "000001", Name: "城关镇户籍人口信息",
			ProviderName: "霍邱县公安局", ProviderCode: "11341522003612345F", Office: "户政管理大队",
			Abstract:    "城关镇辖区户籍人口的姓名、身份号码、出生日期和户籍地址，用于社区居民服务事项办理。",
			FormatClass: FormatDatabase, FormatType: "301",
			Items: []DataItem{
				{Name: "姓名", DataType: DataChar, Length: 50},
				{Name: "公民身份号码", DataType: DataChar, Length: 18},
				{Name: "出生日期", DataType: DataDate},
				{Name: "户籍地址", DataType: DataChar, Length: 200},
				{Name: "联系电话", DataType: DataChar, Length: 20, ShareType: ShareNone, ShareBasis: "《中华人民共和国个人信息保护法》第十三条"},
			},
			ShareType: ShareConditional, ShareCondition: "仅限本县政务部门办理社区服务事项使用，须经县公安局审核",
			ShareModeClass: ShareViaPlatform, ShareModeType: ShareModeAPI,
			UpdateCycle: UpdateDaily, PublishDate: "2027-03-01", RelatedCodes: []string{"203001/000003"},
		}, {
			Category: "307001", Sequence: "000002", Name: "城关镇社区网格事件信息",
			ProviderName: "霍邱县城关镇人民政府", ProviderCode: "113415220030123450", Office: "社会事务办公室",
			Abstract:    "网格员上报的社区事件及其办理情况。",
			FormatClass: FormatSpreadsheet, FormatType: "203",
			Items: []DataItem{
				{Name: "事件编号", DataType: DataChar, Length: 32},
				{Name: "事件类型", DataType: DataChar, Length: 20},
				{Name: "上报时间", DataType: DataDateTime},
				{Name: "处理时长", DataType: DataNumber},
			},
			ShareType: ShareUnconditional, ShareModeClass: ShareViaPlatform, ShareModeType: ShareModeFile,
			Open: true, OpenCondition: "按月公开汇总统计数据，不含个人信息", UpdateCycle: UpdateMonthly,
		}, {
			Category: "203001", Sequence: "000003", Name: "城关镇低保对象家庭经济状况核对信息",
			ProviderName: "霍邱县民政局", ProviderCode: "11341522003039876L",
			Abstract:    "低保申请家庭的收入、财产核对结果。",
			FormatClass: FormatDatabase, FormatType: "302",
			Items: []DataItem{
				{Name: "户主姓名", DataType: DataChar, Length: 50},
				{Name: "家庭人口数", DataType: DataInteger},
				{Name: "月人均收入", DataType: DataCurrency},
			},
			ShareType: ShareNone, ShareBasis: "《社会救助家庭经济状况核对办法》第二十条", UpdateCycle: UpdateMonthly,
		}},
		Demands: []Demand{{ResourceName: "企业登记信息", ResourceCode: "102001/000123", Items: []string{"统一社会信用代码", "企业名称"},
			Provider: "霍邱县市场监督管理局", Usage: UsageAPI, Frequency: UpdateDaily,
			Basis: "《优化营商环境条例》第三十七条", Scenario: "社区个体工商户帮办代办"}},
		Duties: []Duty{
			{ResourceCode: "101001/000001", Items: []string{"姓名", "公民身份号码"}, Duty: "社区居民服务事项户籍核验",
				UpdateCycle: UpdateDaily, ShareType: ShareConditional, ShareModeClass: ShareViaPlatform, ShareModeType: ShareModeAPI,
				Owner: "张伟", Due: "2027-06-30"},
			{ResourceCode: "307001/000002", Duty: "网格事件数据汇聚", UpdateCycle: UpdateMonthly, ShareType: ShareUnconditional,
				ShareModeClass: ShareViaPlatform, ShareModeType: ShareModeFile, Owner: "王芳", Due: "2027-06-30"},
		},
		Negatives: []Negative{
			{ResourceCode: "203001/000003", Category: NegativeNoShare, Basis: "《社会救助家庭经济状况核对办法》第二十条",
				ReviewDate: "2028-01-01", Alternative: "提供低保资格核验接口"},
			{ResourceCode: "101001/000001", Items: []string{"联系电话"}, Category: NegativeNoShare,
				Basis: "《中华人民共和国个人信息保护法》第十三条", Alternative: "提供手机号一致性核验接口"},
			{ResourceCode: "101001/000001", Category: NegativeNoOpen, Basis: "含个人信息，依《中华人民共和国个人信息保护法》不向社会开放"},
		},
	}
}

func TestResourceValidate(t *testing.T) {
	tests := []struct {
		name   string
		entry  int
		change func(r *Resource)
		msg    string
		want   []string
	}{
		{"valid conditional", 0, func(r *Resource) {}, "", nil},
		{"valid unconditional", 1, func(r *Resource) {}, "", nil},
		{"valid not shared", 2, func(r *Resource) {}, "", nil},

		{"category blank", 0, func(r *Resource) { r.Category = "" }, "分类码", []string{"category"}},
		{"category first digit 4", 0, func(r *Resource) { r.Category = "401001" }, "首位为 1", []string{"category"}},
		{"category not digits", 0, func(r *Resource) { r.Category = "10100A" }, "只能是数字", []string{"category"}},
		{"category of one digit", 0, func(r *Resource) { r.Category = "1" }, "格式不正确", []string{"category"}},
		{"category of four digits", 0, func(r *Resource) { r.Category = "1010" }, "格式不正确", []string{"category"}},
		{"category of five digits", 0, func(r *Resource) { r.Category = "10100" }, "格式不正确", []string{"category"}},
		{"category 类+项", 0, func(r *Resource) { r.Category = "101" }, "", nil},
		{"category with 细目", 0, func(r *Resource) { r.Category = "30700103" }, "", nil},
		{"sequence blank", 0, func(r *Resource) { r.Sequence = " " }, "顺序码", []string{"sequence"}},
		{"sequence not numeric", 0, func(r *Resource) { r.Sequence = "A01" }, "只能是", []string{"sequence"}},
		{"sequence too long", 0, func(r *Resource) { r.Sequence = "0000000000001" }, "12 位", []string{"sequence"}},
		{"sequence of one digit", 0, func(r *Resource) { r.Sequence = "1" }, "", nil},

		{"name blank", 0, func(r *Resource) { r.Name = "" }, "名称", []string{"name"}},
		{"name of 129 runes", 0, func(r *Resource) { r.Name = strings.Repeat("户", 129) }, "128", []string{"name"}},
		{"name of 128 runes", 0, func(r *Resource) { r.Name = strings.Repeat("户", 128) }, "", nil},
		{"provider blank", 0, func(r *Resource) { r.ProviderName, r.ProviderCode = "", "" }, "提供方",
			[]string{"provider_name", "provider_code"}},
		{"abstract blank", 0, func(r *Resource) { r.Abstract = "" }, "资源“城关镇户籍人口信息”的摘要", []string{"abstract"}},
		{"abstract too long", 0, func(r *Resource) { r.Abstract = strings.Repeat("文", 1001) }, "1000", []string{"abstract"}},
		{"office optional", 0, func(r *Resource) { r.Office = "" }, "", nil},

		{"format class unknown", 0, func(r *Resource) { r.FormatClass = "9" }, "格式分类", []string{"format_class"}},
		{"format type of another class", 0, func(r *Resource) { r.FormatClass, r.FormatType = FormatDocument, "301" },
			"不属于电子文件", []string{"format_type"}},
		{"format type blank", 0, func(r *Resource) { r.FormatType = "" }, "格式类型", []string{"format_type"}},
		{"self-describing without text", 2, func(r *Resource) { r.FormatClass, r.FormatType = FormatSelfDesc, "" }, "格式说明", []string{"format_type"}},
		{"other with text", 2, func(r *Resource) { r.FormatClass, r.FormatType = FormatOther, "MySQL 8.0" }, "", nil},

		{"no items", 0, func(r *Resource) { r.Items = nil }, "至少要有一个信息项", []string{"items"}},
		{"duplicate item", 0, func(r *Resource) { r.Items[1].Name = " 姓名 " }, "与第 1 项重名", []string{"items[1].name"}},
		{"item without name", 0, func(r *Resource) { r.Items[1].Name = "" }, "缺少名称", []string{"items[1].name"}},
		{"character item without length", 0, func(r *Resource) { r.Items[0].Length = 0 }, "信息项“姓名”为字符型，请填写数据长度",
			[]string{"items[0].length"}},
		{"numeric item without length", 1, func(r *Resource) { r.Items[3].Length = 0 }, "", nil},
		{"negative length", 0, func(r *Resource) { r.Items[2].Length = -1 }, "负数", []string{"items[2].length"}},
		{"unknown data type", 0, func(r *Resource) { r.Items[0].DataType = "X" }, "数据类型", []string{"items[0].data_type"}},

		{"item looser than resource", 0, func(r *Resource) { r.Items[0].ShareType = ShareUnconditional }, "不能比资源更宽松",
			[]string{"items[0].share_type"}},
		{"item same as resource inherits condition", 0, func(r *Resource) { r.Items[0].ShareType = ShareConditional }, "", nil},
		{"stricter item without condition", 1, func(r *Resource) { r.Items[0].ShareType = ShareConditional }, "信息项“事件编号”为有条件共享",
			[]string{"items[0].share_condition"}},
		{"stricter item with condition", 1, func(r *Resource) {
			r.Items[0].ShareType, r.Items[0].ShareCondition = ShareConditional, "仅限县级部门"
		}, "", nil},
		{"item not shared without basis", 0, func(r *Resource) { r.Items[4].ShareBasis = "" }, "法律法规", []string{"items[4].share_basis"}},
		{"item share type unknown", 0, func(r *Resource) { r.Items[0].ShareType = "9" }, "无效", []string{"items[0].share_type"}},

		{"share type unset", 0, func(r *Resource) { r.ShareType = "" }, "共享类型", []string{"share_type"}},
		{"conditional without condition", 0, func(r *Resource) { r.ShareCondition = "" },
			"资源“城关镇户籍人口信息”为有条件共享，请填写共享条件", []string{"share_condition"}},
		{"not shared without basis", 2, func(r *Resource) { r.ShareBasis = "" }, "依据", []string{"share_basis"}},
		{"not shared with a share mode", 2, func(r *Resource) { r.ShareModeClass = ShareViaMail }, "不应填写共享方式",
			[]string{"share_mode_class"}},
		{"shared without mode", 0, func(r *Resource) { r.ShareModeClass, r.ShareModeType = "", "" }, "共享方式", []string{"share_mode_class"}},
		{"type without class", 0, func(r *Resource) { r.ShareModeClass = "" }, "共享方式", []string{"share_mode_class"}},
		{"unknown mode class", 0, func(r *Resource) { r.ShareModeClass = "7" }, "无效", []string{"share_mode_class"}},
		{"platform without type", 0, func(r *Resource) { r.ShareModeType = "" }, "文件、数据库或接口", []string{"share_mode_type"}},
		{"unknown mode type", 0, func(r *Resource) { r.ShareModeType = "9" }, "无效", []string{"share_mode_type"}},
		{"mail with a type", 0, func(r *Resource) { r.ShareModeClass = ShareViaMail }, "不分类型", []string{"share_mode_type"}},
		{"mail without type", 0, func(r *Resource) { r.ShareModeClass, r.ShareModeType = ShareViaMail, "" }, "", nil},
		{"media without type", 1, func(r *Resource) { r.ShareModeClass, r.ShareModeType = ShareViaMedia, "" }, "", nil},
		{"spreadsheet as database", 1, func(r *Resource) { r.ShareModeType = ShareModeDatabase }, "共享方式类型不能是数据库，应为文件",
			[]string{"share_mode_type"}},
		{"spreadsheet as API", 1, func(r *Resource) { r.ShareModeType = ShareModeAPI }, "应为文件", []string{"share_mode_type"}},
		{"database as file", 0, func(r *Resource) { r.ShareModeType = ShareModeFile }, "应为数据库或接口", []string{"share_mode_type"}},
		{"database as database", 0, func(r *Resource) { r.ShareModeType = ShareModeDatabase }, "", nil},
		{"image as file", 1, func(r *Resource) { r.FormatClass, r.FormatType = FormatImage, "401" }, "", nil},
		{"other format as file", 0, func(r *Resource) { r.FormatClass, r.FormatType, r.ShareModeType = FormatOther, "MySQL", ShareModeFile }, "", nil},

		{"open without condition", 1, func(r *Resource) { r.OpenCondition = "" }, "开放条件", []string{"open_condition"}},
		{"not shared but open", 2, func(r *Resource) { r.Open, r.OpenCondition = true, "公开" }, "不能向社会开放", []string{"open"}},
		{"conditional and open", 0, func(r *Resource) { r.Open, r.OpenCondition = true, "脱敏后开放" }, "", nil},
		{"update cycle unset", 0, func(r *Resource) { r.UpdateCycle = "" }, "更新周期", []string{"update_cycle"}},
		{"update cycle unknown", 0, func(r *Resource) { r.UpdateCycle = "9" }, "更新周期", []string{"update_cycle"}},
		{"publish date not a day", 0, func(r *Resource) { r.PublishDate = "2027-02-30" }, "发布日期", []string{"publish_date"}},
		{"publish date optional", 0, func(r *Resource) { r.PublishDate = "" }, "", nil},
		{"related code malformed", 0, func(r *Resource) { r.RelatedCodes = []string{"203001-000003"} }, "分类码/顺序码", []string{"related_codes[0]"}},
		{"related to itself", 0, func(r *Resource) { r.RelatedCodes = append(r.RelatedCodes, "101001/000001") }, "不能关联自身",
			[]string{"related_codes[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validCatalogue().Entries[tt.entry]
			tt.change(&r)
			checkProblems(t, Problems(r.Validate()).Err(), tt.msg, tt.want...)
		})
	}
}

func TestCatalogueValidate(t *testing.T) {
	extra := func(c *Catalogue, name, seq string) {
		r := validCatalogue().Entries[1]
		r.Name, r.Sequence = name, seq
		c.Entries = append(c.Entries, r)
	}
	duty := func(code string, share ShareType) Duty {
		return Duty{ResourceCode: code, Duty: "低保资格核验", UpdateCycle: UpdateMonthly, ShareType: share, Owner: "刘洋", Due: "2027-09-30"}
	}
	tests := []struct {
		name   string
		change func(c *Catalogue)
		msg    string
		want   []string
	}{
		{"valid", func(c *Catalogue) {}, "", nil},
		{"header missing", func(c *Catalogue) { c.Title, c.ProviderName, c.ProviderCode = "", "", "" }, "目录名称",
			[]string{"title", "provider_name", "provider_code"}},
		{"project name optional", func(c *Catalogue) { c.ProjectName = "" }, "", nil},
		{"no entries", func(c *Catalogue) { c.Entries = nil }, "至少登记一条", []string{"entries"}},
		{"entry problem is prefixed", func(c *Catalogue) { c.Entries[1].Items[0].Length = 0 }, "字符型",
			[]string{"entries[1].items[0].length"}},

		{"duplicate code", func(c *Catalogue) { extra(c, "城关镇社区网格员信息", "000002") }, "资源代码“307001/000002”与第 2 条资源重复",
			[]string{"entries[3].sequence"}},
		{"duplicate name up to spaces and punctuation", func(c *Catalogue) { extra(c, " 城关镇 社区网格事件信息。", "000004") },
			"与第 2 条资源", []string{"entries[3].name"}},
		{"distinct name and code", func(c *Catalogue) { extra(c, "城关镇社区网格员信息", "000004") }, "", nil},

		{"not shared entry missing from negatives", func(c *Catalogue) { c.Negatives = c.Negatives[1:] },
			"资源“城关镇低保对象家庭经济状况核对信息”为不予共享，须列入负面清单", []string{"entries[2].share_type"}},
		{"not shared entry listed by item only", func(c *Catalogue) { c.Negatives[0].Items = []string{"户主姓名"} },
			"须列入负面清单", []string{"entries[2].share_type"}},
		{"not shared entry listed as not open only", func(c *Catalogue) { c.Negatives[0].Category = NegativeNoOpen },
			"须列入负面清单", []string{"entries[2].share_type"}},
		{"not shared item missing from negatives", func(c *Catalogue) { c.Negatives = append(c.Negatives[:1], c.Negatives[2]) },
			"信息项“联系电话”为不予共享，须列入负面清单", []string{"entries[0].items[4].share_type"}},

		{"duty code unknown", func(c *Catalogue) { c.Duties[0].ResourceCode = "101001/000009" }, "不在本目录中",
			[]string{"duties[0].resource_code"}},
		{"duty code blank", func(c *Catalogue) { c.Duties[0].ResourceCode = "" }, "责任清单第 1 行请选择对应的信息资源",
			[]string{"duties[0].resource_code"}},
		{"duty due blank", func(c *Catalogue) { c.Duties[0].Due = " " }, "责任清单第 1 行请填写完成时限",
			[]string{"duties[0].due"}},
		{"duty due no date", func(c *Catalogue) { c.Duties[0].Due = "六月底" }, "完成时限“六月底”不是日期，请写成 2027-06-30 的形式",
			[]string{"duties[0].due"}},
		{"not shared entry as unconditional duty", func(c *Catalogue) { c.Duties = append(c.Duties, duty("203001/000003", ShareUnconditional)) },
			"不能列为无条件共享", []string{"duties[2].share_type"}},
		{"not shared entry as conditional duty", func(c *Catalogue) { c.Duties = append(c.Duties, duty("203001/000003", ShareConditional)) },
			"更宽松", []string{"duties[2].share_type"}},
		{"not shared entry as a not-shared duty", func(c *Catalogue) { c.Duties = append(c.Duties, duty("203001/000003", ShareNone)) }, "", nil},
		{"duty looser than entry", func(c *Catalogue) { c.Duties[0].ShareType = ShareUnconditional },
			"责任清单中资源“城关镇户籍人口信息”的共享类型（无条件共享）比目录中的（有条件共享）更宽松", []string{"duties[0].share_type"}},
		{"duty stricter than entry", func(c *Catalogue) { c.Duties[1].ShareType = ShareConditional }, "", nil},
		{"duty covering a not-shared item", func(c *Catalogue) { c.Duties[0].Items = append(c.Duties[0].Items, "联系电话") },
			"比目录中的（不予共享）更宽松", []string{"duties[0].share_type"}},
		{"duty item unknown", func(c *Catalogue) { c.Duties[0].Items = []string{"姓名", "曾用名"} }, "没有信息项“曾用名”",
			[]string{"duties[0].items[1]"}},
		{"duty fields missing", func(c *Catalogue) {
			d := &c.Duties[1]
			d.Duty, d.UpdateCycle, d.ShareType, d.Owner, d.Due = "", "", "", "", "2027-06"
		}, "职责", []string{"duties[1].duty", "duties[1].update_cycle", "duties[1].share_type", "duties[1].owner", "duties[1].due"}},
		{"duty mode against the format", func(c *Catalogue) { c.Duties[1].ShareModeType = ShareModeDatabase }, "应为文件",
			[]string{"duties[1].share_mode_type"}},
		{"duty mode optional", func(c *Catalogue) { c.Duties[1].ShareModeClass, c.Duties[1].ShareModeType = "", "" }, "", nil},

		{"negative code unknown", func(c *Catalogue) { c.Negatives[2].ResourceCode = "999/1" }, "不在本目录中",
			[]string{"negatives[2].resource_code"}},
		{"negative without basis", func(c *Catalogue) { c.Negatives[0].Basis = " " },
			"负面清单中资源“城关镇低保对象家庭经济状况核对信息”须填写", []string{"negatives[0].basis"}},
		{"negative category unknown", func(c *Catalogue) { c.Negatives[2].Category = "secret" }, "类别", []string{"negatives[2].category"}},
		{"negative review date bad", func(c *Catalogue) { c.Negatives[0].ReviewDate = "2028-1-1" }, "复核日期", []string{"negatives[0].review_date"}},
		{"not-share negative for a shared entry", func(c *Catalogue) {
			c.Negatives = append(c.Negatives, Negative{ResourceCode: "307001/000002", Category: NegativeNoShare, Basis: "内部管理数据"})
		}, "但目录中为无条件共享", []string{"negatives[3].category"}},
		{"not-share negative for a shared item", func(c *Catalogue) { c.Negatives[1].Items = []string{"姓名"} },
			"信息项“姓名”在负面清单中列为不予共享，但目录中为有条件共享", []string{"negatives[1].category", "entries[0].items[4].share_type"}},
		{"negative item unknown", func(c *Catalogue) { c.Negatives[1].Items = []string{"联系电话", "微信号"} }, "没有信息项“微信号”",
			[]string{"negatives[1].items[1]"}},
		{"not-open negative for an open entry", func(c *Catalogue) {
			c.Negatives = append(c.Negatives, Negative{ResourceCode: "307001/000002", Category: NegativeNoOpen, Basis: "内部管理数据"})
		}, "但目录中为向社会开放", []string{"negatives[3].category"}},
		{"not-open negative for a not-shared entry", func(c *Catalogue) {
			c.Negatives = append(c.Negatives, Negative{ResourceCode: "203001/000003", Category: NegativeNoOpen, Basis: "同上"})
		}, "", nil},

		{"demand fields missing", func(c *Catalogue) { c.Demands[0] = Demand{} }, "所需信息资源名称",
			[]string{"demands[0].resource_name", "demands[0].provider", "demands[0].usage", "demands[0].basis", "demands[0].scenario"}},
		{"demand code malformed", func(c *Catalogue) { c.Demands[0].ResourceCode = "企业登记" }, "分类码/顺序码", []string{"demands[0].resource_code"}},
		{"demand code optional", func(c *Catalogue) { c.Demands[0].ResourceCode = "" }, "", nil},
		{"demand frequency unknown", func(c *Catalogue) { c.Demands[0].Frequency = "hourly" }, "频度", []string{"demands[0].frequency"}},
		{"demand usage unknown", func(c *Catalogue) { c.Demands[0].Usage = "ftp" }, "使用方式", []string{"demands[0].usage"}},
		{"provider code with a wrong check character", func(c *Catalogue) { c.ProviderCode = "11341522003012345X" },
			"提供方代码不是有效的统一社会信用代码：第 18 位校验位不符", []string{"provider_code"}},
		{"resource provider code mistyped", func(c *Catalogue) { c.Entries[0].ProviderCode = "11341522003612345E" },
			"的提供方代码不是有效的统一社会信用代码", []string{"entries[0].provider_code"}},
		{"province institution code", func(c *Catalogue) { c.Entries[0].ProviderCode = "34152200-1" }, "", nil},
		{"no lists at all", func(c *Catalogue) {
			c.Demands, c.Duties, c.Negatives = nil, nil, nil
			c.Entries = c.Entries[1:2]
		}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCatalogue()
			tt.change(c)
			checkProblems(t, c.Validate(), tt.msg, tt.want...)
		})
	}
}

func TestResourceCode(t *testing.T) {
	r := validCatalogue().Entries[0]
	if got := r.Code(); got != "101001/000001" {
		t.Errorf("Code() = %q", got)
	}
	r.Sequence = " "
	if got := r.Code(); got != "" {
		t.Errorf("Code() with blank sequence = %q, want empty", got)
	}
	r = validCatalogue().Entries[0]
	if r.ItemShareType(0) != ShareConditional || r.ItemShareType(4) != ShareNone {
		t.Errorf("ItemShareType = %s, %s", r.ItemShareType(0), r.ItemShareType(4))
	}
}

func TestCatalogueCodeSets(t *testing.T) {
	for _, c := range FormatClassChoices {
		types := FormatTypeChoices(FormatClass(c.Code))
		if FormatClass(c.Code).FreeText() != (types == nil) {
			t.Errorf("class %s (%s): free text %v but %d types", c.Code, c.Label, FormatClass(c.Code).FreeText(), len(types))
		}
		for _, ty := range types {
			if !strings.HasPrefix(ty.Code, c.Code) || len(ty.Code) != 3 {
				t.Errorf("type %s (%s) is not under class %s", ty.Code, ty.Label, c.Code)
			}
		}
	}
	if got := LabelOf(FormatTypeChoices(FormatDocument), "101"); got != "OFD" {
		t.Errorf("101 = %q", got)
	}
	if got := len(FormatTypeChoices(FormatDatabase)); got != 9 {
		t.Errorf("database types = %d, want 9", got)
	}
	if ShareModeTypeChoices(ShareViaMail) != nil || ShareModeTypeChoices(ShareViaMedia) != nil || len(ShareModeTypeChoices(ShareViaPlatform)) != 3 {
		t.Errorf("ShareModeTypeChoices wrong")
	}
	codes := func(cs []Choice) string {
		var s []string
		for _, c := range cs {
			s = append(s, c.Code)
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		f    FormatClass
		c    ShareModeClass
		want string
	}{
		{FormatDocument, ShareViaPlatform, "1"}, {FormatSpreadsheet, ShareViaPlatform, "1"}, {FormatImage, ShareViaPlatform, "1"},
		{FormatStream, ShareViaPlatform, "1"}, {FormatDatabase, ShareViaPlatform, "2,3"}, {FormatSelfDesc, ShareViaPlatform, "1,2,3"},
		{FormatOther, ShareViaPlatform, "1,2,3"}, {FormatDatabase, ShareViaMail, ""}, {FormatDocument, ShareViaMedia, ""},
	} {
		if got := codes(AllowedShareModeTypes(tt.f, tt.c)); got != tt.want {
			t.Errorf("AllowedShareModeTypes(%s, %s) = %q, want %q", tt.f, tt.c, got, tt.want)
		}
	}
	for name, cs := range map[string][]Choice{"category": CategoryClassChoices, "format": FormatClassChoices, "data": DataTypeChoices,
		"share": ShareTypeChoices, "mode": ShareModeClassChoices, "cycle": UpdateCycleChoices, "usage": DemandUsageChoices,
		"negative": NegativeCategoryChoices} {
		seen := map[string]bool{}
		for _, c := range cs {
			if seen[c.Code] || c.Code == "" || c.Label == "" {
				t.Errorf("%s: bad or duplicate code %q", name, c.Code)
			}
			seen[c.Code] = true
		}
	}
	if len(DataTypeChoices) != 11 || !DataChar.NeedsLength() || DataNumber.NeedsLength() {
		t.Errorf("data types wrong")
	}
	if !ShareNone.stricter(ShareConditional) || !ShareConditional.stricter(ShareUnconditional) || ShareUnconditional.stricter(ShareNone) {
		t.Errorf("share type order wrong")
	}
}

func TestNameKey(t *testing.T) {
	if nameKey(" 城关镇　户籍人口信息。") != nameKey("城关镇户籍人口信息") {
		t.Errorf("spaces and punctuation should not matter")
	}
	if nameKey("GIS图层") != nameKey("gis 图层") {
		t.Errorf("case should not matter")
	}
	if nameKey("户籍人口信息") == nameKey("流动人口信息") {
		t.Errorf("different names compare equal")
	}
}
