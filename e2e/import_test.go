package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/i18n"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"

	"github.com/chromedp/chromedp"
)

// A station officer uploads a spreadsheet of seekers with one bad row, sees
// that row's error, tries all or nothing (nothing is written), then writes
// the valid rows.
func TestBulkImport(t *testing.T) {
	e := Boot(t, "zh-CN")
	cat := i18n.MustLoad()
	station := easyjob.Actor{Role: easyjob.RoleOfficer, Region: "451026", Scope: store.ScopeOf(easyjob.RoleOfficer, "451026")}
	count := func() int {
		pg, err := e.App.Store.Seekers(context.Background(), station, store.SeekerFilter{ListOptions: store.ListOptions{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		return len(pg.Items)
	}
	before := count()

	// The sheet, as a station would fill in the template.
	header := []string{"姓名", "身份证号", "手机号", "工种", "期望月薪", "需要住宿", "学历", "同意方式"}
	var rows [][]string
	for i := range 3 {
		in := storetest.SeekerInput()
		pay := "4800"
		if i == 1 {
			pay = "面议" // not a number: row 3 of the sheet
		}
		rows = append(rows, []string{in.Name, in.IDNumber, in.Phone, "电子设备装接工", pay, "是", "初中", "签字"})
	}
	path := filepath.Join(t.TempDir(), "那坡县求职者.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteXLSX(f, "求职者", header, rows); err != nil {
		t.Fatal(err)
	}
	f.Close()

	e.Login("napo-station", "napo-password")
	e.Run("open import", chromedp.Navigate(e.URL+"/officer/import"), chromedp.WaitVisible(chromedp.ID("file")))
	e.MustSee("导入导出", "下载模板")
	e.Shot("import-01-form")

	e.Run("upload",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}),
		chromedp.Click(chromedp.CSS(`#import button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".import-errors")))
	e.MustSee(cat.T("zh-CN", "import.counts", "total", 3, "valid", 2, "invalid", 1), "期望月薪",
		cat.T("zh-CN", "field.number"), cat.T("zh-CN", "import.nothing_written"))
	e.Shot("import-02-report")
	if n := count(); n != before {
		t.Fatalf("the check wrote %d seekers", n-before)
	}

	e.Run("all or nothing", chromedp.Click(chromedp.ID("commit-all")), chromedp.WaitVisible(chromedp.CSS(".flash.error")))
	e.MustSee(cat.T("zh-CN", "import.all_refused", "invalid", 1), cat.T("zh-CN", "field.number"))
	e.Shot("import-03-all-refused")
	if n := count(); n != before {
		t.Fatalf("all or nothing wrote %d seekers", n-before)
	}

	e.Run("valid rows", chromedp.Click(chromedp.ID("commit-valid")), chromedp.WaitVisible(chromedp.CSS(".import-written")))
	e.MustSee(cat.T("zh-CN", "import.done", "written", 2, "skipped", 1), cat.T("zh-CN", "import.skipped_rows"))
	e.Shot("import-04-written")
	if n := count(); n != before+2 {
		t.Fatalf("%d seekers written, want 2", n-before)
	}

	e.Run("the list", chromedp.Navigate(e.URL+"/officer/seekers"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	e.MustSee(cat.T("zh-CN", "list.export"))
	e.Shot("import-05-list")
}
