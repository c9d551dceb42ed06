package e2e

import (
	"testing"

	"easyjob/internal/easyjob"

	"github.com/chromedp/chromedp"
)

// A station reports a confirmed case by the form: the county turns high,
// the charter gate stops its riders; a correction to zero lets them ride
// again. The map, the table and the county's chart are shown.
func TestEpidemicGate(t *testing.T) {
	e := Boot(t, "zh-CN")
	e.hired(e.Fix.Seeker, easyjob.HealthGreen)
	e.Login("napo-station", "napo-password")
	e.Run("pickup points", chromedp.Navigate(e.URL+"/officer/pickups"), chromedp.WaitVisible(chromedp.CSS(`form[action="/officer/pickups"]`)))
	e.Run("add the county seat", chromedp.Click(chromedp.CSS(`form[action="/officer/pickups"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))

	e.Run("case reports", chromedp.Navigate(e.URL+"/officer/epidemic"), chromedp.WaitVisible(chromedp.ID("report-form")))
	e.MustSee("疫情报告与三清零", "那坡县", "尚无报告")
	e.Shot("epidemic-01-board")
	e.Run("report a case", chromedp.SendKeys(chromedp.ID("new_confirmed"), "1"), chromedp.SendKeys(chromedp.ID("new_suspected"), "0"),
		chromedp.SendKeys(chromedp.ID("in_hospital"), "1"), chromedp.Click(chromedp.CSS(`#report-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("risk-level")))
	e.MustSee("已记录", "高风险", "未清零")
	e.Shot("epidemic-02-high")

	e.Run("plan form", chromedp.Navigate(e.URL+"/officer/plans/new"), chromedp.WaitVisible(chromedp.ID("plan")))
	e.Run("preview while high", chromedp.Click(chromedp.CSS(`#plan button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("户籍县为高风险地区")
	e.Shot("epidemic-03-gate-closed")

	// A typing error: corrected to zeros, the county is no longer high.
	e.Run("case reports again", chromedp.Navigate(e.URL+"/officer/epidemic"), chromedp.WaitVisible(chromedp.ID("report-form")))
	e.Run("correct", chromedp.SendKeys(chromedp.ID("new_confirmed"), "0"), chromedp.SendKeys(chromedp.ID("new_suspected"), "0"),
		chromedp.SendKeys(chromedp.ID("in_hospital"), "0"), chromedp.Click(chromedp.CSS(`#report-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("risk-level")))
	e.MustSee("已更正", "第 2 版", "中风险", "三清零")
	e.Shot("epidemic-04-corrected")

	e.Run("plan form again", chromedp.Navigate(e.URL+"/officer/plans/new"), chromedp.WaitVisible(chromedp.ID("plan")))
	e.Run("preview", chromedp.Click(chromedp.CSS(`#plan button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("confirm-plan")))
	e.MustSee("1 号车")
	e.Shot("epidemic-05-gate-open")
}
