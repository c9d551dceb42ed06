package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"

	"github.com/chromedp/chromedp"
)

// The seeker reaches the health self-report from her profile and from an
// accepted offer that waits for a bus; switching language on a page that
// answered a form stays on our page; issue #12's leftovers.
func TestWalkSeekerHealthAndLanguage(t *testing.T) {
	e := Boot(t, "zh-CN")
	e.hired(e.Fix.Seeker, easyjob.HealthYellow)

	e.SeekerLogin(e.Fix.Phone)
	e.Go("/seeker/profile", "walk-01-profile-health-link")
	e.Run("profile → health", chromedp.Click(chromedp.ID("report-health")), chromedp.WaitVisible(chromedp.ID("self-green")))
	e.Fit("walk-02-health")
	e.Go("/seeker/applications", "walk-03-accepted-awaiting-bus")
	e.MustSee("报告健康码")
	e.Run("offer → health", chromedp.Click(chromedp.CSS(`.application a.report-health`)), chromedp.WaitVisible(chromedp.ID("self-green")))
	e.Run("report green", chromedp.Click(chromedp.ID("self-green")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("绿码")
	e.Fit("walk-04-health-reported")

	// A page that answered a form (POST) in place: the profile with a
	// field error. The language link leads to our page in English, never to
	// a 405.
	e.Go("/seeker/profile", "walk-05-profile")
	e.Run("a wrong pay", chromedp.SetValue(chromedp.ID("expected_pay"), "abc"), chromedp.Submit(chromedp.ID("expected_pay")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.Fit("walk-06-profile-error")
	e.switchLanguage("walk-07-profile-after-post-en", "My profile")

	e.Run("back to Chinese", chromedp.Navigate(e.URL+"/seeker?lang=zh-CN"), chromedp.WaitVisible(chromedp.CSS(".posting-card")))
	e.Logout()

	// A signed-out form answered in place: a wrong password.
	e.Run("bad login", chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), "nobody"),
		chromedp.SendKeys(chromedp.ID("password"), "wrong-password"),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(".flash.error")))
	e.Fit("walk-08-login-wrong")
	e.switchLanguage("walk-09-login-after-post-en", "Sign in")
}

// switchLanguage taps the language link and checks the answer is our page
// in English (no 405), and that the next tap keeps English.
func (e *Env) switchLanguage(name, want string) {
	e.T.Helper()
	e.Run("switch to English", chromedp.Click(chromedp.CSS(`a.lang[hreflang="en"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	e.Fit(name)
	body := e.Text()
	if strings.Contains(body, "405") || strings.Contains(body, "Method Not Allowed") || strings.Contains(body, "This address receives a form") {
		e.T.Errorf("%s: the language switch after a form gives a 405:\n%s", name, body)
	}
	e.MustSee(want)
	e.Run("next tap", chromedp.Click(chromedp.CSS(`a.brand`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
}

// A very long display name in the top bar at 360 px, for an officer in
// Chinese and in English: the bar does not overflow, the name is cut with an
// ellipsis, and the header's tap targets keep 40 px.
func TestWalkLongDisplayName(t *testing.T) {
	e := Boot(t, "zh-CN")
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	long := "广西壮族自治区百色市那坡县人力资源和社会保障局驻深圳市龙岗区劳务协作工作站"
	if _, err := e.App.Store.CreateUser(context.Background(), root, store.NewUser{Username: "long-name", Password: "long-password",
		Name: long, Role: easyjob.RoleOfficer, Region: "451026"}); err != nil {
		t.Fatal(err)
	}
	e.Login("long-name", "long-password")
	for _, p := range []struct{ path, name string }{
		{"/officer", "walk-10-long-name-desk"}, {"/officer/seekers", "walk-11-long-name-seekers"},
		{"/officer?lang=en", "walk-12-long-name-desk-en"}, {"/officer/charters", "walk-13-long-name-charters-en"},
	} {
		e.Go(p.path, p.name)
		e.topBarFits(p.name)
	}
	e.Wide("walk-12-long-name-desk-en")
}

// topBarFits checks the header keeps its children inside it and on one
// line, and the name is cut rather than wrapped.
func (e *Env) topBarFits(name string) {
	e.T.Helper()
	bad, err := chromedp.Run(e.Ctx, chromedp.Evaluate[string](`(() => {
  const h = document.querySelector("header.top"), bad = [];
  if (h.scrollWidth > h.clientWidth) bad.push("header " + h.scrollWidth + " > " + h.clientWidth);
  const top = h.getBoundingClientRect();
  h.querySelectorAll("a, button, .who").forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.right > top.right + 1 || r.left < top.left - 1) bad.push(el.textContent.trim().slice(0, 8) + " outside the bar");
    if (r.height > 60) bad.push(el.textContent.trim().slice(0, 8) + " wraps: " + Math.round(r.height) + " px tall");
  });
  return bad.join("; ");
})()`))
	if err != nil {
		e.T.Fatal(err)
	}
	if bad != "" {
		e.T.Errorf("%s: the top bar with a long name: %s", name, bad)
	}
}

// hanRun is a run of Chinese characters.
var hanRun = regexp.MustCompile(`\p{Han}[\p{Han}\p{P}\d]*`)

// An English walk of the officers' main pages: no label, heading, button,
// tab, table cell or option is left in Chinese where the English catalogue
// has an entry (text that equals a zh-CN catalogue message) or the
// reference data an English name (a division), and every page fits 360 px.
// Names, titles and addresses people typed stay as typed; every Chinese
// text seen is written to walk-en-chinese.txt to read.
func TestWalkOfficerEnglish(t *testing.T) {
	e := Boot(t, "en-US")
	e.hired(e.Fix.Seeker, easyjob.HealthGreen)
	zh := zhMessages(t)
	// The divisions the reference data names in English: the twinned
	// counties with their prefectures and provinces, Shenzhen's districts.
	places := map[string]string{}
	for _, p := range region.TwinnedCounties() {
		for _, d := range region.Chain(p.County) {
			if en := region.NameIn("en", d.Code); en != d.Name {
				places[d.Name] = en
			}
		}
	}
	for _, d := range region.ShenzhenDistricts() {
		if en := region.NameIn("en", d.Code); en != d.Name {
			places[d.Name] = en
		}
	}
	found := map[string][]string{}
	station := []string{"/officer", "/officer/postings", "/officer/seekers", "/officer/short", "/officer/pickups",
		"/officer/charters", "/officer/plans/new", "/officer/matchday", "/officer/policy", "/officer/dashboard",
		"/officer/employers", "/officer/register", "/officer/import", "/officer/checkins", "/officer/epidemic", "/officer/seekers/" + itoa(e.Fix.Seeker.ID)}
	city := []string{"/officer", "/officer/postings", "/officer/postings/" + itoa(e.Fix.Posting.ID), "/officer/dashboard", "/officer/briefings", "/officer/matchday", "/officer/employers"}
	var seen []string // seen: every element with Chinese text, to read
	e.Login("napo-station", "napo-password")
	for i, path := range append(station, city...) {
		if i == len(station) {
			e.Logout()
			e.Login("city-officer", "city-password")
		}
		name := "walk-en-" + itoa(int64(i)) + strings.ReplaceAll(path, "/", "-")
		e.Go(path, name)
		lang, _ := chromedp.Run(e.Ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
		if lang != "en" {
			t.Errorf("%s is in %q", path, lang)
		}
		labels, err := chromedp.Run(e.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("h1, h2, h3, label, button, th, dt, legend, summary, nav a, .tabs a, .button, .badge, .tag, .help, .lead, .empty, .flash, p, td, option, li")]
  .filter(el => !el.closest('[lang="zh-CN"]'))
  .map(el => el.innerText.trim()).filter(s => /\p{Script=Han}/u.test(s))`))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range labels {
			seen = append(seen, path+": "+strings.ReplaceAll(l, "\n", " "))
			for _, run := range hanRun.FindAllString(l, -1) {
				run = strings.TrimRight(run, "，。：；、（）() ")
				if key, ok := zh[run]; ok {
					found[path] = append(found[path], key+" = "+run)
				}
				if en, ok := places[run]; ok {
					found[path] = append(found[path], run+" (in English "+en+")")
				}
			}
		}
	}
	var lines []string
	for path, keys := range found {
		sort.Strings(keys)
		lines = append(lines, path+": "+strings.Join(dedupe(keys), ", "))
	}
	sort.Strings(lines)
	os.WriteFile(filepath.Join(e.shots, "walk-en-chinese.txt"), []byte(strings.Join(append(lines, seen...), "\n")+"\n"), 0o644)
	if len(lines) > 0 {
		t.Errorf("Chinese catalogue text on English pages:\n%s", strings.Join(lines, "\n"))
	}
}

// zhMessages maps each zh-CN catalogue message without placeholders (two
// characters or more) to its key.
func zhMessages(t *testing.T) map[string]string {
	b, err := os.ReadFile(filepath.Join("..", "internal", "i18n", "locales", "zh-CN.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range m {
		if len([]rune(v)) >= 2 && !strings.Contains(v, "{") {
			out[strings.TrimRight(v, "，。：；、（）() ")] = k
		}
	}
	return out
}

func dedupe(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
