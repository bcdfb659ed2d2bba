package main

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// envFilmMB names the size in MiB of each film that
// TestParallelFilmUploadsKeepMemoryBounded sends; 300 unless it is set.
// scripts/upload-memory runs it with 1536 by hand.
const envFilmMB = "BINDELED_FILM_MB"

// memoryHeadroom is how far above its idle resident memory the server may
// go while it takes the films.
const memoryHeadroom = 100 << 20

// webmHeader is the start of a WebM file, enough for the type check; the
// rest of a test film is zeros.
var webmHeader = []byte{0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01,
	0x42, 0xf2, 0x81, 0x04, 0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm',
	0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02}

// TestParallelFilmUploadsKeepMemoryBounded starts the real binary (built
// without the race detector), sends it three large films at once through
// the editor's form, and reads the server's resident memory from /proc
// all the while: it must stay within memoryHeadroom of what the server
// held idle, every film must be saved, and a reader searching meanwhile
// must get every answer.
func TestParallelFilmUploadsKeepMemoryBounded(t *testing.T) {
	mb := 300
	if v := os.Getenv(envFilmMB); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of MiB", envFilmMB, v)
		}
		mb = n
	}
	bin := buildBinary(t)
	h := startHub(t, bin, "--data", t.TempDir(), "--max-video-mb", strconv.Itoa(mb+10))
	editor := newBrowser()
	editor.Timeout = 0 // a large upload takes as long as it takes; the test's own timeout bounds it
	setupAdmin(t, editor, h)
	doc, _ := getDoc(t, editor, h.base+"/redaktion/materialer/ny?type=film")
	csrf, _ := doc.Find("input[name=csrf]").Attr("value")

	// Idle is measured after the pages have been rendered once.
	for _, p := range []string{"/", "/materialer", "/materialer?q=film", "/redaktion"} {
		getDoc(t, editor, h.base+p)
	}
	time.Sleep(time.Second)
	pid := h.cmd.Process.Pid
	idle := residentBytes(t, pid)

	stop := make(chan struct{})
	var peak atomic.Int64
	var watchers sync.WaitGroup
	watchers.Add(2)
	go func() {
		defer watchers.Done()
		sampleMemory(pid, &peak, stop)
	}()
	var answered, failed atomic.Int64
	var slowest atomic.Int64
	go func() {
		defer watchers.Done()
		readMeanwhile(h.base, &answered, &failed, &slowest, stop)
	}()

	start := time.Now()
	var uploads sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		uploads.Add(1)
		go func() {
			defer uploads.Done()
			errs[i] = uploadFilm(editor, h.base, csrf, i, int64(mb)<<20)
		}()
	}
	uploads.Wait()
	took := time.Since(start)
	close(stop)
	watchers.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("film %d: %v", i, err)
		}
	}
	rise := peak.Load() - idle
	t.Logf("3 films of %d MiB in %v; resident memory idle %d MiB, peak %d MiB (+%d MiB); "+
		"%d reader requests answered meanwhile, the slowest in %v", mb, took.Round(time.Millisecond), idle>>20,
		peak.Load()>>20, rise>>20, answered.Load(), time.Duration(slowest.Load()).Round(time.Millisecond))
	if rise > memoryHeadroom {
		t.Errorf("resident memory rose %d MiB above idle, want at most %d", rise>>20, memoryHeadroom>>20)
	}
	if failed.Load() > 0 || answered.Load() == 0 {
		t.Errorf("reader requests meanwhile: %d answered, %d failed", answered.Load(), failed.Load())
	}
}

// residentBytes reads a process's resident memory (VmRSS) from /proc.
func residentBytes(t *testing.T, pid int) int64 {
	t.Helper()
	n, err := readRSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func readRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for process %d", pid)
}

// sampleMemory keeps the highest resident memory of pid in peak, read
// every 20 ms until stop is closed.
func sampleMemory(pid int, peak *atomic.Int64, stop <-chan struct{}) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if n, err := readRSS(pid); err == nil && n > peak.Load() {
			peak.Store(n)
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// readMeanwhile searches the public listing for a new word every 200 ms
// until stop is closed, so that no answer comes from the page cache, and
// counts the answers.
func readMeanwhile(base string, answered, failed, slowest *atomic.Int64, stop <-chan struct{}) {
	reader := &http.Client{Timeout: 10 * time.Second}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-time.After(200 * time.Millisecond):
		}
		start := time.Now()
		res, err := reader.Get(fmt.Sprintf("%s/materialer?q=skole%d", base, i))
		if err != nil {
			failed.Add(1)
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body) // a short read shows as a failed status below at worst
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			failed.Add(1)
			continue
		}
		answered.Add(1)
		if d := int64(time.Since(start)); d > slowest.Load() {
			slowest.Store(d)
		}
	}
}

// uploadFilm sends a film of size bytes through the new-material form,
// streaming it so that the test holds none of it, and checks that the
// material was saved.
func uploadFilm(c *http.Client, base, csrf string, i int, size int64) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeFilmForm(mw, csrf, i, size))
	}()
	res, err := c.Post(base+"/redaktion/materialer", mw.FormDataContentType(), pr)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, "/redaktion/materialer/") {
		return fmt.Errorf("the save ended at %s with %d", res.Request.URL, res.StatusCode)
	}
	return nil
}

func writeFilmForm(mw *multipart.Writer, csrf string, i int, size int64) error {
	for _, kv := range [][2]string{{"csrf", csrf}, {"kind", "film"}, {"title", fmt.Sprintf("Stor film %d", i)},
		{"summary", "En lang film."}, {"audiences", "parents"}, {"language", "da"}, {"transcript", "Tale."},
		{"action", "save"}} {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return err
		}
	}
	part, err := mw.CreateFormFile("video", fmt.Sprintf("film-%d.webm", i))
	if err != nil {
		return err
	}
	if _, err := part.Write(webmHeader); err != nil {
		return err
	}
	if _, err := io.CopyN(part, zeroReader{}, size-int64(len(webmHeader))); err != nil {
		return err
	}
	return mw.Close()
}

// zeroReader reads zeros for ever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
