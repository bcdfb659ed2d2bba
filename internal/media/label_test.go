package media

import (
	"math"
	"testing"
)

func TestHumanSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{-5, "0 B"},
		{0, "0 B"},
		{12, "12 B"},
		{999, "999 B"},
		{1000, "1 kB"},
		{1234, "1,2 kB"},
		{9_949, "9,9 kB"},
		{9_960, "10 kB"},
		{850_000, "850 kB"},
		{999_499, "999 kB"},
		{999_500, "1 MB"},
		{1_200_000, "1,2 MB"},
		{15 * mib, "16 MB"},
		{500 * mib, "524 MB"},
		{2_500_000_000, "2,5 GB"},
		{math.MaxInt64, "9,2 EB"},
	}
	for _, tt := range tests {
		if got := HumanSize(tt.n); got != tt.want {
			t.Errorf("HumanSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestTypeLabel(t *testing.T) {
	tests := []struct {
		typ, want string
	}{
		{"application/pdf", "PDF"},
		{typeDOCX, "Word (DOCX)"},
		{typeODT, "OpenDocument (ODT)"},
		{"video/mp4", "MP4-video"},
		{"video/webm", "WebM-video"},
		{"image/jpeg", "Billede (JPEG)"},
		{"image/png", "Billede (PNG)"},
		{"text/vtt; charset=utf-8", "Undertekster (WebVTT)"},
		{"Application/PDF; x=y", "PDF"},
		{"image/avif", "Billede"},
		{"video/quicktime", "Video"},
		{"application/octet-stream", "Fil"},
		{"", "Fil"},
	}
	for _, tt := range tests {
		if got := TypeLabel(tt.typ); got != tt.want {
			t.Errorf("TypeLabel(%q) = %q, want %q", tt.typ, got, tt.want)
		}
	}
}
