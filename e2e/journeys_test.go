package e2e

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// A seeker signs in with the code from the outbox, finds a posting and
// applies; the employer shortlists and offers; the seeker accepts.
func TestHiringJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	pid := strconv.FormatInt(e.Fix.Posting.ID, 10)

	e.SeekerLogin(e.Fix.Phone)
	e.MustSee("黄秀英", "手机厂普工", "5,500", "包吃住", "企业已认证")
	e.Shot("seeker-02-home")
	e.Run("open posting", chromedp.Click(chromedp.CSS(`a[href="/postings/`+pid+`"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action="/postings/`+pid+`/apply"]`)))
	e.MustSee("每月 15 日", "还剩 5 个名额", "完全免费")
	e.Shot("seeker-03-posting")
	e.Run("apply", chromedp.Click(chromedp.CSS(`form[action="/postings/`+pid+`/apply"] button`)), chromedp.WaitVisible(chromedp.CSS(".application")))
	e.MustSee("报名成功", "已报名", "企业会看您的报名")
	e.Shot("seeker-04-applied")
	seeker := e.Ctx

	e.Browser() // the employer, on their own phone
	e.Login("factory", "factory-password")
	e.MustSee("我的岗位", "手机厂普工")
	e.Shot("employer-01-home")
	e.Run("open board", chromedp.Click(chromedp.CSS(`a[href="/employer/postings/`+pid+`"]`)), chromedp.WaitVisible(chromedp.CSS(".board")))
	e.MustSee("招聘进度", "黄秀英")
	e.Run("shortlist",
		chromedp.Click(chromedp.CSS(`input[name="app"]`)),
		chromedp.SetValue(chromedp.ID("to"), "shortlisted"),
		chromedp.Click(chromedp.CSS(".bulk button")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("1 人已改为“已入围”")
	e.Run("offer",
		chromedp.Click(chromedp.CSS(`input[name="app"]`)),
		chromedp.SetValue(chromedp.ID("to"), "offered"),
		chromedp.SetValue(chromedp.ID("pay"), "5800"),
		chromedp.Click(chromedp.CSS(".bulk button")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("1 人已改为“已录用待确认”", "录用：月薪 5,800 元")
	e.Shot("employer-02-offered")

	e.Ctx = seeker
	e.Run("my applications", chromedp.Navigate(e.URL+"/seeker/applications"), chromedp.WaitVisible(chromedp.CSS(".application")))
	e.MustSee("企业录用了您", "录用：月薪 5,800 元")
	e.Shot("seeker-05-offer")
	e.Run("accept", chromedp.Click(chromedp.CSS(`form[action$="/accepted"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已接受录用", "健康码为绿码后")
	e.Shot("seeker-06-accepted")
}

// An officer at a county station registers a seeker at the counter, with
// the keyboard only: the ID number first fills age, gender and county.
func TestStationRegistration(t *testing.T) {
	e := Boot(t, "zh-CN")
	e.Login("napo-station", "napo-password")
	e.MustSee("工作台", "广西壮族自治区百色市那坡县")
	e.Run("open form", chromedp.Navigate(e.URL+"/officer/register"), chromedp.WaitVisible(chromedp.ID("id_number")))
	id := "451026198805200021"
	e.Run("type ID", chromedp.SendKeys(chromedp.ID("id_number"), id),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="id_info"][contains(., "那坡县")]`)))
	e.MustSee("女", "那坡县")
	e.Run("fill and submit",
		chromedp.SendKeys(chromedp.ID("name"), "韦金凤"),
		chromedp.SendKeys(chromedp.ID("phone"), "13977001122"),
		chromedp.Click(chromedp.CSS(`input[name="trades"]`)),
		chromedp.SendKeys(chromedp.ID("expected_pay"), "4500"),
		chromedp.Submit(chromedp.ID("id_number")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已登记 韦金凤", "4510**********0021")
	e.Shot("officer-01-registered")
	// The same person twice is refused next to the field.
	e.Run("again",
		chromedp.SendKeys(chromedp.ID("id_number"), id),
		chromedp.SendKeys(chromedp.ID("name"), "韦金凤"),
		chromedp.SendKeys(chromedp.ID("phone"), "13977001133"),
		chromedp.Click(chromedp.CSS(`input[name="trades"]`)),
		chromedp.Submit(chromedp.ID("id_number")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.MustSee("这个身份证号已经登记过")
	e.Shot("officer-02-duplicate")
}

// The first page and a form in English, chosen by the browser's language.
func TestEnglish(t *testing.T) {
	e := Boot(t, "en-US")
	e.Run("home", chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".roles")))
	e.MustSee("Back to work, point to point", "Job seekers sign in")
	e.Shot("en-01-home")
	e.Run("bad login", chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), "nobody"),
		chromedp.SendKeys(chromedp.ID("password"), "wrong-password"),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(".flash.error")))
	e.MustSee("Wrong username or password")
	e.Run("switch to Chinese", chromedp.Click(chromedp.CSS(`a[hreflang="zh-CN"]`)), chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "登录")]`)))
}
