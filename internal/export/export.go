// Package export writes and reads the spreadsheets officers exchange with
// easyjob: .xlsx (the first sheet) and .csv. It knows nothing of seekers or
// postings: a sheet is a header row and rows of strings, and reading matches
// headers to the columns the caller names. Apart from io.Reader and
// io.Writer it does no I/O.
package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits of an uploaded file. An .xlsx workbook is a zip archive, so the
// limits also bound what it unpacks to (a "zip bomb" of a few hundred KiB can
// hold gigabytes): the sizes its entries declare are added up before anything
// is unpacked (archive/zip refuses an entry that unpacks to more than it
// declares), and excelize is opened with the same limits.
const (
	MaxFileSize     = 5 << 20  // bytes
	MaxRows         = 5000     // data rows, the header not counted
	MaxColumns      = 100      // columns of a row
	MaxCell         = 4000     // characters in a cell (the longest text field)
	MaxUnpacked     = 48 << 20 // bytes a workbook may unpack to
	MaxUnpackedPart = 16 << 20 // bytes of one part kept in memory (more goes to a temporary file)
	maxZipEntries   = 1000
)

// Format is a file format.
type Format string

const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// ContentType is the MIME type of a format.
func (f Format) ContentType() string {
	if f == CSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Error codes of Error.
const (
	ErrTooLarge       = "too_large"       // the file is over MaxFileSize
	ErrTooManyRows    = "too_many_rows"   // over MaxRows data rows
	ErrNotSpreadsheet = "not_spreadsheet" // neither .xlsx nor readable text CSV
	ErrEmpty          = "empty"           // no header row, or no data rows
	ErrMissingColumns = "missing_columns" // required columns are absent
	ErrDuplicateCol   = "duplicate_column"
	ErrUnpackedSize   = "unpacked_too_large" // the workbook unpacks to more than MaxUnpacked
	ErrTooManyColumns = "too_many_columns"   // a row has more than MaxColumns cells
	ErrCellTooLong    = "cell_too_long"      // a cell holds more than MaxCell characters
	ErrBadCharacter   = "bad_character"      // a cell holds a control character (a NUL, an escape) or invalid UTF-8
)

// Error is what reading a file answers when the file as a whole is wrong.
// Code is one of the Err… constants, so callers can say it in the user's
// language; Max and Columns carry the details.
type Error struct {
	Code    string
	Max     int      // the limit, for too_large, unpacked_too_large, too_many_rows, too_many_columns, cell_too_long
	Columns []string // column names, for missing_columns and duplicate_column
	Cell    string   // the cell as a spreadsheet names it ("D17"), for cell_too_long and bad_character
	Err     error    // an underlying cause
}

func (e *Error) Error() string {
	var s string
	switch e.Code {
	case ErrTooLarge:
		s = fmt.Sprintf("the file is larger than %d bytes", e.Max)
	case ErrTooManyRows:
		s = fmt.Sprintf("the file has more than %d data rows", e.Max)
	case ErrNotSpreadsheet:
		s = "the file is neither an .xlsx workbook nor a CSV text file"
	case ErrEmpty:
		s = "the file has no header row or no data rows"
	case ErrMissingColumns:
		s = "required columns are missing: " + strings.Join(e.Columns, ", ")
	case ErrDuplicateCol:
		s = "columns appear twice: " + strings.Join(e.Columns, ", ")
	case ErrUnpackedSize:
		s = fmt.Sprintf("the workbook unpacks to more than %d bytes", e.Max)
	case ErrTooManyColumns:
		s = fmt.Sprintf("a row has more than %d columns", e.Max)
	case ErrCellTooLong:
		s = fmt.Sprintf("cell %s holds more than %d characters", e.Cell, e.Max)
	case ErrBadCharacter:
		s = fmt.Sprintf("cell %s holds a control character or invalid text", e.Cell)
	default:
		s = e.Code
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the Code of err if it is an *Error, else "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Write writes a sheet in format f.
func Write(w io.Writer, f Format, sheet string, header []string, rows [][]string) error {
	if f == CSV {
		return WriteCSV(w, header, rows)
	}
	return WriteXLSX(w, sheet, header, rows)
}

// WriteCSV writes a header row and rows as UTF-8 CSV with a byte-order mark,
// so that Excel opens Chinese text correctly.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\uFEFF")
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteXLSX writes a header row and rows to a workbook with one sheet. Every
// cell is text, and the columns are formatted as text, so ID and phone
// numbers typed later keep their digits; the header is bold and frozen.
func WriteXLSX(w io.Writer, sheet string, header []string, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	text, err := x.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	width := len(header)
	for _, r := range rows {
		width = max(width, len(r))
	}
	if width > 0 {
		// Column widths from the longest header, within reason.
		for c := 1; c <= width; c++ {
			wd := 12.0
			if c <= len(header) {
				wd = max(wd, min(40, float64(displayWidth(header[c-1])+4)))
			}
			if err := sw.SetColWidth(c, c, wd); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	cells := func(vals []string, style int) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = excelize.Cell{StyleID: style, Value: v}
		}
		return out
	}
	if err := sw.SetRow("A1", cells(header, bold)); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells(r, text)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// Text format for the empty cells below, so typed numbers stay text.
	if width > 0 {
		last, _ := excelize.ColumnNumberToName(width)
		if err := x.SetColStyle(sheet, "A:"+last, text); err != nil {
			return err
		}
	}
	_, err = x.WriteTo(w)
	return err
}

// displayWidth counts wide (CJK) characters twice.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r > 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// ReadAll reads the rows of a spreadsheet: the first sheet of an .xlsx
// workbook, or a CSV file (UTF-8 with or without a byte-order mark, or
// GB18030/GBK as older Excel versions save it). The format is told by the
// content, not the file name. Trailing empty rows are dropped.
func ReadAll(r io.Reader) ([][]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, &Error{Code: ErrTooLarge, Max: MaxFileSize}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &Error{Code: ErrEmpty}
	}
	var rows [][]string
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		rows, err = readXLSX(b)
	} else {
		rows, err = readCSV(b)
	}
	if err != nil {
		return nil, err
	}
	if err := checkCells(rows); err != nil {
		return nil, err
	}
	for len(rows) > 0 && blank(rows[len(rows)-1]) {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

func blank(row []string) bool {
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// checkZip refuses a workbook whose entries declare more than MaxUnpacked
// bytes in all, or too many entries, before anything is unpacked.
func checkZip(b []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return &Error{Code: ErrNotSpreadsheet, Err: err}
	}
	if len(zr.File) > maxZipEntries {
		return &Error{Code: ErrUnpackedSize, Max: MaxUnpacked}
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > MaxUnpacked || total > MaxUnpacked {
			return &Error{Code: ErrUnpackedSize, Max: MaxUnpacked}
		}
	}
	return nil
}

// checkCells refuses a cell over MaxCell characters, or with characters no
// field may hold (excelize unescapes _x0000_ to a NUL), naming it.
func checkCells(rows [][]string) error {
	for i, r := range rows {
		for j, v := range r {
			code := ""
			switch {
			case len(v) > MaxCell && utf8.RuneCountInString(v) > MaxCell:
				code = ErrCellTooLong
			case !cleanText(v):
				code = ErrBadCharacter
			}
			if code != "" {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				return &Error{Code: code, Max: MaxCell, Cell: cell}
			}
		}
	}
	return nil
}

// cleanText refuses invalid UTF-8 and control characters other than tab
// and line ends: the C0 set, DEL and the C1 set (as easyjob.TextProblem).
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r <= 0x9f) {
			return false
		}
	}
	return true
}

func readXLSX(b []byte) ([][]string, error) {
	if err := checkZip(b); err != nil {
		return nil, err
	}
	x, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit: MaxUnpacked, UnzipXMLSizeLimit: MaxUnpackedPart})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, &Error{Code: ErrUnpackedSize, Max: MaxUnpacked, Err: err}
		}
		return nil, &Error{Code: ErrNotSpreadsheet, Err: err}
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return nil, &Error{Code: ErrEmpty}
	}
	it, err := x.Rows(sheets[0])
	if err != nil {
		return nil, &Error{Code: ErrNotSpreadsheet, Err: err}
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if len(rows) > MaxRows+1 {
			return nil, &Error{Code: ErrTooManyRows, Max: MaxRows}
		}
		r, err := it.Columns()
		if err != nil {
			return nil, &Error{Code: ErrNotSpreadsheet, Err: err}
		}
		if len(r) > MaxColumns {
			r = trimRight(r)
			if len(r) > MaxColumns {
				return nil, &Error{Code: ErrTooManyColumns, Max: MaxColumns}
			}
		}
		rows = append(rows, r)
	}
	if err := it.Error(); err != nil {
		return nil, &Error{Code: ErrNotSpreadsheet, Err: err}
	}
	return rows, nil
}

func readCSV(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil {
			return nil, &Error{Code: ErrNotSpreadsheet, Err: err}
		}
		b = d
	}
	if !textLike(b) {
		return nil, &Error{Code: ErrNotSpreadsheet}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	if sep := sniffSeparator(b); sep != ',' {
		cr.Comma = sep
	}
	var rows [][]string
	for {
		r, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &Error{Code: ErrNotSpreadsheet, Err: err}
		}
		if len(rows) > MaxRows+1 {
			return nil, &Error{Code: ErrTooManyRows, Max: MaxRows}
		}
		if len(r) > MaxColumns {
			r = trimRight(r)
			if len(r) > MaxColumns {
				return nil, &Error{Code: ErrTooManyColumns, Max: MaxColumns}
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// trimRight drops the empty cells at the end of a row.
func trimRight(r []string) []string {
	for len(r) > 0 && strings.TrimSpace(r[len(r)-1]) == "" {
		r = r[:len(r)-1]
	}
	return r
}

// textLike refuses binary files: control characters other than tab and
// line ends mean it is not a CSV.
func textLike(b []byte) bool {
	for _, r := range string(b) {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r') {
			return false
		}
	}
	return true
}

// sniffSeparator picks a tab or a semicolon when the first line has those
// and no comma (tab-separated text pasted from a sheet, European Excel).
func sniffSeparator(b []byte) rune {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.ContainsRune(line, ',') {
		return ','
	}
	if bytes.ContainsRune(line, '\t') {
		return '\t'
	}
	if bytes.ContainsRune(line, ';') {
		return ';'
	}
	return ','
}
