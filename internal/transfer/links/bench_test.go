package links

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// BenchmarkReadCSV reads a semicolon file of MaxRows links.
func BenchmarkReadCSV(b *testing.B) {
	var src bytes.Buffer
	src.WriteString("\xef\xbb\xbfTitel;Adresse;Beskrivelse;Målgruppe;Tema\r\n")
	for i := range MaxRows {
		fmt.Fprintf(&src, "Link nummer %d;https://example.com/side/%d;\"En beskrivelse; med semikolon.\";"+
			"forældre, lærere;Trivsel | Skole-hjem\r\n", i, i)
	}
	b.SetBytes(int64(src.Len()))
	b.ReportAllocs()
	for b.Loop() {
		bundle, err := ReadCSV(context.Background(), bytes.NewReader(src.Bytes()), Options{})
		if err != nil || len(bundle.Items) != MaxRows {
			b.Fatalf("%v, %d items, refused %v", err, len(bundle.Items), bundle.Refused[:min(3, len(bundle.Refused))])
		}
	}
}
