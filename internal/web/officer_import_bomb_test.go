package web_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"html"
	"runtime"
	"strings"
	"testing"
	"time"

	"easyjob/internal/export"
	"easyjob/internal/i18n"
	"easyjob/internal/store/storetest"
)

// bombSheet is a workbook of about a MiB whose sheet unpacks to a GiB of
// XML whitespace.
func bombSheet(t *testing.T) []byte {
	t.Helper()
	const chunk, n = 1 << 20, 1024
	compress := func(b []byte, last bool) []byte {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestCompression)
		fw.Write(b)
		if last {
			fw.Close()
		} else {
			fw.Flush() // blocks that refer only to themselves: they may repeat
		}
		return buf.Bytes()
	}
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	tail := []byte(`</sheetData></worksheet>`)
	spaces := bytes.Repeat([]byte(" "), chunk)
	mid := compress(spaces, false)
	crc := crc32.NewIEEE()
	var body bytes.Buffer
	body.Write(compress(head, false))
	crc.Write(head)
	for range n {
		body.Write(mid)
		crc.Write(spaces)
	}
	body.Write(compress(tail, true))
	crc.Write(tail)

	good := seekerSheet(t, 1, -1)
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
				CompressedSize64: uint64(body.Len()), UncompressedSize64: uint64(len(head) + n*chunk + len(tail))})
			w.Write(body.Bytes())
			continue
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		w.Write(b.Bytes())
	}
	zw.Close()
	return out.Bytes()
}

// An officer who uploads a zip bomb is told at once, in their language, that
// the file unpacks to too much; the server neither waits nor swells.
func TestImportZipBomb(t *testing.T) {
	bomb := bombSheet(t)
	cat := i18n.MustLoad()
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		a, base := bootWeb(t, k)
		station := officer(t, a, base, "napo", "451026")
		for _, lang := range i18n.Languages {
			station.lang = lang
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			status, body := station.upload("seekers", "名单.xlsx", bomb)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if status != 422 {
				t.Fatalf("%s: status %d", lang, status)
			}
			want := cat.T(lang, "import.err.unpacked_too_large", "max", export.MaxUnpacked>>20)
			if !strings.Contains(html.UnescapeString(body), want) {
				t.Errorf("%s: the page does not say %q", lang, want)
			}
			if took > 3*time.Second {
				t.Errorf("%s: refusing took %v", lang, took)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 96<<20 {
				t.Errorf("%s: refusing allocated %d MiB", lang, alloc>>20)
			}
		}
	})
}
