package support_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
	"easyjob/internal/support"
)

func ptr[T any](v T) *T { return &v }

// goodProfile is an enterprise eligible for several measures, among them the job-retention
// refund (automatic) and the sewage-fee refund.
func goodProfile() policy.Profile {
	return policy.Profile{
		Staff: ptr(120), StaffSameMonthLastYear: ptr(110), SME: ptr(true), StateOwned: ptr(false),
		Industry: "C", District: "440307", Activities: []string{}, EpidemicDifficulty: ptr(true),
		Landlord: "soe", MonthlyRentCNY: ptr(30000.0), SewageFeeMonthlyCNY: ptr(800.0),
		UnemploymentInsuranceLastYearCNY: ptr(60000.0),
	}
}

func fieldsOf(t *testing.T, err error) map[string]easyjob.Msg {
	t.Helper()
	var e *easyjob.Error
	if !errors.As(err, &e) || e.Code != easyjob.EINVALID {
		t.Fatalf("want EINVALID, got %v", err)
	}
	return e.Fields
}

func code(err error) string { return easyjob.ErrorCode(err) }

func item(t *testing.T, r support.Result, slug string) support.Item {
	t.Helper()
	for _, it := range r.Items {
		if it.Measure == slug {
			return it
		}
	}
	t.Fatalf("no item %s", slug)
	return support.Item{}
}

func TestProfileAndEligibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		f := storetest.NewFixture(t, k)
		ctx := context.Background()
		sv := support.New(f.S)
		id := f.Employer.ID

		// A profile never saved starts from the registered district.
		ep, err := sv.Profile(ctx, f.Boss, id)
		if err != nil || ep.Profile.District != "440307" || !ep.UpdatedAt.IsZero() {
			t.Fatalf("fresh profile %+v %v", ep, err)
		}
		// Impossible values: every field named, nothing saved.
		bad := goodProfile()
		bad.Staff = ptr(-3)
		bad.MonthlyRentCNY = ptr(5e9)
		bad.District = "110101"
		bad.Industry = "Z"
		_, err = sv.SaveProfile(ctx, f.Boss, id, bad)
		fs := fieldsOf(t, err)
		for name, key := range map[string]string{"staff": "policy.field.negative", "monthly_rent_cny": "policy.field.too_large",
			"district": "policy.field.unknown_key", "industry": "policy.field.unknown_key"} {
			if fs[name].Key != key {
				t.Errorf("%s: want %s, got %v", name, key, fs[name])
			}
		}
		if ep, _ := sv.Profile(ctx, f.Boss, id); !ep.UpdatedAt.IsZero() {
			t.Fatal("an invalid profile was saved")
		}
		// Another enterprise, a seeker, an officer of another district: forbidden.
		other := easyjob.Actor{Role: easyjob.RoleEmployer, EmployerID: id + 100, UserID: 999}
		if _, err := sv.SaveProfile(ctx, other, id, goodProfile()); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("other employer: %v", err)
		}
		futian := easyjob.Actor{Role: easyjob.RoleOfficer, Region: "440304", Scope: store.ScopeOf(easyjob.RoleOfficer, "440304")}
		if _, err := sv.Profile(ctx, futian, id); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("officer of another district: %v", err)
		}
		if _, err := sv.SaveProfile(ctx, f.Boss, id, goodProfile()); err != nil {
			t.Fatal(err)
		}
		if _, err := sv.Profile(ctx, f.Longgang, id); err != nil {
			t.Fatalf("officer of its district: %v", err)
		}

		_, res, err := sv.CheckEmployer(ctx, f.Boss, id, easyjob.NewDate(2020, 3, 2))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) != 16 {
			t.Fatalf("%d items", len(res.Items))
		}
		jr := item(t, res, "job-retention-refund")
		if !jr.Eligible() || jr.EstimateCNY == nil || *jr.EstimateCNY != 30000 || !jr.Automatic {
			t.Errorf("job retention %+v", jr)
		}
		rent := item(t, res, "rent-relief")
		if !rent.Eligible() || *rent.EstimateCNY != 60000 || len(rent.Reasons) == 0 {
			t.Errorf("rent %+v", rent)
		}
		if len(res.Eligible()) < 4 {
			t.Errorf("eligible for %d measures", len(res.Eligible()))
		}
		// A failed condition and a missing fact in plain words.
		p := goodProfile()
		p.UnemploymentInsuranceLastYearCNY = ptr(0.0)
		p.HousingFundBaseMonthlyCNY = nil
		res, err = sv.Check(ctx, f.Boss, p, easyjob.NewDate(2020, 3, 2))
		if err != nil {
			t.Fatal(err)
		}
		if jr := item(t, res, "job-retention-refund"); jr.Status != "not_eligible" || jr.Reasons[0] == "" {
			t.Errorf("uninsured %+v", jr)
		}
		// Dates outside 2020–2030.
		for _, d := range []easyjob.Date{easyjob.NewDate(2019, 12, 31), easyjob.NewDate(2031, 1, 1)} {
			_, err := sv.Check(ctx, f.Boss, goodProfile(), d)
			if fs := fieldsOf(t, err); fs["as_of"].Key != "policy.field.date_range" {
				t.Errorf("%s: %v", d, err)
			}
		}
	})
}

func TestStatusFromPrecedence(t *testing.T) {
	// Every order of every subset of outcomes gives the highest by the fixed precedence.
	outs := support.Outcomes
	want := []support.Status{support.StatusHelped, support.StatusNotHelped, support.StatusUnreachable, support.StatusInHand}
	for mask := 0; mask < 1<<len(outs); mask++ {
		var set []support.Status
		for i, o := range outs {
			if mask&(1<<i) != 0 {
				set = append(set, o)
			}
		}
		exp := support.StatusNew
		for _, w := range want {
			for _, s := range set {
				if s == w && exp == support.StatusNew {
					exp = w
				}
			}
		}
		for _, order := range [][]support.Status{set, reversed(set)} {
			if got := support.StatusFrom(order); got != exp {
				t.Errorf("%v: got %s, want %s", order, got, exp)
			}
		}
	}
}

func reversed(s []support.Status) []support.Status {
	out := make([]support.Status, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// department makes an officer a member of the department; head marks the head.
func department(t *testing.T, f *storetest.Fixture, sv *support.Service, name, dept, district string, head bool) easyjob.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := f.S.CreateUser(ctx, f.Admin, store.NewUser{Username: name, Password: name + "-password", Name: name, Role: easyjob.RoleOfficer, Region: "4403"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sv.SetMember(ctx, f.Admin, support.Member{UserID: u.ID, Department: dept, District: district, Head: head}); err != nil {
		t.Fatal(err)
	}
	return store.ActorOf(u, "zh-CN")
}

func TestTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		f := storetest.NewFixture(t, k)
		ctx := context.Background()
		sv := support.New(f.S)
		hrss := department(t, f, sv, "hrss-officer", "sz-hrss", "", false)
		drc := department(t, f, sv, "drc-officer", "sz-drc", "", false)

		// On another enterprise's behalf: forbidden; officers cannot raise one either.
		in := support.TicketInput{EmployerID: f.Employer.ID + 1, Kind: support.KindMeasure, Measure: "job-retention-refund", Subject: "稳岗返还没有到账"}
		if _, err := sv.RaiseTicket(ctx, f.Boss, in); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("other enterprise: %v", err)
		}
		in.EmployerID = f.Employer.ID
		if _, err := sv.RaiseTicket(ctx, f.Longgang, in); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("officer: %v", err)
		}
		if _, err := sv.RaiseTicket(ctx, f.Boss, support.TicketInput{Kind: "lunch", Measure: "nope"}); err == nil {
			t.Fatal("bad ticket accepted")
		} else if fs := fieldsOf(t, err); fs["kind"].Key == "" || fs["measure"].Key == "" || fs["subject"].Key == "" {
			t.Fatalf("fields %v", fs)
		}
		tk, err := sv.RaiseTicket(ctx, f.Boss, in)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Department != "sz-hrss" || tk.District != "440307" || tk.Status != support.StatusNew {
			t.Fatalf("routed %+v", tk)
		}
		// The queue: the HRSS sees it, the DRC does not and may not reply.
		q, err := sv.Tickets(ctx, hrss, support.TicketFilter{Open: true})
		if err != nil || len(q) != 1 {
			t.Fatalf("hrss queue %v %v", q, err)
		}
		if q, _ := sv.Tickets(ctx, drc, support.TicketFilter{}); len(q) != 0 {
			t.Fatalf("drc queue %v", q)
		}
		if _, err := sv.ReplyTo(ctx, drc, tk.ID, support.ReplyInput{Outcome: support.StatusInHand, Body: "x"}); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("drc reply: %v", err)
		}
		if _, err := sv.ReplyTo(ctx, f.Boss, tk.ID, support.ReplyInput{Outcome: support.StatusHelped, Body: "x"}); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("employer reply: %v", err)
		}

		// Replies in any order: the status is the highest outcome.
		for _, step := range []struct {
			out, want support.Status
		}{
			{support.StatusInHand, support.StatusInHand},
			{support.StatusUnreachable, support.StatusUnreachable},
			{support.StatusInHand, support.StatusUnreachable},
			{support.StatusHelped, support.StatusHelped},
			{support.StatusNotHelped, support.StatusHelped},
		} {
			got, err := sv.ReplyTo(ctx, hrss, tk.ID, support.ReplyInput{Outcome: step.out, Body: "已联系企业"})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != step.want {
				t.Fatalf("after %s: %s, want %s", step.out, got.Status, step.want)
			}
		}

		// Closing: what it received and a rating; a bad rating or a future date is refused.
		if _, err := sv.Close(ctx, f.Boss, tk.ID, support.CloseInput{Received: true, ReceivedOn: easyjob.NewDate(2020, 5, 1), Rating: 9}); err == nil {
			t.Fatal("bad close accepted")
		} else if fs := fieldsOf(t, err); fs["rating"].Key == "" || fs["received_on"].Key == "" {
			t.Fatalf("fields %v", fs)
		}
		if _, err := sv.Close(ctx, f.Longgang, tk.ID, support.CloseInput{Rating: 5}); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("officer close: %v", err)
		}
		closed, err := sv.Close(ctx, f.Boss, tk.ID, support.CloseInput{Received: true, ReceivedCNY: ptr(30000.0), ReceivedOn: easyjob.NewDate(2020, 3, 1), Rating: 5})
		if err != nil || !closed.Closed() || closed.Rating != 5 || *closed.ReceivedCNY != 30000 {
			t.Fatalf("closed %+v %v", closed, err)
		}
		if _, err := sv.ReplyTo(ctx, hrss, tk.ID, support.ReplyInput{Outcome: support.StatusInHand, Body: "x"}); code(err) != easyjob.ECONFLICT {
			t.Fatalf("reply to closed: %v", err)
		}
		claims, err := sv.Claims(ctx, f.Boss, f.Employer.ID)
		if c := claims["job-retention-refund"]; err != nil || !c.Applied() || !c.Obtained() {
			t.Fatalf("claim %+v %v", c, err)
		}
		stats, err := sv.Stats(ctx, f.City, easyjob.NewDate(2020, 3, 2))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stats {
			if s.Measure == "job-retention-refund" && (s.Applied != 1 || s.Obtained != 1 || s.DaysToBenefit == nil) {
				t.Errorf("stats %+v", s)
			}
		}
	})
}

// Concurrent replies never lower the status: the highest outcome wins whatever the order.
func TestRepliesUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		f := storetest.NewFixture(t, k)
		ctx := context.Background()
		sv := support.New(f.S)
		hrss := department(t, f, sv, "hrss-officer", "sz-hrss", "", false)
		tk, err := sv.RaiseTicket(ctx, f.Boss, support.TicketInput{Kind: support.KindWorkers, Subject: "缺少普工 30 人"})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		outs := []support.Status{support.StatusInHand, support.StatusNotHelped, support.StatusUnreachable, support.StatusInHand,
			support.StatusNotHelped, support.StatusUnreachable}
		errs := make(chan error, len(outs))
		for _, o := range outs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := sv.ReplyTo(ctx, hrss, tk.ID, support.ReplyInput{Outcome: o, Body: "处理中"})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := sv.Ticket(ctx, hrss, tk.ID)
		if err != nil || got.Status != support.StatusNotHelped || len(got.Replies) != len(outs) {
			t.Fatalf("status %s, %d replies, %v", got.Status, len(got.Replies), err)
		}
	})
}

func TestDueReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		f := storetest.NewFixture(t, k)
		ctx := context.Background()
		sv := support.New(f.S)
		member := department(t, f, sv, "hrss-officer", "sz-hrss", "", false)
		other := department(t, f, sv, "hrss-futian", "sz-hrss", "440304", false)
		head := department(t, f, sv, "hrss-head", "sz-hrss", "", true)
		late, err := sv.RaiseTicket(ctx, f.Boss, support.TicketInput{Kind: support.KindTransport, Subject: "员工返岗需要包车"})
		if err != nil {
			t.Fatal(err)
		}
		answered, err := sv.RaiseTicket(ctx, f.Boss, support.TicketInput{Kind: support.KindWorkers, Subject: "招工"})
		if err != nil {
			t.Fatal(err)
		}
		run := func(want support.Reminders) {
			t.Helper()
			got, err := sv.DueReminders(ctx, f.Clock.Now())
			if err != nil || got != want {
				t.Fatalf("at %s: got %+v, want %+v (%v)", f.Clock.Now(), got, want, err)
			}
		}
		day := 24 * time.Hour
		f.Clock.Advance(6 * day)
		run(support.Reminders{})
		f.Clock.Advance(day) // day 7: both tickets overdue; members of the city and of 龙岗 (not 福田) reminded
		run(support.Reminders{Tickets: 2, Reminded: 4})
		run(support.Reminders{}) // idempotent
		if ns, _ := sv.Notices(ctx, other); len(ns) != 0 {
			t.Fatalf("福田 member told: %v", ns)
		}
		q, _ := sv.Tickets(ctx, member, support.TicketFilter{Overdue: true})
		if len(q) != 2 {
			t.Fatalf("overdue %d", len(q))
		}
		// An answer stops the deadlines.
		if _, err := sv.ReplyTo(ctx, member, answered.ID, support.ReplyInput{Outcome: support.StatusNotHelped, Body: "暂无合适人选"}); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(7 * day) // day 14
		run(support.Reminders{Tickets: 1, Reminded: 2})
		f.Clock.Advance(6 * day)
		run(support.Reminders{})
		f.Clock.Advance(day) // day 21: escalated to the head only
		run(support.Reminders{Tickets: 1, Escalated: 1, HeadNotice: 1})
		ns, err := sv.Notices(ctx, head)
		if err != nil || len(ns) != 3 || !ns[0].Escalated || ns[0].TicketID != late.ID {
			t.Fatalf("head notices %+v %v", ns, err)
		}
		f.Clock.Advance(30 * day)
		run(support.Reminders{})
		got, _ := sv.Ticket(ctx, member, late.ID)
		if !got.Escalated() || !got.Overdue() {
			t.Fatalf("late %+v", got)
		}
	})
}

func TestParamVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		f := storetest.NewFixture(t, k) // today is 2020-03-02
		ctx := context.Background()
		sv := support.New(f.S)
		hrss := department(t, f, sv, "hrss-officer", "sz-hrss", "", false)
		drc := department(t, f, sv, "drc-officer", "sz-drc", "", false)
		p := goodProfile()
		refund := func(sv *support.Service, d easyjob.Date) float64 {
			t.Helper()
			res, err := sv.Check(ctx, f.Boss, p, d)
			if err != nil {
				t.Fatal(err)
			}
			return *item(t, res, "job-retention-refund").EstimateCNY
		}
		days := []easyjob.Date{easyjob.NewDate(2020, 2, 7), easyjob.NewDate(2020, 3, 2), easyjob.NewDate(2020, 3, 31)}
		var before []float64
		for _, d := range days {
			before = append(before, refund(sv, d))
		}
		change := support.ParamChange{Param: "refund_rate", From: easyjob.NewDate(2020, 4, 1), Value: ptr(1.0), Source: "深人社规〔2020〕"}

		// Not the department's measure; a typo; a date not in the future; a bad value: nothing saved.
		if _, err := sv.SetParam(ctx, drc, "job-retention-refund", change); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("drc: %v", err)
		}
		typo := change
		typo.Param = "refund_rat"
		if _, err := sv.SetParam(ctx, hrss, "job-retention-refund", typo); fieldsOf(t, err)["param"].Key != "policy.param.unknown_param" {
			t.Fatalf("typo: %v", err)
		}
		past := change
		past.From = easyjob.NewDate(2020, 3, 2)
		if _, err := sv.SetParam(ctx, hrss, "job-retention-refund", past); fieldsOf(t, err)["from"].Key != "support.param.not_future" {
			t.Fatalf("past: %v", err)
		}
		big := change
		big.Value = ptr(1.5)
		if _, err := sv.SetParam(ctx, hrss, "job-retention-refund", big); fieldsOf(t, err)["value"].Key != "policy.param.bad_value" {
			t.Fatalf("bad value: %v", err)
		}
		if _, err := sv.SetParam(ctx, hrss, "no-such-measure", change); code(err) != easyjob.EFORBIDDEN && code(err) != easyjob.EINVALID {
			t.Fatalf("unknown measure: %v", err)
		}
		m, _ := sv.Measure(ctx, "job-retention-refund")
		if m.Versions != 0 {
			t.Fatal("a refused change was saved")
		}

		// The preview shows the day before unchanged and the day itself changed.
		rows, err := sv.PreviewParam(ctx, hrss, "job-retention-refund", change, []support.Sample{{Name: "sample", Profile: p}})
		if err != nil || len(rows) != 2 || rows[0].Changed || !rows[1].Changed || *rows[1].After.EstimateCNY != 60000 {
			t.Fatalf("preview %+v %v", rows, err)
		}
		m, err = sv.SetParam(ctx, hrss, "job-retention-refund", change)
		if err != nil {
			t.Fatal(err)
		}
		if m.Versions != 1 {
			t.Fatalf("versions %+v", m)
		}
		// Past results unchanged, in this process and in another that loads afresh.
		for _, s := range []*support.Service{sv, support.New(f.S)} {
			for i, d := range days {
				if got := refund(s, d); got != before[i] {
					t.Errorf("%s changed: %v → %v", d, before[i], got)
				}
			}
			if got := refund(s, easyjob.NewDate(2020, 4, 1)); got != 60000 {
				t.Errorf("from 2020-04-01: %v", got)
			}
		}
		// The same date again is refused.
		if _, err := sv.SetParam(ctx, hrss, "job-retention-refund", change); code(err) != easyjob.EINVALID {
			t.Fatalf("again: %v", err)
		}
		ms, err := sv.Measures(ctx)
		if err != nil || len(ms) != 16 {
			t.Fatalf("measures %d %v", len(ms), err)
		}
	})
}

func TestRunAutomatic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		f := storetest.NewFixture(t, k)
		ctx := context.Background()
		sv := support.New(f.S)
		if _, err := sv.SaveProfile(ctx, f.Boss, f.Employer.ID, goodProfile()); err != nil {
			t.Fatal(err)
		}
		d := easyjob.NewDate(2020, 3, 2)
		run, err := sv.RunAutomatic(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		// Job retention and sewage: eligible, notified, one message.
		if run.Profiles != 1 || run.Eligible != 2 || run.Notified != 2 || run.Messages != 1 {
			t.Fatalf("run %+v", run)
		}
		again, err := sv.RunAutomatic(ctx, d)
		if err != nil || again.Notified != 0 || again.Messages != 0 || again.Eligible != 2 {
			t.Fatalf("again %+v %v", again, err)
		}
		claims, _ := sv.Claims(ctx, f.Boss, f.Employer.ID)
		if c := claims["sewage-fee-refund"]; !c.Automatic || c.NotifiedAt.IsZero() {
			t.Fatalf("claim %+v", c)
		}
		if _, err := sv.RunAutomatic(ctx, easyjob.NewDate(2031, 1, 1)); code(err) != easyjob.EINVALID {
			t.Fatalf("2031: %v", err)
		}
	})
}
