package media

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"
)

// benchPhoto is a 3000×2000 JPEG with detail at several scales, roughly
// as hard to compress as a photo.
func benchPhoto(b *testing.B) []byte {
	b.Helper()
	const w, h = 3000, 2000
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := math.Sin(float64(x)/37)*math.Cos(float64(y)/23)*60 + 128
			n := float64((x*7919+y*104729)%61) - 30 // fine grain
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(v + n/2), G: uint8(int(v+float64((x^y)%50)) % 256),
				B: uint8((x*y)%256/4 + 60), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRenditions makes the renditions of one 3000×2000 photo, stored
// (scaled to 2400×1600) through the upload pipeline, and reports the
// bytes of each against the stored original.
func BenchmarkRenditions(b *testing.B) {
	d, err := NewDisk(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	p := &Processor{Blobs: d, Limits: DefaultLimits(), TempDir: b.TempDir()}
	info, err := p.Ingest(context.Background(), bytes.NewReader(benchPhoto(b)), Image)
	if err != nil {
		b.Fatal(err)
	}
	var rs []Rendition
	b.ResetTimer()
	for b.Loop() {
		if rs, err = MakeRenditions(context.Background(), d, info.Key, info.ContentType); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(info.Size), "original-bytes")
	for _, r := range rs {
		b.Logf("%s %d×%d: %d bytes (%.1f%% of the original %d×%d, %d bytes)", r.ContentType, r.Width, r.Height,
			r.Size, 100*float64(r.Size)/float64(info.Size), info.Width, info.Height, info.Size)
	}
}
