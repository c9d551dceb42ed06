// Package e2e walks each role's main journey in a real browser (Debian's
// chromium driven by chromedp) against the product booted on a free port
// with a temporary database. Screenshots at a phone viewport go to
// $EASYJOB_ARTIFACTS (default ./artifacts/e2e).
package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"easyjob/internal/app"
	"easyjob/internal/auth"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Env is a booted product with a browser.
type Env struct {
	T     *testing.T
	App   *app.App
	URL   string
	Ctx   context.Context // a browser tab
	Fix   Fixture
	shots string
	exe   string
	lang  string
	dir   string
	n     int
}

// Fixture is the people and the posting every journey starts from.
type Fixture struct {
	Posting  easyjob.Posting
	Seeker   easyjob.Seeker
	Phone    string
	Employer easyjob.Employer
}

func chromiumPath(t *testing.T) string {
	if p := os.Getenv("EASYJOB_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium: scripts/test.sh installs Debian's chromium for these tests")
	return ""
}

// Boot starts the product and a phone-sized browser; lang is the browser's
// language ("zh-CN" or "en").
func Boot(t *testing.T, lang string) *Env {
	t.Helper()
	exe := chromiumPath(t)
	cfg := config.Defaults()
	dir := t.TempDir()
	cfg.DB = "sqlite:" + filepath.Join(dir, "easyjob.db")
	cfg.KeyFile = filepath.Join(dir, "easyjob.key")
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.Store.Password = auth.Params{Time: 1, Memory: 8 * 1024, Threads: 1, KeyLen: 32}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() { srv.Close(); a.Close() })

	shots := os.Getenv("EASYJOB_ARTIFACTS")
	if shots == "" {
		shots = filepath.Join("..", "artifacts", "e2e")
	}
	os.MkdirAll(shots, 0o755)
	e := &Env{T: t, App: a, URL: srv.URL, shots: shots, exe: exe, lang: lang, dir: dir}
	e.Ctx = e.Browser()
	e.Fix = e.seed()
	return e
}

// Browser opens another phone-sized browser with its own profile (its own
// cookies), for a second person in the same journey. It becomes e.Ctx.
func (e *Env) Browser() context.Context {
	t := e.T
	e.n++
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(e.exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", e.lang),
		chromedp.UserDataDir(filepath.Join(e.dir, "chromium-"+strconv.Itoa(e.n))),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 780, chromedp.EmulateScale(1), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
		UserAgent: "Mozilla/5.0 (Linux; Android 10; Mobile) easyjob-e2e", AcceptLanguage: e.lang}); err != nil {
		t.Fatalf("setting the language: %v", err)
	}
	e.Ctx = ctx
	return ctx
}

// seed makes the officers, a verified employer with a published posting,
// and a seeker registered at the 那坡县 station.
func (e *Env) seed() Fixture {
	t, s, ctx := e.T, e.App.Store, context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	users := []store.NewUser{
		{Username: "city-officer", Password: "city-password", Name: "深圳市人社局", Role: easyjob.RoleOfficer, Region: "4403"},
		{Username: "napo-station", Password: "napo-password", Name: "那坡县工作站", Role: easyjob.RoleOfficer, Region: "451026"},
	}
	actors := map[string]easyjob.Actor{}
	for _, u := range users {
		made, err := s.CreateUser(ctx, root, u)
		if err != nil {
			t.Fatal(err)
		}
		actors[u.Username] = store.ActorOf(made, "zh-CN")
	}
	emp, boss, err := s.RegisterEmployer(ctx, store.EmployerSignup{EmployerInput: storetest.EmployerInput(), Username: "factory", Password: "factory-password"})
	if err != nil {
		t.Fatal(err)
	}
	if emp, err = s.VerifyEmployer(ctx, actors["city-officer"], emp.ID, "verify", ""); err != nil {
		t.Fatal(err)
	}
	today := easyjob.DateOf(time.Now())
	in := easyjob.PostingInput{Title: "手机厂普工", Occupation: "6-25-04-02", Headcount: 5, PayMin: 5500, PayMax: 7000,
		OvertimeRule: "加班按劳动法支付", PayDay: 15, Dorm: true, Meals: true, Shift: easyjob.ShiftTwo, SocialInsurance: true,
		StartDate: today.AddDays(5), ClosingDate: today.AddDays(30), District: "440307", Street: "440307018",
		Address: "吉华街道甘李路 8 号", AgeMin: 18, AgeMax: 50, Description: "手机主板组装，坐着干活，两班倒。入职不收任何费用。"}
	p, err := s.CreatePosting(ctx, store.ActorOf(boss, "zh-CN"), emp.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = s.ReviewPosting(ctx, actors["city-officer"], p.ID, "approve", ""); err != nil {
		t.Fatal(err)
	}
	si := storetest.SeekerInput()
	si.Name = "黄秀英"
	// 26 years old on the day of the test, so the posting's age limits
	// (18–50) fit her and her home page shows it with its reasons.
	si.IDNumber = ident.GenerateResidentID("451026", time.Now().AddDate(-26, 0, -40), 7, false)
	k, err := s.RegisterSeeker(ctx, actors["napo-station"], si)
	if err != nil {
		t.Fatal(err)
	}
	return Fixture{Posting: p, Seeker: k, Phone: si.Phone, Employer: emp}
}

// Run runs browser actions and fails the test on error, with a screenshot.
func (e *Env) Run(name string, actions ...chromedp.Action[chromedp.Void]) {
	e.T.Helper()
	if err := chromedp.Do(e.Ctx, actions...); err != nil {
		e.Shot("failed-" + name)
		loc, _ := chromedp.Run(e.Ctx, chromedp.Location())
		body, _ := chromedp.Run(e.Ctx, chromedp.Text(chromedp.CSS("body")))
		e.T.Fatalf("%s: %v\nat %s\n%s", name, err, loc, body)
	}
}

// Shot saves a full-page screenshot at the phone viewport.
func (e *Env) Shot(name string) {
	buf, err := chromedp.Run(e.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		e.T.Logf("screenshot %s: %v", name, err)
		return
	}
	os.WriteFile(filepath.Join(e.shots, name+".png"), buf, 0o644)
}

// Text returns the visible text of the page body. A page that is being
// replaced (a redirect after a form) can lose its nodes under the query, so
// a failed read is tried again for a few seconds.
func (e *Env) Text() string {
	e.T.Helper()
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(e.Ctx, 3*time.Second)
		var s string
		s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		cancel()
		if err == nil {
			return s
		}
	}
	e.T.Fatalf("reading the page: %v", err)
	return ""
}

// MustSee fails unless the page shows every one of the words within a few
// seconds.
func (e *Env) MustSee(words ...string) {
	e.T.Helper()
	var body string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		body = e.Text()
		missing := ""
		for _, w := range words {
			if !strings.Contains(body, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			e.Shot("missing")
			e.T.Fatalf("page does not show %q:\n%s", missing, body)
		}
	}
}

// Login signs in with a username and password through the form.
func (e *Env) Login(user, password string) {
	e.Run("login "+user,
		chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitNotPresent(chromedp.ID("password")),
	)
}

// Logout ends the session. The home page shows .roles before the click
// too, so it waits for the sign-out form to go: the answer to the logout
// arrived and no navigation is left in flight for the next step to cut.
func (e *Env) Logout() {
	// The signed-in page may show .roles too: wait for the sign-out to land
	// (no sign-out form) before the next navigation, which would abort it.
	e.Run("logout", chromedp.Navigate(e.URL+"/"), chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action="/logout"]`)), chromedp.WaitVisible(chromedp.CSS(".roles")))
}

// Code reads the newest sign-in code sent to phone from the outbox.
func (e *Env) Code(phone string) string {
	msgs, err := e.App.Store.Outbox(context.Background(), phone, 1)
	if err != nil || len(msgs) == 0 {
		e.T.Fatalf("no code for %s: %v", phone, err)
	}
	return regexp.MustCompile(`\d{6}`).FindString(msgs[0].Body)
}

// SeekerLogin signs a seeker in with a code.
func (e *Env) SeekerLogin(phone string) {
	e.Run("seeker sends code",
		chromedp.Navigate(e.URL+"/seeker/login"),
		chromedp.SendKeys(chromedp.ID("phone"), phone),
		chromedp.Submit(chromedp.ID("phone")),
		chromedp.WaitVisible(chromedp.ID("code")),
	)
	e.Shot("seeker-01-code")
	e.Run("seeker types code",
		chromedp.SendKeys(chromedp.ID("code"), e.Code(phone)),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitNotPresent(chromedp.ID("code")),
	)

}
