package markdown

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// BenchmarkReadDir reads a site of 1,000 posts of about 4 KB each.
func BenchmarkReadDir(b *testing.B) {
	fsys := fstest.MapFS{}
	body := strings.Repeat("Forældre og skole taler sammen om trivsel i klassen. ", 80)
	for i := range 1000 {
		src := fmt.Sprintf("---\ntitle: Indlæg %d\ndate: 2016-12-05 10:00\ntags: [trivsel, skole-hjem]\n"+
			"layout: post\n---\n%s\n\n![Billede](billede-%d.png)\n", i, body, i)
		fsys[fmt.Sprintf("content/posts/2016-12-05-indlaeg-%d.md", i)] = &fstest.MapFile{Data: []byte(src)}
	}
	b.ReportAllocs()
	for b.Loop() {
		bundle, err := ReadDir(context.Background(), fsys, Options{Now: now})
		if err != nil || len(bundle.Items) != 1000 {
			b.Fatalf("%v, %d items", err, len(bundle.Items))
		}
	}
}
