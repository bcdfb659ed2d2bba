package xsstest

import (
	"slices"
	"testing"
)

func TestVectors(t *testing.T) {
	v := Vectors()
	if len(v) < 50 {
		t.Errorf("%d vectors, want at least 50", len(v))
	}
	for _, l := range MarkdownLinks {
		if !slices.Contains(v, l) {
			t.Errorf("the corpus lacks %q", l)
		}
	}
	if !slices.Contains(v, "[k]: javascript:alert(50)\n\n[k]") {
		t.Error(`\n is not read as a line break`)
	}
}

func TestActive(t *testing.T) {
	for _, tt := range []struct {
		html   string
		active bool
	}{
		{`<p>Tekst <a href="https://eksempel.dk" rel="nofollow">link</a></p>`, false},
		{`<a href="/materialer/x">relativ</a><a href="mailto:a@b.dk">post</a><img src="a:b/c.png">`, true},
		{`<a href="side:2">relativ med kolon</a>`, true},
		{`<a href="./side:2">relativ med kolon</a>`, false},
		{`&lt;script&gt;alert(1)&lt;/script&gt;`, false},
		{`<script>alert(1)</script>`, true},
		{`<img src=x onerror=alert(1)>`, true},
		{`<a href="java&#x09;script:alert(1)">x</a>`, true},
		{`<a href=" JAVASCRIPT:alert(1)">x</a>`, true},
		{`<a href="vbscript:msgbox(1)">x</a>`, true},
		{`<img src="data:text/html;base64,PGI+aGVqPC9iPg==">`, true},
		{`<svg><a xlink:href="javascript:alert(1)">x</a></svg>`, true},
		{`<p style="x:expression(alert(1))">x</p>`, true},
	} {
		if got := Active(tt.html); (len(got) > 0) != tt.active {
			t.Errorf("Active(%q) = %v, want active %v", tt.html, got, tt.active)
		}
	}
}
