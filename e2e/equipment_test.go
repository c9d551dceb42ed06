package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"

	"github.com/chromedp/chromedp"
)

// equipmentPeople registers two institutions and their people: a researcher and a lab
// manager of a university in 南山区, a doctor of a hospital in 罗湖区, and three experts.
func equipmentPeople(e *Env) (uni, hosp equipment.Institution) {
	t, s, ctx := e.T, e.App.Store, context.Background()
	eq := e.App.Equipment
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	var err error
	if uni, err = eq.AddInstitution(ctx, root, equipment.Institution{Name: "某大学生命科学学院", Kind: "university", District: "440305"}); err != nil {
		t.Fatal(err)
	}
	if hosp, err = eq.AddInstitution(ctx, root, equipment.Institution{Name: "某市人民医院检验科", Kind: "hospital", District: "440303"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		user, name string
		inst       int64
		manager    bool
		expert     bool
	}{
		{"researcher", "林晓", uni.ID, false, false}, {"lab", "陈主任", uni.ID, true, false}, {"doctor", "黄医师", hosp.ID, false, false},
		{"expert", "周专家", 0, false, true}, {"expert2", "郑专家", 0, false, true}, {"expert3", "孙专家", 0, false, true},
	} {
		u, err := s.CreateUser(ctx, root, store.NewUser{Username: p.user, Password: p.user + "-password", Name: p.name, Role: easyjob.RoleResearcher})
		if err != nil {
			t.Fatal(err)
		}
		if err := eq.SetPerson(ctx, root, equipment.PersonInput{UserID: u.ID, InstitutionID: p.inst, Manager: p.manager, Expert: p.expert, Biosafety: 2}); err != nil {
			t.Fatal(err)
		}
	}
	return uni, hosp
}

func actorOf(e *Env, username string) easyjob.Actor {
	var id int64
	if err := e.App.Store.DB.R.QueryRow(`SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
		e.T.Fatal(err)
	}
	u, err := e.App.Store.User(context.Background(), id)
	if err != nil {
		e.T.Fatal(err)
	}
	return store.ActorOf(u, "zh-CN")
}

// A researcher finds a PCR instrument free tomorrow 09:00–12:00 within 10 km of her
// district, books it (a second booking of the same slot is refused naming it), checks in
// at the start, finishes, and the lab manager sees the use and can export it.
func TestEquipmentBookingJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	s, ctx := e.App.Store, context.Background()
	clock := storetest.NewClock(time.Now())
	s.Clock = clock
	equipmentPeople(e)
	lab := actorOf(e, "lab")
	for _, in := range []equipment.InstrumentInput{
		{Code: "PCR-1", Name: "实时荧光定量PCR仪", NameEn: "Real-time PCR system", Category: "pcr", District: "440305", Address: "南山区某大学生命科学楼 301", FeePerHour: 120, NoticeMinutes: 60, Contact: "陈主任"},
		{Code: "PCR-2", Name: "梯度PCR仪", Category: "pcr", District: "440305", Lat: 22.75, Lng: 114.25, NoticeMinutes: 60},
		{Code: "MS-1", Name: "液相色谱质谱联用仪", Category: "mass_spec", District: "440305", NoticeMinutes: 60},
	} {
		if _, err := e.App.Equipment.SaveInstrument(ctx, lab, in); err != nil {
			t.Fatal(err)
		}
	}
	tomorrow := easyjob.DateOf(clock.Now()).AddDays(1)

	e.Login("researcher", "researcher-password")
	e.MustSee("找仪器", "林晓")
	e.Shot("equipment-01-search")
	e.Run("search free PCR near",
		chromedp.SetValue(chromedp.ID("q"), "PCR"),
		chromedp.SetValue(chromedp.ID("day"), tomorrow.String()),
		chromedp.SetValue(chromedp.ID("from"), "09:00"),
		chromedp.SetValue(chromedp.ID("to"), "12:00"),
		chromedp.SetValue(chromedp.ID("near"), "440305"),
		chromedp.SetValue(chromedp.ID("km"), "10"),
		chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.ID("total")),
	)
	e.MustSee("找到 1 台", "实时荧光定量PCR仪", "公里")
	if body := e.Text(); strings.Contains(body, "梯度PCR仪") {
		t.Fatal("the PCR instrument 40 km away was found within 10 km")
	}
	e.Shot("equipment-02-results")
	e.Run("open the instrument", chromedp.Click(chromedp.CSS(".instrument h2 a")), chromedp.WaitVisible(chromedp.ID("book")))
	e.Run("book it",
		chromedp.SendKeys(chromedp.ID("project"), "新冠核酸检测方法验证"),
		chromedp.Submit(chromedp.ID("project")),
		chromedp.WaitVisible(chromedp.CSS(".booking")),
	)
	e.MustSee("已预约 实时荧光定量PCR仪", tomorrow.String()+" 09:00–12:00", "已确认")
	e.Shot("equipment-03-booked")

	// The same slot again: refused, naming the booked slot.
	e.Run("book the same slot",
		chromedp.Navigate(e.URL+"/equipment/1?start="+tomorrow.String()+"T10:00&end="+tomorrow.String()+"T11:00"),
		chromedp.SendKeys(chromedp.ID("project"), "抗体筛选"),
		chromedp.Submit(chromedp.ID("project")),
		chromedp.WaitVisible(chromedp.CSS(".flash.error")),
	)
	e.MustSee("与已有预约 " + tomorrow.String() + " 09:00–12:00 冲突")
	e.Shot("equipment-04-overlap")

	// Tomorrow at 09:05 she checks in; the use is recorded; she finishes at 10:30.
	start := time.Date(tomorrow.Time().Year(), tomorrow.Time().Month(), tomorrow.Time().Day(), 9, 5, 0, 0, easyjob.Shanghai)
	clock.Advance(start.Sub(clock.Now()))
	e.Run("check in",
		chromedp.Navigate(e.URL+"/equipment/bookings"),
		chromedp.Click(chromedp.CSS(`button[id^="checkin-"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[id^="finish-"]`)),
	)
	e.MustSee("已签到", "使用中")
	e.Shot("equipment-05-checked-in")
	clock.Advance(85 * time.Minute)
	e.Run("finish", chromedp.Click(chromedp.CSS(`button[id^="finish-"]`)), chromedp.WaitNotPresent(chromedp.CSS(`button[id^="finish-"]`)))
	e.MustSee("已结束使用", "已完成")
	e.Shot("equipment-06-finished")
	e.Logout()

	e.Login("lab", "lab-password")
	e.Run("lab page", chromedp.Navigate(e.URL+"/equipment/lab"), chromedp.WaitVisible(chromedp.ID("usage")))
	e.MustSee("林晓", "新冠核酸检测方法验证", "180")
	e.Shot("equipment-07-lab-usage")
	uses, err := e.App.Equipment.Usage(ctx, lab, equipment.UsageFilter{})
	if err != nil || len(uses) != 1 || uses[0].Fee != 180 {
		t.Fatalf("usage %+v %v", uses, err)
	}
}

// The commission's officer writes and publishes a challenge; two teams take it up; three
// experts score in two rounds (one declares a conflict); the officer shortlists, awards one
// team, which is paid 30% on selection and the rest after the milestone review; the public
// page shows the awarded team.
func TestChallengeJourney(t *testing.T) {
	e := Boot(t, "zh-CN")
	ctx := context.Background()
	eq := e.App.Equipment
	equipmentPeople(e)

	e.Login("city-officer", "city-password")
	e.Run("challenges page", chromedp.Navigate(e.URL+"/officer/challenges"), chromedp.WaitVisible(chromedp.ID("new-challenge")))
	e.MustSee("250,000,000")
	e.Run("write a challenge",
		chromedp.SendKeys(chromedp.ID("title"), "新冠病毒快速抗原检测试剂"),
		chromedp.SendKeys(chromedp.ID("problem"), "15 分钟内出结果、灵敏度不低于 95% 的抗原检测试剂。"),
		chromedp.SendKeys(chromedp.ID("eligibility"), "深圳注册的高校、医院、企业"),
		chromedp.SendKeys(chromedp.ID("ceiling"), "10000000"),
		chromedp.SendKeys(chromedp.ID("upfront_cap"), "2000000"),
		chromedp.SendKeys(chromedp.ID("milestone"), "完成 500 例临床验证"),
		chromedp.SendKeys(chromedp.ID("c1"), "技术路线"), chromedp.SendKeys(chromedp.ID("w1"), "50"),
		chromedp.SendKeys(chromedp.ID("c2"), "团队能力"), chromedp.SendKeys(chromedp.ID("w2"), "30"),
		chromedp.SendKeys(chromedp.ID("c3"), "进度"), chromedp.SendKeys(chromedp.ID("w3"), "20"),
		chromedp.Submit(chromedp.ID("title")),
		chromedp.WaitVisible(chromedp.ID("steps")),
	)
	e.MustSee("草稿")
	e.Shot("challenge-01-draft")
	officer := func(step, button string) {
		e.Run(step, chromedp.Navigate(e.URL+"/officer/challenges/1"), chromedp.Click(chromedp.ID(button)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	}
	for _, want := range []string{"已审核", "揭榜中"} {
		officer("advance to "+want, "advance")
		e.MustSee(want)
	}
	e.Shot("challenge-02-published")
	e.Logout()

	takeUp := func(user, team, ask string) {
		e.Login(user, user+"-password")
		e.Run(user+" takes up",
			chromedp.Navigate(e.URL+"/challenges"),
			chromedp.Click(chromedp.CSS(".challenge h2 a")),
			chromedp.WaitVisible(chromedp.ID("take-up")),
			chromedp.SendKeys(chromedp.ID("team"), team),
			chromedp.SendKeys(chromedp.ID("members"), "张三, 李四"),
			chromedp.SendKeys(chromedp.ID("proposal"), "方案："+team),
			chromedp.SendKeys(chromedp.ID("ask"), ask),
			chromedp.Submit(chromedp.ID("team")),
			chromedp.WaitNotPresent(chromedp.ID("take-up")),
		)
		e.MustSee("揭榜成功提交", team)
		e.Shot("challenge-03-taken-up-" + user)
		e.Logout()
	}
	takeUp("researcher", "微流控快检攻关组", "8000000")
	takeUp("doctor", "检验科快检团队", "5000000")

	e.Login("city-officer", "city-password")
	officer("close entries", "advance")
	officer("open round 1", "open-round")
	e.MustSee("第 1 轮评审进行中")
	e.Logout()

	c, err := eq.Challenge(ctx, actorOf(e, "city-officer"), 1)
	if err != nil || len(c.Entries) != 2 {
		t.Fatalf("challenge %+v %v", c, err)
	}
	uni, hosp := c.Entries[0], c.Entries[1]
	// The second and third experts score through the service; the third is conflicted
	// with the hospital's team.
	sheet := func(v int, assessed int64) equipment.SheetInput {
		sc := map[int64]int{}
		for _, cr := range c.Criteria {
			sc[cr.ID] = v
		}
		return equipment.SheetInput{Scores: sc, Assessed: assessed}
	}
	if err := eq.DeclareConflict(ctx, actorOf(e, "expert3"), hosp.ID, "曾在该院任职"); err != nil {
		t.Fatal(err)
	}
	others := func(round int) {
		for i, x := range []string{"expert2", "expert3"} {
			a := actorOf(e, x)
			if _, err := eq.Score(ctx, a, uni.ID, sheet(8, int64(7_500_000+i*1_500_000))); err != nil {
				t.Fatal(err)
			}
			if x == "expert2" {
				if _, err := eq.Score(ctx, a, hosp.ID, sheet(6, 4_000_000)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// The first expert scores in the browser; a score outside the scale is refused.
	expertScores := func(round int) {
		e.Login("expert", "expert-password")
		e.Run("expert page", chromedp.Navigate(e.URL+"/expert"), chromedp.WaitVisible(chromedp.ID("entry-"+strconv.FormatInt(uni.ID, 10))))
		e.MustSee("第 "+strconv.Itoa(round)+" 轮", "微流控快检攻关组", "检验科快检团队")
		for _, en := range []equipment.Entry{uni, hosp} {
			form := `#entry-` + strconv.FormatInt(en.ID, 10) + ` form.score`
			v := "7"
			if en.ID == uni.ID && round == 1 {
				v = "12" // outside the scale first
			}
			var acts []chromedp.Action[chromedp.Void]
			for _, cr := range c.Criteria {
				acts = append(acts, chromedp.SetValue(chromedp.CSS(form+` input[name="score_`+strconv.FormatInt(cr.ID, 10)+`"]`), v))
			}
			acts = append(acts, chromedp.SetValue(chromedp.CSS(form+` input[name="assessed"]`), "7000000"),
				chromedp.Submit(chromedp.CSS(form+` input[name="assessed"]`)))
			done := chromedp.WaitVisible(chromedp.CSS(`#entry-` + strconv.FormatInt(en.ID, 10) + ` .my-total`))
			if v == "12" {
				e.Run("score "+en.Team, append(acts, chromedp.WaitVisible(chromedp.CSS(".flash.error")))...)
				e.MustSee("分数应在 0 到 10 之间")
				e.Shot("challenge-04-score-refused")
				for i := range acts[:len(c.Criteria)] {
					acts[i] = chromedp.SetValue(chromedp.CSS(form+` input[name="score_`+strconv.FormatInt(c.Criteria[i].ID, 10)+`"]`), "9")
				}
			}
			e.Run("score "+en.Team, append(acts, done)...)
			e.MustSee("评分已提交")
		}
		e.Shot("challenge-05-expert-round-" + strconv.Itoa(round))
		e.Logout()
	}
	others(1)
	expertScores(1)

	e.Login("city-officer", "city-password")
	officer("close round 1", "close-round")
	e.MustSee("第 1 轮评审结果", "3 位专家", "1 位回避")
	e.Shot("challenge-06-round-1")
	e.Run("shortlist both", chromedp.Navigate(e.URL+"/officer/challenges/1"),
		chromedp.Click(chromedp.CSS(`#round1 input[value="`+strconv.FormatInt(uni.ID, 10)+`"]`)),
		chromedp.Click(chromedp.CSS(`#round1 input[value="`+strconv.FormatInt(hosp.ID, 10)+`"]`)),
		chromedp.Click(chromedp.ID("shortlist")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	officer("open round 2", "open-round")
	e.Logout()
	others(2)
	expertScores(2)

	e.Login("city-officer", "city-password")
	officer("close round 2", "close-round")
	e.MustSee("第 2 轮评审结果")
	// Assessed 7.0, 7.5 and 9.0 million: the median 7.5 million is below the ask of 8.
	officer("award the university's team", "award-"+strconv.FormatInt(uni.ID, 10))
	e.MustSee("已确定揭榜团队", "已揭榜", "7,500,000", "2,000,000", "首笔（选定时）")
	e.Shot("challenge-07-awarded")
	officer("milestone passed", "milestone-pass")
	e.MustSee("里程碑通过，余款已支付", "5,500,000", "余款（里程碑后）")
	e.Shot("challenge-08-paid")
	e.Run("budget", chromedp.Navigate(e.URL+"/officer/challenges"), chromedp.WaitVisible(chromedp.ID("budget")))
	e.MustSee("7,500,000")
	e.Shot("challenge-09-budget")
	e.Logout()

	// The logout's redirect may still be settling: a navigation it aborts is tried again.
	for range 3 {
		if _, err := chromedp.Run(e.Ctx, chromedp.Navigate(e.URL+"/challenges")); err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.Run("public page", chromedp.WaitVisible(chromedp.CSS(".challenge")))
	e.MustSee("揭榜团队：微流控快检攻关组（某大学生命科学学院），奖励 7,500,000 元")
	e.Shot("challenge-10-public")
	ps, err := eq.Payments(ctx, actorOf(e, "city-officer"), 1)
	if err != nil || len(ps) != 2 || ps[0].Amount != 2_000_000 || ps[1].Amount != 5_500_000 {
		t.Fatalf("ledger %+v %v", ps, err)
	}
}
