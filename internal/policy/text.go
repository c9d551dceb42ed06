package policy

import "strings"

// Text is a phrase in Simplified Chinese and English.
type Text struct {
	Zh string `yaml:"zh" json:"zh"`
	En string `yaml:"en" json:"en"`
}

// In returns the text in lang: English for "en…", Chinese otherwise (zh-CN is the source).
func (t Text) In(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return t.En
	}
	return t.Zh
}

func (t Text) complete() bool { return strings.TrimSpace(t.Zh) != "" && strings.TrimSpace(t.En) != "" }

// join joins texts in each language with the separators of that language.
func join(ts []Text) Text {
	var zh, en []string
	for _, t := range ts {
		zh = append(zh, t.Zh)
		en = append(en, t.En)
	}
	return Text{Zh: strings.Join(zh, "、"), En: strings.Join(en, ", ")}
}
