package export_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"easyjob/internal/export"

	"github.com/xuri/excelize/v2"
)

// zipBomb returns a workbook of about a MiB whose first sheet unpacks to
// unpacked bytes of XML whitespace: a real workbook with its sheet swapped.
func zipBomb(tb testing.TB, unpacked int) []byte {
	tb.Helper()
	good := mustWrite(tb, export.XLSX, []string{"姓名", "身份证号"}, [][]string{{"张三", "45102619850101001X"}})
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		tb.Fatal(err)
	}
	// One MiB of spaces compressed once; flushed, its blocks refer only to
	// themselves, so the stream may repeat them.
	const chunk = 1 << 20
	spaces := bytes.Repeat([]byte(" "), chunk)
	part := func(data []byte, last bool) []byte {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestCompression)
		fw.Write(data)
		if last {
			fw.Close()
		} else {
			fw.Flush()
		}
		return buf.Bytes()
	}
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	tail := []byte(`</sheetData></worksheet>`)
	n := unpacked / chunk
	var body bytes.Buffer
	body.Write(part(head, false))
	mid := part(spaces, false)
	crc := crc32.NewIEEE()
	crc.Write(head)
	for range n {
		body.Write(mid)
		crc.Write(spaces)
	}
	body.Write(part(tail, true))
	crc.Write(tail)

	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
				CompressedSize64: uint64(body.Len()), UncompressedSize64: uint64(len(head) + n*chunk + len(tail))})
			if err != nil {
				tb.Fatal(err)
			}
			w.Write(body.Bytes())
			continue
		}
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// A small workbook that unpacks to a GiB is refused at once, without
// unpacking it: quickly and in bounded memory.
func TestZipBomb(t *testing.T) {
	bomb := zipBomb(t, 1<<30)
	if len(bomb) > export.MaxFileSize {
		t.Fatalf("the bomb is %d bytes, over the upload limit", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := export.Read(bytes.NewReader(bomb), cols)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if export.ErrorCode(err) != export.ErrUnpackedSize {
		t.Fatalf("got %v, want %s", err, export.ErrUnpackedSize)
	}
	if took > 2*time.Second {
		t.Errorf("refusing took %v", took)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("refusing allocated %d MiB", alloc>>20)
	}
	// Just over the limit is refused too; a bomb that lies about its size
	// fails when archive/zip reads more than the entry declares.
	if _, err := export.Read(bytes.NewReader(zipBomb(t, export.MaxUnpacked)), cols); export.ErrorCode(err) != export.ErrUnpackedSize {
		t.Fatalf("at the limit: %v", err)
	}
}

// Rows wider than MaxColumns and cells longer than MaxCell are refused,
// naming the cell; empty cells at the end of a row do not count.
func TestSheetShape(t *testing.T) {
	wide := make([]string, export.MaxColumns+1)
	for i := range wide {
		wide[i] = "x"
	}
	padded := append([]string{"张三", "45102619850101001X"}, make([]string, export.MaxColumns+5)...)
	long := strings.Repeat("长", export.MaxCell+1)
	for _, f := range []export.Format{export.XLSX, export.CSV} {
		_, err := export.Read(bytes.NewReader(mustWrite(t, f, []string{"姓名", "身份证号"}, [][]string{wide})), cols)
		if export.ErrorCode(err) != export.ErrTooManyColumns {
			t.Errorf("%s wide: %v", f, err)
		}
		if _, err := export.Read(bytes.NewReader(mustWrite(t, f, []string{"姓名", "身份证号"}, [][]string{padded})), cols); err != nil {
			t.Errorf("%s padded: %v", f, err)
		}
		_, err = export.Read(bytes.NewReader(mustWrite(t, f, []string{"姓名", "身份证号"}, [][]string{{"张三", "x"}, {long, "y"}})), cols)
		var fe *export.Error
		if export.ErrorCode(err) != export.ErrCellTooLong || !asError(err, &fe) || fe.Cell != "A3" {
			t.Errorf("%s long: %v", f, err)
		}
		if _, err := export.Read(bytes.NewReader(mustWrite(t, f, []string{"姓名", "身份证号"}, [][]string{{long[:len(long)-3], "y"}})), cols); err != nil {
			t.Errorf("%s at the limit: %v", f, err)
		}
	}
}

// A cell with a control character is refused, naming the cell: excelize
// turns _x001B_ in a sheet into an escape character, _x0000_ into a NUL.
func TestControlCharacterCell(t *testing.T) {
	sheet := func(v string) []byte {
		x := excelize.NewFile()
		defer x.Close()
		x.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "身份证号"})
		x.SetSheetRow("Sheet1", "A2", &[]any{"张三", v})
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, v := range []string{"_x001B_[2J", "a_x0000_b", "_x007F_", "_x009B_31m"} {
		_, err := export.Read(bytes.NewReader(sheet(v)), cols)
		var fe *export.Error
		if export.ErrorCode(err) != export.ErrBadCharacter || !asError(err, &fe) || fe.Cell != "B2" {
			t.Errorf("%q: %v", v, err)
		}
	}
	if _, err := export.Read(bytes.NewReader(sheet("换行\r\n\t文本")), cols); err != nil {
		t.Errorf("tabs and line ends: %v", err)
	}
}

func asError(err error, fe **export.Error) bool {
	e, ok := err.(*export.Error)
	*fe = e
	return ok
}
