package readers_test

import (
	"archive/zip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/transfer/readers"
)

var ctx = context.Background()

func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "site.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

const post = "---\ntitle: Forældremødet\ndate: 2024-09-01\ndescription: Sådan holder I et godt møde.\n---\n\nTekst.\n"

func TestZippedFolderReadFromItsTopFolder(t *testing.T) {
	withCover := strings.Replace(post, "date:", "cover: billede.png\ndate:", 1)
	p := writeZip(t, map[string]string{
		"site/content/posts/moede.md":            withCover,
		"site/content/posts/billede.png":         "PNG bytes",
		"__MACOSX/site/content/posts/._moede.md": "\x00\x05\x16\x07binary",
	})
	b, c, err := readers.Read(ctx, "markdown", p, readers.Options{Name: "site.zip"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The files are read when the import is applied, after Read.
	if cover := b.Items[0].Cover; cover == nil {
		t.Error("no cover")
	} else if rc, err := cover.Open(ctx); err != nil {
		t.Errorf("cover after Read: %v", err)
	} else {
		data, _ := io.ReadAll(rc)
		rc.Close()
		if string(data) != "PNG bytes" {
			t.Errorf("cover %q", data)
		}
	}
	if len(b.Items) != 1 || len(b.Refused) != 0 {
		t.Fatalf("items %d, refused %v", len(b.Items), b.Refused)
	}
	if it := b.Items[0]; it.Key != "file:content/posts/moede.md" || b.Source != "markdown" {
		t.Errorf("key %q, source %q", it.Key, b.Source)
	}
}

func TestZippedFolderSameSourceAsTheFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "moede.md"), []byte(post), 0o644); err != nil {
		t.Fatal(err)
	}
	fromDir, _, err := readers.Read(ctx, "markdown", dir, readers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromZip, _, err := readers.Read(ctx, "markdown", writeZip(t, map[string]string{"content/moede.md": post}),
		readers.Options{Name: "site.zip"})
	if err != nil {
		t.Fatal(err)
	}
	if fromDir.Source != fromZip.Source || fromDir.Items[0].Key != fromZip.Items[0].Key {
		t.Errorf("folder %q %q, zip %q %q", fromDir.Source, fromDir.Items[0].Key, fromZip.Source,
			fromZip.Items[0].Key)
	}
}

func TestZipThatLeavesItsFolderRefused(t *testing.T) {
	for _, name := range []string{"../../etc/moede.md", "/etc/moede.md", `..\moede.md`} {
		p := writeZip(t, map[string]string{name: post, "ok.md": post})
		_, _, err := readers.Read(ctx, "markdown", p, readers.Options{Name: "site.zip"})
		if !errors.Is(err, readers.ErrUnreadable) || !strings.Contains(err.Error(), "would leave the folder") {
			t.Errorf("%s: err %v, want ErrUnreadable", name, err)
		}
	}
}

func TestNotAZip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "site.zip")
	if err := os.WriteFile(p, []byte("<html>not a zip</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"markdown", "links"} {
		if _, _, err := readers.Read(ctx, format, p, readers.Options{}); !errors.Is(err, readers.ErrUnreadable) {
			t.Errorf("%s: err %v, want ErrUnreadable", format, err)
		}
	}
	if _, _, err := readers.Read(ctx, "gopher", p, readers.Options{}); err == nil {
		t.Error("unknown format read")
	}
}

// TestFolderSymlinkOutsideNotFollowed: a picture that is a symbolic link
// to a file outside the folder is not read.
func TestFolderSymlinkOutsideNotFollowed(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "hemmelig.png")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	withCover := strings.Replace(post, "date:", "cover: ude.png\ndate:", 1)
	if err := os.WriteFile(filepath.Join(dir, "moede.md"), []byte(withCover), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "ude.png")); err != nil {
		t.Fatal(err)
	}
	b, c, err := readers.Read(ctx, "markdown", dir, readers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cover := b.Items[0].Cover; cover != nil {
		if rc, err := cover.Open(ctx); err == nil {
			data, _ := io.ReadAll(rc)
			rc.Close()
			t.Errorf("a link out of the folder was followed: %q", data)
		}
	}
}
