package equipment_test

import (
	"fmt"
	"sync"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/store/storetest"
)

func challengeInput() equipment.ChallengeInput {
	today := easyjob.DateOf(storetest.Start)
	return equipment.ChallengeInput{Title: "新冠病毒快速检测试剂盒", Problem: "15 分钟内出结果、灵敏度不低于 95% 的抗原检测试剂。",
		Eligibility: "深圳注册的高校、医院、企业", Ceiling: 10_000_000, UpfrontPct: 30, UpfrontCap: 2_000_000,
		OpensOn: today, ClosesOn: today.AddDays(30), Milestone: "完成临床验证", MilestoneOn: today.AddDays(120),
		Criteria: []equipment.CriterionInput{{Name: "技术路线", Weight: 50}, {Name: "团队能力", Weight: 30}, {Name: "进度", Weight: 20}}}
}

// reviewed walks a challenge through both rounds with two teams: the university asks
// 8 million, the hospital 6 million; the experts assess the university at 7, 7.5 and 9
// million, so its award is 7.5 million (the median, below the ask), paid 2 million (30%,
// capped) on selection. It returns the challenge and the university's entry.
func (r *rig) reviewed(t *testing.T) (equipment.Challenge, equipment.Entry, equipment.Entry) {
	t.Helper()
	c, err := r.E.CreateChallenge(ctx, r.City, challengeInput())
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []equipment.ChallengeStatus{"draft", "reviewed"} {
		if c, err = r.E.Advance(ctx, r.City, c.ID, from); err != nil {
			t.Fatal(err)
		}
	}
	uni, err := r.E.TakeUp(ctx, r.Res, c.ID, equipment.EntryInput{Team: "快速检测攻关组", Members: "张三, 李四", Proposal: "微流控抗原检测", Ask: 8_000_000})
	if err != nil {
		t.Fatal(err)
	}
	hosp, err := r.E.TakeUp(ctx, r.Doc, c.ID, equipment.EntryInput{Team: "检验科团队", Members: "王五", Proposal: "胶体金改进", Ask: 6_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = r.E.Advance(ctx, r.City, c.ID, "published"); err != nil {
		t.Fatal(err)
	}
	score := func(round int, assessed []int64, hospScore int) {
		if c, err = r.E.OpenRound(ctx, r.City, c.ID); err != nil || c.Round != round {
			t.Fatalf("open round %d: %v", round, err)
		}
		for i, x := range r.Experts {
			sc := map[int64]int{}
			for _, cr := range c.Criteria {
				sc[cr.ID] = 8
			}
			if _, err := r.E.Score(ctx, x, uni.ID, equipment.SheetInput{Scores: sc, Assessed: assessed[i]}); err != nil {
				t.Fatal(err)
			}
			if round == 1 && i > 0 {
				for _, cr := range c.Criteria {
					sc[cr.ID] = hospScore
				}
				if _, err := r.E.Score(ctx, x, hosp.ID, equipment.SheetInput{Scores: sc, Assessed: 5_000_000}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if c, err = r.E.CloseRound(ctx, r.City, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	// The first expert declared a conflict with the hospital's team.
	if err := r.E.DeclareConflict(ctx, r.Experts[0], hosp.ID, "曾在该医院任职"); err != nil {
		t.Fatal(err)
	}
	score(1, []int64{7_000_000, 7_000_000, 7_000_000}, 6)
	if c, err = r.E.Shortlist(ctx, r.City, c.ID, []int64{uni.ID, hosp.ID}); err != nil {
		t.Fatal(err)
	}
	score(2, []int64{7_000_000, 7_500_000, 9_000_000}, 0)
	return c, uni, hosp
}

func TestChallengeReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		in := challengeInput()
		in.Criteria[0].Weight = 60
		if _, err := r.E.CreateChallenge(ctx, r.City, in); code(err) != easyjob.EINVALID {
			t.Errorf("weights adding up to 110: %v", err)
		}
		if _, err := r.E.CreateChallenge(ctx, r.Res, challengeInput()); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("a researcher writes a challenge: %v", err)
		}
		c, err := r.E.CreateChallenge(ctx, r.City, challengeInput())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.E.TakeUp(ctx, r.Res, c.ID, equipment.EntryInput{Team: "t", Members: "m", Proposal: "p", Ask: 1}); code(err) != easyjob.ENOTFOUND {
			t.Errorf("taking up a draft: %v", err)
		}
		if _, err := r.E.Advance(ctx, r.City, c.ID, "reviewed"); code(err) != easyjob.ECONFLICT {
			t.Errorf("skipping a status: %v", err)
		}
		r.E.Advance(ctx, r.City, c.ID, "draft")
		r.E.Advance(ctx, r.City, c.ID, "reviewed")
		if _, err := r.E.TakeUp(ctx, r.Res, c.ID, equipment.EntryInput{Team: "t", Members: "m", Proposal: "p", Ask: 20_000_000}); code(err) != easyjob.EINVALID {
			t.Errorf("an ask above the ceiling: %v", err)
		}
		e, err := r.E.TakeUp(ctx, r.Res, c.ID, equipment.EntryInput{Team: "t", Members: "m", Proposal: "p", Ask: 5_000_000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.E.TakeUp(ctx, r.Lab, c.ID, equipment.EntryInput{Team: "t2", Members: "m", Proposal: "p", Ask: 5_000_000}); code(err) != easyjob.ECONFLICT {
			t.Errorf("a second entry of one institution: %v", err)
		}
		sheet := func(v int) equipment.SheetInput {
			sc := map[int64]int{}
			for _, cr := range c.Criteria {
				sc[cr.ID] = v
			}
			return equipment.SheetInput{Scores: sc, Assessed: 4_000_000}
		}
		if _, err := r.E.Score(ctx, r.Experts[0], e.ID, sheet(5)); code(err) != easyjob.ECONFLICT {
			t.Errorf("a score before the review: %v", err)
		}
		r.E.Advance(ctx, r.City, c.ID, "published")
		if _, err := r.E.OpenRound(ctx, r.City, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := r.E.Score(ctx, r.Experts[0], e.ID, sheet(11)); code(err) != easyjob.EINVALID {
			t.Errorf("a score outside the scale: %v", err)
		}
		if _, err := r.E.Score(ctx, r.Res, e.ID, sheet(5)); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("a researcher scores: %v", err)
		}
		if _, err := r.E.Score(ctx, r.Experts[0], e.ID, sheet(5)); err != nil {
			t.Fatal(err)
		}
		// Blind: while the round is open the commission sees only how many sheets came in.
		st, err := r.E.Results(ctx, r.City, c.ID, 1)
		if err != nil || st[0].Result.Sheets != 1 || st[0].Result.Score != 0 {
			t.Fatalf("open results %+v %v", st, err)
		}
		if err := r.E.DeclareConflict(ctx, r.Experts[0], e.ID, "合作者"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.E.Score(ctx, r.Experts[0], e.ID, sheet(5)); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("a conflicted expert scores: %v", err)
		}
		if _, err := r.E.Score(ctx, r.Experts[1], e.ID, sheet(7)); err != nil {
			t.Fatal(err)
		}
		r.E.CloseRound(ctx, r.City, c.ID)
		if _, err := r.E.Score(ctx, r.Experts[2], e.ID, sheet(5)); code(err) != easyjob.ECONFLICT {
			t.Errorf("a score after the round closed: %v", err)
		}
		st, err = r.E.Results(ctx, r.City, c.ID, 1)
		if err != nil || st[0].Result.Sheets != 1 || st[0].Result.Score != 70 || st[0].Conflicts != 1 {
			t.Fatalf("results %+v %v", st, err)
		}
	})
}

func TestAwardAndPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		c, uni, hosp := r.reviewed(t)
		st, err := r.E.Results(ctx, r.City, c.ID, 1)
		if err != nil || st[0].Entry.ID != uni.ID || st[1].Result.Sheets != 2 || st[1].Result.Score != 60 {
			t.Fatalf("round 1 %+v %v", st, err)
		}
		// Five officers award at once: one award, one upfront payment.
		var wg sync.WaitGroup
		errs := make([]error, 5)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := uni.ID
				if i%2 == 1 {
					id = hosp.ID
				}
				_, errs[i] = r.E.Award(ctx, r.City, c.ID, id)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if code(err) != easyjob.ECONFLICT {
				t.Fatal(err)
			}
		}
		if won != 1 {
			t.Fatalf("%d awards", won)
		}
		c, err = r.E.Challenge(ctx, easyjob.Actor{}, c.ID)
		if err != nil || c.Status != "awarded" || len(c.Entries) != 1 {
			t.Fatalf("public view %+v %v", c, err)
		}
		winner := c.Entries[0]
		want := map[int64]int64{uni.ID: 7_500_000, hosp.ID: 5_000_000}[winner.ID]
		if winner.Award != want || winner.Paid != 2_000_000 {
			t.Fatalf("winner %+v, want award %d and 2,000,000 paid", winner, want)
		}
		if _, err := r.E.Pay(ctx, r.City, winner.ID, equipment.Milestone, ""); code(err) != easyjob.ECONFLICT {
			t.Errorf("the rest before the milestone: %v", err)
		}
		// Five reviews of the milestone at once: one passes and pays the rest.
		passed := make([]error, 5)
		for i := range passed {
			wg.Add(1)
			go func() { defer wg.Done(); _, passed[i] = r.E.ReviewMilestone(ctx, r.City, winner.ID, true) }()
		}
		wg.Wait()
		n := 0
		for _, err := range passed {
			if err == nil {
				n++
			} else if code(err) != easyjob.ECONFLICT {
				t.Fatal(err)
			}
		}
		if n != 1 {
			t.Fatalf("%d milestone reviews passed", n)
		}
		// Never paid twice: thirty concurrent payments of each part, under different keys
		// and under one key, write nothing more.
		var paid sync.Map
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				part := equipment.Upfront
				if i%2 == 1 {
					part = equipment.Milestone
				}
				key := fmt.Sprintf("retry-%d", i)
				if i%3 == 0 {
					key = "one-key-" + string(part)
				}
				p, err := r.E.Pay(ctx, r.City, winner.ID, part, key)
				if err != nil && code(err) != easyjob.ECONFLICT {
					t.Error(err)
				}
				if err == nil && !p.Replayed {
					paid.Store(i, p)
				}
			}()
		}
		wg.Wait()
		paid.Range(func(k, v any) bool { t.Errorf("paid again: %+v", v); return true })
		ps, err := r.E.Payments(ctx, r.City, c.ID)
		if err != nil || len(ps) != 2 || ps[0].Amount+ps[1].Amount != winner.Award {
			t.Fatalf("ledger %+v %v", ps, err)
		}
		b, err := r.E.Budget(ctx, r.City)
		if err != nil || b.Committed != winner.Award || b.Paid != winner.Award || b.Left != equipment.Budget-winner.Award {
			t.Fatalf("budget %+v %v", b, err)
		}
		if _, err := r.E.Budget(ctx, r.Res); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("a researcher reads the budget: %v", err)
		}
	})
}
