package export

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// StreamXLSX writes a workbook of one sheet whose rows come from each, one
// at a time, without holding them: excelize's stream writer spills rows to
// a temporary file past its buffer, so a million rows cost disk, not memory.
// A cell is a string (kept as text) or a number.
func StreamXLSX(w io.Writer, sheet string, header []string, each func(emit func(row []any) error) error) error {
	x := excelize.NewFile()
	defer x.Close()
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for c := range header {
		if err := sw.SetColWidth(c+1, c+1, max(12, min(40, float64(displayWidth(header[c])+4)))); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	n := 1
	if err := each(func(row []any) error {
		n++
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, row)
	}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = x.WriteTo(w)
	return err
}
