package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/web"
)

func TestTemplatesParse(t *testing.T) {
	r, err := web.NewRenderer(i18n.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pages()) < 15 {
		t.Fatalf("only %d pages", len(r.Pages()))
	}
}

// Every message a template names exists in zh-CN (and so, by the i18n
// test, in en), including the keys templates build from values.
func TestTemplateKeys(t *testing.T) {
	cat := i18n.MustLoad()
	files, _ := filepath.Glob("templates/*.html")
	re := regexp.MustCompile(`\{\{t "([a-z_.]+)"`)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !cat.Has("zh-CN", m[1]) {
				t.Errorf("%s: %q missing", f, m[1])
			}
		}
	}
	dynamic := map[string][]string{
		"shift.":          {easyjob.ShiftDay, easyjob.ShiftTwo, easyjob.ShiftThree, easyjob.ShiftFlexible},
		"education.":      easyjob.Educations,
		"health.":         {easyjob.HealthGreen, easyjob.HealthYellow, easyjob.HealthRed},
		"posting_status.": {"draft", "pending_review", "published", "returned", "closed"},
		"severity.":       {easyjob.CheckRefused, easyjob.CheckFlag, easyjob.CheckWarning},
		"decision.":       {"approve", "return", "verify", "reject"},
		"gender.":         {"male", "female", "unknown"},
	}
	for _, s := range easyjob.States {
		dynamic["state."] = append(dynamic["state."], string(s))
		dynamic["next."] = append(dynamic["next."], string(s))
	}
	for _, tr := range easyjob.Transitions {
		dynamic["move."] = append(dynamic["move."], string(tr.To))
	}
	for prefix, vals := range dynamic {
		for _, v := range vals {
			if !cat.Has("zh-CN", prefix+v) {
				t.Errorf("%s%s missing", prefix, v)
			}
		}
	}
}
