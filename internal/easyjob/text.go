package easyjob

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// Text that no field may hold: invalid UTF-8 (PostgreSQL refuses it), the
// C0 control characters other than tab, line feed and carriage return (NUL
// breaks PostgreSQL text; escape sequences reach officers' terminals and
// exports), DEL and the C1 control characters (U+0080–U+009F, among them
// the terminals' CSI). Carriage returns stay because browsers send
// textarea line ends as CR LF.

// TextProblem returns "" when s may be stored, else the message key that
// says what is wrong with it.
func TextProblem(s string) string {
	if !utf8.ValidString(s) {
		return "field.invalid_text"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return "field.control_char"
		}
		if c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f { // U+0080–U+009F
			return "field.control_char"
		}
	}
	return ""
}

// CheckText walks v — structs, pointers, slices, arrays, maps and
// interfaces, as decoded from JSON — and refuses every string, and every
// map key, that TextProblem objects to. Fields are named by their path of
// JSON names ("stops.name"; elements of lists share their list's name).
func CheckText(v any) error {
	f := Fields{}
	checkText(f, reflect.ValueOf(v), "", 0)
	return f.Err()
}

func checkText(f Fields, v reflect.Value, path string, depth int) {
	if !v.IsValid() || depth > 32 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkText(f, v.Elem(), path, depth+1)
		}
	case reflect.String:
		if key := TextProblem(v.String()); key != "" {
			f.Add(orBody(path), key)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes, not text
		}
		for i := range v.Len() {
			checkText(f, v.Index(i), path, depth+1)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			name := path
			if it.Key().Kind() == reflect.String {
				k := it.Key().String()
				if key := TextProblem(k); key != "" {
					f.Add(orBody(path), key)
					continue
				}
				name = join(path, k)
			}
			checkText(f, it.Value(), name, depth+1)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() && !sf.Anonymous {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			switch {
			case sf.Anonymous && name == "":
				checkText(f, v.Field(i), path, depth+1) // promoted fields
			case name == "":
				checkText(f, v.Field(i), join(path, sf.Name), depth+1)
			default:
				checkText(f, v.Field(i), join(path, name), depth+1)
			}
		}
	}
}

// FieldPath names a field inside path ("items.0.name"); the body itself
// is "body".
func FieldPath(path, name string) string { return join(path, name) }

// BodyField is path, or "body" for the whole body.
func BodyField(path string) string { return orBody(path) }

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}
