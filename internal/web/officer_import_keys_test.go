package web

import (
	"testing"

	"easyjob/internal/export"
	"easyjob/internal/i18n"
	"easyjob/internal/store"
)

// Every key the import and export pages build from values exists in every
// language.
func TestImportKeys(t *testing.T) {
	cat := i18n.MustLoad()
	keys := []string{"sheet.yes", "sheet.no", "sheet.list_sep", "import.no_file", "import.kind", "import.no_valid",
		"import.all_refused", "import.done", "import.col_row", "sheet.example.name", "sheet.example.title",
		"sheet.example.overtime", "sheet.example.address", "sheet.example.description", "sheet.alias.signed", "sheet.alias.verbal"}
	for _, kind := range importKinds {
		keys = append(keys, "import.kind."+kind)
		for _, c := range store.ImportColumns(kind) {
			keys = append(keys, "sheet.col."+c.Name)
		}
	}
	for _, c := range append(seekerExportColumns, postingExportColumns...) {
		keys = append(keys, "sheet.col."+c)
	}
	for _, code := range []string{export.ErrTooLarge, export.ErrTooManyRows, export.ErrNotSpreadsheet, export.ErrEmpty,
		export.ErrMissingColumns, export.ErrDuplicateCol, export.ErrUnpackedSize, export.ErrTooManyColumns, export.ErrCellTooLong, export.ErrBadCharacter} {
		keys = append(keys, "import.err."+code)
	}
	for _, lang := range i18n.Languages {
		for _, k := range keys {
			if !cat.Has(lang, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
}
