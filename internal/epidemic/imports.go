package epidemic

import (
	"context"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// ImportColumns are the columns of a report sheet, by field name: region
// (a code or a name) and date are required, each value may be empty
// (missing).
var ImportColumns = append([]string{"region", "date"}, append(append([]string{}, ValueFields...), "note")...)

// ImportRow is one row of a sheet: its number as the spreadsheet shows it
// and its cells by column name.
type ImportRow struct {
	Line   int
	Values map[string]string
}

// RowCheck is what checking one row found: field (column name) → message.
type RowCheck struct {
	Line   int
	Label  string // the region and date as written
	Errors easyjob.Fields
}

// ImportResult is what an import did: every row checked; written only
// when every row was valid (all or nothing).
type ImportResult struct {
	Rows      []RowCheck `json:"-"`
	Bad       []RowCheck `json:"-"`
	Written   int        `json:"written"`
	HeldSeats int        `json:"held_seats"`
}

// regionCode reads a region cell: a code, or the name of a reporting
// region (那坡县, 龙岗区).
func regionCode(s string) string {
	s = strings.TrimSpace(s)
	if Reportable(s) {
		return s
	}
	for _, c := range Regions() {
		if region.Name(c) == s {
			return c
		}
	}
	return s
}

// ImportReports checks every row as Put would (a cell that is not a whole
// number names its row and column; a region outside the officer's scope
// is an error of its row) and writes them in one transaction only when
// all are valid; a region and day twice in one file is an error too.
func (e *Service) ImportReports(ctx context.Context, a easyjob.Actor, rows []ImportRow) (_ ImportResult, err error) {
	defer func() { err = store.Wrap(err, "epidemic.ImportReports") }()
	if !a.IsOfficer() {
		return ImportResult{}, store.Forbidden()
	}
	type ok struct {
		code string
		day  easyjob.Date
		in   ReportInput
	}
	today := easyjob.DateOf(e.S.Now())
	var res ImportResult
	var good []ok
	seen := map[string]int{}
	for _, row := range rows {
		rc := RowCheck{Line: row.Line, Label: strings.TrimSpace(row.Values["region"] + " " + row.Values["date"]), Errors: easyjob.Fields{}}
		code := regionCode(row.Values["region"])
		var in ReportInput
		for i, v := range in.values() {
			cell := row.Values[ValueFields[i]]
			val, good := ParseValue(cell)
			if !good {
				rc.Errors.Add(ValueFields[i], "epidemic.not_a_number", "value", cell)
			}
			*v = val
		}
		in.Note = row.Values["note"]
		d, err := e.checkReport(a, code, strings.TrimSpace(row.Values["date"]), &in, today)
		var de *easyjob.Error
		switch {
		case err == nil:
		case asDomain(err, &de) && de.Code == easyjob.EFORBIDDEN:
			rc.Errors.Add("region", "epidemic.region_not_yours", "region", region.Name(code))
		case asDomain(err, &de):
			for f, m := range de.Fields {
				if f == "date" && strings.TrimSpace(row.Values["date"]) == "" {
					m = easyjob.M("field.required")
				}
				if _, dup := rc.Errors[f]; !dup {
					rc.Errors[f] = m
				}
			}
		default:
			return ImportResult{}, err
		}
		key := code + " " + d.String()
		if first, dup := seen[key]; dup && len(rc.Errors) == 0 {
			rc.Errors.Add("date", "epidemic.import_duplicate", "line", first)
		}
		seen[key] = row.Line
		res.Rows = append(res.Rows, rc)
		if len(rc.Errors) > 0 {
			res.Bad = append(res.Bad, rc)
			continue
		}
		good = append(good, ok{code, d, in})
	}
	if len(res.Bad) > 0 || len(good) == 0 {
		return res, nil
	}
	regions := []string{}
	has := map[string]bool{}
	for _, g := range good {
		if !has[g.code] {
			has[g.code] = true
			regions = append(regions, g.code)
		}
	}
	err = e.S.Tx(ctx, func(tx *store.Tx) error {
		return e.watch(ctx, tx, regions, func() error {
			for _, g := range good {
				if _, err := e.putTx(ctx, tx, a.UserID, g.code, g.day, g.in, SourceImport); err != nil {
					return err
				}
			}
			return nil
		}, &res.HeldSeats)
	})
	if err != nil {
		return ImportResult{}, err
	}
	res.Written = len(good)
	return res, nil
}
