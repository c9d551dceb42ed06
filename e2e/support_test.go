package e2e

import (
	"context"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/support"

	"github.com/chromedp/chromedp"
)

// An employer fills in its enterprise profile and finds on one page which measures it
// qualifies for, why and for how much; it asks about a measure; an officer of the human
// resources and social security bureau answers from the department's queue; the employer
// closes the ticket saying what it received; the officer changes a parameter from a future
// date after a preview, and past results do not change.
func TestSupportJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	ctx := context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	u, err := e.App.Store.CreateUser(ctx, root, store.NewUser{Username: "hrss-officer", Password: "hrss-password", Name: "市人社局王科长",
		Role: easyjob.RoleOfficer, Region: easyjob.CityRegion})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Support.SetMember(ctx, root, support.Member{UserID: u.ID, Department: "sz-hrss"}); err != nil {
		t.Fatal(err)
	}
	employer := e.Ctx
	e.Login("factory", "factory-password")
	e.Run("support page", chromedp.Navigate(e.URL+"/employer/support"), chromedp.WaitVisible(chromedp.ID("profile-form")))
	e.MustSee("惠企政策", "企业信息", "需补充信息")
	e.Shot("support-01-empty")

	// A typo in a number and a negative staff count are refused, naming the fields.
	e.Run("bad profile",
		chromedp.SetValue(chromedp.ID("p-staff"), "-5"),
		chromedp.SetValue(chromedp.ID("p-monthly_rent_cny"), "三万"),
		chromedp.Click(chromedp.CSS(`#profile-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.MustSee("请填数字")
	e.Shot("support-02-bad-profile")

	e.Run("profile",
		chromedp.SetValue(chromedp.ID("p-staff"), "120"),
		chromedp.SetValue(chromedp.ID("p-staff_same_month_last_year"), "110"),
		chromedp.SetValue(chromedp.ID("p-sme"), "yes"),
		chromedp.SetValue(chromedp.ID("p-state_owned"), "no"),
		chromedp.SetValue(chromedp.ID("p-industry"), "C"),
		chromedp.SetValue(chromedp.ID("p-epidemic_difficulty"), "yes"),
		chromedp.SetValue(chromedp.ID("p-landlord"), "soe"),
		chromedp.SetValue(chromedp.ID("p-monthly_rent_cny"), "30000"),
		chromedp.SetValue(chromedp.ID("p-unemployment_insurance_last_year_cny"), "60000"),
		chromedp.Click(chromedp.CSS(`#profile-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("企业信息已保存", "加大企业稳岗支持力度", "¥30,000.00", "减免物业租金", "¥60,000.00", "免申即享")
	e.Shot("support-03-results")

	e.Run("ask about the refund", chromedp.Navigate(e.URL+"/employer/support?measure=job-retention-refund#ticket"),
		chromedp.WaitVisible(chromedp.ID("ticket-form")),
		chromedp.SendKeys(chromedp.ID("subject"), "稳岗返还什么时候到账？"),
		chromedp.SendKeys(chromedp.ID("body"), "去年足额缴纳失业保险，没有裁员。"),
		chromedp.Click(chromedp.CSS(`#ticket-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("ticket-status")))
	e.MustSee("诉求已提交", "待受理", "深圳市人力资源和社会保障局")
	e.Shot("support-04-ticket")

	e.Browser() // the officer
	e.Login("hrss-officer", "hrss-password")
	e.Run("queue", chromedp.Navigate(e.URL+"/officer/support"), chromedp.WaitVisible(chromedp.ID("queue")))
	e.MustSee("本部门待办诉求", "稳岗返还什么时候到账", "各项措施落实情况")
	e.Shot("support-05-queue")
	e.Run("open the ticket", chromedp.Click(chromedp.CSS(`#queue a`)), chromedp.WaitVisible(chromedp.ID("reply-form")))
	e.Run("reply",
		chromedp.SetValue(chromedp.ID("outcome"), "answered_helped"),
		chromedp.SendKeys(chromedp.ID("reply-body"), "已核实，返还款将于 3 个工作日内到账。"),
		chromedp.Click(chromedp.CSS(`#reply-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("答复已发送", "已答复，已解决", "返还款将于")
	e.Shot("support-06-replied")
	officer := e.Ctx

	e.Ctx = employer
	e.Run("reload the ticket", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("close-form")))
	e.MustSee("已答复，已解决", "市人社局王科长")
	today := easyjob.DateOf(e.App.Store.Clock.Now()).String()
	e.Run("close",
		chromedp.SetValue(chromedp.ID("received"), "yes"),
		chromedp.SetValue(chromedp.ID("received_cny"), "30000"),
		chromedp.SetValue(chromedp.ID("received_on"), today),
		chromedp.SetValue(chromedp.ID("rating"), "5"),
		chromedp.Click(chromedp.CSS(`#close-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("closed")))
	e.MustSee("诉求已办结", "已享受到政策", "5 / 5")
	e.Shot("support-07-closed")

	// A parameter from a future date: preview, confirm; 2020's results are unchanged.
	e.Ctx = officer
	before, err := e.App.Support.Check(ctx, root, support.FixedSamples[0].Profile, easyjob.NewDate(2020, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	e.Run("measure", chromedp.Navigate(e.URL+"/officer/support/measures/job-retention-refund"), chromedp.WaitVisible(chromedp.ID("param-form")),
		chromedp.SetValue(chromedp.ID("param"), "refund_rate"),
		chromedp.SetValue(chromedp.ID("from"), "2030-01-01"),
		chromedp.SetValue(chromedp.ID("value"), "1"),
		chromedp.SendKeys(chromedp.ID("source"), "市人社局通知"),
		chromedp.Click(chromedp.ID("preview-param")),
		chromedp.WaitVisible(chromedp.ID("preview")))
	e.MustSee("调整前", "调整后", "小型电子厂")
	e.Shot("support-08-preview")
	e.Run("confirm", chromedp.Click(chromedp.ID("confirm-param")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("自 2030-01-01 起生效", "工作人员调整")
	e.Shot("support-09-versions")
	after, err := e.App.Support.Check(ctx, root, support.FixedSamples[0].Profile, easyjob.NewDate(2020, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	for i := range before.Items {
		if before.Items[i].Status != after.Items[i].Status || before.Items[i].EstimateText() != after.Items[i].EstimateText() {
			t.Errorf("%s changed for 2020-03-02", before.Items[i].Measure)
		}
	}
}
