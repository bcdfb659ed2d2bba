package wordpress

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/material"
)

// fuzzMaxBytes caps the input the fuzzer gives Read, as MaxBytes does for
// real exports.
const fuzzMaxBytes = 256 << 10

// FuzzRead feeds Read arbitrary files, seeded with the fixtures: it must
// not panic, must end within a bound, must not allocate without bound,
// and whatever it reads must pass the checks Apply makes.
func FuzzRead(f *testing.F) {
	names, err := filepath.Glob("testdata/*.xml")
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
	f.Add([]byte(`<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><wp:post_type>post</wp:post_type>` +
		`<title>T</title><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">` +
		`<![CDATA[[caption][gallery ids="1"][/caption]<ul><li><blockquote>x]]></content:encoded>` +
		`</item></channel></rss>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		b, err := Read(context.Background(), bytes.NewReader(data), Options{Name: "fuzz.xml", MaxBytes: fuzzMaxBytes,
			Kinds: []KindRule{{By: "type", Name: "page", Kind: material.Guide}}})
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("Read took %v for %d bytes", d, len(data))
		}
		runtime.ReadMemStats(&after)
		// Everything kept is bounded by the input; the conversions may
		// allocate a fair multiple of it, and never without bound.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 512<<20 {
			t.Errorf("Read allocated %d bytes for %d bytes of input", grew, len(data))
		}
		if err != nil {
			return
		}
		for _, it := range b.Items {
			if p := material.Validate(&it.Material); p != nil {
				t.Errorf("%s: item fails Validate: %v", it.Where, p)
			}
			if markdown.TooDeep(it.Material.Body) {
				t.Errorf("%s: body nests too deeply", it.Where)
			}
			if _, err := markdown.ToHTML(it.Material.Body); err != nil {
				t.Errorf("%s: ToHTML: %v", it.Where, err)
			}
		}
	})
}
