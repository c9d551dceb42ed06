package demo

import (
	"context"
	"fmt"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
	"easyjob/internal/support"
)

// The enterprise-support part of the demo: the six departments' officer accounts (demo-dept
// is an officer of the human resources and social security bureau), profiles of the first
// employers that make several measures apply, the city-wide automatic run, and tickets in
// different states (answered and helped, in hand, overdue and reminded, closed and rated).

// DeptUser is the demo officer of the human resources and social security bureau.
const DeptUser = "demo-dept"

// deptAccounts are the departments' demo officers: username, department, head.
var deptAccounts = []struct {
	user, dept string
	head       bool
}{
	{DeptUser, "sz-hrss", false},
	{"demo-dept-head", "sz-hrss", true},
	{"demo-dept-drc", "sz-drc", true},
	{"demo-dept-miit", "sz-miit", true},
	{"demo-dept-housing", "sz-housing", true},
	{"demo-dept-finance", "sz-finance", true},
	{"demo-dept-commerce", "sz-commerce", true},
}

// supportProfiles is how many employers get a profile.
const supportProfiles = 12

type shiftedClock struct{ t time.Time }

func (c shiftedClock) Now() time.Time { return c.t }

func loadSupport(ctx context.Context, s *store.Store, g *gen, hash string, sum *Summary) error {
	sv := support.New(s)
	admin := easyjob.Actor{UserID: adminID, Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll, Lang: "zh-CN"}
	users := map[string]easyjob.Actor{}
	created := g.employers[0].Created
	for _, a := range deptAccounts {
		d, _ := support.DepartmentOf(a.dept)
		name := d.Name.Zh
		if a.head {
			name += "负责人"
		}
		var id int64
		if err := s.DB.W.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, name, role, region, created_at)
			VALUES ($1, $2, $3, 'officer', $4, $5) RETURNING id`, a.user, hash, name, easyjob.CityRegion, created).Scan(&id); err != nil {
			return err
		}
		if err := sv.SetMember(ctx, admin, support.Member{UserID: id, Department: a.dept, Head: a.head}); err != nil {
			return err
		}
		users[a.user] = easyjob.Actor{UserID: id, Role: easyjob.RoleOfficer, Region: easyjob.CityRegion, Scope: easyjob.ScopeAll, Lang: "zh-CN"}
		sum.Accounts = append(sum.Accounts, Account{Username: a.user, Role: easyjob.RoleOfficer, Name: name, Region: easyjob.CityRegion})
		sum.Users++
	}
	n := min(supportProfiles, len(g.employers))
	for i := range n {
		e := g.employers[i]
		if _, err := sv.SaveProfile(ctx, admin, int64(i+1), demoProfile(i, e.District)); err != nil {
			return fmt.Errorf("profile of employer %d: %w", i+1, err)
		}
	}
	boss := func(i int) easyjob.Actor { // employer i+1's account
		return easyjob.Actor{UserID: int64(i + 1 + accountBase), Role: easyjob.RoleEmployer, EmployerID: int64(i + 1), Lang: "zh-CN"}
	}
	now := s.Clock.Now()
	raise := func(i int, daysAgo int, in support.TicketInput) (support.Ticket, error) {
		old := s.Clock
		s.Clock = shiftedClock{now.Add(-time.Duration(daysAgo) * 24 * time.Hour)}
		defer func() { s.Clock = old }()
		return sv.RaiseTicket(ctx, boss(i), in)
	}
	dept := users[DeptUser]
	t1, err := raise(0, 3, support.TicketInput{Kind: support.KindMeasure, Measure: "rent-relief", Subject: "承租区属国企厂房，2 月租金仍被收取",
		Body: "我司租用区属国企的厂房，2 月租金已按原价扣缴，请协助办理减免。"})
	if err != nil {
		return err
	}
	if _, err := sv.ReplyTo(ctx, users["demo-dept-housing"], t1.ID, support.ReplyInput{Outcome: support.StatusHelped,
		Body: "已联系出租方，2、3 月租金将于下月抵扣。"}); err != nil {
		return err
	}
	t2, err := raise(0, 2, support.TicketInput{Kind: support.KindWorkers, Subject: "复工缺普工 40 人", Body: "订单恢复，缺少普工 40 人，希望对接劳务协作地区。"})
	if err != nil {
		return err
	}
	if _, err := sv.ReplyTo(ctx, dept, t2.ID, support.ReplyInput{Outcome: support.StatusInHand, Body: "已转那坡县驻深工作站，正在组织点对点包车。"}); err != nil {
		return err
	}
	if n > 1 {
		if _, err := raise(1, 9, support.TicketInput{Kind: support.KindMeasure, Measure: "job-retention-refund", Subject: "稳岗返还一直未到账",
			Body: "去年足额缴纳失业保险，未裁员，稳岗返还至今未到账。"}); err != nil {
			return err
		}
	}
	if n > 2 {
		t4, err := raise(2, 12, support.TicketInput{Kind: support.KindTransport, Subject: "员工返深需要包车", Body: "有 25 名员工在百色，需要包车返深。"})
		if err != nil {
			return err
		}
		if _, err := sv.ReplyTo(ctx, dept, t4.ID, support.ReplyInput{Outcome: support.StatusHelped, Body: "已安排 2 月 20 日包车。"}); err != nil {
			return err
		}
		if _, err := sv.Close(ctx, boss(2), t4.ID, support.CloseInput{Received: true, ReceivedOn: easyjob.DateOf(now), Rating: 5}); err != nil {
			return err
		}
	}
	if _, err := sv.DueReminders(ctx, now); err != nil {
		return err
	}
	_, err = sv.RunAutomatic(ctx, support.DefaultAsOf(easyjob.DateOf(now)))
	return err
}

// demoProfile is employer i's profile: the first (demo-employer) is a manufacturer renting
// from a state-owned landlord, insured, keeping its staff; the others vary.
func demoProfile(i int, district string) policy.Profile {
	if !policy.KnownDistrict(district) {
		district = "440307"
	}
	f := func(v float64) *float64 { return &v }
	n := func(v int) *int { return &v }
	b := func(v bool) *bool { return &v }
	p := policy.Profile{
		Staff: n(80 + 37*i), StaffSameMonthLastYear: n(78 + 37*i - 3*(i%3)), SME: b(i%5 != 4), StateOwned: b(false),
		Industry: []string{"C", "F", "H", "G", "I"}[i%5], District: district, Activities: []string{},
		EpidemicDifficulty: b(i%2 == 0), Landlord: []string{"soe", "other", "government", "public_housing", "none"}[i%5],
		MonthlyRentCNY: f(float64(20000 + 5000*i)), SewageFeeMonthlyCNY: f(float64(300 + 60*i)),
		BasicElectricityChargeMonthlyCNY: f(float64(1500 + 200*i)), SocialInsuranceMonthlyCNY: f(float64(90000 + 8000*i)),
		UnemploymentInsuranceLastYearCNY: f(float64(24000 + 3000*i)), HousingFundBaseMonthlyCNY: f(float64(400000 + 20000*i)),
		HousingFundRate: f(0.05),
	}
	if i == 0 {
		p.Activities = []string{"staff_training"}
		p.GuaranteedLoanCNY, p.GuaranteeFeeCNY = f(2_000_000), f(40_000)
	}
	if i%4 == 1 {
		p.Activities = append(p.Activities, "export")
	}
	return p
}
