package api_test

import (
	"context"
	"strconv"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/goodwill"
	"easyjob/internal/ident"
	"easyjob/internal/store"
)

// equipment: researchers (created through the API) search, book, check in
// and finish; a lab manager approves and rejects; a challenge goes through
// two review rounds with an expert's conflict, and the commission pays the
// award and reads the budget.
func (w *walk) equipment() {
	t, ctx, e := w.t, context.Background(), w.e.app.Equipment
	// The commission: the city-wide officer.
	root := easyjob.Actor{UserID: id(w.city.must(200, "GET", "/me", nil)), Role: easyjob.RoleOfficer, Region: easyjob.CityRegion, Scope: easyjob.ScopeAll}
	researcher := func(name string) (*client, easyjob.Actor) {
		u := w.e.admin.must(201, "POST", "/users", map[string]any{"username": name, "password": name + "-password", "name": name, "role": "researcher"})
		return w.anon.login(name, name+"-password"), easyjob.Actor{UserID: id(u), Role: easyjob.RoleResearcher, Lang: "zh-CN"}
	}
	uni, err := e.AddInstitution(ctx, root, equipment.Institution{Name: "某大学生命科学学院", NameEn: "A university's school of life sciences", Kind: "university", District: "440305"})
	if err != nil {
		t.Fatal(err)
	}
	hosp, err := e.AddInstitution(ctx, root, equipment.Institution{Name: "某市人民医院检验科", Kind: "hospital", District: "440303"})
	if err != nil {
		t.Fatal(err)
	}
	person := func(name string, inst int64, manager, expert bool, bsl int) (*client, easyjob.Actor) {
		c, a := researcher(name)
		if err := e.SetPerson(ctx, root, equipment.PersonInput{UserID: a.UserID, InstitutionID: inst, Manager: manager, Expert: expert, Biosafety: bsl}); err != nil {
			t.Fatal(err)
		}
		return c, a
	}
	lab, labActor := person("lab", uni.ID, true, false, 2)
	res, _ := person("res", uni.ID, false, false, 2)
	doc, _ := person("doc", hosp.ID, false, false, 1)
	var experts []*client
	for i := range 3 {
		x, _ := person("expert"+strconv.Itoa(i+1), 0, false, true, 0)
		experts = append(experts, x)
	}
	instrument := func(code string, approval bool) string {
		x, err := e.SaveInstrument(ctx, labActor, equipment.InstrumentInput{Code: code, Name: "实时荧光定量PCR仪", NameEn: "Real-time PCR system",
			Category: "pcr", District: "440305", Biosafety: 2, FeePerHour: 100, NoticeMinutes: 60, MaxMinutes: 240, Approval: approval})
		if err != nil {
			t.Fatal(err)
		}
		return itoa(x.ID)
	}
	pcr, gated := instrument("PCR-1", false), instrument("PCR-2", true)

	// Search and the instrument.
	now := w.clock.Now()
	start := now.Add(3 * time.Hour).Truncate(time.Hour)
	at := func(d time.Duration) string { return start.Add(d).Format(time.RFC3339) }
	w.anon.must(200, "GET", "/equipment"+query("q", "PCR", "category", "pcr", "district", "440305", "biosafety", "2",
		"free_from", at(0), "free_to", at(time.Hour), "near", "440305", "km", "50", "limit", "10"), nil)
	res.must(200, "GET", "/equipment"+query("lat", "22.54", "lng", "113.93", "km", "30"), nil)
	w.anon.must(422, "GET", "/equipment"+query("category", "no-such-category"), nil)
	w.anon.must(200, "GET", "/equipment/"+pcr, nil)
	w.anon.must(404, "GET", "/equipment/999999", nil)

	// Bookings: refused ones, one used from check-in to finish, one cancelled.
	book := func(c *client, status int, inst string, from, to time.Duration) string {
		return itoa(id(c.must(status, "POST", "/equipment/"+inst+"/bookings", map[string]any{"start": at(from), "end": at(to), "project": "新冠核酸检测方法验证"})))
	}
	used := book(res, 201, pcr, 0, time.Hour)
	res.must(409, "POST", "/equipment/"+pcr+"/bookings", map[string]any{"start": at(30 * time.Minute), "end": at(90 * time.Minute), "project": "重叠"})
	res.must(422, "POST", "/equipment/"+pcr+"/bookings", map[string]any{"start": at(time.Hour), "end": at(0), "project": "倒置"})
	doc.must(403, "POST", "/equipment/"+pcr+"/bookings", map[string]any{"start": at(2 * time.Hour), "end": at(3 * time.Hour), "project": "等级不够"})
	w.anon.must(401, "POST", "/equipment/"+pcr+"/bookings", map[string]any{"start": at(2 * time.Hour), "end": at(3 * time.Hour)})
	later := book(res, 201, pcr, 24*time.Hour, 25*time.Hour)
	res.must(200, "GET", "/equipment/bookings", nil)
	w.anon.must(401, "GET", "/equipment/bookings", nil)
	res.must(409, "POST", "/equipment/bookings/"+used+"/checkin", nil) // too early
	w.clock.Advance(start.Sub(now) - 10*time.Minute)
	res.must(200, "POST", "/equipment/bookings/"+used+"/checkin", nil)
	res.must(200, "POST", "/equipment/bookings/"+used+"/finish", nil)
	res.must(409, "POST", "/equipment/bookings/"+used+"/finish", nil)
	res.must(200, "POST", "/equipment/bookings/"+later+"/cancel", nil)
	res.must(409, "POST", "/equipment/bookings/"+later+"/cancel", nil)
	res.must(404, "POST", "/equipment/bookings/999999/cancel", nil)

	// An instrument whose lab manager decides each booking.
	ok, no := book(res, 201, gated, 26*time.Hour, 27*time.Hour), book(res, 201, gated, 28*time.Hour, 29*time.Hour)
	res.must(403, "POST", "/equipment/bookings/"+ok+"/approve", nil)
	lab.must(200, "POST", "/equipment/bookings/"+ok+"/approve", nil)
	lab.must(200, "POST", "/equipment/bookings/"+no+"/reject", nil)
	lab.must(409, "POST", "/equipment/bookings/"+no+"/reject", nil)

	// A challenge: two teams, an expert's conflict, two rounds, the award paid.
	today := w.e.app.Store.Today()
	c, err := e.CreateChallenge(ctx, root, equipment.ChallengeInput{Title: "新冠病毒快速检测试剂盒", Problem: "15 分钟内出结果的抗原检测试剂。",
		Eligibility: "深圳注册的高校、医院、企业", Ceiling: 10_000_000, UpfrontPct: 30, UpfrontCap: 2_000_000,
		OpensOn: today, ClosesOn: today.AddDays(30), Milestone: "完成临床验证", MilestoneOn: today.AddDays(120),
		Criteria: []equipment.CriterionInput{{Name: "技术路线", Weight: 50}, {Name: "团队能力", Weight: 30}, {Name: "进度", Weight: 20}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []equipment.ChallengeStatus{"draft", "reviewed"} {
		if c, err = e.Advance(ctx, root, c.ID, from); err != nil {
			t.Fatal(err)
		}
	}
	ch := "/challenges/" + itoa(c.ID)
	w.anon.must(200, "GET", "/challenges", nil)
	w.anon.must(200, "GET", ch, nil)
	w.anon.must(404, "GET", "/challenges/999999", nil)
	entry := func(team string, ask int64) map[string]any {
		return map[string]any{"team": team, "members": "张三, 李四", "proposal": "微流控抗原检测", "ask": ask}
	}
	res.must(422, "POST", ch+"/entries", entry("超出上限", 20_000_000))
	ue := itoa(id(res.must(201, "POST", ch+"/entries", entry("快速检测攻关组", 8_000_000))))
	lab.must(409, "POST", ch+"/entries", entry("同一单位", 5_000_000))
	he := itoa(id(doc.must(201, "POST", ch+"/entries", entry("检验科团队", 6_000_000))))
	res.must(200, "GET", ch, nil)
	if c, err = e.Advance(ctx, root, c.ID, "published"); err != nil {
		t.Fatal(err)
	}
	sheet := func(v int, assessed int64) map[string]any {
		sc := map[string]int{}
		for _, cr := range c.Criteria {
			sc[itoa(cr.ID)] = v
		}
		return map[string]any{"scores": sc, "assessed": assessed, "comment": "可行"}
	}
	round := func(n int, score func()) {
		if c, err = e.OpenRound(ctx, root, c.ID); err != nil || c.Round != n {
			t.Fatalf("round %d: %v", n, err)
		}
		score()
		if c, err = e.CloseRound(ctx, root, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	experts[0].must(200, "POST", "/challenge-entries/"+he+"/conflicts", map[string]any{"reason": "曾在该医院任职"})
	res.must(403, "POST", "/challenge-entries/"+he+"/conflicts", map[string]any{"reason": "不是专家"})
	round(1, func() {
		experts[0].must(403, "POST", "/challenge-entries/"+he+"/scores", sheet(8, 5_000_000))
		experts[0].must(422, "POST", "/challenge-entries/"+ue+"/scores", sheet(11, 7_000_000))
		for _, x := range experts {
			x.must(200, "POST", "/challenge-entries/"+ue+"/scores", sheet(8, 7_000_000))
		}
		for _, x := range experts[1:] {
			x.must(200, "POST", "/challenge-entries/"+he+"/scores", sheet(6, 5_000_000))
		}
	})
	experts[1].must(409, "POST", "/challenge-entries/"+ue+"/scores", sheet(9, 7_000_000))
	if c, err = e.Shortlist(ctx, root, c.ID, []int64{mustID(ue), mustID(he)}); err != nil {
		t.Fatal(err)
	}
	round(2, func() {
		for i, x := range experts {
			x.must(200, "POST", "/challenge-entries/"+ue+"/scores", sheet(8, []int64{7_000_000, 7_500_000, 9_000_000}[i]))
		}
	})
	w.city.must(409, "POST", "/challenge-entries/"+ue+"/payments", map[string]any{"part": "upfront"}) // not yet selected
	if _, err := e.Award(ctx, root, c.ID, mustID(ue)); err != nil {
		t.Fatal(err)
	}
	if p := w.city.must(200, "POST", "/challenge-entries/"+ue+"/payments", map[string]any{"part": "upfront"}); p["replayed"] != true {
		t.Fatalf("the upfront part paid with the award, again: %v", p)
	}
	w.city.must(409, "POST", "/challenge-entries/"+ue+"/payments", map[string]any{"part": "milestone"})
	w.city.must(422, "POST", "/challenge-entries/"+ue+"/payments", map[string]any{"part": "all"})
	res.must(403, "POST", "/challenge-entries/"+ue+"/payments", map[string]any{"part": "upfront"})
	w.city.must(200, "GET", "/challenges-budget", nil)
	res.must(403, "GET", "/challenges-budget", nil)
}

// goodwill: an organisation registered and verified records donations,
// assembles packages, hands one over (once) and reads its stock and a
// campaign's progress; an admin reads the stock by org_id.
func (w *walk) goodwill() {
	t, ctx, g := w.t, context.Background(), w.e.app.Goodwill
	root := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	o, u, err := g.Register(ctx, goodwill.OrgSignup{Name: "深圳市慈善会", USCC: ident.GenerateCreditCode("53440300MJL0C1T1"), District: "440304",
		ContactName: "陈", Username: "charity", Password: "charity-password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Review(ctx, root, o.ID, "verify", ""); err != nil {
		t.Fatal(err)
	}
	org := w.anon.login("charity", "charity-password")
	staff := store.ActorOf(u, "zh-CN")

	org.must(201, "POST", "/donations", map[string]any{"kind": "goods", "donor": "华强电子", "earmark": "cleaners",
		"lines": []any{map[string]any{"item": "口罩", "unit": "只", "qty": 4}}, "idempotency_key": "d1"})
	org.must(201, "POST", "/donations", map[string]any{"kind": "money", "donor": "市民", "amount_fen": 50000, "idempotency_key": "d2"})
	org.must(422, "POST", "/donations", map[string]any{"kind": "goods", "donor": "x", "idempotency_key": "d3",
		"lines": []any{map[string]any{"item": "口罩", "qty": -3}}})
	w.boss.must(403, "POST", "/donations", map[string]any{"kind": "money", "donor": "x", "amount_fen": 100, "idempotency_key": "d4"})

	pkg, err := g.DefinePackage(ctx, staff, goodwill.PackageInput{Name: "爱心包", ValueFen: 100, Items: []goodwill.Line{{Item: "口罩", Qty: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := g.CreateCampaign(ctx, staff, goodwill.CampaignInput{Name: "保洁员爱心包", Target: 2, Groups: []goodwill.Group{"cleaners"},
		PackageID: pkg.ID, Points: []goodwill.Point{{Name: "福田服务站", District: "440304"}}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/campaigns/" + itoa(c.ID)
	org.must(409, "POST", path+"/assemblies", map[string]any{"count": 3, "idempotency_key": "a1"})
	org.must(201, "POST", path+"/assemblies", map[string]any{"count": 2, "idempotency_key": "a1"})
	rows := [][]string{{"姓名", "手机号", "人群"}, {"王芳", "13912340000", "社区保洁员"}}
	if _, err := g.ImportRecipients(ctx, staff, c.ID, goodwill.UnitInput{Name: "福田物业", Kind: "property", District: "440304"}, rows); err != nil {
		t.Fatal(err)
	}
	rs, err := g.Recipients(ctx, staff, c.ID, 0)
	if err != nil || len(rs) != 1 {
		t.Fatalf("recipients %v %v", rs, err)
	}
	org.must(201, "POST", path+"/handovers", map[string]any{"recipient_id": rs[0].ID})
	org.must(409, "POST", path+"/handovers", map[string]any{"recipient_id": rs[0].ID})

	org.must(200, "GET", "/stock", nil)
	w.anon.must(401, "GET", "/stock", nil)
	w.e.admin.must(200, "GET", "/stock"+query("org_id", itoa(o.ID)), nil)
	w.boss.must(403, "GET", "/stock", nil)
	org.must(200, "GET", path+"/progress", nil)
	org.must(404, "GET", "/campaigns/999999/progress", nil)
}
