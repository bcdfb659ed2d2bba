package jobs_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// storeImage stores a w×h JPEG through the upload pipeline and records it.
func storeImage(t *testing.T, st *storage.Store, blobs media.Blobs, w, h int) *storage.Media {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	p := &media.Processor{Blobs: blobs, Limits: media.DefaultLimits(), TempDir: t.TempDir()}
	info, err := p.Ingest(ctx, &buf, media.Image)
	if err != nil {
		t.Fatal(err)
	}
	m := &storage.Media{Key: info.Key, Class: string(info.Class), ContentType: info.ContentType, Size: info.Size,
		Width: info.Width, Height: info.Height, Name: "foto.jpg"}
	if err := st.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRenditionsMadeByTheJob(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		blobs, err := media.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		photo := storeImage(t, st, blobs, 1000, 600)
		gone := storeImage(t, st, blobs, 900, 500)
		if _, err := st.WithdrawMedia(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		// A record whose file is missing gets no renditions and is not
		// tried again.
		lost := &storage.Media{Key: "0123abcd.jpg", Class: "image", ContentType: "image/jpeg", Size: 9,
			Width: 1000, Height: 600}
		if err := st.CreateMedia(ctx, lost); err != nil {
			t.Fatal(err)
		}
		before, err := st.PageVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
			Blobs: blobs}
		if n := r.RunDue(ctx); n != 3 {
			t.Fatalf("ran %d jobs, want the renditions of three images", n)
		}
		later := &jobs.Runner{Store: st, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
			Blobs: blobs, Now: func() time.Time { return time.Now().Add(48 * time.Hour) }}
		if n := later.RunDue(ctx); n != 0 {
			t.Errorf("%d renditions jobs were tried again", n)
		}
		rs, err := st.RenditionsOf(ctx, []int64{photo.ID, gone.ID, lost.ID})
		if err != nil {
			t.Fatal(err)
		}
		type made struct {
			typ  string
			w, h int
		}
		var got []made
		for _, x := range rs[photo.ID] {
			got = append(got, made{x.ContentType, x.Width, x.Height})
			b, err := blobs.Open(ctx, x.Key)
			if err != nil {
				t.Fatalf("rendition %s not stored: %v", x.Key, err)
			}
			if b.Size() != x.Size {
				t.Errorf("%s: %d bytes stored, %d recorded", x.Key, b.Size(), x.Size)
			}
			b.Close()
		}
		want := []made{{"image/jpeg", 400, 240}, {"image/jpeg", 800, 480},
			{"image/webp", 400, 240}, {"image/webp", 800, 480}, {"image/webp", 1000, 600}}
		if len(got) != len(want) {
			t.Fatalf("renditions %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("rendition %d: %v, want %v", i, got[i], want[i])
			}
		}
		if len(rs[lost.ID]) != 0 {
			t.Errorf("an image without its file has renditions: %v", rs[lost.ID])
		}
		if len(rs[gone.ID]) != 0 {
			t.Errorf("a withdrawn image has renditions: %v", rs[gone.ID])
		}
		for _, key := range media.RenditionKeys(gone.Key, gone.Width) {
			if b, err := blobs.Open(ctx, key); err == nil {
				b.Close()
				t.Errorf("a copy of the withdrawn image is stored: %s", key)
			}
		}
		if after, _ := st.PageVersion(ctx); after == before {
			t.Error("new renditions left the page version alone")
		}
		if n, err := st.PlanMissingRenditions(ctx, time.Now()); err != nil || n != 0 {
			t.Errorf("planned %d more (%v), want none", n, err)
		}

		// Withdrawing the image forgets its renditions at once.
		if _, err := st.WithdrawMedia(ctx, photo.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RenditionByKey(ctx, rs[photo.ID][0].Key); err == nil {
			t.Error("a rendition of a withdrawn image is still found")
		}
	})
}
