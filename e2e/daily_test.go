package e2e

import (
	"context"
	"strconv"
	"strings"
	"time"

	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"

	"github.com/chromedp/chromedp"
)

// fitJS reports what does not fit a phone: the page wider than the screen,
// and tap targets of the shared header and footer under 40 px.
const fitJS = `(() => {
  const d = document.documentElement, bad = [];
  if (d.scrollWidth > d.clientWidth) bad.push("overflow: " + d.scrollWidth + " > " + d.clientWidth);
  document.querySelectorAll("header.top a, header.top button, footer.foot a").forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.height < 40 || r.width < 40)) bad.push("tap target " + JSON.stringify(el.textContent.trim()) + " " + Math.round(r.width) + "x" + Math.round(r.height));
  });
  return bad.join("; ");
})()`

// Fit checks the page at phone width (no horizontal overflow, header and
// footer tap targets ≥ 40 px) and saves a screenshot named daily-<name>.
func (e *Env) Fit(name string) {
	e.T.Helper()
	body := e.Text() // the page has loaded
	if !strings.HasPrefix(name, "17-") && (strings.Contains(body, "出了点问题") || strings.Contains(body, "Something is not right")) {
		e.Shot("failed-" + name)
		e.T.Errorf("%s shows an error page:\n%s", name, body)
	}
	bad, err := chromedp.Run(e.Ctx, chromedp.Evaluate[string](fitJS))
	if err != nil {
		e.T.Fatalf("%s: checking the layout: %v", name, err)
	}
	e.Shot("daily-" + name)
	if bad != "" {
		loc, _ := chromedp.Run(e.Ctx, chromedp.Location())
		e.T.Errorf("%s (%s) does not fit 360 px: %s", name, loc, bad)
	}
}

// Wide saves a screenshot at 1280 px, checks it does not overflow either,
// and goes back to the phone.
func (e *Env) Wide(name string) {
	e.T.Helper()
	e.Run("wide", chromedp.EmulateViewport(1280, 900))
	time.Sleep(150 * time.Millisecond)
	bad, _ := chromedp.Run(e.Ctx, chromedp.Evaluate[string](fitJS))
	e.Shot("daily-" + name + "-1280")
	if bad != "" {
		e.T.Errorf("%s at 1280 px: %s", name, bad)
	}
	e.Run("phone", chromedp.EmulateViewport(360, 780, chromedp.EmulateScale(1), chromedp.EmulateMobile))
}

// Go navigates to a path of the product and checks the page fits.
func (e *Env) Go(path, name string) {
	e.T.Helper()
	e.Run("open "+path, chromedp.Navigate(e.URL+path))
	e.Fit(name)
}

// A seeker's day: the first profile with the phone filled in and the
// everyday trade picker; recommendations whose reasons read true; search
// with filters that says what it looked for; an employer invites her from
// the ranked list, anonymously; she applies from the invitation; undoing
// asks to confirm; a returned posting shows the officer's comment; the
// officer's tabs and desk; lists as cards; our 404 and 405 pages; the
// language kept from tap to tap. Every page is checked at 360 px.
func TestDailySeeker(t *testing.T) {
	e := Boot(t, "zh-CN")
	s, ctx := e.App.Store, context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}

	// Item 13: a first-time seeker: the phone she signed in with is filled
	// in; the picker is short, with everyday names, and searches.
	e.SeekerLogin("13812345678")
	e.MustSee("保安", "普工", "厨师")
	phone, err := chromedp.Run(e.Ctx, chromedp.Value(chromedp.ID("phone")))
	if err != nil || phone != "13812345678" {
		t.Fatalf("the phone is not filled in: %q %v", phone, err)
	}
	e.Fit("13-profile-new")
	h, _ := chromedp.Run(e.Ctx, chromedp.Evaluate[float64](`document.getElementById("trades").getBoundingClientRect().height`))
	if h > 900 {
		t.Errorf("the trade picker is %v px tall at 360 px", h)
	}
	e.Run("search a trade",
		chromedp.SendKeys(chromedp.ID("trade_q"), "缝纫"),
		chromedp.Click(chromedp.CSS(`button[name=find]`)),
		chromedp.WaitVisible(chromedp.CSS(`.chips.found`)),
	)
	e.MustSee("车缝工")
	e.Fit("13-profile-search")
	e.Logout()

	// Items 9, 10, 19: the fixture's seeker sees her recommendations with
	// reasons that read true.
	e.SeekerLogin(e.Fix.Phone)
	e.MustSee("为您推荐", e.Fix.Posting.Title, "包吃包住，正合您的要求", "今天起 5 天后上岗")
	e.Fit("09-seeker-home")
	// docs/screenshots/seeker-02-home.png (the README's first) is this shot.
	e.Wide("09-seeker-home")

	// Item 12: search says what it looked for; nothing found suggests fewer words.
	e.Go("/seeker?q="+"不存在的岗位名称", "12-search-empty")
	e.MustSee("搜索结果", "没有找到符合", "试试少用几个词")
	e.Go("/seeker?dorm=1&meals=1&pay_min=5000", "12-search-filters")
	e.MustSee("搜索结果", "月薪 ≥ 5,000 元", e.Fix.Posting.Title)
	ph, _ := chromedp.Run(e.Ctx, chromedp.AttributeValue(chromedp.ID("q"), "placeholder"))
	if !strings.Contains(ph.Value, "普工") && !strings.Contains(ph.Value, "手机装配") {
		t.Errorf("the placeholder's examples are not the demo's trades: %q", ph.Value)
	}
	seekerTab := e.Ctx // she stays signed in (a second code within the minute is refused)

	// Item 4: the employer invites her from the ranked list, not knowing who she is.
	e.Browser()
	e.Login("factory", "factory-password")
	e.Go("/employer/postings/"+strconv.FormatInt(e.Fix.Posting.ID, 10), "04-candidates")
	e.MustSee("邀请报名")
	body := e.Text()
	if strings.Contains(body, e.Fix.Seeker.Name) {
		t.Fatal("the candidate's name shows before she applies")
	}
	e.Run("invite", chromedp.Click(chromedp.CSS(`.invite-form button`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	e.MustSee("邀请已发出", "已邀请，等待回复")
	e.Fit("04-invited")

	// Item 3: a returned posting shows the officer's comment where the employer edits.
	boss := store.ActorOf(mustUser(t, s, "factory", "factory-password"), "zh-CN")
	in := easyjob.PostingInput{Title: "仓库理货员", Occupation: "4-02-06-02", Headcount: 2, PayMin: 5000, PayMax: 6000,
		PayDay: 10, Shift: easyjob.ShiftDay, StartDate: easyjob.DateOf(time.Now()).AddDays(7),
		ClosingDate: easyjob.DateOf(time.Now()).AddDays(30), District: "440307", Address: "坂田街道 1 号", AgeMin: 18, AgeMax: 50}
	p, err := s.CreatePosting(ctx, boss, e.Fix.Employer.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	city := store.ActorOf(mustUser(t, s, "city-officer", "city-password"), "zh-CN")
	if _, err := s.ReviewPosting(ctx, city, p.ID, "return", "请写明加班费怎么算"); err != nil {
		t.Fatal(err)
	}
	e.Go("/employer/postings/"+strconv.FormatInt(p.ID, 10)+"/edit", "03-returned-edit")
	e.MustSee("工作人员退回了这个岗位", "请写明加班费怎么算", "重新提交审核")
	e.Run("resubmit", chromedp.Submit(chromedp.ID("title")), chromedp.WaitNotPresent(chromedp.ID("title")))
	if got, _ := s.Posting(ctx, root, p.ID); got.Status != easyjob.PostingPending {
		t.Errorf("resubmitted posting is %s", got.Status)
	}
	e.Fit("03-resubmitted")
	e.Logout()

	// Items 4, 10: the seeker sees the invitation and applies; withdrawing asks first.
	e.Ctx = seekerTab
	e.Go("/seeker", "04-seeker-home-invitation")
	e.MustSee("邀请您报名", e.Fix.Posting.Title)
	e.Go("/seeker/applications", "04-seeker-invitation")
	e.MustSee("邀请您报名", "企业看不到您的姓名和电话")
	e.Run("apply from the invitation", chromedp.Click(chromedp.CSS(`.invitation form button`)),
		chromedp.WaitVisible(chromedp.CSS(`.application`)))
	e.MustSee("报名成功", "撤回报名")
	e.Fit("10-applied")
	e.Run("withdraw asks", chromedp.Click(chromedp.CSS(`.application a.button.secondary`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/withdrawn"]`)))
	e.MustSee("撤回报名？", "确认撤回", "不，返回")
	e.Fit("10-withdraw-confirm")
	e.Run("not now", chromedp.Click(chromedp.CSS(`a.button.secondary`)), chromedp.WaitVisible(chromedp.CSS(`.application`)))
	e.MustSee("已报名")

	// Item 17: our 404 and 405 pages; the language stays chosen.
	e.Go("/no-such-page", "17-404")
	e.MustSee("没有这个页面")
	e.Go("/postings/"+strconv.FormatInt(e.Fix.Posting.ID, 10)+"/apply?lang=en", "17-405-en")
	e.MustSee("This address receives a form")
	e.Go("/seeker/applications", "17-applications-en")
	e.MustSee("My applications")
	e.Go("/postings/"+strconv.FormatInt(e.Fix.Posting.ID, 10), "17-posting-en")
	e.MustSee("Longgang District")
	e.Go("/seeker?lang=zh-CN", "17-back-zh")
	e.MustSee("为您推荐")
	e.Logout()

	// Items 14, 15, 16: the officer's tabs all show, the current one marked;
	// the desk has charters and imports; lists are cards on a phone.
	e.Browser()
	e.Login("city-officer", "city-password")
	e.Go("/officer", "15-officer-desk")
	e.MustSee("点对点包车", "导入导出", "给已录用的人排点对点包车")
	cur, _ := chromedp.Run(e.Ctx, chromedp.Evaluate[string](`(document.querySelector('.tabs a[aria-current=page]')||{}).textContent||""`))
	if cur == "" {
		t.Error("no tab is marked current")
	}
	hidden, _ := chromedp.Run(e.Ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('.tabs a')].filter(a => a.getBoundingClientRect().right > document.documentElement.clientWidth).length`))
	if hidden > 0 {
		t.Errorf("%d officer tabs are off screen", hidden)
	}
	e.Wide("15-officer-desk")
	e.Go("/officer/seekers", "16-seekers-cards")
	w, _ := chromedp.Run(e.Ctx, chromedp.Evaluate[float64](`(() => { const td = document.querySelector('table.list td[data-label]'); return td ? td.getBoundingClientRect().width : 999 })()`))
	if w < 200 {
		t.Errorf("a seekers' list cell is %v px wide at 360 px", w)
	}
	e.Wide("16-seekers")
	for _, path := range []string{"/officer/charters", "/officer/pickups", "/officer/import", "/officer/postings", "/officer/employers", "/officer/short", "/officer/ledger", "/officer/claims",
		"/officer/checkins", "/officer/disputes", "/officer/epidemic", "/officer/support", "/officer/register"} {
		e.Go(path, "15"+strings.ReplaceAll(path, "/", "-"))
	}
}

func mustUser(t *testing.T, s *store.Store, username, password string) easyjob.User {
	t.Helper()
	_, u, err := s.Login(context.Background(), username, password, "web")
	if err != nil {
		t.Fatal(err)
	}
	return u
}
