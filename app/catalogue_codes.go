package app

// Code sets of the data-sharing resource catalogue (政务数据共享资源目录).
//
// Where the 2017 national guide (《政务信息资源目录编制指南（试行）》,
// 发改高技〔2017〕1272号) or its Excel template gives numeric codes, the code
// of a value is that number as a string, so a template column maps to a field
// without translation. The other sets (需求清单 use, 负面清单 category) have no
// national codes and use short English slugs like the declaration does.

// CategoryClass is the first digit of a classification code (信息资源分类·类).
type CategoryClass string

// Category classes.
const (
	CategoryBasic      CategoryClass = "1" // 政务基础信息资源目录
	CategoryTheme      CategoryClass = "2" // 政务主题信息资源目录
	CategoryDepartment CategoryClass = "3" // 部门政务信息资源目录
)

// FormatClass is the format class of a resource (信息资源格式分类). It decides
// which format types may be chosen (see FormatTypeChoices) and, under the
// share platform, which share mode types (see AllowedShareModeTypes).
type FormatClass string

// Format classes.
const (
	FormatDocument    FormatClass = "1" // 电子文件
	FormatSpreadsheet FormatClass = "2" // 电子表格
	FormatDatabase    FormatClass = "3" // 数据库
	FormatImage       FormatClass = "4" // 图形图像
	FormatStream      FormatClass = "5" // 流媒体
	FormatSelfDesc    FormatClass = "6" // 自描述格式（类型为自由文字）
	FormatOther       FormatClass = "0" // 其他（类型为自由文字，如 MySQL、服务接口）
)

// FreeText reports whether the format type of class c is described in free
// text rather than picked from a list (自描述格式 and 其他).
func (c FormatClass) FreeText() bool { return c == FormatSelfDesc || c == FormatOther }

// fileLike reports whether resources of class c are files, which the share
// platform exchanges as 文件.
func (c FormatClass) fileLike() bool {
	return c == FormatDocument || c == FormatSpreadsheet || c == FormatImage || c == FormatStream
}

// DataType is the data type of an information item (信息项数据类型), one of the
// eleven letters of the 2017 template.
type DataType string

// Data types.
const (
	DataChar     DataType = "C" // 字符型：须填写长度
	DataNumber   DataType = "N" // 数值型
	DataCurrency DataType = "Y" // 货币型
	DataDate     DataType = "D" // 日期型
	DataDateTime DataType = "T" // 日期时间型
	DataLogical  DataType = "L" // 逻辑型
	DataMemo     DataType = "M" // 备注型
	DataGeneral  DataType = "G" // 通用型
	DataDouble   DataType = "B" // 双精度型
	DataInteger  DataType = "I" // 整型
	DataFloat    DataType = "F" // 浮点型
)

// NeedsLength reports whether an item of type t must state its length.
func (t DataType) NeedsLength() bool { return t == DataChar }

// ShareType is the share type (共享类型). The codes order the types from the
// most open to the most restricted, which the consistency rules rely on.
type ShareType string

// Share types.
const (
	ShareUnconditional ShareType = "1" // 无条件共享
	ShareConditional   ShareType = "2" // 有条件共享：须填写共享条件
	ShareNone          ShareType = "3" // 不予共享：须填写法律法规或政策依据，并列入负面清单
)

// stricter reports whether t is more restricted than u. Both must be known.
func (t ShareType) stricter(u ShareType) bool { return t > u }

// ShareModeClass is the share mode class (共享方式分类).
type ShareModeClass string

// Share mode classes.
const (
	ShareViaPlatform ShareModeClass = "1" // 共享平台方式：须选择共享方式类型
	ShareViaMail     ShareModeClass = "2" // 邮件方式
	ShareViaMedia    ShareModeClass = "3" // 介质方式（拷盘、纸质或电子文档交换）
)

// ShareModeType is the share mode type under the share platform (共享方式类型).
type ShareModeType string

// Share mode types.
const (
	ShareModeFile     ShareModeType = "1" // 文件
	ShareModeDatabase ShareModeType = "2" // 数据库
	ShareModeAPI      ShareModeType = "3" // 接口
)

// UpdateCycle is how often a resource is updated (更新周期).
type UpdateCycle string

// Update cycles.
const (
	UpdateRealtime   UpdateCycle = "1" // 实时
	UpdateDaily      UpdateCycle = "2" // 每日
	UpdateWeekly     UpdateCycle = "3" // 每周
	UpdateMonthly    UpdateCycle = "4" // 每月
	UpdateQuarterly  UpdateCycle = "5" // 每季度
	UpdateHalfYearly UpdateCycle = "6" // 每半年
	UpdateYearly     UpdateCycle = "7" // 每年
	UpdateIrregular  UpdateCycle = "8" // 不定期
)

// DemandUsage is how a project uses data it needs from another department
// (需求清单·使用方式).
type DemandUsage string

// Demand usages.
const (
	UsageAPI   DemandUsage = "api"   // 接口调用
	UsageTable DemandUsage = "table" // 库表交换
	UsageFile  DemandUsage = "file"  // 文件
)

// NegativeCategory says what a negative-list line withholds (负面清单类别).
type NegativeCategory string

// Negative-list categories.
const (
	NegativeNoShare NegativeCategory = "not_share" // 不予共享
	NegativeNoOpen  NegativeCategory = "not_open"  // 不予开放（可共享，但不向社会开放）
)

// Code lists of the catalogue, in the order a form offers them.
var (
	CategoryClassChoices = []Choice{{string(CategoryBasic), "政务基础信息资源目录"},
		{string(CategoryTheme), "政务主题信息资源目录"}, {string(CategoryDepartment), "部门政务信息资源目录"}}
	FormatClassChoices = []Choice{{string(FormatDocument), "电子文件"}, {string(FormatSpreadsheet), "电子表格"},
		{string(FormatDatabase), "数据库"}, {string(FormatImage), "图形图像"}, {string(FormatStream), "流媒体"},
		{string(FormatSelfDesc), "自描述格式"}, {string(FormatOther), "其他"}}
	DataTypeChoices = []Choice{{string(DataChar), "字符型C"}, {string(DataNumber), "数值型N"},
		{string(DataCurrency), "货币型Y"}, {string(DataDate), "日期型D"}, {string(DataDateTime), "日期时间型T"},
		{string(DataLogical), "逻辑型L"}, {string(DataMemo), "备注型M"}, {string(DataGeneral), "通用型G"},
		{string(DataDouble), "双精度型B"}, {string(DataInteger), "整型I"}, {string(DataFloat), "浮点型F"}}
	ShareTypeChoices = []Choice{{string(ShareUnconditional), "无条件共享"},
		{string(ShareConditional), "有条件共享"}, {string(ShareNone), "不予共享"}}
	ShareModeClassChoices = []Choice{{string(ShareViaPlatform), "共享平台方式"},
		{string(ShareViaMail), "邮件方式"}, {string(ShareViaMedia), "介质方式"}}
	UpdateCycleChoices = []Choice{{string(UpdateRealtime), "实时"}, {string(UpdateDaily), "每日"},
		{string(UpdateWeekly), "每周"}, {string(UpdateMonthly), "每月"}, {string(UpdateQuarterly), "每季度"},
		{string(UpdateHalfYearly), "每半年"}, {string(UpdateYearly), "每年"}, {string(UpdateIrregular), "不定期"}}
	DemandUsageChoices      = []Choice{{string(UsageAPI), "接口"}, {string(UsageTable), "库表"}, {string(UsageFile), "文件"}}
	NegativeCategoryChoices = []Choice{{string(NegativeNoShare), "不予共享"}, {string(NegativeNoOpen), "不予开放"}}
)

var formatTypeChoices = map[FormatClass][]Choice{
	FormatDocument: {{"101", "OFD"}, {"102", "wps"}, {"103", "xml"}, {"104", "txt"}, {"105", "doc"},
		{"106", "docx"}, {"107", "html"}, {"108", "pdf"}, {"109", "ppt"}},
	FormatSpreadsheet: {{"201", "et"}, {"202", "xls"}, {"203", "xlsx"}},
	FormatDatabase: {{"301", "达梦（DM）"}, {"302", "KingbaseES"}, {"303", "access"}, {"304", "dbf"}, {"305", "dbase"},
		{"306", "sybase"}, {"307", "oracle"}, {"308", "sqlserver"}, {"309", "db2"}},
	FormatImage:  {{"401", "jpg"}, {"402", "gif"}, {"403", "bmp"}},
	FormatStream: {{"501", "swf"}, {"502", "rm"}, {"503", "mpg"}},
}

var shareModeTypeChoices = []Choice{{string(ShareModeFile), "文件"}, {string(ShareModeDatabase), "数据库"},
	{string(ShareModeAPI), "接口"}}

// FormatTypeChoices returns the format types (信息资源格式类型) that may be
// chosen under class c, for a drop-down linked to the format class. It
// returns nil for the free-text classes (自描述格式, 其他) and unknown classes.
func FormatTypeChoices(c FormatClass) []Choice { return formatTypeChoices[c] }

// ShareModeTypeChoices returns the share mode types under class c: 文件,
// 数据库 and 接口 under the share platform, nil for mail and media, which have
// no types.
func ShareModeTypeChoices(c ShareModeClass) []Choice {
	if c == ShareViaPlatform {
		return shareModeTypeChoices
	}
	return nil
}

// AllowedShareModeTypes returns the share mode types a resource of format
// class f may use under share mode class c: a file-like resource (电子文件,
// 电子表格, 图形图像, 流媒体) is shared as 文件, a database as 数据库 or 接口,
// and the free-text classes may use any type. It returns nil when c has no types.
func AllowedShareModeTypes(f FormatClass, c ShareModeClass) []Choice {
	all := ShareModeTypeChoices(c)
	switch {
	case all == nil:
		return nil
	case f.fileLike():
		return []Choice{all[0]}
	case f == FormatDatabase:
		return []Choice{all[1], all[2]}
	}
	return all
}
