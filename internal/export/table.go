package export

import (
	"io"
	"strings"
	"unicode"
)

// Column is one column a reader expects. A header matches it when it is,
// after normalisation (case, spaces, underscores and a required-mark "*"
// ignored), its Name or one of its Labels: "id_number", "身份证号" and
// "ID number" all match the same column.
type Column struct {
	Name     string   // the field name, as in the JSON API
	Labels   []string // the headers people write: the zh-CN and en labels
	Required bool     // the column must be present (its cells may still be empty)
}

// Row is one data row: its number as the spreadsheet shows it (the header
// is row 1) and its values by column name. Columns absent from the file are
// absent from Values.
type Row struct {
	Line   int
	Values map[string]string
}

// Table is a file read against a list of columns.
type Table struct {
	Columns []string // the matched column names in file order ("" for unknown headers)
	Unknown []string // headers that matched no column, as written
	Rows    []Row    // data rows, blank rows skipped
}

// Read reads a spreadsheet (see ReadAll) and matches its header row to cols.
// It fails with an *Error when the file is too large, has too many rows, has
// no data, lacks a required column or names a column twice. Unknown columns
// are not an error: they are listed in Table.Unknown and ignored.
func Read(r io.Reader, cols []Column) (*Table, error) {
	rows, err := ReadAll(r)
	if err != nil {
		return nil, err
	}
	return Match(rows, cols)
}

// Match matches the first non-blank row of rows as the header to cols.
func Match(rows [][]string, cols []Column) (*Table, error) {
	start := 0
	for start < len(rows) && blank(rows[start]) {
		start++
	}
	if start >= len(rows) {
		return nil, &Error{Code: ErrEmpty}
	}
	if len(rows)-start-1 > MaxRows {
		return nil, &Error{Code: ErrTooManyRows, Max: MaxRows}
	}
	byKey := map[string]string{}
	for _, c := range cols {
		byKey[normalise(c.Name)] = c.Name
		for _, l := range c.Labels {
			if k := normalise(l); k != "" {
				byKey[k] = c.Name
			}
		}
	}
	t := &Table{}
	seen := map[string]bool{}
	var dup []string
	for _, h := range rows[start] {
		name := byKey[normalise(h)]
		switch {
		case name == "" && strings.TrimSpace(h) != "":
			t.Unknown = append(t.Unknown, strings.TrimSpace(h))
		case name != "" && seen[name]:
			dup = append(dup, name)
			name = ""
		}
		if name != "" {
			seen[name] = true
		}
		t.Columns = append(t.Columns, name)
	}
	if len(dup) > 0 {
		return nil, &Error{Code: ErrDuplicateCol, Columns: dup}
	}
	var missing []string
	for _, c := range cols {
		if c.Required && !seen[c.Name] {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return nil, &Error{Code: ErrMissingColumns, Columns: missing}
	}
	for i := start + 1; i < len(rows); i++ {
		if blank(rows[i]) {
			continue
		}
		row := Row{Line: i + 1, Values: map[string]string{}}
		for j, name := range t.Columns {
			if name == "" {
				continue
			}
			v := ""
			if j < len(rows[i]) {
				v = strings.TrimSpace(rows[i][j])
			}
			row.Values[name] = v
		}
		t.Rows = append(t.Rows, row)
	}
	if len(t.Rows) == 0 {
		return nil, &Error{Code: ErrEmpty}
	}
	return t, nil
}

// normalise folds a header for matching: lower case, without spaces,
// underscores, hyphens, the BOM and required marks.
func normalise(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '_', r == '-', r == '*', r == '＊', r == '\uFEFF':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
