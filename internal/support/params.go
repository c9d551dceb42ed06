package support

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/policy"
	"easyjob/internal/store"
)

// Officers' parameter versions (support_param_versions). The embedded rules are the source;
// each row adds one dated value with policy.Rules.WithParam, in id order, when the rules are
// loaded. A value takes effect on its date and is dated strictly after the parameter's last
// value and after today, so no result for an earlier date — nor one already shown — changes.

// ParamVersion is one dated value of a measure's parameter: from the rule file (ID 0) or set
// by an officer.
type ParamVersion struct {
	ID        int64        `json:"id,omitempty"`
	Measure   string       `json:"measure"`
	Param     string       `json:"param"`
	From      easyjob.Date `json:"from"`
	Value     *float64     `json:"value"` // null: not known from this date
	Source    string       `json:"source"`
	Note      policy.Text  `json:"note"`
	Embedded  bool         `json:"embedded"` // from the rule file in the binary
	CreatedBy int64        `json:"created_by,omitempty"`
	CreatedAt time.Time    `json:"created_at,omitzero"`
}

// ParamChange is an officer's new value of a parameter.
type ParamChange struct {
	Param  string       `json:"param"`
	From   easyjob.Date `json:"from"`
	Value  *float64     `json:"value"`
	Source string       `json:"source"` // e.g. the notice that decided it
	Note   policy.Text  `json:"note"`
}

// ruleSet is the rules as loaded, with the highest version id applied.
type ruleSet struct {
	rules    *policy.Rules
	version  int64
	versions []ParamVersion // officers' rows, in id order
}

// Rules returns the rules in force: the embedded ones with every officer's version applied.
// It asks the database for the latest version id (cheap) and reloads when another process
// or request added one.
func (s *Service) Rules(ctx context.Context) (_ *policy.Rules, err error) {
	rs, err := s.ruleSet(ctx)
	if err != nil {
		return nil, err
	}
	return rs.rules, nil
}

func (s *Service) ruleSet(ctx context.Context) (_ *ruleSet, err error) {
	defer func() { err = store.Wrap(err, "support.Rules") }()
	var latest int64
	if err := s.S.DB.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM support_param_versions`).Scan(&latest); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loaded != nil && s.loaded.version == latest {
		return s.loaded, nil
	}
	base, err := policy.Default()
	if err != nil {
		return nil, err
	}
	vs, err := store.Select(ctx, s.S.DB.R, scanVersion, `SELECT `+versionCols+` FROM support_param_versions ORDER BY id`)
	if err != nil {
		return nil, err
	}
	r := base
	var version int64
	for _, v := range vs {
		next, err := r.WithParam(v.Measure, v.Param, v.dated())
		if err != nil {
			// A row that no longer fits (the rule file changed under it) is skipped and
			// logged, not fatal: the embedded rules stay in force.
			s.S.Log.Warn("support: parameter version skipped", "id", v.ID, "measure", v.Measure, "param", v.Param, "err", err)
			continue
		}
		r = next
	}
	if len(vs) > 0 {
		version = vs[len(vs)-1].ID
	}
	s.loaded = &ruleSet{rules: r, version: version, versions: vs}
	return s.loaded, nil
}

const versionCols = `id, measure, param, from_date, value, source, note_zh, note_en, created_by, created_at`

func scanVersion(row store.Scanner) (ParamVersion, error) {
	var v ParamVersion
	var val sql.NullFloat64
	var at int64
	err := row.Scan(&v.ID, &v.Measure, &v.Param, &v.From, &val, &v.Source, &v.Note.Zh, &v.Note.En, &v.CreatedBy, &at)
	if val.Valid {
		v.Value = &val.Float64
	}
	v.CreatedAt = easyjob.FromMillis(at)
	return v, err
}

func (v ParamVersion) dated() policy.DatedValue {
	return policy.DatedValue{From: v.From, Value: v.Value, Source: v.Source, Note: v.Note}
}

// MeasureInfo is a measure of the catalogue with its parameters' versions.
type MeasureInfo struct {
	Slug           string        `json:"slug"`
	No             int           `json:"no"`
	Title          policy.Text   `json:"title"`
	Department     string        `json:"department"`
	DepartmentName policy.Text   `json:"department_name"`
	Automatic      bool          `json:"automatic"` // granted without application (免申即享), as the city runs it
	ValidFrom      easyjob.Date  `json:"valid_from"`
	ValidTo        easyjob.Date  `json:"valid_to"`
	Params         []ParamInfo   `json:"params"`
	Caveats        []policy.Text `json:"caveats"`
	Documents      []policy.Text `json:"documents"`
	Versions       int           `json:"versions"` // officers' versions
	Source         string        `json:"source"`
	m              *policy.Measure
}

// ParamInfo is one parameter with its values over time.
type ParamInfo struct {
	Name     string         `json:"name"`
	Type     string         `json:"type"`
	Text     policy.Text    `json:"text"`
	Versions []ParamVersion `json:"versions"`
}

// Measures lists the measures as the city runs them, with their parameters' versions.
func (s *Service) Measures(ctx context.Context) ([]MeasureInfo, error) {
	rs, err := s.ruleSet(ctx)
	if err != nil {
		return nil, err
	}
	var out []MeasureInfo
	for _, m := range rs.rules.Measures() {
		out = append(out, info(m, rs.versions))
	}
	return out, nil
}

// Measure returns one measure of the catalogue.
func (s *Service) Measure(ctx context.Context, slug string) (MeasureInfo, error) {
	rs, err := s.ruleSet(ctx)
	if err != nil {
		return MeasureInfo{}, err
	}
	m := rs.rules.Measure(slug)
	if m == nil {
		return MeasureInfo{}, easyjob.NotFound("measure")
	}
	return info(m, rs.versions), nil
}

func info(m *policy.Measure, officers []ParamVersion) MeasureInfo {
	run := running(m.Slug)
	d, _ := DepartmentOf(run.Department)
	mi := MeasureInfo{Slug: m.Slug, No: m.No, Title: m.Title, Department: d.Key, DepartmentName: d.Name,
		Automatic: run.Automatic, Caveats: m.Caveats(), Documents: m.Documents, Source: m.Source.Document, m: m,
		Params: []ParamInfo{}}
	if mi.Caveats == nil {
		mi.Caveats = []policy.Text{}
	}
	if mi.Documents == nil {
		mi.Documents = []policy.Text{}
	}
	if len(m.Validity) > 0 {
		mi.ValidFrom, mi.ValidTo = m.Validity[0].From, m.Validity[len(m.Validity)-1].To
	}
	for _, p := range m.Params {
		pi := ParamInfo{Name: p.Name, Type: string(p.Type), Text: p.Text, Versions: []ParamVersion{}}
		for _, v := range p.Values {
			pv := ParamVersion{Measure: m.Slug, Param: p.Name, From: v.From, Value: v.Value, Source: v.Source, Note: v.Note, Embedded: true}
			for _, o := range officers {
				if o.Measure == m.Slug && o.Param == p.Name && o.From.String() == v.From.String() {
					pv = o // applied from the table
					mi.Versions++
				}
			}
			pi.Versions = append(pi.Versions, pv)
		}
		mi.Params = append(mi.Params, pi)
	}
	return mi
}

// mayChange tells whether a may change the measure's parameters: an admin, or a member of
// the department that runs it.
func (s *Service) mayChange(ctx context.Context, a easyjob.Actor, slug string) (bool, error) {
	if a.Role == easyjob.RoleAdmin {
		return true, nil
	}
	if !a.IsOfficer() {
		return false, nil
	}
	m, err := s.Membership(ctx, a.UserID)
	if err != nil || m == nil {
		return false, err
	}
	return m.Department == running(slug).Department, nil
}

// checkChange validates a change against the rules r and today; it returns the rules with
// the change applied.
func checkChange(r *policy.Rules, slug string, in *ParamChange, today easyjob.Date) (*policy.Rules, error) {
	in.Param, in.Source = strings.TrimSpace(in.Param), strings.TrimSpace(in.Source)
	in.Note.Zh, in.Note.En = strings.TrimSpace(in.Note.Zh), strings.TrimSpace(in.Note.En)
	f := easyjob.Fields{}
	if !in.From.IsZero() && !in.From.After(today) {
		f.Add("from", "support.param.not_future", "today", today.String())
		return nil, f.Err()
	}
	if len([]rune(in.Source)) > 200 {
		f.Add("source", "field.too_long", "max", 200)
	}
	if len([]rune(in.Note.Zh)) > 500 || len([]rune(in.Note.En)) > 500 {
		f.Add("note", "field.too_long", "max", 500)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return r.WithParam(slug, in.Param, policy.DatedValue{From: in.From, Value: in.Value, Source: in.Source, Note: in.Note})
}

// SetParam records an officer's new value of a parameter, effective from in.From (after
// today). Nothing is saved when the change does not fit: the error names the field.
func (s *Service) SetParam(ctx context.Context, a easyjob.Actor, slug string, in ParamChange) (_ MeasureInfo, err error) {
	defer func() { err = store.Wrap(err, "support.SetParam", "measure", slug) }()
	ok, err := s.mayChange(ctx, a, slug)
	if err != nil {
		return MeasureInfo{}, err
	}
	if !ok {
		return MeasureInfo{}, forbidden()
	}
	r, err := s.Rules(ctx)
	if err != nil {
		return MeasureInfo{}, err
	}
	if _, err := checkChange(r, slug, &in, s.S.Today()); err != nil {
		return MeasureInfo{}, err
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO support_param_versions (measure, param, from_date, value, source, note_zh, note_en, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, slug, in.Param, in.From, in.Value, in.Source, in.Note.Zh, in.Note.En, a.UserID, tx.At)
		if _, ok := store.UniqueViolation(err); ok {
			f := easyjob.Fields{}
			f.Add("from", "policy.param.not_after_last")
			return f.Err()
		}
		return err
	})
	if err != nil {
		return MeasureInfo{}, err
	}
	return s.Measure(ctx, slug)
}

// PreviewRow is one sample profile's answer before and after a change, on a date.
type PreviewRow struct {
	Name    string `json:"name"`
	AsOf    string `json:"as_of"`
	Before  Item   `json:"before"`
	After   Item   `json:"after"`
	Changed bool   `json:"changed"`
}

// Sample is a named sample profile for previews.
type Sample struct {
	Name    string
	Profile policy.Profile
}

// PreviewParam answers the measure for the samples on the day before the change and on its
// date, with the rules as they are and with the change, without saving anything.
func (s *Service) PreviewParam(ctx context.Context, a easyjob.Actor, slug string, in ParamChange, samples []Sample) (_ []PreviewRow, err error) {
	defer func() { err = store.Wrap(err, "support.PreviewParam", "measure", slug) }()
	ok, err := s.mayChange(ctx, a, slug)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, forbidden()
	}
	r, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	next, err := checkChange(r, slug, &in, s.S.Today())
	if err != nil {
		return nil, err
	}
	var out []PreviewRow
	for _, d := range []easyjob.Date{in.From.AddDays(-1), in.From} {
		if policy.CheckAsOf(d) != nil {
			continue
		}
		for _, sm := range samples {
			b, err1 := r.EvaluateOne(slug, sm.Profile, d)
			n, err2 := next.EvaluateOne(slug, sm.Profile, d)
			if err1 != nil || err2 != nil {
				continue // a sample that does not validate is left out
			}
			bi, ni := itemOf(b, a.Lang), itemOf(n, a.Lang)
			out = append(out, PreviewRow{Name: sm.Name, AsOf: d.String(), Before: bi, After: ni,
				Changed: bi.Status != ni.Status || !sameEstimate(bi.EstimateCNY, ni.EstimateCNY)})
		}
	}
	return out, nil
}

func sameEstimate(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func fptr(v float64) *float64 { return &v }
func iptr(v int) *int         { return &v }
func bptr(v bool) *bool       { return &v }

// FixedSamples are illustrative profiles every preview shows.
var FixedSamples = []Sample{
	{Name: "小型电子厂（龙岗，120 人）", Profile: policy.Profile{Staff: iptr(120), StaffSameMonthLastYear: iptr(118), SME: bptr(true),
		StateOwned: bptr(false), Industry: "C", District: "440307", Activities: []string{}, EpidemicDifficulty: bptr(true),
		Landlord: "soe", MonthlyRentCNY: fptr(45000), SewageFeeMonthlyCNY: fptr(900), BasicElectricityChargeMonthlyCNY: fptr(3000),
		SocialInsuranceMonthlyCNY: fptr(130000), UnemploymentInsuranceLastYearCNY: fptr(38000), HousingFundBaseMonthlyCNY: fptr(600000),
		HousingFundRate: fptr(0.05)}},
	{Name: "餐饮门店（福田，18 人）", Profile: policy.Profile{Staff: iptr(18), StaffSameMonthLastYear: iptr(25), SME: bptr(true),
		StateOwned: bptr(false), Industry: "H", District: "440304", Activities: []string{}, EpidemicDifficulty: bptr(true),
		Landlord: "other", MonthlyRentCNY: fptr(30000), SewageFeeMonthlyCNY: fptr(300), UnemploymentInsuranceLastYearCNY: fptr(4200)}},
	{Name: "出口贸易公司（南山，60 人）", Profile: policy.Profile{Staff: iptr(60), StaffSameMonthLastYear: iptr(60), SME: bptr(true),
		StateOwned: bptr(false), Industry: "F", District: "440305", Activities: []string{"export"}, EpidemicDifficulty: bptr(false),
		Landlord: "government", MonthlyRentCNY: fptr(52000), UnemploymentInsuranceLastYearCNY: fptr(21000),
		GuaranteedLoanCNY: fptr(3_000_000), GuaranteeFeeCNY: fptr(60000)}},
}

// Samples are the profiles a preview runs: FixedSamples and up to ten stored profiles.
func (s *Service) Samples(ctx context.Context) (_ []Sample, err error) {
	defer func() { err = store.Wrap(err, "support.Samples") }()
	out := append([]Sample(nil), FixedSamples...)
	type stored struct {
		name, raw string
	}
	rows, err := store.Select(ctx, s.S.DB.R, func(row store.Scanner) (stored, error) {
		var st stored
		return st, row.Scan(&st.name, &st.raw)
	}, `SELECT e.name, p.profile FROM support_profiles p JOIN employers e ON e.id = p.employer_id ORDER BY p.employer_id LIMIT 10`)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		var p policy.Profile
		if err := json.Unmarshal([]byte(r.raw), &p); err != nil {
			return nil, err
		}
		out = append(out, Sample{Name: r.name, Profile: p})
	}
	return out, nil
}
