package ui

import (
	"encoding/json"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"egovdesk/assets"
)

// Languages the client offers, by preference value.
const (
	LangChinese = "zh" // 简体中文, the default
	LangEnglish = "en"
)

// PrefLanguage is the preference key of the chosen language.
const PrefLanguage = "language"

// words maps the Chinese source strings of the user interface to the chosen
// language; nil for Chinese. Written once by SetupLanguage before any window
// exists, read only afterwards.
var words map[string]string

// SetupLanguage loads the translations of language (LangChinese or
// LangEnglish; anything else is Chinese). The client's own strings are
// written in Chinese and looked up by T in translations/<lang>.json. Fyne's
// own words (OK, Cancel, the file dialog) come from its lang package, which
// in 2.8 has no API to choose a language: the chosen file is registered under
// the name of the system's locale, which then matches best (the trick
// supersonic uses). Call it before building any window; a change applies
// after a restart. It fails when the embedded file is missing or malformed.
func SetupLanguage(language string) error {
	file := "translations/zh_Hans.json"
	if language == LangEnglish {
		file = "translations/en.json"
	}
	data, err := assets.Translations.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	name := lang.SystemLocale().LanguageString() + ".json"
	if err := lang.AddTranslations(fyne.NewStaticResource(name, data)); err != nil {
		return fmt.Errorf("load %s as %s: %w", file, name, err)
	}
	words = nil
	if language == LangEnglish {
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("read %s: %w", file, err)
		}
		words = make(map[string]string, len(m))
		for k, v := range m {
			if s, ok := v.(string); ok {
				words[k] = s
			}
		}
	}
	return nil
}

// T translates a source string of the user interface (Chinese). Strings
// without a translation, and every string in Chinese, are returned as they are.
func T(s string) string {
	if w, ok := words[s]; ok {
		return w
	}
	return s
}
