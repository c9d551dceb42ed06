package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/retention"
	"easyjob/internal/store"
)

// viaSystem tells whether only a system reaches state (the retention
// check-ins' retained and separated states): the pipeline's demo histories
// stop before it, and loadRetention takes them on.
func viaSystem(state easyjob.ApplicationState) bool {
	for _, t := range easyjob.Transitions {
		if t.To == state && t.Via != "" {
			return true
		}
	}
	return false
}

// movable is the clock the retention demo walks from 200 days ago to now.
type movable struct{ t atomic.Int64 }

func (m *movable) Now() time.Time { return time.UnixMilli(m.t.Load()).UTC() }

// Patterns of answers, one per worker in turn.
const (
	patSeeker    = iota // the worker answers every check-in at once
	patEmployer         // the employer answers in bulk the next day
	patEscalated        // nobody answers: reminders, escalation, the station calls
	patLeaves           // the worker leaves before the 90-day check-in, for a reason
	patDisagree         // the employer says the worker left; the worker says not
	patSilent           // nobody answers; the station loses contact
	patterns
)

// loadRetention makes the retention story true on first run: onboarded
// workers' histories are moved back so that they arrived 31 to 200 days
// ago, then the retention system itself is run day by day over those days
// (check-ins, reminders, escalations, answers, separations), with disputes
// in each state and the two 2020 Guangdong subsidy rules with claims in
// each state. Everything goes through the retention service, so the demo
// shows what the code does.
func loadRetention(ctx context.Context, s *store.Store, now time.Time) (err error) {
	defer func() { err = store.Wrap(err, "demo.loadRetention") }()
	actor := func(username string) (easyjob.Actor, error) {
		var u easyjob.User
		var role string
		var emp, seek sql.NullInt64
		err := s.DB.R.QueryRowContext(ctx, `SELECT id, role, region, employer_id, seeker_id FROM users WHERE username = $1`, username).
			Scan(&u.ID, &role, &u.Region, &emp, &seek)
		u.Role, u.EmployerID, u.SeekerID = easyjob.Role(role), emp.Int64, seek.Int64
		return store.ActorOf(u, "zh-CN"), err
	}
	city, err := actor(OfficerUser)
	if err != nil {
		return err
	}
	picks, err := store.Select(ctx, s.DB.R, func(r store.Scanner) (kept, error) {
		var p kept
		return p, r.Scan(&p.app, &p.seekerUser, &p.employerUser, &p.seeker, &p.arrived, &p.county)
	}, `SELECT a.id, COALESCE((SELECT u.id FROM users u WHERE u.seeker_id = a.seeker_id), 0),
		(SELECT MIN(u.id) FROM users u WHERE u.employer_id = p.employer_id), a.seeker_id,
		(SELECT MIN(e.at) FROM application_events e WHERE e.application_id = a.id AND e.to_state = 'arrived'), k.home_county
		FROM applications a JOIN postings p ON p.id = a.posting_id JOIN seekers k ON k.id = a.seeker_id WHERE a.state = 'onboarded' ORDER BY a.id LIMIT 60`)
	if err != nil || len(picks) < patterns {
		return err
	}
	// Keep some onboarded: retention takes the rest.
	picks = picks[:len(picks)-len(picks)/5]
	start := easyjob.Millis(now) - 200*day
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for i, p := range picks {
			// Arrival between 200 and 31 days ago.
			back := int64(31+(len(picks)-1-i)*169/max(1, len(picks)-1)) * day
			shift := p.arrived - (easyjob.Millis(now) - back)
			if _, err := tx.ExecContext(ctx, `UPDATE application_events SET at = at - $1 WHERE application_id = $2`, shift, p.app); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE applications SET created_at = created_at - $1, updated_at = updated_at - $1 WHERE id = $2`,
				shift, p.app); err != nil {
				return err
			}
			if i%patterns != patSilent && i%3 != 2 && region.IsTwinned(p.county) {
				if _, err := tx.ExecContext(ctx, `UPDATE seekers SET poor = TRUE WHERE id = $1`, p.seeker); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	clock := &movable{}
	saved := s.Clock
	defer func() { s.Clock = saved }()
	s.Clock = clock
	clock.t.Store(start)
	r := retention.New(s)
	r.Cfg.Days = retention.DefaultConfig().Days
	pattern, who := map[int64]int{}, map[int64]kept{}
	for i, p := range picks {
		pattern[p.app], who[p.app] = i%patterns, p
	}
	seekerOf := func(p kept) easyjob.Actor {
		return easyjob.Actor{UserID: p.seekerUser, Role: easyjob.RoleSeeker, SeekerID: p.seeker}
	}
	employerOf := func(p kept) (easyjob.Actor, error) {
		var emp int64
		err := s.DB.R.QueryRowContext(ctx, `SELECT employer_id FROM users WHERE id = $1`, p.employerUser).Scan(&emp)
		return easyjob.Actor{UserID: p.employerUser, Role: easyjob.RoleEmployer, EmployerID: emp}, err
	}
	reasons := []string{"pay", "conditions", "other_work", "family", "health", "dismissed", "other"}
	var outbox int64
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&outbox); err != nil {
		return err
	}
	for d := 0; d < 200; d++ {
		clock.t.Store(start + int64(d)*day + 2*hour)
		if err := r.Sweep(ctx, nil); err != nil {
			return err
		}
		clock.t.Add(6 * hour)
		today := s.Today()
		for cursor := ""; ; {
			page, err := r.Due(ctx, city, retention.DueFilter{ListOptions: store.ListOptions{Limit: 500, Cursor: cursor}, Waiting: true})
			if err != nil {
				return err
			}
			for _, c := range page.Items {
				p, ok := who[c.ApplicationID]
				if !ok {
					continue
				}
				late := c.Due.DaysUntil(today)
				var a easyjob.Actor
				in := retention.AnswerInput{Answer: retention.Stays}
				switch pattern[c.ApplicationID] {
				case patSeeker:
					a = seekerOf(p)
				case patEmployer:
					if late < 1 {
						continue
					}
					if a, err = employerOf(p); err != nil {
						return err
					}
				case patEscalated:
					if !c.Status.Escalated() || late < 12 {
						continue
					}
					a = city
				case patLeaves:
					a = seekerOf(p)
					if c.Day >= 90 {
						in = retention.AnswerInput{Answer: retention.Left, LeftOn: c.Due.AddDays(-10), Reason: reasons[int(p.app)%len(reasons)]}
					}
				case patDisagree:
					if a, err = employerOf(p); err != nil {
						return err
					}
					in = retention.AnswerInput{Answer: retention.Left, LeftOn: c.Due.AddDays(-3), Reason: "dismissed"}
				case patSilent:
					if !c.Status.Escalated() || late < 14 {
						continue
					}
					if _, err := r.MarkLostContact(ctx, city, c.ID); err != nil {
						return err
					}
					continue
				}
				if _, err := r.Answer(ctx, a, c.ID, in); err != nil {
					return fmt.Errorf("check-in %d: %w", c.ID, err)
				}
				if pattern[c.ApplicationID] == patDisagree {
					if _, err := r.Answer(ctx, seekerOf(p), c.ID, retention.AnswerInput{Answer: retention.Stays}); err != nil {
						return err
					}
				}
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if err := demoDisputes(ctx, r, city, picks, d, seekerOf, employerOf); err != nil {
			return err
		}
	}
	if err := demoLedger(ctx, r, city); err != nil {
		return err
	}
	// The walk replays the past: its text messages are not sent now.
	_, err = s.DB.W.ExecContext(ctx, `DELETE FROM outbox WHERE id > $1`, outbox)
	return err
}

// kept is an onboarded application the retention demo takes on.
type kept struct {
	app, seekerUser, employerUser, seeker int64
	arrived                               int64
	county                                string
}

// demoDisputes reports wage arrears on two days of the walk and answers
// them so that one ends in each state; one reported early is left
// unanswered past its deadline and escalates to the city.
func demoDisputes(ctx context.Context, r *retention.Service, city easyjob.Actor, picks []kept, d int,
	seekerOf func(kept) easyjob.Actor, employerOf func(kept) (easyjob.Actor, error)) error {
	if d != 120 && d != 199 {
		return nil
	}
	month := r.S.Today().AddDays(-40).String()[:7]
	for k := range 6 {
		if (k == 0) != (d == 199) || k >= len(picks) {
			continue
		}
		p := picks[len(picks)-1-k]
		reporter := seekerOf(p)
		if p.seekerUser == 0 || k == 3 {
			reporter = city // the station reports for the worker
		}
		kind := retention.Arrears
		if k == 4 {
			kind = retention.OtherDispute
		}
		x, err := r.Report(ctx, reporter, retention.DisputeInput{ApplicationID: p.app, Kind: kind, Amount: 2600 + 700*k,
			Months: []string{month}, Description: []string{"加班费没有按时发", "两个月工资没有发", "扣了押金不退", "工资低于约定",
				"受伤后医药费没有报销", "试用期工资没有发"}[k]})
		if err != nil {
			return fmt.Errorf("dispute %d: %w", k, err)
		}
		emp, err := employerOf(p)
		if err != nil {
			return err
		}
		steps := map[int][]struct {
			a      easyjob.Actor
			action string
			note   string
		}{
			1: {{emp, "reply", "财务正在核对考勤，月底前答复。"}},
			2: {{emp, "reply", "已核对，本周补发。"}, {city, "resolved_paid", "企业已补发，劳动者确认收到。"}},
			3: {{city, "take", "已联系企业。"}, {city, "resolved_unpaid", "企业已停产，引导劳动者申请欠薪保障金。"}},
			4: {{city, "take", ""}, {city, "arbitration", "双方分歧较大，已引导申请劳动仲裁。"}},
		}[k]
		for _, st := range steps {
			if _, err := r.ReplyDispute(ctx, st.a, x.ID, retention.ReplyInput{Action: st.action, Note: st.note}); err != nil {
				return fmt.Errorf("dispute %d %s: %w", k, st.action, err)
			}
		}
	}
	return nil
}

// demoLedger ships the two 2020 Guangdong rules and takes the claims they
// earn through each state.
func demoLedger(ctx context.Context, r *retention.Service, city easyjob.Actor) error {
	today := r.S.Today()
	until := easyjob.NewDate(2020, 12, 31)
	if until.Before(today.AddDays(365)) {
		until = today.AddDays(365)
	}
	rules := []retention.Rule{
		{Code: "gd-2020-poor-retained", Name: "建档立卡贫困劳动力稳定就业补贴", Payee: retention.PayWorker, Amount: 1000,
			Condition: retention.PoorRetained90, BudgetLine: "就业补助资金·稳岗", ValidFrom: easyjob.NewDate(2020, 2, 1), ValidTo: until,
			Note: "广东 2020 年对吸纳建档立卡贫困劳动力稳定就业的一次性补贴，约 1000 元/人（金额按公开报道取整，为假设值）；演示中有效期延长以便显示。"},
		{Code: "gd-2020-charter-ride", Name: "点对点包车返岗交通补贴", Payee: retention.PayEmployer, Amount: 200,
			Condition: retention.CharterRider, BudgetLine: "就业补助资金·交通", ValidFrom: easyjob.NewDate(2020, 2, 1), ValidTo: until,
			Note: "2020 年春节后包车返岗按乘车人数给予交通补贴；每人 200 元为假设值，各地标准不同。"},
	}
	for _, rule := range rules {
		if _, err := r.AddRule(ctx, city, rule); err != nil && easyjob.ErrorCode(err) != easyjob.ECONFLICT {
			return err
		}
	}
	due, err := r.ClaimsDue(ctx)
	if err != nil {
		return err
	}
	for i, c := range due {
		if err := r.Claim(ctx, c.Rule, c.ApplicationID); err != nil {
			return err
		}
		var id int64
		if err := r.S.DB.R.QueryRowContext(ctx, `SELECT c.id FROM subsidy_claims c JOIN subsidy_rules r ON r.id = c.rule_id
			WHERE r.code = $1 AND c.application_id = $2`, c.Rule, c.ApplicationID).Scan(&id); err != nil {
			return err
		}
		switch i % 4 {
		case 0: // left claimed
		case 1:
			_, err = r.Approve(ctx, city, id)
		case 2:
			if _, err = r.Approve(ctx, city, id); err == nil {
				_, err = r.Pay(ctx, city, id, retention.PayInput{Reference: fmt.Sprintf("GDJY-2020-%05d", id), PaidOn: today})
			}
		case 3:
			_, err = r.Reject(ctx, city, id, "未满 90 天社保缴纳记录")
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return nil
}

// countStates counts the applications by state and their events, after the
// retention demo moved some on.
func countStates(ctx context.Context, s *store.Store, sum *Summary) error {
	type n struct {
		state string
		n     int
	}
	xs, err := store.Select(ctx, s.DB.R, func(r store.Scanner) (n, error) {
		var x n
		return x, r.Scan(&x.state, &x.n)
	}, `SELECT state, COUNT(*) FROM applications GROUP BY state`)
	if err != nil {
		return err
	}
	for _, x := range xs {
		sum.States[easyjob.ApplicationState(x.state)] = x.n
	}
	return s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_events`).Scan(&sum.Events)
}
