package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store/storetest"

	"github.com/chromedp/chromedp"
)

// Riders by departure day (issue #12, item 7): the employer gives its
// site's location and a posting's own work site; a hire says "I will
// travel on my own" (asked once more) and undoes it, then says it again;
// the station officer sees the county's riders grouped by departure day,
// plans the next day, and the hire travelling on their own is not on the
// bus. Every page is checked at 360 px.
func TestRidersByDepartureDay(t *testing.T) {
	e := Boot(t, "zh-CN")
	s, ctx := e.App.Store, context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	today := easyjob.DateOf(s.Clock.Now())
	e.hired(e.Fix.Seeker, easyjob.HealthGreen) // leaves tomorrow
	seeker := func(name string) (easyjob.Seeker, string) {
		si := storetest.SeekerInput()
		si.Name = name
		k, err := s.RegisterSeeker(ctx, root, si)
		if err != nil {
			t.Fatal(err)
		}
		return k, si.Phone
	}
	own, ownPhone := seeker("韦小燕")
	e.hired(own, easyjob.HealthGreen) // leaves tomorrow, unless on her own
	later, _ := seeker("农志强")
	e.hiredOn(later, easyjob.HealthGreen, today.AddDays(4)) // leaves in three days

	// The employer sets its site from a known point of 龙岗区.
	e.Login("factory", "factory-password")
	e.Go("/employer", "riders-01-employer-home")
	e.MustSee("工作地点", "还没有设定工作地点的位置")
	e.Run("site form", chromedp.Click(chromedp.ID("site-edit")), chromedp.WaitVisible(chromedp.ID("site")))
	e.Run("save without a location", chromedp.Click(chromedp.ID("site-save")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.MustSee("请选择工作地点的位置")
	e.Fit("riders-02-site-errors")
	e.Run("choose a known point", chromedp.SetValue(chromedp.ID("address"), "吉华街道甘李路 8 号"),
		chromedp.SetValue(chromedp.ID("known"), "440307"), chromedp.Click(chromedp.ID("site-save")),
		chromedp.WaitVisible(chromedp.ID("site-card")))
	e.MustSee("已保存工作地点", "吉华街道甘李路 8 号", "位置：")
	e.Fit("riders-03-site-saved")

	// The posting's work site differs: picked on the map.
	pid := strconv.FormatInt(e.Fix.Posting.ID, 10)
	e.Run("posting", chromedp.Navigate(e.URL+"/employer/postings/"+pid), chromedp.WaitVisible(chromedp.ID("posting-site")))
	e.Run("posting site", chromedp.Click(chromedp.ID("posting-site")), chromedp.WaitVisible(chromedp.ID("site")))
	e.Run("pick on the map", chromedp.Click(chromedp.CSS(`svg.countymap a.grid`)), chromedp.WaitVisible(chromedp.CSS(".chosen")))
	e.Run("save the posting's site", chromedp.SetValue(chromedp.ID("address"), "龙岗区宝龙园区 3 栋"), chromedp.Click(chromedp.ID("site-save")),
		chromedp.WaitVisible(chromedp.ID("posting-site")))
	e.MustSee("已保存工作地点：手机厂普工")
	e.Go("/employer/postings/"+pid+"/site", "riders-04-posting-site")
	e.MustSee("龙岗区宝龙园区 3 栋")

	// The hire says she will travel on her own, confirms, undoes, says it again.
	e.Browser()
	e.SeekerLogin(ownPhone)
	e.Go("/seeker/applications", "riders-05-offer-card")
	e.MustSee("坐包车前往", "我自行前往")
	e.Run("own travel", chromedp.Click(chromedp.CSS(`a[href$="/travel"]`)), chromedp.WaitVisible(chromedp.ID("travel-yes")))
	e.Fit("riders-06-own-confirm")
	e.Run("confirm own travel", chromedp.Click(chromedp.ID("travel-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已记录：自行前往", "您已选择自行前往")
	e.Fit("riders-07-own-travel")
	e.Run("undo", chromedp.Click(chromedp.CSS(`.travel button`)), chromedp.WaitVisible(chromedp.CSS(`a[href$="/travel"]`)))
	e.MustSee("已记录：需要包车座位")
	e.Fit("riders-08-undone")
	e.Run("own travel again", chromedp.Click(chromedp.CSS(`a[href$="/travel"]`)), chromedp.WaitVisible(chromedp.ID("travel-yes")),
		chromedp.Click(chromedp.ID("travel-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("您已选择自行前往")

	// The officer sees the riders by departure day and plans tomorrow.
	e.Browser()
	e.Login("napo-station", "napo-password")
	e.Run("pickup points", chromedp.Navigate(e.URL+"/officer/pickups"), chromedp.WaitVisible(chromedp.CSS(`form[action="/officer/pickups"]`)))
	e.Run("add the county seat", chromedp.Click(chromedp.CSS(`form[action="/officer/pickups"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.Go("/officer/plans/new", "riders-09-by-day")
	tomorrow, third := today.AddDays(1), today.AddDays(3)
	e.MustSee("下一个出发日", "自行前往：1 人", "韦小燕")
	body := e.Text()
	if !strings.Contains(body, tomorrow.String()) || !strings.Contains(body, third.String()) {
		t.Fatalf("riders not grouped by day:\n%s", body)
	}
	e.Run("plan the next day", chromedp.Click(chromedp.CSS(`a.day[href$="`+tomorrow.String()+`"]`)), chromedp.WaitVisible(chromedp.ID("plan")))
	e.Run("preview", chromedp.Click(chromedp.CSS(`#plan button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("confirm-plan")))
	e.Fit("riders-10-preview")
	e.Run("confirm", chromedp.Click(chromedp.ID("confirm-plan")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已编排 1 辆车、1 位乘客")
	e.Run("manifest", chromedp.Click(chromedp.CSS(`.charter h2 a`)), chromedp.WaitVisible(chromedp.CSS(".manifest-table")))
	e.MustSee("黄秀英", "深圳市龙岗精密电子有限公司")
	if strings.Contains(e.Text(), "韦小燕") || strings.Contains(e.Text(), "农志强") {
		t.Fatal("a hire travelling on their own, or leaving another day, is on the bus")
	}
	e.Fit("riders-11-manifest")
}
