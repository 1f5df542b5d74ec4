// Package assets holds the files egovdesk embeds in its binaries: the rule
// profiles of the five jurisdictions (profiles/*.json), loaded and checked by
// app.LoadProfiles. It imports nothing of egovdesk, so both the client and
// the bureau server can embed it.
package assets

import "embed"

// Profiles holds the rule profiles as profiles/<id>.json, one per
// jurisdiction. Load them with app.LoadProfiles(assets.Profiles, "profiles").
//
//go:embed profiles/*.json
var Profiles embed.FS
