// Package assets holds the files egovdesk embeds in its binaries: the rule
// profiles of the five jurisdictions (profiles/*.json), loaded and checked by
// app.LoadProfiles. It imports nothing of egovdesk, so both the client and
// the bureau server can embed it. The client also embeds a CJK font, its
// translations and the icon (the bureau server never references them).
package assets

import "embed"

// Profiles holds the rule profiles as profiles/<id>.json, one per
// jurisdiction. Load them with app.LoadProfiles(assets.Profiles, "profiles").
//
//go:embed profiles/*.json
var Profiles embed.FS

// CJKFont is Droid Sans Fallback, a single TrueType face covering Latin and
// CJK (Apache-2.0, see fonts/README.md). The client's theme uses it for all
// non-monospace text so Chinese renders without CJK system fonts.
//
//go:embed fonts/DroidSansFallbackFull.ttf
var CJKFont []byte

// Translations holds the client's translation files as translations/<lang>.json
// in go-i18n's flat JSON form, keyed by the Chinese source text.
//
//go:embed translations/*.json
var Translations embed.FS

// Icon is the application icon (PNG).
//
//go:embed icon.png
var Icon []byte
