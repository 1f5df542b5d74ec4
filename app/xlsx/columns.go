// Package xlsx reads and writes the data-sharing resource catalogue
// (政务数据共享资源目录) and its three lists (三清单) as an Excel workbook in
// the layout of the 2017 national guide's template (《政务信息资源目录编制指南
// （试行）》, 发改高技〔2017〕1272号): one row per information item (信息项)
// with the resource-level columns repeated, the lists on their own sheets.
//
// Export writes the labels a person types ("有条件共享", "字符型C", "xlsx")
// with drop-downs on the enumerated columns; Import accepts labels or numeric
// codes, tolerates column order, extra columns and full-width punctuation, and
// reports every bad cell by its reference ("信息资源目录!H12") in one
// app.EINVALID *app.Error, importing nothing.
package xlsx

import "egovdesk/app"

// Sheet names.
const (
	SheetCatalogue = "信息资源目录"
	SheetDemands   = "需求清单"
	SheetDuties    = "责任清单"
	SheetNegatives = "负面清单"
	SheetInfo      = "目录信息"
)

// Limits of Import.
const (
	MaxFileSize = 20 << 20 // bytes of the workbook
	MaxRows     = 20000    // data rows per sheet
	maxHeadScan = 20       // rows searched for the column header row
)

// column is one column of a sheet: its header, the aliases accepted on
// import, its group (the merged row above the headers), its width and, for
// enumerated columns, the values offered in a drop-down.
type column struct {
	name     string
	head     string // the header as written, broken into lines between words; name when ""
	group    string
	width    float64
	aliases  []string
	list     []string
	loose    bool // the drop-down warns instead of refusing other values
	required bool // Import reports a workbook without this column
	code     bool // a code: written as text, read refusing what a number cell makes of it
	date     bool // a date: written as a date cell
	number   bool // a whole number (序号, 数据长度): written as a number, centred
	// anyOf names columns that together stand in for this one when it is
	// absent: 类, 项, 目 for 信息资源分类.
	anyOf []int
}

// header returns the header cell's text as Export writes it.
func (c column) header() string {
	if c.head != "" {
		return c.head
	}
	return c.name
}

// Column indexes of the catalogue sheet.
const (
	cCategory = iota
	cName
	cCode
	cProvider
	cProviderCode
	cOffice
	cAbstract
	cFormatClass
	cFormatType
	cFormatOther
	cItemNo
	cItemName
	cDataType
	cLength
	cItemShareType
	cItemShareCondition
	cItemShareBasis
	cShareType
	cShareCondition
	cShareBasis
	cShareModeClass
	cShareModeType
	cOpen
	cOpenCondition
	cUpdateCycle
	cPublishDate
	cRelated
	numCatalogueCols
)

// Columns Import also accepts on the catalogue sheet: the widely circulated
// template splits 信息资源分类 into 类, 项, 目 and 细目.
const (
	cClass = numCatalogueCols + iota
	cClassItem
	cClassSub
	cClassDetail
	numImportCols
)

const (
	gResource = "信息资源"
	gItem     = "信息项"
	gShare    = "共享属性"
	gOpen     = "开放属性"
	gOther    = "更新与关联"
)

var catalogueCols = [numCatalogueCols]column{
	cCategory:           {name: "信息资源分类", head: "信息资源\n分类", group: gResource, width: 10, aliases: []string{"分类", "分类码", "分类编码", "资源分类"}, required: true, code: true, anyOf: []int{cClass, cClassItem, cClassSub}},
	cName:               {name: "信息资源名称", group: gResource, width: 20, aliases: []string{"资源名称"}, required: true},
	cCode:               {name: "信息资源代码", group: gResource, width: 15, aliases: []string{"资源代码"}, required: true, code: true},
	cProvider:           {name: "信息资源提供方", head: "信息资源\n提供方", group: gResource, width: 16, aliases: []string{"提供方", "部门", "提供部门", "资源提供方", "提供方名称"}, required: true},
	cProviderCode:       {name: "信息资源提供方代码", head: "信息资源\n提供方代码", group: gResource, width: 21, aliases: []string{"提供方代码", "部门代码", "资源提供方代码"}, required: true, code: true},
	cOffice:             {name: "内设科室", group: gResource, width: 12, aliases: []string{"提供方内部部门", "内部部门", "内设机构", "处室"}},
	cAbstract:           {name: "信息资源摘要", group: gResource, width: 32, aliases: []string{"摘要"}, required: true},
	cFormatClass:        {name: "信息资源格式分类", head: "信息资源\n格式分类", group: gResource, width: 10, aliases: []string{"格式分类"}, list: labels(app.FormatClassChoices), required: true},
	cFormatType:         {name: "信息资源格式类型", head: "信息资源\n格式类型", group: gResource, width: 10, aliases: []string{"格式类型"}, list: allFormatTypes(), loose: true, required: true},
	cFormatOther:        {name: "其他格式描述", head: "其他格式\n描述", group: gResource, width: 11, aliases: []string{"其他类型资源格式描述", "格式描述"}},
	cItemNo:             {name: "序号", group: gItem, width: 5.5, aliases: []string{"信息项序号"}, number: true},
	cItemName:           {name: "信息项名称", group: gItem, width: 14, required: true},
	cDataType:           {name: "数据类型", group: gItem, width: 10, aliases: []string{"信息项数据类型"}, list: labels(app.DataTypeChoices), required: true},
	cLength:             {name: "数据长度", head: "数据\n长度", group: gItem, width: 6, aliases: []string{"长度", "信息项长度"}, number: true},
	cItemShareType:      {name: "信息项共享类型", head: "信息项\n共享类型", group: gItem, width: 11, list: labels(app.ShareTypeChoices)},
	cItemShareCondition: {name: "信息项共享条件", head: "信息项\n共享条件", group: gItem, width: 15},
	cItemShareBasis:     {name: "信息项不予共享依据", head: "信息项不予\n共享依据", group: gItem, width: 15},
	cShareType:          {name: "共享类型", group: gShare, width: 11, list: labels(app.ShareTypeChoices), required: true},
	cShareCondition:     {name: "共享条件", group: gShare, width: 20},
	cShareBasis:         {name: "不予共享依据", group: gShare, width: 18, aliases: []string{"不予共享的依据", "法律法规或政策依据"}},
	cShareModeClass:     {name: "共享方式分类", head: "共享方式\n分类", group: gShare, width: 13, list: labels(app.ShareModeClassChoices)},
	cShareModeType:      {name: "共享方式类型", head: "共享方式\n类型", group: gShare, width: 9, list: labels(app.ShareModeTypeChoices(app.ShareViaPlatform))},
	cOpen:               {name: "是否向社会开放", head: "是否向\n社会开放", group: gOpen, width: 9, aliases: []string{"是否开放", "开放属性"}, list: []string{"是", "否"}},
	cOpenCondition:      {name: "开放条件", group: gOpen, width: 16},
	cUpdateCycle:        {name: "更新周期", group: gOther, width: 9, list: labels(app.UpdateCycleChoices), required: true},
	cPublishDate:        {name: "发布日期", group: gOther, width: 11.5, aliases: []string{"信息资源发布日期"}, date: true},
	cRelated:            {name: "关联资源代码", head: "关联资源\n代码", group: gOther, width: 15, aliases: []string{"关联资源"}, code: true},
}

// catalogueImportCols are the columns Import looks for on the catalogue
// sheet: those of Export, then the split classification.
var catalogueImportCols = append(catalogueCols[:numCatalogueCols:numCatalogueCols],
	column{name: "类", group: gResource, aliases: []string{"大类"}, code: true},
	column{name: "项", group: gResource, aliases: []string{"小类"}, code: true},
	column{name: "目", group: gResource, code: true},
	column{name: "细目", group: gResource, code: true},
)

// Column indexes of the 需求清单 sheet.
const (
	dNo = iota
	dResourceName
	dResourceCode
	dItems
	dProvider
	dUsage
	dFrequency
	dBasis
	dScenario
	numDemandCols
)

var demandCols = [numDemandCols]column{
	dNo:           {name: "序号", width: 6, number: true},
	dResourceName: {name: "所需信息资源名称", width: 26, aliases: []string{"信息资源名称"}, required: true},
	dResourceCode: {name: "所需信息资源代码", width: 18, aliases: []string{"信息资源代码"}, code: true},
	dItems:        {name: "所需信息项", width: 30, aliases: []string{"信息项"}},
	dProvider:     {name: "提供部门", width: 22, required: true},
	dUsage:        {name: "使用方式", width: 10, list: labels(app.DemandUsageChoices), required: true},
	dFrequency:    {name: "频度", width: 10, aliases: []string{"更新周期"}, list: labels(app.UpdateCycleChoices)},
	dBasis:        {name: "法律或职能依据", width: 30, aliases: []string{"依据"}, required: true},
	dScenario:     {name: "应用场景", width: 26, aliases: []string{"应用场景/事项名称", "事项名称"}, required: true},
}

// Column indexes of the 责任清单 sheet.
const (
	uNo = iota
	uResourceCode
	uResourceName
	uItems
	uDuty
	uUpdateCycle
	uShareType
	uShareModeClass
	uShareModeType
	uOwner
	uDue
	numDutyCols
)

var dutyCols = [numDutyCols]column{
	uNo:             {name: "序号", width: 6, number: true},
	uResourceCode:   {name: "信息资源代码", width: 18, required: true, code: true},
	uResourceName:   {name: "信息资源名称", width: 26}, // for the reader; Import ignores it
	uItems:          {name: "信息项", width: 30},
	uDuty:           {name: "对应职责/事项", width: 26, aliases: []string{"对应职责", "职责/事项", "职责"}, required: true},
	uUpdateCycle:    {name: "更新周期", width: 10, list: labels(app.UpdateCycleChoices), required: true},
	uShareType:      {name: "共享类型", width: 12, list: labels(app.ShareTypeChoices), required: true},
	uShareModeClass: {name: "共享方式分类", width: 13, list: labels(app.ShareModeClassChoices)},
	uShareModeType:  {name: "共享方式类型", width: 13, list: labels(app.ShareModeTypeChoices(app.ShareViaPlatform))},
	uOwner:          {name: "责任人", width: 10, aliases: []string{"质量责任人"}, required: true},
	uDue:            {name: "完成时限", width: 12, required: true, date: true},
}

// Column indexes of the 负面清单 sheet.
const (
	nNo = iota
	nResourceCode
	nResourceName
	nItems
	nCategory
	nBasis
	nReviewDate
	nAlternative
	numNegativeCols
)

var negativeCols = [numNegativeCols]column{
	nNo:           {name: "序号", width: 6, number: true},
	nResourceCode: {name: "信息资源代码", width: 18, required: true, code: true},
	nResourceName: {name: "信息资源名称", width: 26}, // for the reader; Import ignores it
	nItems:        {name: "信息项", width: 24},
	nCategory:     {name: "类别", width: 10, aliases: []string{"不予共享/开放类别"}, list: labels(app.NegativeCategoryChoices), required: true},
	nBasis:        {name: "法律法规或政策依据", width: 36, aliases: []string{"依据"}, required: true},
	nReviewDate:   {name: "复核日期", width: 12, aliases: []string{"有效期/复核日期"}, date: true},
	nAlternative:  {name: "替代方式", width: 26},
}

// Rows of the 目录信息 sheet: a label in column A, the value in column B.
const (
	iTitle = iota
	iProject
	iProvider
	iProviderCode
	numInfoRows
)

var infoLabels = [numInfoRows]string{"目录名称", "项目名称", "信息资源提供方", "信息资源提供方代码"}

func allFormatTypes() []string {
	var ls []string
	for _, c := range app.FormatClassChoices {
		ls = append(ls, labels(app.FormatTypeChoices(app.FormatClass(c.Code)))...)
	}
	return ls
}

// labels returns the labels of cs, in order.
func labels(cs []app.Choice) []string {
	ls := make([]string, len(cs))
	for i, c := range cs {
		ls[i] = c.Label
	}
	return ls
}
