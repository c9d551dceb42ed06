package equipment

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Use is one recorded use of an instrument: the record the "use first, subsidise after"
// (先用后补) scheme pays on.
type Use struct {
	ID          int64     `json:"id"`
	BookingID   int64     `json:"booking_id"`
	Instrument  string    `json:"instrument"`
	Code        string    `json:"code"`
	Institution string    `json:"institution"`
	Operator    string    `json:"operator"`
	Project     string    `json:"project"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end,omitzero"` // zero while in use
	Fee         int       `json:"fee"`
}

// Hours is the length of the use in hours (0 while in use).
func (u Use) Hours() float64 {
	if u.End.IsZero() {
		return 0
	}
	return float64(u.End.Sub(u.Start).Minutes()) / 60
}

// UsageFilter selects uses by their start, in [From, To] as Shanghai dates.
type UsageFilter struct {
	From, To easyjob.Date
}

func (s *Service) usageWhere(ctx context.Context, a easyjob.Actor, f UsageFilter) (store.Where, error) {
	var w store.Where
	if !a.IsOfficer() {
		p, err := s.manager(ctx, a)
		if err != nil {
			return w, err
		}
		w.Add("i.institution_id = ?", p.InstitutionID)
	}
	if !f.From.IsZero() {
		w.Add("u.start_at >= ?", startOfDay(f.From))
	}
	if !f.To.IsZero() {
		w.Add("u.start_at < ?", startOfDay(f.To.AddDays(1)))
	}
	return w, nil
}

const useCols = `u.id, u.booking_id, i.name, i.code, n.name, u.operator, u.project, u.start_at, u.end_at, u.fee`

const useFrom = ` FROM equipment_usage u JOIN equipment_instruments i ON i.id = u.instrument_id
	JOIN equipment_institutions n ON n.id = i.institution_id`

func scanUse(r store.Scanner) (Use, error) {
	var u Use
	var start, end int64
	err := r.Scan(&u.ID, &u.BookingID, &u.Instrument, &u.Code, &u.Institution, &u.Operator, &u.Project, &start, &end, &u.Fee)
	u.Start = easyjob.FromMillis(start)
	if end > 0 {
		u.End = easyjob.FromMillis(end)
	}
	return u, err
}

// Usage lists recorded uses (the manager's institution, or every one for officers), the
// latest first, at most 200.
func (s *Service) Usage(ctx context.Context, a easyjob.Actor, f UsageFilter) ([]Use, error) {
	w, err := s.usageWhere(ctx, a, f)
	if err != nil {
		return nil, err
	}
	xs, err := store.Select(ctx, s.S.DB.R, scanUse, `SELECT `+useCols+useFrom+w.SQL()+` ORDER BY u.start_at DESC, u.id DESC LIMIT 200`, w.Args()...)
	return xs, store.Wrap(err, "equipment.Usage")
}

// UsageHeader is the header of the usage export, in the reader's language.
func UsageHeader(lang string) []string {
	if lang == "en" {
		return []string{"Use", "Booking", "Asset number", "Instrument", "Institution", "Operator", "Project", "Start", "End", "Hours", "Fee (CNY)"}
	}
	return []string{"使用记录", "预约号", "仪器编号", "仪器", "所属单位", "使用人", "项目", "开始", "结束", "时长（小时）", "费用（元）"}
}

// ExportUsage writes the uses as .xlsx, streamed row by row.
func (s *Service) ExportUsage(ctx context.Context, a easyjob.Actor, f UsageFilter, lang string, out io.Writer) error {
	w, err := s.usageWhere(ctx, a, f)
	if err != nil {
		return err
	}
	rows, err := s.S.DB.R.QueryContext(ctx, `SELECT `+useCols+useFrom+w.SQL()+` ORDER BY u.start_at, u.id`, w.Args()...)
	if err != nil {
		return store.Wrap(err, "equipment.ExportUsage")
	}
	defer rows.Close()
	err = export.StreamXLSX(out, "usage", UsageHeader(lang), func(emit func([]any) error) error {
		for rows.Next() {
			u, err := scanUse(rows)
			if err != nil {
				return err
			}
			end := ""
			if !u.End.IsZero() {
				end = Clock(u.End)
			}
			if err := emit([]any{u.ID, u.BookingID, u.Code, u.Instrument, u.Institution, u.Operator, u.Project, Clock(u.Start), end,
				strconv.FormatFloat(u.Hours(), 'f', 2, 64), u.Fee}); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return store.Wrap(err, "equipment.ExportUsage")
}

func startOfDay(d easyjob.Date) int64 {
	y, m, dd := d.Time().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, easyjob.Shanghai).UnixMilli()
}

// ImportColumns are the columns of an institution's instrument list; headers match the
// field name or the Chinese or English label.
var ImportColumns = []export.Column{
	{Name: "code", Labels: []string{"仪器编号", "资产编号", "Asset number"}, Required: true},
	{Name: "name", Labels: []string{"仪器名称", "名称", "Name"}, Required: true},
	{Name: "name_en", Labels: []string{"英文名称", "English name"}},
	{Name: "category", Labels: []string{"类别", "Category"}, Required: true},
	{Name: "model", Labels: []string{"型号", "Model"}},
	{Name: "district", Labels: []string{"所在区", "District"}, Required: true},
	{Name: "address", Labels: []string{"地址", "Address"}},
	{Name: "sharing", Labels: []string{"共享状态", "Sharing"}},
	{Name: "out_reason", Labels: []string{"停用原因", "Out of service reason"}},
	{Name: "biosafety", Labels: []string{"生物安全等级", "Biosafety level"}},
	{Name: "certificate", Labels: []string{"培训证书", "Certificate"}},
	{Name: "fee_per_hour", Labels: []string{"收费（元/小时）", "Fee per hour"}},
	{Name: "contact", Labels: []string{"联系人", "Contact"}},
	{Name: "notice_minutes", Labels: []string{"提前预约（分钟）", "Notice minutes"}},
	{Name: "min_minutes", Labels: []string{"最短（分钟）", "Minimum minutes"}},
	{Name: "max_minutes", Labels: []string{"最长（分钟）", "Maximum minutes"}},
	{Name: "approval", Labels: []string{"需审批", "Approval"}},
}

// RowError is one wrong cell of an imported list.
type RowError struct {
	Line  int         `json:"line"`
	Field string      `json:"field"`
	Msg   easyjob.Msg `json:"-"`
}

// ImportReport is what an import did, or why it wrote nothing.
type ImportReport struct {
	Rows    int        `json:"rows"`
	Created int        `json:"created"`
	Updated int        `json:"updated"`
	Unknown []string   `json:"unknown_columns,omitempty"`
	Errors  []RowError `json:"errors,omitempty"`
}

// Import reads the manager's institution's instrument list (.xlsx or .csv) and registers
// or updates every row by its asset number, all or nothing: a list with any wrong cell
// writes nothing and the report names each (line, field, message). A file that cannot be
// read at all is an *export.Error.
func (s *Service) Import(ctx context.Context, a easyjob.Actor, r io.Reader) (ImportReport, error) {
	var rep ImportReport
	p, err := s.manager(ctx, a)
	if err != nil {
		return rep, err
	}
	inst, err := s.institution(ctx, p.InstitutionID)
	if err != nil {
		return rep, err
	}
	t, err := export.Read(r, ImportColumns)
	if err != nil {
		return rep, err
	}
	rep.Rows, rep.Unknown = len(t.Rows), t.Unknown
	ins := make([]InstrumentInput, 0, len(t.Rows))
	codes := map[string]int{}
	for _, row := range t.Rows {
		v := row.Values
		in := InstrumentInput{Code: v["code"], Name: v["name"], NameEn: v["name_en"], Category: categoryKey(v["category"]),
			Model: v["model"], District: districtCode(v["district"]), Address: v["address"], Sharing: sharingKey(v["sharing"]),
			OutReason: v["out_reason"], Certificate: v["certificate"], Contact: v["contact"], Approval: yes(v["approval"])}
		f := easyjob.Fields{}
		num := func(field string, to *int) {
			if s := strings.TrimSpace(v[field]); s != "" {
				n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(s), "BSL-"))
				if err != nil {
					f.Add(field, "field.number")
				}
				*to = n
			}
		}
		num("biosafety", &in.Biosafety)
		num("fee_per_hour", &in.FeePerHour)
		num("notice_minutes", &in.NoticeMinutes)
		num("min_minutes", &in.MinMinutes)
		num("max_minutes", &in.MaxMinutes)
		if v["notice_minutes"] == "" {
			in.NoticeMinutes = 60
		}
		for k, m := range s.check(&in) {
			f.Add(k, m.Key, argsOf(m)...)
		}
		if line, dup := codes[in.Code]; dup && in.Code != "" {
			f.Add("code", "equipment.duplicate_code", "line", line)
		}
		codes[in.Code] = row.Line
		for field, m := range f {
			rep.Errors = append(rep.Errors, RowError{Line: row.Line, Field: field, Msg: m})
		}
		ins = append(ins, in)
	}
	sortRowErrors(rep.Errors)
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	err = s.S.Tx(ctx, func(tx *store.Tx) error {
		rep.Created, rep.Updated = 0, 0
		for _, in := range ins {
			_, created, err := saveTx(ctx, tx, inst, in)
			if err != nil {
				return err
			}
			if created {
				rep.Created++
			} else {
				rep.Updated++
			}
		}
		return nil
	})
	return rep, store.Wrap(err, "equipment.Import", "institution", inst.ID)
}

func argsOf(m easyjob.Msg) []any {
	var out []any
	for k, v := range m.Args {
		out = append(out, k, v)
	}
	return out
}

func sortRowErrors(xs []RowError) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && (xs[j].Line < xs[j-1].Line || xs[j].Line == xs[j-1].Line && xs[j].Field < xs[j-1].Field); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// categoryKey accepts a category's key or its first Chinese or English name.
func categoryKey(s string) string {
	s = strings.TrimSpace(s)
	for _, c := range Categories {
		zh, _, _ := strings.Cut(c.Zh, " ")
		if strings.EqualFold(s, c.Key) || s == zh || strings.EqualFold(s, c.En) {
			return c.Key
		}
	}
	return s
}

// districtCode accepts a district's code or its name (南山区).
func districtCode(s string) string {
	s = strings.TrimSpace(s)
	for _, d := range region.ShenzhenDistricts() {
		if s == d.Code || s == d.Name {
			return d.Code
		}
	}
	return s
}

func sharingKey(s string) Sharing {
	switch strings.TrimSpace(strings.ToLower(s)) {
	case "", "open", "开放", "开放共享":
		return Open
	case "internal", "内部", "仅内部":
		return Internal
	case "out_of_service", "停用", "维修":
		return OutOfService
	}
	return Sharing(s)
}

func yes(s string) bool {
	switch strings.TrimSpace(strings.ToLower(s)) {
	case "1", "yes", "true", "是", "需要", "y":
		return true
	}
	return false
}

// TemplateRows are the example rows of the import template.
func TemplateRows() [][]string {
	return [][]string{{"SZU-LS-001", "实时荧光定量PCR仪", "Real-time PCR system", "pcr", "QuantStudio 5", "南山区", "南海大道 3688 号",
		"open", "", "2", "", "120", "实验室 王老师", "60", "30", "480", "否"}}
}

// ImportHeader is the header row of the template, as the field names.
func ImportHeader() []string {
	h := make([]string, len(ImportColumns))
	for i, c := range ImportColumns {
		h[i] = c.Name
	}
	return h
}
