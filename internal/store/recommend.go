package store

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/match"
	"easyjob/internal/region"
	"easyjob/internal/search"
)

// Reason is one factor of a score, as a message key with arguments; the API
// renders Message in the reader's language.
type Reason struct {
	Key     string         `json:"key"`
	Args    map[string]any `json:"args,omitempty"`
	Message string         `json:"message"`
}

// Recommendation is one posting recommended to a seeker. Kind is "match"
// for a posting in one of the seeker's trades and "also" for one they could
// also do (a fallback, ranked below every match, its grounds first among
// its reasons).
type Recommendation struct {
	Posting easyjob.Posting `json:"posting"`
	Score   float64         `json:"score"`
	Reasons []Reason        `json:"reasons"`
	Kind    string          `json:"kind"`
}

// Kinds of recommendations.
const (
	KindMatch = "match"
	KindAlso  = "also"
)

// EmptyPage says why a seeker's page of recommendations is empty, in the
// seeker's words: Cause is one of no_open, no_trade, age, age_unknown,
// available, pay, applied, combined; Reason says why and what would change
// it (a message key with its arguments; the API renders Message).
type EmptyPage struct {
	Cause  string `json:"cause"`
	Reason Reason `json:"reason"`
}

// RecommendationPage is a seeker's page: the direct matches, best first,
// then what they could also do; Empty explains a page without items.
type RecommendationPage struct {
	Items  []Recommendation `json:"items"`
	Direct int              `json:"direct"` // the first Direct items are matches
	Empty  *EmptyPage       `json:"empty,omitempty"`
}

// Candidate is one seeker proposed for a posting. The seeker is masked
// unless they applied to one of the employer's postings.
type Candidate struct {
	Seeker  easyjob.Seeker `json:"seeker"`
	Score   float64        `json:"score"`
	Reasons []Reason       `json:"reasons"`
	Applied bool           `json:"applied"`
	// Ref is the opaque reference the posting's employer invites the
	// candidate by (Invite); empty once they applied.
	Ref string `json:"ref,omitempty"`
	// Invited is the invitation's status, "" when none was sent.
	Invited InvitationStatus `json:"invited,omitempty"`
}

func reasons(rs []match.Reason) []Reason {
	out := make([]Reason, len(rs))
	for i, r := range rs {
		out[i] = Reason{Key: r.Key, Args: r.Args}
	}
	return out
}

func (s *Store) matching(ctx context.Context) (*Matching, error) {
	if s.Matching == nil {
		return nil, easyjob.Internal(errors.New("matching is not started"))
	}
	if err := s.Matching.readyOrBusy(ctx); err != nil {
		if easyjob.ErrorCode(err) == easyjob.EUNAVAILABLE {
			return nil, err
		}
		return nil, easyjob.Internal(err)
	}
	return s.Matching, nil
}

// checkLimit accepts 1–100.
func checkLimit(limit int) error {
	if limit < 1 || limit > 100 {
		f := easyjob.Fields{}
		f.Add("limit", "error.range", "min", 1, "max", 100)
		return f.Err()
	}
	return nil
}

// Recommendations returns up to limit open postings for a seeker, best
// first, with the reasons of each score: the matches of the seeker's
// trades, then, when they are fewer than limit, postings the seeker could
// also do (Kind "also"). The seeker sees their own; an officer those of the
// seekers of their region. See RecommendationPage for why a page is empty.
func (s *Store) Recommendations(ctx context.Context, a easyjob.Actor, seekerID int64, limit int) ([]Recommendation, error) {
	pg, err := s.RecommendationPage(ctx, a, seekerID, limit)
	return pg.Items, err
}

// RecommendationPage is Recommendations with the number of direct matches
// and, for an empty page, why it is empty and what would change it.
func (s *Store) RecommendationPage(ctx context.Context, a easyjob.Actor, seekerID int64, limit int) (_ RecommendationPage, err error) {
	defer wrapErr(&err, "store.Recommendations", "seekerID", seekerID)
	var none RecommendationPage
	if err := checkLimit(limit); err != nil {
		return none, err
	}
	m, err := s.matching(ctx)
	if err != nil {
		return none, err
	}
	if !(a.Role == easyjob.RoleSeeker && a.SeekerID == seekerID) {
		// The home county never changes: from the index when it holds
		// the seeker, else from the database.
		county, ok := m.Index().SeekerCounty(seekerID)
		if !ok {
			err := s.DB.R.QueryRowContext(ctx, `SELECT home_county FROM seekers WHERE id = $1`, seekerID).Scan(&county)
			if err != nil {
				return none, NotFound(err, "seeker")
			}
		}
		if !a.IsOfficer() || !a.Scope.County(county) {
			return none, Forbidden()
		}
	}
	// Postings already applied to stay on the page, as before fallbacks:
	// the posting's page shows the application.
	pg, err := m.Index().RecommendPageByID(seekerID, m.today(), limit, nil)
	if errors.Is(err, match.ErrNotFound) {
		// Written a moment ago by another process, or unknown.
		if err := m.refreshOne(ctx, seekerID); err != nil {
			return none, err
		}
		pg, err = m.Index().RecommendPageByID(seekerID, m.today(), limit, nil)
		if errors.Is(err, match.ErrNotFound) {
			return none, easyjob.NotFound("seeker")
		}
	}
	if err != nil {
		return none, err
	}
	recs := pg.Items
	ps, err := m.postings(ctx, len(recs), func(i int) int64 { return recs[i].PostingID })
	if err != nil {
		return none, err
	}
	out := RecommendationPage{Items: make([]Recommendation, 0, len(recs))}
	for i, r := range recs {
		p, ok := ps[r.PostingID]
		if !ok {
			continue
		}
		kind := KindMatch
		if r.Kind == match.KindAlso {
			kind = KindAlso
		} else if i < pg.Direct {
			out.Direct++
		}
		out.Items = append(out.Items, Recommendation{Posting: p, Score: r.Score, Reasons: reasons(r.Reasons), Kind: kind})
	}
	if pg.Empty.Cause != match.NotEmpty {
		out.Empty = &EmptyPage{Cause: pg.Empty.Cause.String(), Reason: Reason{Key: pg.Empty.Reason.Key, Args: pg.Empty.Reason.Args}}
	}
	return out, nil
}

// ShortBelow is the page size under which a seeker counts as short of
// recommendations for officers (ShortCounts).
const ShortBelow = 5

// CountyShort is, for one home county, how many of its active seekers
// (not placed) there are and how many of them have fewer than Below
// recommendations, matches and fallbacks together.
type CountyShort struct {
	County  string `json:"county"`
	Name    string `json:"name"`
	Seekers int    `json:"seekers"`
	Short   int    `json:"short"`
}

// ShortCounts is the per-county count of seekers short of recommendations,
// as of a moment at most a minute or so old (it is counted over every seeker
// in memory, at most about once a minute per process).
type ShortCounts struct {
	Below int           `json:"below"`
	AsOf  time.Time     `json:"as_of"`
	Items []CountyShort `json:"items"`
}

// ShortCounts counts, per home county in the officer's scope, the seekers
// with fewer than ShortBelow recommendations (officers and admins).
func (s *Store) ShortCounts(ctx context.Context, a easyjob.Actor) (_ ShortCounts, err error) {
	defer wrapErr(&err, "store.ShortCounts")
	if !a.IsOfficer() {
		return ShortCounts{}, Forbidden()
	}
	m, err := s.matching(ctx)
	if err != nil {
		return ShortCounts{}, err
	}
	c := m.shortCounts()
	out := ShortCounts{Below: c.below, AsOf: c.asOf, Items: []CountyShort{}}
	for _, x := range c.items {
		if a.Scope.County(x.County) {
			out.Items = append(out.Items, CountyShort{County: x.County, Name: region.FullName(x.County), Seekers: x.Seekers, Short: x.Short})
		}
	}
	return out, nil
}

func (m *Matching) refreshOne(ctx context.Context, seekerID int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.refreshSeekers(ctx, []int64{seekerID})
}

// postings returns n postings from memory, reading those missing.
func (m *Matching) postings(ctx context.Context, n int, id func(int) int64) (map[int64]easyjob.Posting, error) {
	out := make(map[int64]easyjob.Posting, n)
	var missing []int64
	for i := range n {
		if p, ok := m.posting(id(i)); ok {
			out[p.ID] = p
		} else {
			missing = append(missing, id(i))
		}
	}
	if len(missing) > 0 {
		more, err := m.s.postingsByID(ctx, missing)
		if err != nil {
			return nil, err
		}
		for k, v := range more {
			out[k] = v
		}
	}
	return out, nil
}

// postingsByID reads postings by id.
func (s *Store) postingsByID(ctx context.Context, ids []int64) (map[int64]easyjob.Posting, error) {
	out := make(map[int64]easyjob.Posting, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cond, args := inList("p.id", ids)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+postingCols+` FROM postings p JOIN employers e ON e.id = p.employer_id
		WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPosting(rows)
		if err != nil {
			return nil, err
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}

// Candidates returns up to limit seekers for a posting, best first, with
// reasons: for the posting's employer and the officers of its district.
// The employer sees a seeker who applied to one of its postings with name
// and phone (audited; the ID number as MaskIDForEmployer) and any other
// only Anonymous, with anonymousReasons; officers see them masked (Mask).
func (s *Store) Candidates(ctx context.Context, a easyjob.Actor, postingID int64, limit int) (_ []Candidate, err error) {
	defer wrapErr(&err, "store.Candidates", "postingID", postingID)
	return s.candidates(ctx, a, postingID, limit, true)
}

// candidates answers Candidates; with memory, the posting's owner, the
// seekers and who applied come from Matching's memory when it holds them
// (the same answer: TestCandidatesFromMemoryEqualDatabase), else from the
// database.
func (s *Store) candidates(ctx context.Context, a easyjob.Actor, postingID int64, limit int, memory bool) (_ []Candidate, err error) {
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	m, err := s.matching(ctx)
	if err != nil {
		return nil, err
	}
	emp, district, found := int64(0), "", false
	if memory {
		emp, district, found = m.postingOwner(postingID)
	}
	if !found {
		err = s.DB.R.QueryRowContext(ctx, `SELECT employer_id, district FROM postings WHERE id = $1`, postingID).Scan(&emp, &district)
		if err != nil {
			return nil, NotFound(err, "posting")
		}
	}
	if !(a.Role == easyjob.RoleEmployer && a.EmployerID == emp) && !a.Scope.District(district) {
		return nil, Forbidden()
	}
	cs, err := m.Index().Candidates(postingID, m.today(), limit)
	if errors.Is(err, match.ErrNotFound) {
		return []Candidate{}, nil // not open or full: nobody to propose
	}
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return []Candidate{}, nil
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.SeekerID
	}
	// seekers are masked (Mask) when masked is true, in clear otherwise;
	// contact holds the clear ones an employer may see.
	var seekers, contact map[int64]easyjob.Seeker
	var applied map[int64]bool
	masked := false
	if memory {
		seekers, applied, masked, err = m.candidateSeekers(ctx, ids, emp)
		if err != nil {
			return nil, err
		}
	}
	if !masked {
		if seekers, err = s.seekersByID(ctx, ids); err != nil {
			return nil, err
		}
		if applied, err = s.appliedToEmployer(ctx, ids, emp); err != nil {
			return nil, err
		}
		contact = seekers
	} else if a.Role == easyjob.RoleEmployer && len(applied) > 0 {
		if contact, err = s.seekersByID(ctx, keys(applied)); err != nil {
			return nil, err
		}
	}
	invited, err := s.invited(ctx, postingID)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, 0, len(cs))
	var audited []int64
	for _, c := range cs {
		k, ok := seekers[c.SeekerID]
		if !ok {
			continue
		}
		x := Candidate{Score: c.Score, Reasons: reasons(c.Reasons), Applied: applied[k.ID], Invited: invited[k.ID]}
		if !x.Applied {
			if x.Ref, err = s.CandidateRef(postingID, k.ID); err != nil {
				return nil, err
			}
		}
		// With memory, k is already masked: Mask keeps what Anonymous reads,
		// and a masked name masks to itself.
		switch {
		case a.Role == easyjob.RoleEmployer && x.Applied:
			open, ok := contact[k.ID]
			if !ok {
				continue // erased meanwhile
			}
			if !masked {
				k = Mask(k)
			}
			k.Name, k.Phone, k.Masked = open.Name, open.Phone, false
			k.IDNumber = ident.MaskIDForEmployer(open.IDNumber)
			audited = append(audited, k.ID)
		case a.Role == easyjob.RoleEmployer:
			k, x.Reasons = Anonymous(k), anonymousReasons(x.Reasons)
		case !masked:
			k = Mask(k)
		}
		x.Seeker = k
		out = append(out, x)
	}
	if len(audited) > 0 {
		err := s.Tx(ctx, func(tx *Tx) error {
			for _, id := range audited {
				if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor_id, seeker_id, action, reason, at) VALUES ($1, $2, $3, $4, $5)`,
					a.UserID, id, "view_contact", ReasonApplied, tx.At); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// anonymousReasons are a candidate's reasons as an employer sees them before
// the candidate applied: the policy priorities become one
// ("reason.policy_priority") so registered-poor status does not show, and
// fellow villagers at the employer are left out, since the employer knows
// where its workers come from and would learn the candidate's county.
func anonymousReasons(rs []Reason) []Reason {
	out := make([]Reason, 0, len(rs))
	priority := false
	for _, r := range rs {
		switch r.Key {
		case match.ReasonPolicyPoor, match.ReasonPolicyTwinned:
			if !priority {
				out = append(out, Reason{Key: ReasonPolicyPriority})
			}
			priority = true
		case match.ReasonVillagers:
		default:
			out = append(out, r)
		}
	}
	return out
}

// ReasonPolicyPriority stands for the policy priorities (registered poor,
// twinned county) in what employers see of candidates who have not applied.
const ReasonPolicyPriority = "reason.policy_priority"

// SearchQuery is a keyword search with filters over published postings
// with places left.
type SearchQuery struct {
	ListOptions
	Q          string
	District   string
	Occupation string
	PayMin     int
	PayMax     int
	Dorm       bool
	Meals      bool
	StartFrom  easyjob.Date
	StartTo    easyjob.Date
}

// SearchResult is one page of postings found, best first, the number
// found, and facet counts over all of them.
type SearchResult struct {
	Items      []easyjob.Posting `json:"items"`
	Total      int               `json:"total"`
	Facets     search.Facets     `json:"facets"`
	NextCursor string            `json:"next_cursor"`
}

var (
	districtRe   = regexp.MustCompile(`^[0-9]{2,9}$`)
	occupationRe = regexp.MustCompile(`^[0-9](-[0-9]{2}){0,3}$`)
)

// MaxSearchOffset bounds how deep search pages go.
const MaxSearchOffset = 10_000

// Validate checks the filters; errors name the field.
func (q SearchQuery) Validate() error {
	f := easyjob.Fields{}
	if q.District != "" && !districtRe.MatchString(q.District) {
		f.Add("district", "field.district")
	}
	if q.Occupation != "" && !occupationRe.MatchString(q.Occupation) {
		f.Add("occupation", "field.occupation")
	}
	if q.PayMin < 0 || q.PayMin > 1_000_000 {
		f.Add("pay_min", "error.range", "min", 0, "max", 1_000_000)
	}
	if q.PayMax < 0 || q.PayMax > 1_000_000 {
		f.Add("pay_max", "error.range", "min", 0, "max", 1_000_000)
	}
	if q.PayMax > 0 && q.PayMin > q.PayMax {
		f.Add("pay_max", "field.pay_range")
	}
	if !q.StartFrom.IsZero() && !q.StartTo.IsZero() && q.StartTo.Before(q.StartFrom) {
		f.Add("start_to", "field.date")
	}
	if q.Limit < 0 || q.Limit > 100 {
		f.Add("limit", "error.range", "min", 1, "max", 100)
	}
	return f.Err()
}

// Search finds published postings with places left by keywords (segmented
// Chinese, all words must occur in the title, the employer's name or the
// description) and filters, ordered by relevance then freshness.
func (s *Store) Search(ctx context.Context, a easyjob.Actor, q SearchQuery) (_ SearchResult, err error) {
	defer wrapErr(&err, "store.Search")
	var empty SearchResult
	if err := q.Validate(); err != nil {
		return empty, err
	}
	m, err := s.matching(ctx)
	if err != nil {
		return empty, err
	}
	offset, err := decodeCursor(q.Cursor)
	if err != nil {
		return empty, err
	}
	if offset > MaxSearchOffset {
		f := easyjob.Fields{}
		f.Add("cursor", "field.cursor")
		return empty, f.Err()
	}
	limit := q.limit()
	f := search.Filter{Terms: search.Query(q.Q), District: q.District, Occupation: q.Occupation,
		PayMin: q.PayMin, PayMax: q.PayMax, Dorm: q.Dorm, Meals: q.Meals, Today: s.today().Days(),
		Offset: int(offset), Limit: limit}
	if !q.StartFrom.IsZero() {
		f.StartFrom = q.StartFrom.Days()
	}
	if !q.StartTo.IsZero() {
		f.StartTo = q.StartTo.Days()
	}
	if q.Q != "" && len(f.Terms) == 0 {
		// Nothing searchable (only symbols or emoji): nothing found.
		return SearchResult{Items: []easyjob.Posting{}, Facets: search.Facets{District: map[string]int{}, Occupation: map[string]int{}}}, nil
	}
	r := m.SearchIndex().Search(f)
	ps, err := m.postings(ctx, len(r.Hits), func(i int) int64 { return r.Hits[i].ID })
	if err != nil {
		return empty, err
	}
	out := SearchResult{Items: make([]easyjob.Posting, 0, len(r.Hits)), Total: r.Total, Facets: r.Facets}
	for _, h := range r.Hits {
		if p, ok := ps[h.ID]; ok {
			out.Items = append(out.Items, p)
		}
	}
	if next := int(offset) + limit; next < r.Total && next <= MaxSearchOffset {
		out.NextCursor = encodeCursor(int64(next))
	}
	return out, nil
}

// PolicyInput is the officer-set part of scoring.
type PolicyInput struct {
	PoorWeight      float64 `json:"poor_weight"`
	TwinnedWeight   float64 `json:"twinned_weight"`
	CongestionAlpha float64 `json:"congestion_alpha"`
}

// MatchPolicy returns the scoring policy in force.
func (s *Store) MatchPolicy(ctx context.Context) (_ PolicyInput, err error) {
	defer wrapErr(&err, "store.MatchPolicy")
	pol, _, err := s.loadPolicy(ctx)
	return PolicyInput{PoorWeight: pol.PoorWeight, TwinnedWeight: pol.TwinnedWeight, CongestionAlpha: pol.CongestionAlpha}, err
}

// SetMatchPolicy sets the priority weights and the congestion factor
// (admins and city officers). Every process follows within a second.
func (s *Store) SetMatchPolicy(ctx context.Context, a easyjob.Actor, in PolicyInput) (_ PolicyInput, err error) {
	defer wrapErr(&err, "store.SetMatchPolicy")
	if !a.IsCityWide() {
		return in, Forbidden()
	}
	f := easyjob.Fields{}
	for _, x := range []struct {
		name string
		v    float64
	}{{"poor_weight", in.PoorWeight}, {"twinned_weight", in.TwinnedWeight}, {"congestion_alpha", in.CongestionAlpha}} {
		if !(x.v >= 0 && x.v <= 10) {
			f.Add(x.name, "error.range", "min", 0, "max", 10)
		}
	}
	if err := f.Err(); err != nil {
		return in, err
	}
	pol := match.DefaultPolicy()
	pol.PoorWeight, pol.TwinnedWeight, pol.CongestionAlpha = in.PoorWeight, in.TwinnedWeight, in.CongestionAlpha
	b, _ := json.Marshal(pol)
	now := s.now()
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO match_policy (id, policy, updated_by, updated_at) VALUES (1, $1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET policy = $1, updated_by = $2, updated_at = $3`, string(b), a.UserID, now)
	if err != nil {
		return in, err
	}
	if m := s.Matching; m != nil && m.built.Load() {
		m.mu.Lock()
		err = m.Index().SetPolicy(pol)
		m.polVer = now
		m.mu.Unlock()
	}
	return in, err
}
