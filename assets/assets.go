// Package assets holds the files egovdesk embeds in its binaries: the rule
// profiles of the five jurisdictions (profiles/*.json), loaded and checked by
// app.LoadProfiles, and the national holiday schedule (calendar/cn.json). It imports nothing of egovdesk, so both the client and
// the bureau server can embed it. The client also embeds its translations and
// the icon (the bureau server never references them); both embed the fonts,
// the bureau to print filings.
package assets

import "embed"

// Profiles holds the rule profiles as profiles/<id>.json, one per
// jurisdiction. Load them with app.LoadProfiles(assets.Profiles, "profiles").
//
//go:embed profiles/*.json
var Profiles embed.FS

// NationalCalendar is the State Council's holiday schedule, one entry a
// year (calendar/cn.json), that working-day deadlines count with; app reads
// it. A profile's own calendar may add a year before a release does.
//
//go:embed calendar/cn.json
var NationalCalendar []byte

// FontRegular and FontBold are Noto Sans CJK SC Regular and Bold, cut to
// GB 2312, Latin and every character of the repository's own text, with
// TrueType outlines (OFL, see fonts/README.md). The client's theme uses them
// for all non-monospace text so Chinese renders the same on every machine;
// app/pdf embeds subsets of them in the printed filings of the client and of
// the bureau.
//
//go:embed fonts/NotoSansSC-Regular.ttf
var FontRegular []byte

// FontBold is the bold face of FontRegular.
//
//go:embed fonts/NotoSansSC-Bold.ttf
var FontBold []byte

// Translations holds the client's translation files as translations/<lang>.json
// in go-i18n's flat JSON form, keyed by the Chinese source text.
//
//go:embed translations/*.json
var Translations embed.FS

// Icon is the application icon (PNG).
//
//go:embed icon.png
var Icon []byte
