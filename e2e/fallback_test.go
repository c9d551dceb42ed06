package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"

	"github.com/chromedp/chromedp"
)

// A seeker whose trade has no opening sees, instead of an empty page, the
// work they could also do under "您也可以试试", each card with its reasons;
// a seeker whom no posting fits is told why and what would change it; the
// city officer sees, per county, how many seekers are short of jobs.
func TestFallbackRecommendations(t *testing.T) {
	e := Boot(t, "zh-CN")
	ctx := context.Background()
	s := e.App.Store
	_, u, err := s.Login(ctx, "napo-station", "napo-password", "api")
	if err != nil {
		t.Fatal(err)
	}
	station := store.ActorOf(u, "zh-CN")
	n := 0
	register := func(name string, pay int, trades ...string) string {
		n++
		in := storetest.SeekerInput()
		in.Name, in.Trades, in.ExpectedPay = name, trades, pay
		// Born in 1996: within the posting's ages, 18 to 50.
		in.IDNumber = ident.GenerateResidentID("451026", time.Date(1996, 4, n, 0, 0, 0, 0, time.UTC), 100+n, n%2 == 0)
		if _, err := s.RegisterSeeker(ctx, station, in); err != nil {
			t.Fatal(err)
		}
		return in.Phone
	}
	// 小家电装配: no opening in the trade; the phone line (6-25) is related
	// to it and needs no experience.
	fitter := register("韦小梅", 4500, "6-24-05-04")
	// A security guard who asks 9,000 a month: nothing fits.
	dear := register("罗志强", 9000, "4-07-05-01")

	e.SeekerLogin(fitter)
	e.MustSee("韦小梅", "您也可以试试", "手机厂普工", "和您会的工种相近，上手快", "不需要经验，上岗有人带", "5,500")
	if body := e.Text(); containsAll(body, "为您推荐") {
		t.Errorf("a page of fallbacks only calls them recommendations:\n%s", body)
	}
	e.Run("fallbacks shown", chromedp.WaitVisible(chromedp.ID("also")))
	e.Shot("fallback-01-also")
	pid := strconv.FormatInt(e.Fix.Posting.ID, 10)
	e.Run("open a fallback", chromedp.Click(chromedp.CSS(`#also a[href="/postings/`+pid+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/postings/`+pid+`/apply"]`)))

	e.Browser()
	e.SeekerLogin(dear)
	e.Run("empty page explained", chromedp.WaitVisible(chromedp.ID("why-empty")))
	e.MustSee("为什么没有推荐", "低于您期望的 9,000 元", "把期望改成 5,500 元")
	e.Shot("fallback-02-empty-explained")

	e.Browser()
	e.Login("city-officer", "city-password")
	e.Run("short counts", chromedp.Navigate(e.URL+"/officer/short"), chromedp.WaitVisible(chromedp.ID("short-counts")))
	// 黄秀英 (one match), 韦小梅 (one fallback), 罗志强 (none): all three short of five.
	e.MustSee("推荐不足", "那坡县", "少于 5 个")
	short, err := chromedp.Run(e.Ctx, chromedp.Text(chromedp.CSS(`#short-counts tbody tr td:nth-child(2)`)))
	if err != nil {
		t.Fatal(err)
	}
	seekers, err := chromedp.Run(e.Ctx, chromedp.Text(chromedp.CSS(`#short-counts tbody tr td:nth-child(3)`)))
	if err != nil {
		t.Fatal(err)
	}
	if short != "3" || seekers != "3" {
		t.Errorf("那坡县: %s short of %s seekers, want 3 of 3", short, seekers)
	}
	e.Shot("fallback-03-officer-short")
	e.Run("the county's seekers", chromedp.Click(chromedp.CSS(`#short-counts a[href="/officer/seekers?county=451026"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.list")))
	e.MustSee("韦小梅", "罗志强") // an officer of the region sees names on the list (ID numbers and phones masked)
}

func containsAll(body string, words ...string) bool {
	for _, w := range words {
		if !strings.Contains(body, w) {
			return false
		}
	}
	return true
}
