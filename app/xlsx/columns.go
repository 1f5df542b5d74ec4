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
	group    string
	width    float64
	aliases  []string
	list     []string
	loose    bool // the drop-down warns instead of refusing other values
	required bool // Import reports a workbook without this column
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

const (
	gResource = "信息资源"
	gItem     = "信息项"
	gShare    = "共享属性"
	gOpen     = "开放属性"
	gOther    = "更新与关联"
)

var catalogueCols = [numCatalogueCols]column{
	cCategory:           {name: "信息资源分类", group: gResource, width: 12, aliases: []string{"分类", "分类码", "分类编码", "资源分类"}, required: true},
	cName:               {name: "信息资源名称", group: gResource, width: 28, aliases: []string{"资源名称"}, required: true},
	cCode:               {name: "信息资源代码", group: gResource, width: 18, aliases: []string{"资源代码"}, required: true},
	cProvider:           {name: "信息资源提供方", group: gResource, width: 22, aliases: []string{"提供方", "部门", "提供部门"}, required: true},
	cProviderCode:       {name: "信息资源提供方代码", group: gResource, width: 22, aliases: []string{"提供方代码", "部门代码"}, required: true},
	cOffice:             {name: "内设科室", group: gResource, width: 14},
	cAbstract:           {name: "信息资源摘要", group: gResource, width: 40, aliases: []string{"摘要"}, required: true},
	cFormatClass:        {name: "信息资源格式分类", group: gResource, width: 12, aliases: []string{"格式分类"}, list: labels(app.FormatClassChoices), required: true},
	cFormatType:         {name: "信息资源格式类型", group: gResource, width: 12, aliases: []string{"格式类型"}, list: allFormatTypes(), loose: true, required: true},
	cFormatOther:        {name: "其他格式描述", group: gResource, width: 16, aliases: []string{"其他类型资源格式描述", "格式描述"}},
	cItemNo:             {name: "序号", group: gItem, width: 6, aliases: []string{"信息项序号"}},
	cItemName:           {name: "信息项名称", group: gItem, width: 18, required: true},
	cDataType:           {name: "数据类型", group: gItem, width: 12, aliases: []string{"信息项数据类型"}, list: labels(app.DataTypeChoices), required: true},
	cLength:             {name: "数据长度", group: gItem, width: 9, aliases: []string{"长度", "信息项长度"}},
	cItemShareType:      {name: "信息项共享类型", group: gItem, width: 14, list: labels(app.ShareTypeChoices)},
	cItemShareCondition: {name: "信息项共享条件", group: gItem, width: 20},
	cItemShareBasis:     {name: "信息项不予共享依据", group: gItem, width: 20},
	cShareType:          {name: "共享类型", group: gShare, width: 12, list: labels(app.ShareTypeChoices), required: true},
	cShareCondition:     {name: "共享条件", group: gShare, width: 24},
	cShareBasis:         {name: "不予共享依据", group: gShare, width: 24, aliases: []string{"不予共享的依据", "法律法规或政策依据"}},
	cShareModeClass:     {name: "共享方式分类", group: gShare, width: 13, list: labels(app.ShareModeClassChoices)},
	cShareModeType:      {name: "共享方式类型", group: gShare, width: 12, list: labels(app.ShareModeTypeChoices(app.ShareViaPlatform))},
	cOpen:               {name: "是否向社会开放", group: gOpen, width: 10, aliases: []string{"是否开放", "开放属性"}, list: []string{"是", "否"}},
	cOpenCondition:      {name: "开放条件", group: gOpen, width: 24},
	cUpdateCycle:        {name: "更新周期", group: gOther, width: 10, list: labels(app.UpdateCycleChoices), required: true},
	cPublishDate:        {name: "发布日期", group: gOther, width: 12, aliases: []string{"信息资源发布日期"}},
	cRelated:            {name: "关联资源代码", group: gOther, width: 22, aliases: []string{"关联资源"}},
}

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
	dNo:           {name: "序号", width: 6},
	dResourceName: {name: "所需信息资源名称", width: 26, aliases: []string{"信息资源名称"}, required: true},
	dResourceCode: {name: "所需信息资源代码", width: 18, aliases: []string{"信息资源代码"}},
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
	uNo:             {name: "序号", width: 6},
	uResourceCode:   {name: "信息资源代码", width: 18, required: true},
	uResourceName:   {name: "信息资源名称", width: 26}, // for the reader; Import ignores it
	uItems:          {name: "信息项", width: 30},
	uDuty:           {name: "对应职责/事项", width: 26, aliases: []string{"对应职责", "职责/事项", "职责"}, required: true},
	uUpdateCycle:    {name: "更新周期", width: 10, list: labels(app.UpdateCycleChoices), required: true},
	uShareType:      {name: "共享类型", width: 12, list: labels(app.ShareTypeChoices), required: true},
	uShareModeClass: {name: "共享方式分类", width: 13, list: labels(app.ShareModeClassChoices)},
	uShareModeType:  {name: "共享方式类型", width: 12, list: labels(app.ShareModeTypeChoices(app.ShareViaPlatform))},
	uOwner:          {name: "责任人", width: 10, aliases: []string{"质量责任人"}, required: true},
	uDue:            {name: "完成时限", width: 12, required: true},
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
	nNo:           {name: "序号", width: 6},
	nResourceCode: {name: "信息资源代码", width: 18, required: true},
	nResourceName: {name: "信息资源名称", width: 26}, // for the reader; Import ignores it
	nItems:        {name: "信息项", width: 24},
	nCategory:     {name: "类别", width: 10, aliases: []string{"不予共享/开放类别"}, list: labels(app.NegativeCategoryChoices), required: true},
	nBasis:        {name: "法律法规或政策依据", width: 36, aliases: []string{"依据"}, required: true},
	nReviewDate:   {name: "复核日期", width: 12, aliases: []string{"有效期/复核日期"}},
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
