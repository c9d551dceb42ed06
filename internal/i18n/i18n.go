// Package i18n holds the message catalogues: zh-CN, the source of truth, and
// en. Messages are flat keys with {name} placeholders; numbers are written
// with thousands separators.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
)

// Languages the interface speaks, the first being the default.
var Languages = []string{"zh-CN", "en"}

//go:embed locales/*.json
var files embed.FS

// Catalogue maps message keys to templates for each language.
type Catalogue struct {
	msgs map[string]map[string]string
}

// Load parses the embedded catalogues.
func Load() (*Catalogue, error) {
	c := &Catalogue{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		b, err := files.ReadFile("locales/" + lang + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", lang, err)
		}
		c.msgs[lang] = m
	}
	return c, nil
}

// MustLoad is Load for program start; the catalogues are embedded, so a
// failure is a build error that a test catches.
func MustLoad() *Catalogue {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Keys lists the keys of lang, sorted.
func (c *Catalogue) Keys(lang string) []string {
	keys := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has tells whether lang has key.
func (c *Catalogue) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// T renders key in lang with alternating name, value arguments. A key that
// is missing renders as itself, so a mistake shows instead of hiding.
func (c *Catalogue) T(lang, key string, kv ...any) string {
	return c.Msg(lang, easyjob.M(key, kv...))
}

// Msg renders a domain message.
func (c *Catalogue) Msg(lang string, m easyjob.Msg) string {
	// A count of days that is zero reads better as "today" where a
	// message has that form (e.g. reason.fresh → reason.fresh_today).
	if d, ok := m.Args["days"]; ok && Format(d) == "0" && c.Has(Languages[0], m.Key+"_today") {
		m.Key += "_today"
	}
	tpl, ok := c.msgs[Match(lang)][m.Key]
	if !ok {
		if tpl, ok = c.msgs[Languages[0]][m.Key]; !ok {
			return m.Key
		}
	}
	if len(m.Args) == 0 || !strings.Contains(tpl, "{") {
		return tpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			b.WriteString(tpl)
			break
		}
		b.WriteString(tpl[:i])
		name := tpl[i+1 : i+j]
		if v, ok := m.Args[name]; ok {
			if inner, ok := v.(easyjob.Msg); ok {
				b.WriteString(c.Msg(lang, inner))
			} else {
				b.WriteString(Format(v))
			}
		} else {
			b.WriteString(tpl[i : i+j+1])
		}
		tpl = tpl[i+j+1:]
	}
	return b.String()
}

// Format writes a value for people: integers with thousands separators.
func Format(v any) string {
	switch n := v.(type) {
	case int:
		return Thousands(int64(n))
	case int64:
		return Thousands(n)
	case int32:
		return Thousands(int64(n))
	case float64:
		if n == float64(int64(n)) {
			return Thousands(int64(n))
		}
		return strconv.FormatFloat(n, 'f', 1, 64)
	}
	return fmt.Sprint(v)
}

// Thousands writes n as 12,345.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Match picks the supported language for a tag like "en-US" or "zh".
func Match(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case strings.HasPrefix(t, "en"):
		return "en"
	default:
		return Languages[0]
	}
}

// FromAcceptLanguage picks the best supported language from an
// Accept-Language header, honouring q-values; zh-CN when nothing matches.
func FromAcceptLanguage(h string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(h, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		tag := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					q = x
				}
			}
		}
		var lang string
		switch {
		case strings.HasPrefix(tag, "zh"):
			lang = "zh-CN"
		case strings.HasPrefix(tag, "en"):
			lang = "en"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	if best == "" {
		return Languages[0]
	}
	return best
}
