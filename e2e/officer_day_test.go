package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store/storetest"

	"github.com/chromedp/chromedp"
)

// An officer's day at 360 px (issue #12, items 1, 2, 5, 6, 8 and the
// desk; item 18 is in TestCharterJourney): find a rider by name, open the
// seeker page, reveal the phone with a reason, record a health status one
// by one and for the gate failures of a plan preview at once; add a pickup
// point picked on the county map, edit and retire one; propose a match
// day, review it by posting and by county, drop one proposal and send the
// rest; preview the matching weights on a sample seeker; a seeker reports
// their own health status.
func TestOfficerDay(t *testing.T) {
	e := Boot(t, "zh-CN")
	s, ctx := e.App.Store, context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	e.hired(e.Fix.Seeker, easyjob.HealthYellow)
	si := storetest.SeekerInput()
	si.Name = "韦小燕"
	rider, err := s.RegisterSeeker(ctx, root, si)
	if err != nil {
		t.Fatal(err)
	}
	e.hired(rider, easyjob.HealthYellow)
	var free []easyjob.Seeker
	for i, name := range []string{"卢小梅", "蒙春花"} {
		in := storetest.SeekerInput()
		in.Name = name
		// 30 years old: within the posting's age limits (18–50).
		in.IDNumber = ident.GenerateResidentID("451026", time.Now().AddDate(-30, 0, -10*i), 40+i, i == 0)
		k, err := s.RegisterSeeker(ctx, root, in)
		if err != nil {
			t.Fatal(err)
		}
		free = append(free, k)
	}
	seekerPhone := si.Phone

	e.Login("napo-station", "napo-password")
	e.Run("desk", chromedp.Navigate(e.URL+"/officer"), chromedp.WaitVisible(chromedp.ID("desk-day")))
	e.MustSee("按姓名、手机号或身份证号查找求职者", "对接会", "导出表格")
	e.Shot("officer-day-01-desk")

	// Item 2: find by a part of the name; the list shows names.
	e.Run("seekers", chromedp.Click(chromedp.CSS(`#desk-day a[href="/officer/seekers"]`)), chromedp.WaitVisible(chromedp.ID("q")))
	e.MustSee("黄秀英", "卢小梅")
	e.Run("search by name", chromedp.SendKeys(chromedp.ID("q"), "小燕"), chromedp.Click(chromedp.ID("seeker-search")),
		chromedp.WaitVisible(chromedp.CSS(`#seekers a.name`)))
	e.MustSee("韦小燕", "黄码")
	e.Shot("officer-day-02-search")
	e.Run("search by phone", chromedp.Navigate(e.URL+"/officer/seekers?q="+seekerPhone), chromedp.WaitVisible(chromedp.CSS(`#seekers a.name`)))
	e.MustSee("韦小燕")
	e.Run("seeker page", chromedp.Click(chromedp.CSS(`#seekers a.name`)), chromedp.WaitVisible(chromedp.ID("seeker-name")))
	e.MustSee("韦小燕", "手机厂普工", "已接受录用", "查看电话和身份证号")
	e.Shot("officer-day-03-seeker")
	e.Run("reveal without reason", chromedp.Click(chromedp.ID("reveal-button")), chromedp.WaitVisible(chromedp.CSS("#reveal .field-error")))
	e.MustSee("请写明查看理由")
	e.Run("reveal", chromedp.SendKeys(chromedp.ID("reason"), "通知乘车时间"), chromedp.Click(chromedp.ID("reveal-button")),
		chromedp.WaitVisible(chromedp.CSS(`#seeker-phone a[href^="tel:"]`)))
	e.MustSee(seekerPhone, si.IDNumber)
	e.Shot("officer-day-04-revealed")
	// Item 1, one by one.
	e.Run("set green", chromedp.Click(chromedp.ID("set-green")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已为 1 人登记绿码", "绿码")
	e.Shot("officer-day-05-green")
	e.Run("audit trail", chromedp.Click(chromedp.CSS(`a[href$="/audit"]`)), chromedp.WaitVisible(chromedp.ID("audit")))
	e.MustSee("登记了健康码", "查看了电话和完整身份证号", "通知乘车时间")
	e.Shot("officer-day-06-audit")

	// Item 5: a pickup point picked on the map; edit; retire another.
	e.Run("pickups", chromedp.Navigate(e.URL+"/officer/pickups"), chromedp.WaitVisible(chromedp.CSS("svg.countymap")))
	e.Shot("officer-day-07-pickups-map")
	e.Run("add the county seat", chromedp.Click(chromedp.CSS(`#pickup-add button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已添加上车点", "那坡县人民政府")
	e.Run("pick on the map", chromedp.Click(chromedp.CSS("svg.countymap a.grid")), chromedp.WaitVisible(chromedp.ID("pickup-add")))
	e.Run("name the picked point", chromedp.SendKeys(chromedp.ID("name"), "百省乡路口"),
		chromedp.Click(chromedp.CSS(`#pickup-add button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已添加上车点：百省乡路口")
	e.Run("edit", chromedp.Click(chromedp.CSS(`#pickups li:nth-child(2) a[href$="/edit"]`)), chromedp.WaitVisible(chromedp.ID("pickup-edit")))
	e.Shot("officer-day-08-pickup-edit")
	e.Run("rename", chromedp.SetValue(chromedp.CSS("#pickup-edit #name"), "百省乡车站"), chromedp.Click(chromedp.ID("pickup-save")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.Run("retire", chromedp.Click(chromedp.CSS(`#pickups li:nth-child(2) form button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已停用上车点：百省乡车站", "已停用", "重新启用")
	e.Shot("officer-day-09-pickup-retired")

	// Item 1, for a list: the plan preview's gate failures, ticked, set green.
	e.Run("plan form", chromedp.Navigate(e.URL+"/officer/plans/new"), chromedp.WaitVisible(chromedp.ID("plan")))
	e.Run("preview", chromedp.Click(chromedp.CSS(`#plan button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("gate-green")))
	e.MustSee("黄秀英", "健康码不是绿码")
	e.Shot("officer-day-10-gate-failures")
	// The plan's confirm bar sticks to the bottom of the screen: bring the
	// ticks to the middle so that it does not cover them.
	chromedp.Run(e.Ctx, chromedp.Evaluate[bool](`(document.getElementById("gate-green").scrollIntoView({block: "center"}), true)`))
	e.Run("tick and set green", chromedp.Click(chromedp.CSS(`#gate-health input[type="checkbox"]`)), chromedp.Click(chromedp.ID("gate-green")),
		chromedp.WaitVisible(chromedp.ID("plan-riders")))
	e.MustSee("已为 1 人登记绿码")
	riders, err := chromedp.Run(e.Ctx, chromedp.Text(chromedp.ID("plan-riders")))
	if err != nil || riders != "2" {
		t.Fatalf("riders after the bulk green: %s", riders)
	}
	e.Shot("officer-day-11-replanned")

	// Item 6: match day.
	e.Run("match day", chromedp.Navigate(e.URL+"/officer/matchday"), chromedp.WaitVisible(chromedp.ID("matchday-propose")))
	e.Run("propose", chromedp.Click(chromedp.ID("propose")), chromedp.WaitVisible(chromedp.ID("decide")))
	e.MustSee("已生成 2 条提议", "卢小梅", "蒙春花", "待审核")
	e.Shot("officer-day-12-matchday-by-posting")
	e.Run("by county", chromedp.Click(chromedp.CSS(`a[href="?by=county"]`)), chromedp.WaitVisible(chromedp.ID("decide")))
	e.MustSee("广西壮族自治区百色市那坡县", "手机厂普工")
	e.Shot("officer-day-13-matchday-by-county")
	e.Run("drop one", chromedp.Click(chromedp.CSS(`#decide input[type="checkbox"]`)), chromedp.Click(chromedp.ID("drop-ticked")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已放弃 1 条提议", "已放弃")
	e.Run("send the rest", chromedp.Click(chromedp.ID("convert-all")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已发出 1 份录用", "已发出录用")
	e.Shot("officer-day-14-matchday-sent")

	// Item 6: the weights, previewed on a sample seeker.
	e.Run("policy", chromedp.Navigate(e.URL+"/officer/policy"), chromedp.WaitVisible(chromedp.ID("policy")))
	e.Run("preview weights", chromedp.SetValue(chromedp.ID("seeker"), strconv.FormatInt(free[1].ID, 10)),
		chromedp.SetValue(chromedp.ID("twinned_weight"), "2"), chromedp.Click(chromedp.ID("policy-preview")),
		chromedp.WaitVisible(chromedp.ID("preview")))
	e.MustSee("按新权重的推荐顺序", "原第 1 位", "只有市级工作人员可以保存权重")
	e.Shot("officer-day-15-policy-preview")

	// Item 1, the seeker's own report: marked, to be confirmed.
	e.Browser()
	e.SeekerLogin(e.Fix.Phone)
	e.Run("my health", chromedp.Navigate(e.URL+"/seeker/health"), chromedp.WaitVisible(chromedp.ID("self-green")))
	e.Run("report green", chromedp.Click(chromedp.ID("self-green")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已报告绿码", "本人自报，待核验")
	e.Shot("officer-day-16-self-report")
}
