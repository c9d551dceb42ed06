package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/match"
	"easyjob/internal/region"
)

// Proposal statuses.
const (
	ProposalProposed  = "proposed"
	ProposalConverted = "converted" // an offer was made
	ProposalFailed    = "failed"    // the offer could not be made (Error says why)
	ProposalDropped   = "dropped"   // an officer dropped it on review; never converted
	proposalClaimed   = "converting"
)

// MatchRun is one match day's batch proposal.
type MatchRun struct {
	ID        int64        `json:"id"`
	Region    string       `json:"region"`
	Day       easyjob.Date `json:"day"`
	CreatedBy int64        `json:"created_by"`
	CreatedAt time.Time    `json:"created_at"`
	Seekers   int          `json:"seekers"`        // seekers taking part
	Unmatched int          `json:"unmatched"`      // of them, left without a proposal
	Open      int          `json:"open,omitempty"` // proposals still to review (MatchRuns)
	Proposals []Proposal   `json:"proposals"`
}

// Proposal is one seeker proposed for one posting on a match day.
type Proposal struct {
	ID            int64     `json:"id"`
	SeekerID      int64     `json:"seeker_id"`
	PostingID     int64     `json:"posting_id"`
	Choice        int       `json:"choice"` // 0 = the seeker's first choice
	Score         float64   `json:"score"`
	EmployerScore float64   `json:"employer_score"`
	Status        string    `json:"status"`
	ApplicationID int64     `json:"application_id,omitempty"`
	Error         string    `json:"error,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	// For review by the officers of the run's region: whom and what.
	SeekerName   string `json:"seeker_name,omitempty"`
	County       string `json:"county,omitempty"`
	PostingTitle string `json:"posting_title,omitempty"`
	EmployerName string `json:"employer_name,omitempty"`
}

// matchRegion turns an officer's region into the seekers and postings of a
// match day: a county (a station) brings its seekers to every posting; a
// Shenzhen district brings the seekers of its twinned counties to its own
// postings; the city brings everyone everywhere.
func matchRegion(code string) (match.Region, bool) {
	switch {
	case code == easyjob.CityRegion:
		return match.Region{All: true}, true
	case strings.HasPrefix(code, easyjob.CityRegion) && len(code) == 6:
		rg := match.Region{Districts: []string{code}}
		for _, p := range region.TwinnedWith(code) {
			rg.Counties = append(rg.Counties, p.County)
		}
		return rg, true
	case len(code) == 6 && !strings.HasPrefix(code, easyjob.CityRegion):
		return match.Region{Counties: []string{code}}, true
	}
	return match.Region{}, false
}

// regionInScope tells whether an officer may run a match day for a region:
// their own, one inside it, or a county twinned with their district.
func regionInScope(a easyjob.Actor, code string) bool {
	return a.IsOfficer() && (a.Scope.County(code) || a.Scope.District(code))
}

// ProposeMatchDay runs a batch proposal for a region before a transport
// day: each seeker of the region gets at most one posting, no posting more
// than its remaining headcount, and the assignment is stable for the
// seekers' and employers' stated preferences (scores). Proposals are kept
// for review; ConvertProposals turns them into offers.
func (s *Store) ProposeMatchDay(ctx context.Context, a easyjob.Actor, code string, day easyjob.Date) (_ MatchRun, err error) {
	defer wrapErr(&err, "store.ProposeMatchDay", "day", day)
	var run MatchRun
	if !a.IsOfficer() {
		return run, Forbidden()
	}
	f := easyjob.Fields{}
	if code == "" {
		code = a.Region
		if a.Role == easyjob.RoleAdmin && code == "" {
			code = easyjob.CityRegion
		}
	}
	rg, ok := matchRegion(code)
	if !ok {
		f.Add("region", "field.region")
	}
	if day.IsZero() {
		f.Add("date", "field.required")
	} else if day.Before(s.today()) {
		f.Add("date", "field.date_past")
	}
	if err := f.Err(); err != nil {
		return run, err
	}
	if !regionInScope(a, code) {
		return run, Forbidden()
	}
	m, err := s.matching(ctx)
	if err != nil {
		return run, err
	}
	// Start from who is still free and what they have not left behind.
	if rg.Busy, rg.Excluded, err = s.matchDayApplications(ctx, rg); err != nil {
		return run, err
	}
	res, err := m.Index().Assign(rg, match.Date(day.Days()))
	if err != nil {
		return run, err
	}
	now := s.now()
	run = MatchRun{Region: code, Day: day, CreatedBy: a.UserID, CreatedAt: easyjob.FromMillis(now),
		Seekers: len(res.Assignments) + len(res.Unmatched), Unmatched: len(res.Unmatched), Proposals: []Proposal{}}
	err = s.Tx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO match_runs (region, day, created_by, created_at, seekers, unmatched)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, code, day, a.UserID, now, run.Seekers, run.Unmatched).Scan(&run.ID); err != nil {
			return err
		}
		const per = 500
		for i := 0; i < len(res.Assignments); i += per {
			chunk := res.Assignments[i:min(i+per, len(res.Assignments))]
			var b strings.Builder
			args := make([]any, 0, 7*len(chunk))
			b.WriteString(`INSERT INTO match_proposals (run_id, seeker_id, posting_id, choice, score, employer_score, created_at, status) VALUES `)
			for j, x := range chunk {
				if j > 0 {
					b.WriteString(", ")
				}
				n := len(args)
				b.WriteString("(" + placeholders(n+1, 7) + ", '" + ProposalProposed + "')")
				args = append(args, run.ID, x.SeekerID, x.PostingID, x.Choice, x.SeekerScore, x.EmployerScore, now)
			}
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return run, err
	}
	return s.MatchRun(ctx, a, run.ID)
}

// matchDayApplications reads, for the seekers of a match day's region, who
// is not free (an open offer, or a place accepted or taken: one open offer
// per seeker is also a database rule) and which postings each must not be
// proposed for (withdrawn, declined, rejected, a no-show or left there).
// Pending applications (applied, shortlisted) leave the seeker free: the
// proposal is converted on that application.
func (s *Store) matchDayApplications(ctx context.Context, rg match.Region) (map[int64]bool, map[int64][]int64, error) {
	var w Where
	w.Add("a.state NOT IN ('applied', 'shortlisted')")
	if !rg.All {
		var ors []string
		for _, c := range rg.Counties {
			ors = append(ors, "k.home_county = "+w.Arg(c))
		}
		for _, id := range rg.SeekerIDs {
			ors = append(ors, "k.id = "+w.Arg(id))
		}
		if len(ors) == 0 {
			return nil, nil, nil
		}
		w.Add("(" + strings.Join(ors, " OR ") + ")")
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.seeker_id, a.posting_id, a.state FROM applications a
		JOIN seekers k ON k.id = a.seeker_id`+w.SQL(), w.Args()...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	busy, excluded := map[int64]bool{}, map[int64][]int64{}
	for rows.Next() {
		var seeker, posting int64
		var state string
		if err := rows.Scan(&seeker, &posting, &state); err != nil {
			return nil, nil, err
		}
		switch st := easyjob.ApplicationState(state); {
		case st == easyjob.StateOffered || st.TakesHeadcount():
			busy[seeker] = true
		default:
			excluded[seeker] = append(excluded[seeker], posting)
		}
	}
	return busy, excluded, rows.Err()
}

// MatchRun returns a match day's run with its proposals.
func (s *Store) MatchRun(ctx context.Context, a easyjob.Actor, id int64) (_ MatchRun, err error) {
	defer wrapErr(&err, "store.MatchRun", "id", id)
	var run MatchRun
	if !a.IsOfficer() {
		return run, Forbidden()
	}
	var at int64
	err = s.DB.R.QueryRowContext(ctx, `SELECT id, region, day, created_by, created_at, seekers, unmatched FROM match_runs WHERE id = $1`, id).
		Scan(&run.ID, &run.Region, &run.Day, &run.CreatedBy, &at, &run.Seekers, &run.Unmatched)
	if err != nil {
		return run, NotFound(err, "resource")
	}
	if !regionInScope(a, run.Region) {
		return MatchRun{}, easyjob.NotFound("resource")
	}
	run.CreatedAt = easyjob.FromMillis(at)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT mp.id, mp.seeker_id, mp.posting_id, mp.choice, mp.score, mp.employer_score, mp.status,
		COALESCE(mp.application_id, 0), mp.error, mp.decided_at, k.name, k.home_county, p.title, e.name
		FROM match_proposals mp JOIN seekers k ON k.id = mp.seeker_id JOIN postings p ON p.id = mp.posting_id
		JOIN employers e ON e.id = p.employer_id WHERE mp.run_id = $1 ORDER BY mp.id`, id)
	if err != nil {
		return run, err
	}
	defer rows.Close()
	run.Proposals = []Proposal{}
	for rows.Next() {
		var p Proposal
		var dat int64
		if err := rows.Scan(&p.ID, &p.SeekerID, &p.PostingID, &p.Choice, &p.Score, &p.EmployerScore, &p.Status,
			&p.ApplicationID, &p.Error, &dat, &p.SeekerName, &p.County, &p.PostingTitle, &p.EmployerName); err != nil {
			return run, err
		}
		if dat != 0 {
			p.DecidedAt = easyjob.FromMillis(dat)
		}
		run.Proposals = append(run.Proposals, p)
	}
	return run, rows.Err()
}

// ConvertResult tells how many proposals became offers.
type ConvertResult struct {
	Converted int        `json:"converted"`
	Failed    int        `json:"failed"`
	Proposals []Proposal `json:"proposals"` // those handled, with their new status
}

// ConvertProposals turns reviewed proposals of a run into offers, in bulk:
// for each, the officer applies for the seeker (or takes the seeker's
// existing application) and offers the posting's start date (today at the
// earliest) and base pay through Transition, so every pipeline rule and the
// headcount hold. ids empty means every proposal still proposed. A
// proposal that cannot be offered is marked failed with the reason's key.
func (s *Store) ConvertProposals(ctx context.Context, a easyjob.Actor, runID int64, ids []int64) (_ ConvertResult, err error) {
	defer wrapErr(&err, "store.ConvertProposals", "runID", runID)
	res := ConvertResult{Proposals: []Proposal{}}
	run, err := s.MatchRun(ctx, a, runID)
	if err != nil {
		return res, err
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	found := 0
	for _, p := range run.Proposals {
		if len(ids) > 0 && !want[p.ID] {
			continue
		}
		found++
		if p.Status != ProposalProposed {
			continue
		}
		// Claim it: a proposal dropped (or converted) meanwhile is left alone.
		claim, err := s.DB.W.ExecContext(ctx, `UPDATE match_proposals SET status = $1 WHERE id = $2 AND status = $3`,
			proposalClaimed, p.ID, ProposalProposed)
		if err != nil {
			return res, err
		}
		if n, _ := claim.RowsAffected(); n == 0 {
			continue
		}
		appID, err := s.offerProposal(ctx, a, p)
		p.DecidedAt = s.Clock.Now()
		if err != nil {
			var e *easyjob.Error
			if !errors.As(err, &e) || e.Code == easyjob.EINTERNAL {
				s.DB.W.ExecContext(ctx, `UPDATE match_proposals SET status = $1 WHERE id = $2 AND status = $3`,
					ProposalProposed, p.ID, proposalClaimed)
				return res, err
			}
			p.Status, p.Error = ProposalFailed, e.Msg.Key
			for _, fm := range e.Fields {
				p.Error = fm.Key
				break
			}
			res.Failed++
		} else {
			p.Status, p.ApplicationID = ProposalConverted, appID
			res.Converted++
		}
		var app any
		if appID != 0 {
			app = appID
		}
		if _, err := s.DB.W.ExecContext(ctx, `UPDATE match_proposals SET status = $1, application_id = $2, error = $3, decided_at = $4
			WHERE id = $5 AND status = $6`, p.Status, app, p.Error, easyjob.Millis(p.DecidedAt), p.ID, proposalClaimed); err != nil {
			return res, err
		}
		res.Proposals = append(res.Proposals, p)
	}
	if found < len(want) {
		f := easyjob.Fields{}
		f.Add("proposal_ids", "field.id")
		return res, f.Err()
	}
	return res, nil
}

func (s *Store) offerProposal(ctx context.Context, a easyjob.Actor, p Proposal) (int64, error) {
	app, err := s.Apply(ctx, a, p.SeekerID, p.PostingID)
	var appID int64
	if err != nil {
		var e *easyjob.Error
		if !errors.As(err, &e) || e.Msg.Key != "application.duplicate" {
			return 0, err
		}
		if err := s.DB.R.QueryRowContext(ctx, `SELECT id FROM applications WHERE seeker_id = $1 AND posting_id = $2`,
			p.SeekerID, p.PostingID).Scan(&appID); err != nil {
			return 0, err
		}
	} else {
		appID = app.ID
	}
	var start easyjob.Date
	var pay int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT start_date, pay_min FROM postings WHERE id = $1`, p.PostingID).Scan(&start, &pay); err != nil {
		return appID, err
	}
	if start.Before(s.today()) {
		start = s.today()
	}
	_, err = s.Transition(ctx, a, appID, Move{To: easyjob.StateOffered, StartDate: start, Pay: max(pay, s.MinWage),
		Reason: "match day"})
	return appID, err
}

// DropProposals drops proposals of a run on review: they are never
// converted. Only proposals still proposed are dropped (a conditional
// update, so a drop and a conversion racing cannot both win); it returns
// how many were. ids must belong to the run.
func (s *Store) DropProposals(ctx context.Context, a easyjob.Actor, runID int64, ids []int64) (_ int, err error) {
	defer wrapErr(&err, "store.DropProposals", "runID", runID)
	run, err := s.MatchRun(ctx, a, runID)
	if err != nil {
		return 0, err
	}
	in := map[int64]bool{}
	for _, p := range run.Proposals {
		in[p.ID] = true
	}
	f := easyjob.Fields{}
	if len(ids) == 0 {
		f.Add("proposal_ids", "matchday.none_chosen")
	}
	for _, id := range ids {
		if !in[id] {
			f.Add("proposal_ids", "field.id")
			break
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	n := 0
	err = s.Tx(ctx, func(tx *Tx) error {
		n = 0
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE match_proposals SET status = $1, decided_at = $2 WHERE id = $3 AND run_id = $4 AND status = $5`,
				ProposalDropped, tx.At, id, runID, ProposalProposed)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	return n, err
}

// MatchRuns lists the latest match days the officer may review, newest
// first, without their proposals.
func (s *Store) MatchRuns(ctx context.Context, a easyjob.Actor) (_ []MatchRun, err error) {
	defer wrapErr(&err, "store.MatchRuns")
	if !a.IsOfficer() {
		return nil, Forbidden()
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.id, r.region, r.day, r.created_by, r.created_at, r.seekers, r.unmatched,
		(SELECT COUNT(*) FROM match_proposals mp WHERE mp.run_id = r.id AND mp.status = 'proposed')
		FROM match_runs r ORDER BY r.id DESC LIMIT 200`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []MatchRun{}
	for rows.Next() {
		var r MatchRun
		var at int64
		if err := rows.Scan(&r.ID, &r.Region, &r.Day, &r.CreatedBy, &at, &r.Seekers, &r.Unmatched, &r.Open); err != nil {
			return nil, err
		}
		r.CreatedAt = easyjob.FromMillis(at)
		if regionInScope(a, r.Region) && len(out) < 50 {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}
