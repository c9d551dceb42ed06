package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// The Content-Security-Policy (httpx.ContentSecurityPolicy) allows scripts
// and styles from /static only: no template may hold an inline script, a
// <style> element, a style attribute, an event handler attribute or a
// javascript: address.
func TestTemplatesKeepToTheCSP(t *testing.T) {
	files, _ := filepath.Glob("templates/*.html")
	scriptTag := regexp.MustCompile(`(?i)<script\b[^>]*>`)
	inline := regexp.MustCompile(`(?i)<style[\s>]|\sstyle\s*=|\son[a-z]+\s*=|javascript:`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range scriptTag.FindAll(b, -1) {
			if !regexp.MustCompile(`\ssrc="(/static/|\{\{asset ")`).Match(tag) {
				t.Errorf("%s: %q is an inline script; move it to a file under static/", f, tag)
			}
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s: %q breaks the Content-Security-Policy; move it to a file under static/", f, m)
		}
	}
}
