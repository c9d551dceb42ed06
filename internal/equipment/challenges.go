package equipment

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment/rules"
	"easyjob/internal/store"
)

// Challenge is a reward challenge (揭榜挂帅) of the science commission.
type Challenge struct {
	ID          int64           `json:"id"`
	Title       string          `json:"title"`
	Problem     string          `json:"problem"`
	Eligibility string          `json:"eligibility"`
	Ceiling     int64           `json:"ceiling"`     // CNY
	UpfrontPct  int             `json:"upfront_pct"` // share paid on selection
	UpfrontCap  int64           `json:"upfront_cap"` // at most this paid on selection; 0 no cap
	OpensOn     easyjob.Date    `json:"opens_on"`
	ClosesOn    easyjob.Date    `json:"closes_on"`
	Milestone   string          `json:"milestone"`
	MilestoneOn easyjob.Date    `json:"milestone_on"`
	Status      ChallengeStatus `json:"status"`
	Round       int             `json:"round"`              // 0 before the review, then 1 or 2
	RoundOpen   bool            `json:"round_open"`         // experts may score the round now
	Criteria    []Criterion     `json:"criteria,omitempty"` // one challenge; absent in lists
	Entries     []Entry         `json:"entries,omitempty"`  // as the reader may see them
	CreatedAt   time.Time       `json:"created_at"`
}

// Criterion is one judging criterion with its weight (the weights add up to 100).
type Criterion struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

// Weights maps criterion ids to weights, for the rules.
func (c Challenge) Weights() map[int64]int {
	m := make(map[int64]int, len(c.Criteria))
	for _, x := range c.Criteria {
		m[x.ID] = x.Weight
	}
	return m
}

// Scoring tells whether experts may score round r now.
func (c Challenge) Scoring() bool { return c.Status.UnderReview() && c.RoundOpen }

// Entry is a team's take-up of a challenge.
type Entry struct {
	ID            int64  `json:"id"`
	ChallengeID   int64  `json:"challenge_id"`
	InstitutionID int64  `json:"institution_id"`
	Institution   string `json:"institution"`
	LeadID        int64  `json:"lead_id"`
	Lead          string `json:"lead"`
	Team          string `json:"team"`
	Members       string `json:"members"`
	Proposal      string `json:"proposal"`
	Ask           int64  `json:"ask"`
	Shortlisted   bool   `json:"shortlisted"` // in the second round
	Selected      bool   `json:"selected"`
	Assessed      int64  `json:"assessed,omitempty"`
	Award         int64  `json:"award,omitempty"`
	Milestone     string `json:"milestone"` // pending, passed, failed
	Paid          int64  `json:"paid,omitempty"`
}

// ChallengeInput is a challenge as the commission writes it.
type ChallengeInput struct {
	Title       string           `json:"title"`
	Problem     string           `json:"problem"`
	Eligibility string           `json:"eligibility"`
	Ceiling     int64            `json:"ceiling"`
	UpfrontPct  int              `json:"upfront_pct"`
	UpfrontCap  int64            `json:"upfront_cap"`
	OpensOn     easyjob.Date     `json:"opens_on"`
	ClosesOn    easyjob.Date     `json:"closes_on"`
	Milestone   string           `json:"milestone"`
	MilestoneOn easyjob.Date     `json:"milestone_on"`
	Criteria    []CriterionInput `json:"criteria"`
}

// CriterionInput is one criterion as written.
type CriterionInput struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

func commission(a easyjob.Actor) error {
	if !a.IsCityWide() {
		return store.Forbidden()
	}
	return nil
}

func checkText(f easyjob.Fields, field, v string, required bool, max int) {
	switch {
	case v == "" && required:
		f.Add(field, "field.required")
	case len([]rune(v)) > max:
		f.Add(field, "field.too_long", "max", max)
	case easyjob.TextProblem(v) != "":
		f.Add(field, easyjob.TextProblem(v))
	}
}

// CreateChallenge writes a draft challenge (the commission's city-wide officers).
func (s *Service) CreateChallenge(ctx context.Context, a easyjob.Actor, in ChallengeInput) (Challenge, error) {
	if err := commission(a); err != nil {
		return Challenge{}, err
	}
	f := easyjob.Fields{}
	in.Title, in.Problem = strings.TrimSpace(in.Title), strings.TrimSpace(in.Problem)
	in.Eligibility, in.Milestone = strings.TrimSpace(in.Eligibility), strings.TrimSpace(in.Milestone)
	checkText(f, "title", in.Title, true, 100)
	checkText(f, "problem", in.Problem, true, 4000)
	checkText(f, "eligibility", in.Eligibility, false, 1000)
	checkText(f, "milestone", in.Milestone, true, 1000)
	if in.Ceiling <= 0 || in.Ceiling > Budget {
		f.Add("ceiling", "equipment.ceiling", "max", Budget)
	}
	if in.UpfrontPct < 0 || in.UpfrontPct > 100 {
		f.Add("upfront_pct", "equipment.percent")
	}
	if in.UpfrontCap < 0 || in.UpfrontCap > in.Ceiling {
		f.Add("upfront_cap", "equipment.upfront_cap")
	}
	if in.OpensOn.IsZero() {
		f.Add("opens_on", "field.required")
	}
	if in.ClosesOn.IsZero() {
		f.Add("closes_on", "field.required")
	} else if !in.OpensOn.IsZero() && !in.OpensOn.Before(in.ClosesOn) {
		f.Add("closes_on", "equipment.closes_before_opens")
	}
	if !in.MilestoneOn.IsZero() && !in.ClosesOn.IsZero() && !in.ClosesOn.Before(in.MilestoneOn) {
		f.Add("milestone_on", "equipment.milestone_before_close")
	}
	sum := 0
	var crit []CriterionInput
	for _, c := range in.Criteria {
		c.Name = strings.TrimSpace(c.Name)
		if c.Name == "" && c.Weight == 0 {
			continue
		}
		checkText(f, "criteria", c.Name, true, 100)
		if c.Weight < 1 || c.Weight > 100 {
			f.Add("criteria", "equipment.weights")
		}
		sum += c.Weight
		crit = append(crit, c)
	}
	if len(crit) == 0 || sum != 100 {
		f.Add("criteria", "equipment.weights")
	}
	if err := f.Err(); err != nil {
		return Challenge{}, err
	}
	var id int64
	err := s.S.Tx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO equipment_challenges (title, problem, eligibility, ceiling, upfront_pct, upfront_cap,
			opens_on, closes_on, milestone, milestone_on, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`, in.Title, in.Problem, in.Eligibility,
			in.Ceiling, in.UpfrontPct, in.UpfrontCap, in.OpensOn.String(), in.ClosesOn.String(), in.Milestone,
			dateText(in.MilestoneOn), a.UserID, tx.At).Scan(&id)
		if err != nil {
			return err
		}
		for i, c := range crit {
			if _, err := tx.ExecContext(ctx, `INSERT INTO equipment_criteria (challenge_id, name, weight, position) VALUES ($1, $2, $3, $4)`,
				id, c.Name, c.Weight, i+1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Challenge{}, store.Wrap(err, "equipment.CreateChallenge")
	}
	return s.Challenge(ctx, a, id)
}

func dateText(d easyjob.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

const challengeCols = `id, title, problem, eligibility, ceiling, upfront_pct, upfront_cap, opens_on, closes_on, milestone,
	milestone_on, status, round, round_open, created_at`

func scanChallenge(r store.Scanner) (Challenge, error) {
	var c Challenge
	var opens, closes, ms string
	var at int64
	err := r.Scan(&c.ID, &c.Title, &c.Problem, &c.Eligibility, &c.Ceiling, &c.UpfrontPct, &c.UpfrontCap, &opens, &closes,
		&c.Milestone, &ms, &c.Status, &c.Round, &c.RoundOpen, &at)
	c.OpensOn, _ = easyjob.ParseDate(opens)
	c.ClosesOn, _ = easyjob.ParseDate(closes)
	if ms != "" {
		c.MilestoneOn, _ = easyjob.ParseDate(ms)
	}
	c.CreatedAt = easyjob.FromMillis(at)
	return c, err
}

// Challenge reads a challenge with its criteria and the entries the reader may see: the
// commission sees every entry, a researcher their institution's, experts every entry of a
// challenge under review (without the others' scores), everyone else the awarded team.
// Drafts and reviewed challenges are the commission's only.
func (s *Service) Challenge(ctx context.Context, a easyjob.Actor, id int64) (Challenge, error) {
	c, err := scanChallenge(s.S.DB.R.QueryRowContext(ctx, `SELECT `+challengeCols+` FROM equipment_challenges WHERE id = $1`, id))
	if err != nil {
		return c, store.Wrap(store.NotFound(err, "challenge"), "equipment.Challenge", "id", id)
	}
	if !c.Status.Public() && !a.IsCityWide() {
		return Challenge{}, easyjob.NotFound("challenge")
	}
	c.Criteria, err = store.Select(ctx, s.S.DB.R, func(r store.Scanner) (Criterion, error) {
		var x Criterion
		return x, r.Scan(&x.ID, &x.Name, &x.Weight)
	}, `SELECT id, name, weight FROM equipment_criteria WHERE challenge_id = $1 ORDER BY position`, id)
	if err != nil {
		return c, store.Wrap(err, "equipment.Challenge", "id", id)
	}
	var w store.Where
	w.Add("e.challenge_id = ?", id)
	switch {
	case a.IsCityWide():
	case a.Role == easyjob.RoleResearcher:
		p, err := s.Person(ctx, a.UserID)
		if err != nil {
			return c, err
		}
		if !(p.Expert && c.Status.UnderReview()) {
			w.Add("(e.institution_id = ? OR e.selected)", p.InstitutionID)
		}
	default:
		w.Add("e.selected")
	}
	c.Entries, err = store.Select(ctx, s.S.DB.R, scanEntry, `SELECT `+entryCols+entryFrom+w.SQL()+` ORDER BY e.id`, w.Args()...)
	return c, store.Wrap(err, "equipment.Challenge", "id", id)
}

const entryCols = `e.id, e.challenge_id, e.institution_id, n.name, e.lead_id, u.name, e.team, e.members, e.proposal, e.ask,
	e.shortlisted, e.selected, e.assessed, e.award, e.milestone,
	COALESCE((SELECT SUM(p.amount) FROM equipment_payments p WHERE p.entry_id = e.id), 0)`

const entryFrom = ` FROM equipment_entries e JOIN equipment_institutions n ON n.id = e.institution_id JOIN users u ON u.id = e.lead_id`

func scanEntry(r store.Scanner) (Entry, error) {
	var e Entry
	err := r.Scan(&e.ID, &e.ChallengeID, &e.InstitutionID, &e.Institution, &e.LeadID, &e.Lead, &e.Team, &e.Members, &e.Proposal,
		&e.Ask, &e.Shortlisted, &e.Selected, &e.Assessed, &e.Award, &e.Milestone, &e.Paid)
	return e, err
}

// Challenges lists challenges: the public ones for everyone (status published, closed,
// awarded), every one for the commission when all is set; newest first.
func (s *Service) Challenges(ctx context.Context, a easyjob.Actor, all bool) ([]Challenge, error) {
	q := `SELECT ` + challengeCols + ` FROM equipment_challenges WHERE status IN ('published', 'closed', 'awarded') ORDER BY id DESC`
	if all && a.IsCityWide() {
		q = `SELECT ` + challengeCols + ` FROM equipment_challenges ORDER BY id DESC`
	}
	cs, err := store.Select(ctx, s.S.DB.R, scanChallenge, q)
	if err != nil {
		return nil, store.Wrap(err, "equipment.Challenges")
	}
	// The awarded teams, for the public list.
	won, err := store.Select(ctx, s.S.DB.R, scanEntry, `SELECT `+entryCols+entryFrom+` WHERE e.selected ORDER BY e.id`)
	if err != nil {
		return nil, store.Wrap(err, "equipment.Challenges")
	}
	for i := range cs {
		for _, e := range won {
			if e.ChallengeID == cs[i].ID {
				cs[i].Entries = append(cs[i].Entries, e)
			}
		}
	}
	return cs, nil
}

// Advance moves a challenge to its next status (the commission): draft → reviewed →
// published → closed. Awarded is reached only by Award. A conditional update from the status
// read means two officers cannot move it twice.
func (s *Service) Advance(ctx context.Context, a easyjob.Actor, id int64, from ChallengeStatus) (Challenge, error) {
	if err := commission(a); err != nil {
		return Challenge{}, err
	}
	to := from.Next()
	if to == "" || to == rules.Awarded {
		return Challenge{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.cannot_advance")
	}
	err := s.S.Tx(ctx, func(tx *store.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE equipment_challenges SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			string(to), tx.At, id, string(from))
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return easyjob.Errorf(easyjob.ECONFLICT, "equipment.status_moved")
		}
		return nil
	})
	if err != nil {
		return Challenge{}, store.Wrap(err, "equipment.Advance", "id", id)
	}
	return s.Challenge(ctx, a, id)
}

// EntryInput is a team's take-up.
type EntryInput struct {
	Team     string `json:"team"`
	Members  string `json:"members"` // named members, separated by commas
	Proposal string `json:"proposal"`
	Ask      int64  `json:"ask"` // CNY, at most the ceiling
}

// TakeUp enters the researcher's institution's team for a published challenge; one entry
// per institution (the unique key), the ask at most the ceiling.
func (s *Service) TakeUp(ctx context.Context, a easyjob.Actor, challengeID int64, in EntryInput) (Entry, error) {
	p, err := s.researcher(ctx, a)
	if err != nil {
		return Entry{}, err
	}
	if p.InstitutionID == 0 {
		return Entry{}, easyjob.Errorf(easyjob.EFORBIDDEN, "equipment.no_institution")
	}
	c, err := s.Challenge(ctx, a, challengeID)
	if err != nil {
		return Entry{}, err
	}
	if !c.Status.TakesEntries() {
		return Entry{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_taking_entries")
	}
	f := easyjob.Fields{}
	in.Team, in.Members, in.Proposal = strings.TrimSpace(in.Team), strings.TrimSpace(in.Members), strings.TrimSpace(in.Proposal)
	checkText(f, "team", in.Team, true, 100)
	checkText(f, "members", in.Members, true, 500)
	checkText(f, "proposal", in.Proposal, true, 4000)
	if in.Ask <= 0 {
		f.Add("ask", "field.required")
	} else if in.Ask > c.Ceiling {
		f.Add("ask", "equipment.above_ceiling", "ceiling", c.Ceiling)
	}
	if err := f.Err(); err != nil {
		return Entry{}, err
	}
	var id int64
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO equipment_entries (challenge_id, institution_id, lead_id, team, members, proposal, ask,
			created_at, updated_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $8
			WHERE EXISTS (SELECT 1 FROM equipment_challenges WHERE id = $1 AND status = 'published') RETURNING id`,
			challengeID, p.InstitutionID, a.UserID, in.Team, in.Members, in.Proposal, in.Ask, tx.At).Scan(&id)
	})
	if _, dup := store.UniqueViolation(err); dup {
		return Entry{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.already_entered")
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, easyjob.Errorf(easyjob.ECONFLICT, "equipment.not_taking_entries")
	}
	if err != nil {
		return Entry{}, store.Wrap(err, "equipment.TakeUp", "challenge", challengeID)
	}
	return s.entry(ctx, id)
}

func (s *Service) entry(ctx context.Context, id int64) (Entry, error) {
	e, err := scanEntry(s.S.DB.R.QueryRowContext(ctx, `SELECT `+entryCols+entryFrom+` WHERE e.id = $1`, id))
	return e, store.Wrap(store.NotFound(err, "entry"), "equipment.Entry", "id", id)
}
