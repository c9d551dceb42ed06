package ident

import "testing"

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		f    func(string) string
		in   string
		want string
	}{
		{"id", MaskID, "451026199001011234", "4510**********1234"},
		{"id lower x", MaskID, " 11010519491231002x ", "1101**********002X"},
		{"id 15 digits", MaskID, "451026900101123", "4510*******1123"},
		{"id short", MaskID, "12345678", "********"},
		{"id nine", MaskID, "123456789", "1234*6789"},
		{"id empty", MaskID, "", ""},
		{"id employer", MaskIDForEmployer, "451026199001011234", "451026***********4"},
		{"id employer x", MaskIDForEmployer, " 11010519491231002x ", "110105***********X"},
		{"id employer short", MaskIDForEmployer, "1234567", "*******"},
		{"phone", MaskPhone, "13812345678", "138****5678"},
		{"phone formatted", MaskPhone, "+86 138-1234-5678", "138****5678"},
		{"phone landline", MaskPhone, "0755-12345678", "075******5678"},
		{"phone short", MaskPhone, "1234567", "*******"},
		{"name three", MaskName, "张三丰", "张**"},
		{"name two", MaskName, "李四", "李*"},
		{"name one", MaskName, "王", "*"},
		{"name four", MaskName, "欧阳娜娜", "欧***"},
		{"name minority", MaskName, "阿依古丽·买买提", "阿*******"},
		{"name spaces", MaskName, " 韦 ", "*"},
		{"name latin", MaskName, "Wei", "W**"},
		{"name empty", MaskName, "", ""},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s: mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
