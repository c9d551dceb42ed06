package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"easyjob/internal/app"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/i18n"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"

	"golang.org/x/text/encoding/simplifiedchinese"
)

type browser struct {
	t    *testing.T
	url  string
	c    *http.Client
	lang string
}

func bootWeb(t *testing.T, k storetest.Kind) (*app.App, string) {
	t.Helper()
	cfg := config.Defaults()
	cfg.DB = k.URL(t)
	cfg.KeyFile = t.TempDir() + "/key"
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.Store.Password = storetest.FastPassword
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return a, srv.URL
}

func officer(t *testing.T, a *app.App, base, username, region string) *browser {
	t.Helper()
	if _, err := a.Store.CreateUser(context.Background(), easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll},
		store.NewUser{Username: username, Password: username + "-password", Name: username, Role: easyjob.RoleOfficer, Region: region}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, url: base, c: &http.Client{Jar: jar}}
	if status, body := b.post("/login", url.Values{"username": {username}, "password": {username + "-password"}}); status != 200 || !strings.Contains(body, "/officer/import") {
		t.Fatalf("login: %d", status)
	}
	return b
}

func (b *browser) do(req *http.Request) (int, []byte, http.Header) {
	b.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header
}

func (b *browser) get(path string) (int, []byte, http.Header) {
	req, _ := http.NewRequest("GET", b.url+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	req, _ := http.NewRequest("POST", b.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body, _ := b.do(req)
	return status, string(body)
}

func (b *browser) upload(kind, name string, file []byte) (int, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", b.url+"/officer/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	status, body, _ := b.do(req)
	return status, string(body)
}

var tokenRe = regexp.MustCompile(`action="/officer/import/([A-Za-z0-9_-]+)"`)

// seekerSheet is an .xlsx of n seekers from 那坡县 with zh-CN headers; row
// bad (0-based), when >= 0, has a pay that is not a number.
func seekerSheet(t *testing.T, n, bad int) []byte {
	header := []string{"姓名", "身份证号", "手机号", "工种", "期望月薪", "需要住宿", "学历", "同意方式", "备注"}
	var rows [][]string
	for i := range n {
		in := storetest.SeekerInput()
		pay := "4800"
		if i == bad {
			pay = "面议"
		}
		rows = append(rows, []string{in.Name, in.IDNumber, in.Phone, "电子设备装接工", pay, "是", "初中", "已签字同意（纸质登记表）", ""})
	}
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, "名单", header, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func countSeekers(t *testing.T, a *app.App, region string) int {
	t.Helper()
	pg, err := a.Store.Seekers(context.Background(), easyjob.Actor{Role: easyjob.RoleOfficer, Region: region, Scope: store.ScopeOf(easyjob.RoleOfficer, region)}, store.SeekerFilter{ListOptions: store.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return len(pg.Items)
}

func TestImportPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		a, base := bootWeb(t, k)
		cat := i18n.MustLoad()
		station := officer(t, a, base, "napo", "451026")

		if status, body, _ := station.get("/officer/import"); status != 200 || !strings.Contains(string(body), `enctype="multipart/form-data"`) {
			t.Fatalf("form: %d", status)
		}

		// A bad row is reported with its row number, column and message;
		// nothing is written yet; the unknown column is listed.
		status, body := station.upload("seekers", "名单.xlsx", seekerSheet(t, 3, 1))
		if status != 200 {
			t.Fatalf("upload: %d %s", status, body)
		}
		for _, want := range []string{cat.T("zh-CN", "import.counts", "total", 3, "valid", 2, "invalid", 1),
			`class="mono">3</td>`, "期望月薪", cat.T("zh-CN", "field.number"), cat.T("zh-CN", "import.nothing_written"),
			cat.T("zh-CN", "import.unknown_columns", "columns", "备注")} {
			if !strings.Contains(body, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		m := tokenRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no token in the report")
		}
		token := m[1]
		if n := countSeekers(t, a, "451026"); n != 0 {
			t.Fatalf("%d written by the check", n)
		}

		// Another officer cannot commit it.
		city := officer(t, a, base, "city", "4403")
		if status, _ := city.post("/officer/import/"+token, url.Values{"mode": {"valid"}}); status != 404 {
			t.Fatalf("other officer: %d", status)
		}
		// No mode: the report again, with the message next to the buttons.
		if status, body := station.post("/officer/import/"+token, nil); status != 422 || !strings.Contains(body, cat.T("zh-CN", "import.mode")) {
			t.Fatalf("no mode: %d", status)
		}
		// All or nothing: nothing.
		status, body = station.post("/officer/import/"+token, url.Values{"mode": {"all"}})
		if status != 422 || !strings.Contains(body, cat.T("zh-CN", "import.all_refused", "invalid", 1)) || countSeekers(t, a, "451026") != 0 {
			t.Fatalf("all: %d", status)
		}
		// The valid rows.
		status, body = station.post("/officer/import/"+token, url.Values{"mode": {"valid"}})
		if status != 200 || !strings.Contains(body, cat.T("zh-CN", "import.done", "written", 2, "skipped", 1)) {
			t.Fatalf("valid: %d %s", status, body)
		}
		if n := countSeekers(t, a, "451026"); n != 2 {
			t.Fatalf("%d written", n)
		}
		if status, _ := station.post("/officer/import/"+token, url.Values{"mode": {"valid"}}); status != 409 {
			t.Fatalf("twice: %d", status)
		}

		// Files that are not spreadsheets, or lack a column, are refused at once.
		status, body = station.upload("seekers", "photo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
		if status != 422 || !strings.Contains(body, cat.T("zh-CN", "import.err.not_spreadsheet")) {
			t.Fatalf("png: %d", status)
		}
		status, body = station.upload("seekers", "a.csv", []byte("姓名,手机号\r\n张三,13800138000\r\n"))
		if status != 422 || !strings.Contains(body, "身份证号") {
			t.Fatalf("missing columns: %d", status)
		}
		if status, _ = station.upload("trucks", "a.csv", []byte("a\r\nb\r\n")); status != 422 {
			t.Fatalf("kind: %d", status)
		}

		// The templates: headers in the user's language and an example row
		// marked as such: uploaded as it is, the example is refused (it would
		// import a fake person); typed over, the same row checks clean.
		for _, lang := range []string{"zh-CN", "en"} {
			for _, format := range []string{"xlsx", "csv"} {
				station.lang = lang
				status, file, hdr := station.get("/officer/import/template?kind=seekers&format=" + format)
				if status != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
					t.Fatalf("template %s %s: %d", lang, format, status)
				}
				rows, err := export.ReadAll(bytes.NewReader(file))
				if err != nil || len(rows) != 2 || rows[0][1] != cat.T(lang, "sheet.col.id_number")+" *" {
					t.Fatalf("template %s %s: %v %v", lang, format, rows, err)
				}
				status, body = station.upload("seekers", "template."+format, file)
				if status != 200 || !strings.Contains(body, cat.T(lang, "import.counts", "total", 1, "valid", 0, "invalid", 1)) ||
					!strings.Contains(body, html.EscapeString(cat.T(lang, "import.example_row"))) {
					t.Errorf("template %s %s: the example row is not refused: %d\n%s", lang, format, status, body)
				}
				rows[1][0] = strings.TrimPrefix(rows[1][0], store.ExampleMark[lang])
				var typed bytes.Buffer
				if err := export.Write(&typed, export.Format(format), "sheet", rows[0], rows[1:]); err != nil {
					t.Fatal(err)
				}
				status, body = station.upload("seekers", "template."+format, typed.Bytes())
				if status != 200 || !strings.Contains(body, cat.T(lang, "import.counts", "total", 1, "valid", 1, "invalid", 0)) {
					t.Errorf("template %s %s typed over does not check clean: %d\n%s", lang, format, status, body)
				}
			}
		}
		station.lang = ""
		status, file, _ := station.get("/officer/import/template?kind=postings&format=xlsx")
		if rows, err := export.ReadAll(bytes.NewReader(file)); status != 200 || err != nil || len(rows) != 2 || rows[0][0] != "统一社会信用代码 *" {
			t.Fatalf("postings template: %d %v", status, err)
		}

		// Exports: the list, masked.
		status, file, hdr := station.get("/officer/seekers/export.xlsx")
		if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/vnd.openxmlformats") {
			t.Fatalf("export: %d", status)
		}
		rows, err := export.ReadAll(bytes.NewReader(file))
		if err != nil || len(rows) != 3 || rows[0][0] != "姓名" {
			t.Fatalf("export rows %v %v", rows, err)
		}
		for _, r := range rows[1:] {
			if !strings.Contains(r[0], "*") || !strings.Contains(r[1], "*") || !strings.Contains(r[6], "*") {
				t.Errorf("not masked: %v", r)
			}
		}
		status, file, _ = station.get("/officer/postings/export.xlsx?status=published")
		if rows, err := export.ReadAll(bytes.NewReader(file)); status != 200 || err != nil || len(rows) != 1 {
			t.Fatalf("postings export: %d %v %v", status, rows, err)
		}
		// Signed out: to the sign-in page.
		anon := &browser{t: t, url: base, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		if status, _, _ := anon.get("/officer/seekers/export.xlsx"); status != http.StatusSeeOther {
			t.Fatalf("anonymous export: %d", status)
		}
	})
}

// A district officer imports postings from a GBK-encoded CSV with English
// headers and names for districts and occupations, in English.
func TestImportPostingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		a, base := bootWeb(t, k)
		cat := i18n.MustLoad()
		ctx := context.Background()
		lg := officer(t, a, base, "longgang", "440307")
		lg.lang = "en"
		emp, _, err := a.Store.RegisterEmployer(ctx, store.EmployerSignup{EmployerInput: storetest.EmployerInput(), Username: "boss", Password: "boss-password"})
		if err != nil {
			t.Fatal(err)
		}
		start := easyjob.DateOf(time.Now()).AddDays(7).String()
		closing := easyjob.DateOf(time.Now()).AddDays(30).String()
		csv := "Credit code,Job title,Occupation,Headcount,Base monthly pay,Shift,Start date,Closing date,District,Address,Dorm\r\n" +
			emp.CreditCode + ",电子厂普工,电子设备装接工,10,5000,两班倒," + start + "," + closing + ",龙岗区,甘李路 8 号,是\r\n" +
			emp.CreditCode + ",包装工,电子设备装接工,5,1800,白班," + start + "," + closing + ",龙岗,甘李路 8 号,否\r\n"
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(csv)
		if err != nil {
			t.Fatal(err)
		}
		status, body := lg.upload("postings", "postings.csv", []byte(gbk))
		if status != 200 || !strings.Contains(body, cat.T("en", "import.counts", "total", 2, "valid", 1, "invalid", 1)) ||
			!strings.Contains(body, html.EscapeString(cat.T("en", "check.min_wage", "pay", 1800, "min", 2200))) || !strings.Contains(body, "Base monthly pay") {
			t.Fatalf("upload: %d\n%s", status, body)
		}
		token := tokenRe.FindStringSubmatch(body)[1]
		if status, body = lg.post("/officer/import/"+token, url.Values{"mode": {"valid"}}); status != 200 ||
			!strings.Contains(body, cat.T("en", "import.done", "written", 1, "skipped", 1)) {
			t.Fatalf("commit: %d", status)
		}
		status, file, _ := lg.get("/officer/postings/export.xlsx")
		rows, err := export.ReadAll(bytes.NewReader(file))
		if status != 200 || err != nil || len(rows) != 2 || rows[0][1] != "Job title" || rows[1][1] != "电子厂普工" || rows[1][18] != "" || rows[1][17] != "龙岗区" {
			t.Fatalf("export: %d %v %q", status, err, rows)
		}
	})
}
