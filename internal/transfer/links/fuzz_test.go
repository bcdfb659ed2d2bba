package links

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
)

// FuzzCSV feeds ReadCSV: no input makes it panic, every item it returns is
// a valid link, and it never returns more items than the input has lines.
func FuzzCSV(f *testing.F) {
	names, err := filepath.Glob("testdata/*.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("url\ttitle\tdescription\nhttps://example.com/\tA\tB\n"))
	f.Add([]byte("url;title\n\"https://example.com/\";\"A\n"))

	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			return
		}
		b, err := ReadCSV(context.Background(), bytes.NewReader(src), Options{})
		if err != nil {
			return
		}
		lines := bytes.Count(src, []byte("\n")) + bytes.Count(src, []byte("\r")) + 1
		if len(b.Items)+len(b.Refused) > lines {
			t.Fatalf("%d items and %d refused from %d lines", len(b.Items), len(b.Refused), lines)
		}
		for _, it := range b.Items {
			m := it.Material
			if p := material.Validate(&m); p != nil || !material.IsWebURL(it.Key) {
				t.Fatalf("%s: %v, key %q", it.Where, p, it.Key)
			}
		}
	})
}
