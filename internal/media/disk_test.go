package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestValidKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"ab", true},
		{"0123456789abcdef0123456789abcdef.jpg", true},
		{"0123456789abcdef0123456789abcdef.docx", true},
		{strings.Repeat("a", 64) + ".webm", true},
		{"", false},
		{"a", false},
		{".jpg", false},
		{"..", false},
		{"../etc/passwd", false},
		{"..%2fetc", false},
		{"ab/cd", false},
		{`ab\cd`, false},
		{"/abs", false},
		{"ab.", false},
		{"ab.c", false},
		{"ab.abcdef", false},
		{"ab.c.d", false},
		{"ab..jpg", false},
		{"AB.jpg", false},
		{"ab.JPG", false},
		{"ab\x00.jpg", false},
		{"ab.jpg\n", false},
		{" ab", false},
		{strings.Repeat("a", 65), false},
		{"ab-cd", false},
		{".put-123", false},
	}
	for _, tt := range tests {
		if got := ValidKey(tt.key); got != tt.want {
			t.Errorf("ValidKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestDiskRejectsBadKeys(t *testing.T) {
	root := t.TempDir()
	d, err := NewDisk(filepath.Join(root, "store"))
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(root, "secret")
	if err := os.WriteFile(outside, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	for _, key := range []string{"../secret", "..", "../store/../secret", "/etc/passwd", ""} {
		if _, err := d.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, ErrBadKey) {
			t.Errorf("Put(%q) err = %v, want ErrBadKey", key, err)
		}
		if _, err := d.Open(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Open(%q) err = %v, want ErrBadKey", key, err)
		}
		if err := d.Delete(ctx, key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Delete(%q) err = %v, want ErrBadKey", key, err)
		}
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("file outside the store was touched: %v", err)
	}
	assertEmptyDir(t, d.dir)
}

func TestDiskRoundTrip(t *testing.T) {
	d, err := NewDisk(filepath.Join(t.TempDir(), "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const key = "0123456789abcdef.pdf"
	data := bytes.Repeat([]byte("bindeled "), 1000)

	n, err := d.Put(ctx, key, bytes.NewReader(data))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Put = %d, %v", n, err)
	}
	checkBlob(t, d, key, data)

	if err := d.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open after Delete: err = %v, want fs.ErrNotExist", err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Errorf("second Delete: %v", err)
	}
}

func checkBlob(t *testing.T, d *Disk, key string, want []byte) {
	t.Helper()
	b, err := d.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Size() != int64(len(want)) || b.ModTime().IsZero() {
		t.Errorf("Size %d ModTime %v", b.Size(), b.ModTime())
	}
	if _, err := b.Seek(-4, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	tail, err := io.ReadAll(b)
	if err != nil || !bytes.Equal(tail, want[len(want)-4:]) {
		t.Errorf("tail = %q, %v", tail, err)
	}
}

func TestDiskPutFailureLeavesNothing(t *testing.T) {
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const key = "abcdef.vtt"
	_, err = d.Put(context.Background(), key, &failingReader{})
	if !errors.Is(err, errBroken) {
		t.Fatalf("err = %v, want %v", err, errBroken)
	}
	assertEmptyDir(t, d.dir)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Put: err = %v", err)
	}
	assertEmptyDir(t, d.dir)
}

func TestDiskOpenRefusesDirectory(t *testing.T) {
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(d.dir, "subdir"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(context.Background(), "subdir"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(directory) err = %v, want fs.ErrNotExist", err)
	}
}

func TestNewDiskEmptyDir(t *testing.T) {
	if _, err := NewDisk(""); err == nil {
		t.Error("NewDisk(\"\") succeeded")
	}
}

// TestNewDiskRemovesStaleTemporaryFiles: a put cut off by a crash leaves a
// temporary file; the next start removes it once it is old, and leaves
// young ones (another instance may be writing) and stored files alone.
func TestNewDiskRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-25 * time.Hour)
	for _, name := range []string{".put-1", ".put-2", "ab.jpg"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if name != ".put-2" {
			if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := NewDisk(dir); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{".put-1": false, ".put-2": true, "ab.jpg": true} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s there: %v, want %v", name, err == nil, want)
		}
	}
}
