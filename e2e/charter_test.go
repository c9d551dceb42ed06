package e2e

import (
	"context"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"

	"github.com/chromedp/chromedp"
)

// hired gives seeker k an accepted offer on the fixture's posting starting
// the day after tomorrow (so leaving tomorrow: 那坡 is far from 深圳) and a
// health status reported now.
func (e *Env) hired(k easyjob.Seeker, health string) int64 {
	return e.hiredOn(k, health, easyjob.DateOf(e.App.Store.Clock.Now()).AddDays(2))
}

// hiredOn is hired with the offer's start date; it returns the application.
func (e *Env) hiredOn(k easyjob.Seeker, health string, start easyjob.Date) int64 {
	t, s, ctx := e.T, e.App.Store, context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	app, err := s.Apply(ctx, root, k.ID, e.Fix.Posting.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transition(ctx, root, app.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: 5800}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transition(ctx, root, app.ID, store.Move{To: easyjob.StateAccepted}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetHealth(ctx, root, k.ID, health); err != nil {
		t.Fatal(err)
	}
	return app.ID
}

// A station officer plans tomorrow's charters from accepted hires, sees
// who fails the health gate, confirms, opens the manifest, boards a rider
// by the last six ID digits and departs; the seeker sees the seat and the
// boarding pass; the employer confirms the arrival.
func TestCharterJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	s, ctx := e.App.Store, context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	e.hired(e.Fix.Seeker, easyjob.HealthGreen)
	si := storetest.SeekerInput()
	si.Name = "韦小燕"
	other, err := s.RegisterSeeker(ctx, root, si)
	if err != nil {
		t.Fatal(err)
	}
	e.hired(other, easyjob.HealthYellow)
	full, err := s.Seeker(ctx, root, e.Fix.Seeker.ID, "e2e: boarding by ID digits")
	if err != nil {
		t.Fatal(err)
	}
	officer := e.Ctx

	e.Login("napo-station", "napo-password")
	e.Run("pickup points", chromedp.Navigate(e.URL+"/officer/pickups"), chromedp.WaitVisible(chromedp.CSS(`form[action="/officer/pickups"]`)))
	e.Run("add the county seat", chromedp.Click(chromedp.CSS(`form[action="/officer/pickups"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已添加上车点", "那坡县人民政府")
	e.Shot("charter-01-pickups")

	e.Run("plan form", chromedp.Navigate(e.URL+"/officer/plans/new"), chromedp.WaitVisible(chromedp.ID("plan")))
	e.Shot("charter-02-plan-form")
	e.Run("preview", chromedp.Click(chromedp.CSS(`#plan button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("confirm-plan")))
	e.MustSee("1 号车", "健康码不是绿码", "韦")
	e.Shot("charter-03-preview")
	e.Run("confirm", chromedp.Click(chromedp.ID("confirm-plan")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已编排 1 辆车、1 位乘客")
	e.Shot("charter-04-plan")

	e.Run("manifest", chromedp.Click(chromedp.CSS(`.charter h2 a`)), chromedp.WaitVisible(chromedp.CSS(".manifest-table")))
	e.MustSee("乘车名单", "黄秀英", "深圳市龙岗精密电子有限公司", "待上车")
	e.Shot("charter-05-manifest")

	// The seeker sees the seat and opens the boarding pass.
	e.Browser()
	e.SeekerLogin(e.Fix.Phone)
	e.Run("my applications", chromedp.Navigate(e.URL+"/seeker/applications"), chromedp.WaitVisible(chromedp.CSS(".application")))
	e.MustSee("座位", "那坡县人民政府", "上车")
	e.Shot("charter-06-seeker-seat")
	e.Run("boarding pass", chromedp.Click(chromedp.CSS(`a[href^="/seeker/pass/"]`)), chromedp.WaitVisible(chromedp.CSS("img.qr")))
	e.MustSee("乘车码", "黄秀英")
	e.Shot("charter-07-pass")

	e.Ctx = officer
	e.Run("boarding page", chromedp.Click(chromedp.CSS(`.manifest a[href$="/board"]`)), chromedp.WaitVisible(chromedp.ID("code")))
	e.Run("check in by ID digits", chromedp.SendKeys(chromedp.ID("code"), full.IDNumber[12:]), chromedp.Click(chromedp.ID("checkin")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("黄秀英 已上车", "已上车 1 / 1")
	e.Shot("charter-08-boarded")
	// Tomorrow's charter: departing now asks to confirm (issue #12, item 18).
	e.Run("depart early", chromedp.Click(chromedp.ID("depart")), chromedp.WaitVisible(chromedp.ID("depart-warning")))
	e.MustSee("计划发车时间")
	e.Shot("charter-09a-depart-warning")
	e.Run("depart", chromedp.Click(chromedp.ID("depart-confirm")), chromedp.WaitVisible(chromedp.ID("charter-status")))
	e.MustSee("已发车：1 人出发", "已发车")
	e.Shot("charter-09-departed")

	e.Browser() // the employer
	e.Login("factory", "factory-password")
	e.Run("arrivals", chromedp.Click(chromedp.CSS(`a[href="/employer/arrivals"]`)), chromedp.WaitVisible(chromedp.CSS(".arrival")))
	e.MustSee("黄秀英", "1 号车")
	e.Shot("charter-10-arrivals")
	e.Run("confirm arrival", chromedp.Click(chromedp.CSS(".confirm-arrival")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已确认到岗：黄秀英", "没有在路上的劳动者")
	e.Shot("charter-11-arrived")

	apps, err := s.Applications(ctx, root, store.ApplicationFilter{SeekerID: e.Fix.Seeker.ID})
	if err != nil || len(apps.Items) != 1 || apps.Items[0].State != easyjob.StateArrived {
		t.Fatalf("application %+v %v", apps, err)
	}
}
