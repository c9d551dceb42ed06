package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
)

func TestCataloguesMatch(t *testing.T) {
	c := i18n.MustLoad()
	for _, k := range c.Keys("zh-CN") {
		if !c.Has("en", k) {
			t.Errorf("en lacks %q", k)
		}
	}
	for _, k := range c.Keys("en") {
		if !c.Has("zh-CN", k) {
			t.Errorf("zh-CN lacks %q (zh-CN is the source of truth)", k)
		}
	}
}

// Every message key written in the code exists in the catalogue.
func TestKeysInCodeExist(t *testing.T) {
	c := i18n.MustLoad()
	// Every quoted word.word whose first word begins a catalogue key is taken
	// for a key, so a new family of messages is checked as soon as it exists.
	prefixes := map[string]bool{}
	for _, k := range c.Keys("zh-CN") {
		p, _, _ := strings.Cut(k, ".")
		prefixes[regexp.QuoteMeta(p)] = true
	}
	alts := make([]string, 0, len(prefixes))
	for p := range prefixes {
		alts = append(alts, p)
	}
	sort.Strings(alts)
	re := regexp.MustCompile(`"((?:` + strings.Join(alts, "|") + `)\.[a-z_]+(?:\.[a-z_]+)*)"`)
	notKeys := map[string]bool{"seeker.id_number": true, "seeker.phone": true} // sealing labels
	root := filepath.Join("..", "..")
	filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if strings.HasSuffix(m[1], "_") {
				continue // the start of a key completed at run time
			}
			if !notKeys[m[1]] && !c.Has("zh-CN", m[1]) {
				t.Errorf("%s: key %q is not in zh-CN", p, m[1])
			}
		}
		return nil
	})
	for _, s := range easyjob.States {
		if !c.Has("zh-CN", "state."+string(s)) {
			t.Errorf("state %q has no name", s)
		}
	}
}

func TestRender(t *testing.T) {
	c := i18n.MustLoad()
	got := c.T("zh-CN", "check.min_wage", "pay", 2000, "min", 2200)
	if got != "月薪 2,000 元低于深圳最低工资 2,200 元，不能发布。" {
		t.Errorf("zh: %q", got)
	}
	got = c.Msg("en", easyjob.M("application.transition", "from", easyjob.M("state.applied"), "to", easyjob.M("state.left")))
	if got != `Cannot move from "Applied" to "Left the job".` {
		t.Errorf("en: %q", got)
	}
	if c.T("en", "no.such.key") != "no.such.key" {
		t.Error("missing keys render as themselves")
	}
}

func TestLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"": "zh-CN", "en-US,en;q=0.9": "en", "zh-CN,zh;q=0.9,en;q=0.8": "zh-CN", "fr-FR, en;q=0.5": "en",
		"en;q=0.3, zh;q=0.8": "zh-CN", "de": "zh-CN",
	} {
		if got := i18n.FromAcceptLanguage(h); got != want {
			t.Errorf("%q: got %s want %s", h, got, want)
		}
	}
	if i18n.Thousands(5500) != "5,500" || i18n.Thousands(-1234567) != "-1,234,567" || i18n.Thousands(12) != "12" {
		t.Error("thousands")
	}
}
