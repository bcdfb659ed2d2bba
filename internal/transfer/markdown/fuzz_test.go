package markdown

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// FuzzFrontMatter feeds the front matter splitter and both parsers: no
// input makes them panic, and what they return is bounded by the input's
// size and the reader's limits.
func FuzzFrontMatter(f *testing.F) {
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isMarkdown(p) {
			return err
		}
		data, err := os.ReadFile(p)
		if err == nil {
			f.Add(data)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(aliasBomb()))
	f.Add([]byte("+++\r\ndate = 1979-05-27T07:32:00\r\ntags = ['a']\r\n+++\r\n"))
	f.Add([]byte("---"))
	f.Add([]byte("---\n---"))
	f.Add([]byte("+++\n[cover]\nimage = 'x.jpg'\n+++\n"))

	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			return
		}
		b, err := ReadDir(context.Background(), fstest.MapFS{"a.md": {Data: src}}, Options{})
		if err != nil || len(b.Items)+len(b.Refused) > 1 {
			t.Fatalf("one file gave %v, %v", b, err)
		}
		format, front, body, err := splitFrontMatter(src)
		if err != nil {
			return
		}
		if len(front)+len(body) > len(src) {
			t.Fatalf("front %d + body %d bytes from %d", len(front), len(body), len(src))
		}
		if format == "" && !bytes.Equal(body, bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))) {
			t.Fatal("a file without front matter lost text")
		}
		fm, err := parseFrontMatter(format, front)
		if err != nil {
			return
		}
		if n := countValues(fm); n > maxNodes {
			t.Fatalf("%d values from %d bytes", n, len(front))
		}
		for k, v := range fm {
			_ = strings.ToLower(k)
			_, _ = parseDate(v, time.UTC)
			_ = strs(v)
		}
	})
}

func countValues(v any) int {
	switch v := v.(type) {
	case frontMatter:
		return countValues(map[string]any(v))
	case map[string]any:
		n := 1
		for _, x := range v {
			n += countValues(x)
		}
		return n
	case []any:
		n := 1
		for _, x := range v {
			n += countValues(x)
		}
		return n
	}
	return 1
}
