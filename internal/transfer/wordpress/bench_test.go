package wordpress

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// syntheticExport returns an export of n posts of about 6 KB of HTML each,
// with paragraphs, lists, links, images and shortcodes.
func syntheticExport(n int) string {
	var body strings.Builder
	for i := range 12 {
		fmt.Fprintf(&body, "Afsnit %d om <strong>trivsel</strong> og <a href=\"https://example.org/%d\">læsning</a> "+
			"i skolen, hvor børn og voksne arbejder sammen hver dag.\n\n", i, i)
		if i%4 == 0 {
			body.WriteString("<ul><li>Et punkt</li><li>Et andet punkt</li></ul>\n\n")
			fmt.Fprintf(&body, "[caption width=\"300\"]<img src=\"/wp-content/uploads/2020/01/b%d.jpg\" alt=\"B\"> "+
				"Tekst[/caption]\n\n", i)
		}
	}
	items := make([]string, n)
	for i := range items {
		items[i] = post(fmt.Sprint(i+1), fmt.Sprintf("Indlæg nummer %d", i+1), "publish", body.String(),
			"<wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>",
			`<category domain="category" nicename="skole">Skole</category>`)
	}
	return wxr("da", items...)
}

func BenchmarkRead(b *testing.B) {
	export := syntheticExport(1000)
	b.SetBytes(int64(len(export)))
	b.ReportAllocs()
	for b.Loop() {
		bundle, err := Read(context.Background(), strings.NewReader(export), Options{})
		if err != nil || len(bundle.Items) != 1000 {
			b.Fatalf("Read: %v", err)
		}
	}
}
