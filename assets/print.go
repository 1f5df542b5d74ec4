package assets

import _ "embed"

// PrintRegular and PrintBold are Noto Sans CJK SC Regular and Bold, cut to
// GB 2312 and the repository's own text (OFL, embedding allowed; see
// fonts/README.md). app/pdf embeds subsets of them in printed filings; the
// bureau server references them only when it prints.
var (
	//go:embed fonts/NotoSansSC-Regular.ttf
	PrintRegular []byte
	//go:embed fonts/NotoSansSC-Bold.ttf
	PrintBold []byte
)
