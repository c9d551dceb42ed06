package export_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"easyjob/internal/export"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var cols = []export.Column{
	{Name: "name", Labels: []string{"姓名", "Name"}, Required: true},
	{Name: "id_number", Labels: []string{"身份证号", "ID number"}, Required: true},
	{Name: "phone", Labels: []string{"手机号", "Mobile number"}},
	{Name: "group", Labels: []string{"同行小组", "Group"}},
}

func mustWrite(tb testing.TB, f export.Format, header []string, rows [][]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := export.Write(&buf, f, "求职者", header, rows); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func mustRead(tb testing.TB, b []byte) *export.Table {
	tb.Helper()
	t, err := export.Read(bytes.NewReader(b), cols)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// Both formats: what is written reads back, with headers in any language
// and any order.
func TestRoundTrip(t *testing.T) {
	rows := [][]string{
		{"13912345678", "张三", "45102619850101001X", "A组"},
		{"", "Li, \"Four\"", "451026198501020026", ""},
		{"13900000000", "王五", "451026198501030034", "换行\n文本"},
	}
	headers := map[string][]string{
		"zh":    {"手机号", "姓名", "身份证号", "同行小组"},
		"en":    {"Mobile number", "NAME", "ID number", "group"},
		"field": {"phone", "name *", "id_number", " Group "},
	}
	for _, f := range []export.Format{export.XLSX, export.CSV} {
		for lang, h := range headers {
			t.Run(fmt.Sprint(f, "/", lang), func(t *testing.T) {
				tb := mustRead(t, mustWrite(t, f, h, rows))
				if want := []string{"phone", "name", "id_number", "group"}; !reflect.DeepEqual(tb.Columns, want) {
					t.Fatalf("columns %v", tb.Columns)
				}
				if len(tb.Rows) != 3 || len(tb.Unknown) != 0 {
					t.Fatalf("rows %d unknown %v", len(tb.Rows), tb.Unknown)
				}
				for i, r := range tb.Rows {
					if r.Line != i+2 {
						t.Errorf("row %d line %d", i, r.Line)
					}
					got := []string{r.Values["phone"], r.Values["name"], r.Values["id_number"], r.Values["group"]}
					if !reflect.DeepEqual(got, rows[i]) {
						t.Errorf("row %d: %q want %q", i, got, rows[i])
					}
				}
			})
		}
	}
}

func TestCSVHasBOM(t *testing.T) {
	b := mustWrite(t, export.CSV, []string{"姓名"}, [][]string{{"张三"}})
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF姓名\r\n")) {
		t.Fatalf("%q", b)
	}
}

// A CSV saved by older Excel in GBK reads the same; so does one without a
// BOM, with blank rows, tabs for separators, and an unknown column.
func TestReadCSVVariants(t *testing.T) {
	utf := "姓名,身份证号,备注\r\n张三,45102619850101001X,老乡\r\n,,\r\n李四,451026198501020026,\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(utf)
	if err != nil {
		t.Fatal(err)
	}
	tabs := strings.ReplaceAll(utf, ",", "\t")
	for name, in := range map[string]string{"utf8": utf, "gbk": gbk, "tabs": tabs} {
		tb, err := export.Read(strings.NewReader(in), cols)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(tb.Rows) != 2 || tb.Rows[0].Values["name"] != "张三" || tb.Rows[1].Line != 4 {
			t.Errorf("%s: rows %+v", name, tb.Rows)
		}
		if !reflect.DeepEqual(tb.Unknown, []string{"备注"}) {
			t.Errorf("%s: unknown %v", name, tb.Unknown)
		}
		if _, ok := tb.Rows[0].Values["phone"]; ok {
			t.Errorf("%s: an absent column has values", name)
		}
	}
}

func TestBadFiles(t *testing.T) {
	big := make([][]string, export.MaxRows+1)
	for i := range big {
		big[i] = []string{"张三", "45102619850101001X"}
	}
	cases := []struct {
		name string
		in   []byte
		code string
	}{
		{"binary", []byte{0x89, 'P', 'N', 'G', 0, 0, 1, 2, 3, 0xff, 0xfe}, export.ErrNotSpreadsheet},
		{"broken zip", []byte("PK\x03\x04 this is not a workbook"), export.ErrNotSpreadsheet},
		{"empty", nil, export.ErrEmpty},
		{"spaces", []byte(" \r\n\r\n"), export.ErrEmpty},
		{"header only csv", []byte("姓名,身份证号\r\n"), export.ErrEmpty},
		{"header only xlsx", mustWrite(t, export.XLSX, []string{"姓名", "身份证号"}, nil), export.ErrEmpty},
		{"missing column", []byte("姓名,手机号\r\n张三,13912345678\r\n"), export.ErrMissingColumns},
		{"missing column xlsx", mustWrite(t, export.XLSX, []string{"Name", "Phone"}, [][]string{{"a", "b"}}), export.ErrMissingColumns},
		{"column twice", []byte("姓名,身份证号,Name\r\na,b,c\r\n"), export.ErrDuplicateCol},
		{"too many rows csv", mustWrite(t, export.CSV, []string{"姓名", "身份证号"}, big), export.ErrTooManyRows},
		{"too many rows xlsx", mustWrite(t, export.XLSX, []string{"姓名", "身份证号"}, big), export.ErrTooManyRows},
		{"too large", bytes.Repeat([]byte("a,b\r\n"), export.MaxFileSize/5+1), export.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := export.Read(bytes.NewReader(c.in), cols)
			if export.ErrorCode(err) != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if err.Error() == "" {
				t.Fatal("no message")
			}
		})
	}
	// The limit itself is fine.
	tb, err := export.Read(bytes.NewReader(mustWrite(t, export.XLSX, []string{"姓名", "身份证号"}, big[:export.MaxRows])), cols)
	if err != nil || len(tb.Rows) != export.MaxRows {
		t.Fatalf("at the limit: %v", err)
	}
	if e, _ := err.(*export.Error); e != nil {
		t.Fatal(e)
	}
	_, err = export.Read(strings.NewReader("姓名,手机号\r\n张三,1\r\n"), cols)
	if !strings.Contains(err.Error(), "id_number") {
		t.Fatalf("missing column not named: %v", err)
	}
}
