package transfer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
)

// benchItems is the number of materials each run brings.
const benchItems = 1000

func benchMaterial(i int) material.Material {
	return material.Material{Kind: material.Article, Title: fmt.Sprintf("Forældremøde nummer %d", i),
		Summary: "Sådan holder I et godt forældremøde om trivsel i klassen.",
		Body: "## Før mødet\n\nInviter i god tid, og fortæl hvad I vil tale om.\n\n## På mødet\n\n" +
			"Lad forældrene tale sammen to og to, før I samler op i plenum.\n",
		Audiences: []material.Audience{material.Parents, material.Teachers}, Language: "da",
		Status: material.Published, PublishedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)}
}

// BenchmarkImport measures transfer.Apply of 1,000 published items with a
// theme and two old addresses each, beside the reference of the same
// 1,000 materials stored by storage.CreateMaterials (the bulk path of the
// starter collection) on an empty database of the same backend, and a
// second, unchanged run. Compare the ns/op of the three on one backend:
//
//	go test ./internal/transfer -run '^$' -bench BenchmarkImport -benchtime 3x
func BenchmarkImport(b *testing.B) {
	b.Logf("ratios are ns/op of apply or unchanged against create on the same backend, in this run")
	bundle := &transfer.Bundle{Source: "bench", Themes: []transfer.Theme{{Key: "t", Slug: "trivsel", Name: "Trivsel"}}}
	for i := range benchItems {
		bundle.Items = append(bundle.Items, transfer.Item{Key: fmt.Sprint("post:", i), Where: fmt.Sprint(i),
			Material: benchMaterial(i), ThemeKeys: []string{"t"},
			OldPaths: []string{fmt.Sprintf("/?p=%d", i), fmt.Sprintf("/2020/01/moede-%d/", i)}})
	}
	for _, backend := range storagetest.Backends(b) {
		b.Run(string(backend)+"/create", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				st := storagetest.Open(b, backend)
				ms := make([]*material.Material, benchItems)
				for i := range ms {
					m := benchMaterial(i)
					m.Slug = material.Slugify(m.Title)
					ms[i] = &m
				}
				b.StartTimer()
				if err := st.CreateMaterials(ctx, ms); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(backend)+"/apply", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				st, blobs := benchHub(b, backend)
				b.StartTimer()
				if _, err := transfer.Apply(ctx, st, blobs, bundle, transfer.Options{TempDir: b.TempDir()}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(backend)+"/unchanged", func(b *testing.B) {
			st, blobs := benchHub(b, backend)
			if _, err := transfer.Apply(ctx, st, blobs, bundle, transfer.Options{TempDir: b.TempDir()}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				rep, err := transfer.Apply(ctx, st, blobs, bundle, transfer.Options{TempDir: b.TempDir()})
				if err != nil || rep.Unchanged != benchItems {
					b.Fatalf("%v, %+v", err, rep)
				}
			}
		})
	}
}

func benchHub(b *testing.B, backend storage.Backend) (*storage.Store, media.Blobs) {
	st := storagetest.Open(b, backend)
	blobs, err := media.NewDisk(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return st, blobs
}

// BenchmarkLargeImport imports 20,000 items in one transaction, beyond what
// PostgreSQL's lock table holds when every slug takes an advisory lock of
// its own (the import then fails with "out of shared memory"):
//
//	go test ./internal/transfer -run '^$' -bench BenchmarkLargeImport -benchtime 1x -timeout 30m
func BenchmarkLargeImport(b *testing.B) {
	bundle := &transfer.Bundle{Source: "large"}
	for i := range 20000 {
		bundle.Items = append(bundle.Items, transfer.Item{Key: fmt.Sprint(i), Where: fmt.Sprint(i),
			Material: benchMaterial(i), OldPaths: []string{fmt.Sprintf("/?p=%d", i)}})
	}
	for _, backend := range storagetest.Backends(b) {
		b.Run(string(backend), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				st, blobs := benchHub(b, backend)
				b.StartTimer()
				rep, err := transfer.Apply(ctx, st, blobs, bundle, transfer.Options{TempDir: b.TempDir()})
				if err != nil || rep.Created != len(bundle.Items) {
					b.Fatalf("%v, created %d", err, rep.Created)
				}
			}
		})
	}
}
