package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"easyjob/internal/i18n"
	"easyjob/internal/store/storetest"
)

// Form values and query parameters with a NUL, an escape sequence or
// invalid UTF-8 are refused with 422 before any handler runs — the sign-in
// forms and the employer's sign-up included — and the page names the field
// in the user's language. Multipart uploads are checked by their handler.
func TestFormControlCharacters(t *testing.T) {
	cat := i18n.MustLoad()
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		a, base := bootWeb(t, k)
		anon := &browser{t: t, url: base, c: &http.Client{}}
		forms := []struct {
			path  string
			form  url.Values
			field string
		}{
			{"/login", url.Values{"username": {"root\x00"}, "password": {"x"}}, "username"},
			{"/seeker/login/code", url.Values{"phone": {"138\x1b[2J"}}, "phone"},
			{"/seeker/login", url.Values{"phone": {"13800138000"}, "code": {"12\x7f"}}, "code"},
			{"/employer/register", url.Values{"name": {"工厂\xff"}, "username": {"factory"}}, "name"},
		}
		for _, lang := range i18n.Languages {
			anon.lang = lang
			for _, f := range forms {
				status, body := anon.post(f.path, f.form)
				body = html.UnescapeString(body)
				if status != 422 || !strings.Contains(body, f.field+cat.T(lang, "error.field_sep")) {
					t.Errorf("%s %s: %d", lang, f.path, status)
				}
			}
			status, body, _ := anon.get("/postings/1?q=%00")
			if status != 422 || !strings.Contains(html.UnescapeString(string(body)), "q"+cat.T(lang, "error.field_sep")+cat.T(lang, "field.control_char")) {
				t.Errorf("%s query: %d", lang, status)
			}
		}
		station := officer(t, a, base, "napo", "451026")
		if status, body, _ := station.get("/officer/seekers?q=%1b%5b31m"); status != 422 {
			t.Errorf("officer filter: %d %s", status, body)
		}
		if status, body := station.upload("seekers\x00", "名单.xlsx", seekerSheet(t, 1, -1)); status != 422 || !strings.Contains(body, cat.T("zh-CN", "field.control_char")) {
			t.Errorf("multipart value: %d", status)
		}
		if status, _ := station.upload("seekers", "名单\x00.xlsx", seekerSheet(t, 1, -1)); status != 422 {
			t.Errorf("multipart file name: %d", status)
		}
		// Line ends from a textarea stay text.
		if _, body := station.post("/officer/register", url.Values{"name": {"张三"}, "group": {"A组\r\n一队\t"}}); strings.Contains(body, cat.T("zh-CN", "field.control_char")) {
			t.Error("line ends and tabs refused")
		}
	})
}
