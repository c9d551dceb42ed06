package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/retention"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"

	"github.com/chromedp/chromedp"
)

// A worker who arrived answers her 30-day check-in from her home page; the
// employer answers the others in bulk (a row without its date is refused
// and nothing is written); the station officer sees the disagreement and
// the escalation and answers after a call; the worker reports unpaid wages
// and sees every step while the employer and the district officer answer;
// the officer approves and pays a subsidy claim and the ledger shows it.
// The store's clock is moved and the retention sweep called directly.
func TestRetentionJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	s, r, ctx := e.App.Store, e.App.Retention, context.Background()
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	clock := storetest.NewClock(time.Now())
	s.Clock = clock
	const day = 24 * time.Hour
	sweep := func() {
		t.Helper()
		if err := r.Sweep(ctx, func(rule string, appID int64) {
			if err := r.Claim(ctx, rule, appID); err != nil {
				t.Errorf("claim %s %d: %v", rule, appID, err)
			}
		}); err != nil {
			t.Fatal(err)
		}
	}

	// Three workers arrive today: the fixture's 黄秀英, 韦小燕, and 农丽 (registered poor).
	arrive := func(k easyjob.Seeker) {
		e.hired(k, easyjob.HealthGreen)
		apps, err := s.Applications(ctx, root, store.ApplicationFilter{SeekerID: k.ID})
		if err != nil || len(apps.Items) != 1 {
			t.Fatalf("applications %+v %v", apps, err)
		}
		if _, err := s.Transition(ctx, root, apps.Items[0].ID, store.Move{To: easyjob.StateArrived}); err != nil {
			t.Fatal(err)
		}
	}
	workers := []easyjob.Seeker{e.Fix.Seeker}
	for _, name := range []string{"韦小燕", "农丽"} {
		si := storetest.SeekerInput()
		si.Name = name
		k, err := s.RegisterSeeker(ctx, root, si)
		if err != nil {
			t.Fatal(err)
		}
		workers = append(workers, k)
	}
	for _, k := range workers {
		arrive(k)
	}
	if err := s.SetPoor(ctx, root, workers[2].ID, true); err != nil {
		t.Fatal(err)
	}
	huang, wei, nong := workers[0], workers[1], workers[2]

	clock.Advance(30 * day)
	sweep()
	due, err := r.Due(ctx, root, retention.DueFilter{})
	if err != nil || len(due.Items) != 3 {
		t.Fatalf("30-day check-ins: %+v %v", due, err)
	}
	checkinOf := map[int64]int64{} // seeker → check-in
	for _, c := range due.Items {
		checkinOf[c.SeekerID] = c.ID
	}
	sel := func(prefix string, k easyjob.Seeker) string {
		return "#" + prefix + "-" + strconv.FormatInt(checkinOf[k.ID], 10)
	}

	// The worker answers from the prompt on her home page: one tap.
	worker := e.Browser()
	e.SeekerLogin(e.Fix.Phone)
	e.Run("home prompt", chromedp.Navigate(e.URL+"/seeker"), chromedp.WaitVisible(chromedp.CSS(".checkin-prompt")))
	e.MustSee("到岗 30 天回访", "深圳市龙岗精密电子有限公司")
	e.Shot("retention-01-home-prompt")
	e.Run("open check-in", chromedp.Click(chromedp.CSS(".checkin-prompt a")), chromedp.WaitVisible(chromedp.ID("stays")))
	e.Shot("retention-02-checkin")
	e.Run("still employed", chromedp.Click(chromedp.ID("stays")), chromedp.WaitVisible(chromedp.ID("my-answer")))
	e.MustSee("已收到您的回答", "您的回答：仍在这里上班", "在岗")
	e.Shot("retention-03-answered")
	// Someone else's check-in is refused.
	e.Run("other's check-in", chromedp.Navigate(e.URL+"/checkins/"+strconv.FormatInt(checkinOf[wei.ID], 10)),
		chromedp.WaitVisible(chromedp.CSS(".flash.error")))
	e.MustSee("没有权限")
	e.Shot("retention-04-forbidden")

	// The employer answers in bulk: 韦小燕 still employed, 黄秀英 left (a
	// disagreement with her own answer). Without the date nothing is written.
	employer := e.Browser()
	e.Login("factory", "factory-password")
	e.Run("employer check-ins", chromedp.Click(chromedp.CSS(`a[href="/employer/checkins"]`)), chromedp.WaitVisible(chromedp.ID("bulk-form")))
	e.MustSee("黄秀英", "韦小燕", "农丽")
	e.Run("tick two, one without its date",
		chromedp.Click(chromedp.CSS(sel("pick", wei))),
		chromedp.Click(chromedp.CSS(sel("pick", huang))),
		chromedp.SetValue(chromedp.CSS(sel("answer", huang)), "left"),
		chromedp.SetValue(chromedp.CSS(sel("reason", huang)), "other_work"),
		chromedp.Click(chromedp.ID("bulk-answer")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	)
	e.MustSee("有几条需要改正", "必填")
	e.Shot("retention-05-bulk-error")
	if c, err := r.CheckIn(ctx, root, checkinOf[wei.ID]); err != nil || c.EmployerAnswer != "" {
		t.Fatalf("a refused bulk answer wrote %+v %v", c, err)
	}
	leftOn := easyjob.DateOf(clock.Now()).AddDays(-3).String()
	e.Run("give the date",
		chromedp.SetValue(chromedp.CSS(sel("left_on", huang)), leftOn),
		chromedp.Click(chromedp.ID("bulk-answer")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	e.MustSee("已回答 2 条回访", "农丽")
	e.Shot("retention-06-bulk-done")

	// 农丽 answers nothing: reminders at +3 and +7 days, escalation at +10.
	for _, d := range []int{3, 4, 3} {
		clock.Advance(time.Duration(d) * day)
		sweep()
	}

	officer := e.Browser()
	e.Login("napo-station", "napo-password")
	e.Run("officer queue", chromedp.Navigate(e.URL+"/officer/checkins"), chromedp.WaitVisible(chromedp.ID("escalated")))
	e.MustSee("回答不一致", "黄秀英", "找到别的工作", "逾期未答", "农丽", "已提醒 2 次")
	e.Shot("retention-07-officer-queue")
	e.Run("call 农丽", chromedp.Click(chromedp.CSS(`#escalated a.button`)), chromedp.WaitVisible(chromedp.ID("stays")))
	e.MustSee("电话回访后代为回答", "农丽")
	e.Run("answer after the call", chromedp.Click(chromedp.ID("stays")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已收到您的回答", "工作站（电话回访）", "仍在这里上班")
	e.Shot("retention-08-officer-answered")
	e.Run("settle the disagreement", chromedp.Navigate(e.URL+"/checkins/"+strconv.FormatInt(checkinOf[huang.ID], 10)),
		chromedp.WaitVisible(chromedp.ID("stays")), chromedp.Click(chromedp.ID("stays")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.Run("queue emptied", chromedp.Navigate(e.URL+"/officer/checkins"), chromedp.WaitVisible(chromedp.ID("escalated")))
	e.MustSee("没有不一致的回答", "没有逾期未答的回访")

	// The worker reports unpaid wages; the amount is required.
	e.Ctx = worker
	e.SeekerLogin(e.Fix.Phone)
	month := easyjob.DateOf(clock.Now()).String()[:7]
	e.Run("report form", chromedp.Navigate(e.URL+"/seeker/retention"), chromedp.Click(chromedp.ID("report")),
		chromedp.WaitVisible(chromedp.ID("report-form")))
	e.Run("without the amount", chromedp.SendKeys(chromedp.ID("months"), month), chromedp.Click(chromedp.ID("send-report")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.MustSee("必填")
	e.Shot("retention-09-report-error")
	e.Run("with the amount", chromedp.SendKeys(chromedp.ID("amount"), "5800"),
		chromedp.SendKeys(chromedp.ID("description"), "4 月工资到现在还没发。"),
		chromedp.Click(chromedp.ID("send-report")), chromedp.WaitVisible(chromedp.ID("steps")))
	e.MustSee("已提交", "已提交反映", "5,800", month)
	e.Shot("retention-10-reported")
	disputeURL, err := chromedp.Run(worker, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}

	// The employer replies; the city officer (the employer's district is in
	// its scope) sees the flag, takes the report and resolves it paid.
	e.Ctx = employer
	e.Login("factory", "factory-password")
	e.Run("employer disputes", chromedp.Navigate(e.URL+"/employer/disputes"), chromedp.Click(chromedp.CSS(".dispute h2 a")),
		chromedp.WaitVisible(chromedp.ID("reply-form")))
	e.Run("employer replies", chromedp.SendKeys(chromedp.ID("note"), "财务本周五补发。"), chromedp.Click(chromedp.ID("act-reply")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("用人单位已回复", "处理中")

	city := e.Browser()
	_ = city
	e.Login("city-officer", "city-password")
	e.Run("employer list flag", chromedp.Navigate(e.URL+"/officer/employers?verified=all"), chromedp.WaitVisible(chromedp.CSS(".arrears")))
	e.MustSee("有 1 件欠薪未办结")
	e.Shot("retention-11-arrears-flag")
	e.Run("posting review flag", chromedp.Navigate(e.URL+"/officer/postings/"+strconv.FormatInt(e.Fix.Posting.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(".arrears")))
	e.Run("dispute queue", chromedp.Click(chromedp.CSS(".arrears a")), chromedp.WaitVisible(chromedp.CSS(".dispute")))
	e.Shot("retention-12-dispute-queue")
	e.Run("resolve paid", chromedp.Click(chromedp.CSS(".dispute h2 a")), chromedp.WaitVisible(chromedp.ID("act-resolved_paid")),
		chromedp.SendKeys(chromedp.ID("note"), "已督促补发，劳动者确认到账。"), chromedp.Click(chromedp.ID("act-resolved_paid")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已办结：已支付")

	e.Ctx = worker
	e.Run("worker sees every step", chromedp.Navigate(disputeURL), chromedp.WaitVisible(chromedp.ID("steps")))
	e.MustSee("已提交反映", "用人单位已回复", "财务本周五补发", "人社部门办结：工资已支付", "已办结：工资已经支付")
	e.Shot("retention-13-worker-steps")

	// 90 days: 农丽, registered poor and still employed, earns the subsidy.
	city1 := easyjob.Actor{Role: easyjob.RoleOfficer, Region: easyjob.CityRegion, Scope: easyjob.ScopeAll}
	today := easyjob.DateOf(clock.Now())
	if _, err := r.AddRule(ctx, city1, retention.Rule{Code: "gd-2020-poor-retained", Name: "建档立卡贫困劳动力稳定就业补贴",
		Payee: retention.PayWorker, Amount: 1000, Condition: retention.PoorRetained90, BudgetLine: "就业补助资金·稳岗",
		ValidFrom: today.AddDays(-100), ValidTo: today.AddDays(365), Note: "e2e"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(50 * day)
	sweep()
	due, err = r.Due(ctx, root, retention.DueFilter{Waiting: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range due.Items {
		if c.SeekerID == nong.ID && c.Day == 90 {
			if _, err := r.Answer(ctx, root, c.ID, retention.AnswerInput{Answer: retention.Stays}); err != nil {
				t.Fatal(err)
			}
		}
	}
	sweep()

	e.Ctx = officer
	e.Login("napo-station", "napo-password")
	e.Run("claims", chromedp.Navigate(e.URL+"/officer/claims"), chromedp.WaitVisible(chromedp.ID("claims-form")))
	e.MustSee("建档立卡贫困劳动力稳定就业补贴", "1,000", "待审核")
	e.Shot("retention-14-claims")
	e.Run("approve", chromedp.Click(chromedp.CSS(`#claims-form input[name="id"]`)), chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已审核通过 1 笔申领")
	e.Run("approved tab", chromedp.Navigate(e.URL+"/officer/claims?status=approved"), chromedp.WaitVisible(chromedp.ID("claims-form")))
	e.Run("pay without a reference", chromedp.Click(chromedp.CSS(`#claims-form input[name="id"]`)), chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")))
	e.MustSee("必填")
	e.Run("pay", chromedp.SendKeys(chromedp.ID("reference"), "GK2020-0415"), chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	e.MustSee("已记录 1 笔支付")
	e.Shot("retention-15-paid")
	e.Run("ledger", chromedp.Navigate(e.URL+"/officer/ledger"), chromedp.WaitVisible(chromedp.ID("totals")))
	paid, err := chromedp.Run(e.Ctx, chromedp.Text(chromedp.ID("sum-paid")))
	if err != nil || strings.TrimSpace(paid) != "1,000" {
		t.Fatalf("ledger paid total %q %v", paid, err)
	}
	e.MustSee("建档立卡贫困劳动力稳定就业补贴", "下载台账 Excel")
	e.Shot("retention-16-ledger")
	e.Run("by county", chromedp.Click(chromedp.CSS(`a[href="/officer/ledger?by=county"]`)), chromedp.WaitVisible(chromedp.ID("totals")))
	e.MustSee("那坡县", "1,000")
}
