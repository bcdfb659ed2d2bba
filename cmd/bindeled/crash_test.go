package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	_ "image/jpeg" // stored photos are decoded in the check
)

// TestCrashDuringSaves starts the real binary, has four editors save new
// drafts with a cover image and a PDF as fast as the server answers, kills
// the server with SIGKILL in the middle, and starts it again. Every save
// the server acknowledged must be there with its files, the database must
// pass SQLite's integrity check, and every file in the media folder must
// be whole.
func TestCrashDuringSaves(t *testing.T) {
	bin := buildBinary(t)
	data := t.TempDir()
	h := startHub(t, bin, "--data", data)
	c := newBrowser()
	createAdmin(t, c, h)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	acked := map[int64]string{}
	for round := range 3 {
		if round > 0 {
			h = restartHub(t, bin, data)
		}
		for id, title := range crashBurst(t, c, h, round) {
			acked[id] = title
		}
		checkAfterCrash(t, data, acked)
	}

	// The hub starts again on the same folder and shows the saved drafts.
	h = restartHub(t, bin, data)
	for id := range acked {
		res, err := c.Get(h.base + "/redaktion/materialer/" + strconv.FormatInt(id, 10))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("draft %d after the restart: %d", id, res.StatusCode)
		}
	}
}

// crashBurst has four editors save new drafts as fast as the server
// answers and kills the server with SIGKILL once eight saves were
// acknowledged, while more are in flight. It returns the acknowledged
// saves.
func crashBurst(t *testing.T, c *http.Client, h *running, round int) map[int64]string {
	t.Helper()
	doc, _ := getDoc(t, c, h.base+"/redaktion/materialer/ny?type=guide")
	csrf, _ := doc.Find("input[name=csrf]").Attr("value")
	burst := &saveBurst{client: c, base: h.base, csrf: csrf, cover: testPNG(t), pdf: testPDF(), round: round}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() { burst.run(w) })
	}
	deadline := time.Now().Add(30 * time.Second)
	for burst.count() < 8 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := h.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-h.done
	wg.Wait()
	acked := burst.acknowledged()
	if len(acked) < 8 {
		t.Fatalf("only %d saves acknowledged before the kill; log:\n%s", len(acked), h.stderr)
	}
	t.Logf("round %d: %d saves acknowledged, %d requests cut off by the kill", round, len(acked), burst.cut.Load())
	return acked
}

// restartHub starts the binary again on a data folder that has users, and
// returns once it listens.
func restartHub(t *testing.T, bin, data string) *running {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--starter=false",
		"--password-memory", "64", "--password-iterations", "1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	r := &running{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	addrRE := regexp.MustCompile(`msg=listening addr=(127\.0\.0\.1:\d+)`)
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
			r.base = "http://" + m[1]
			break
		}
		r.stderr.WriteString(sc.Text() + "\n")
	}
	if r.base == "" {
		t.Fatalf("the hub did not start again; log:\n%s", r.stderr)
	}
	go func() {
		_, _ = io.Copy(io.Discard, stderr)
		r.done <- cmd.Wait()
	}()
	return r
}

// checkAfterCrash opens the killed hub's database as the next start would
// and checks what it holds against the acknowledged saves and the media
// folder.
func checkAfterCrash(t *testing.T, data string, acked map[int64]string) {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(data, "bindeled.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatalf("after SIGKILL: %v", err)
	}
	for id, title := range acked {
		m, err := st.GetMaterial(ctx, id)
		if err != nil {
			t.Errorf("acknowledged save %d (%s) is lost: %v", id, title, err)
			continue
		}
		if m.Title != title || m.CoverID == 0 || len(m.Attachments) != 1 {
			t.Errorf("material %d: title %q cover %d attachments %d, want %q with a cover and one file",
				id, m.Title, m.CoverID, len(m.Attachments), title)
			continue
		}
		for _, mid := range []int64{m.CoverID, m.Attachments[0].MediaID} {
			checkStoredFile(t, st, data, mid)
		}
	}
	checkMediaFolder(t, filepath.Join(data, "media"))
}

// checkStoredFile checks that a media record's file is there, whole.
func checkStoredFile(t *testing.T, st *storage.Store, data string, id int64) {
	t.Helper()
	rec, err := st.GetMedia(context.Background(), id)
	if err != nil {
		t.Errorf("media %d: %v", id, err)
		return
	}
	fi, err := os.Stat(filepath.Join(data, "media", rec.Key))
	if err != nil || fi.Size() != rec.Size {
		t.Errorf("media %d (%s): %v, size %d, want %d bytes", id, rec.Key, err, sizeOf(fi), rec.Size)
	}
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return -1
	}
	return fi.Size()
}

// checkMediaFolder checks every file a key can name (so every file the hub
// would serve): images decode to the end and PDFs end with their trailer.
// Files from saves that were cut off may be there without a record; they
// too must be whole.
func checkMediaFolder(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !media.ValidKey(e.Name()) {
			continue // a temporary file of a cut-off upload, never served
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(e.Name()) {
		case ".pdf":
			if !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
				t.Errorf("%s is cut short (%d bytes)", e.Name(), len(b))
			}
		case ".png", ".jpg":
			if _, _, err := image.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("%s does not decode: %v", e.Name(), err)
			}
		}
	}
}

// saveBurst posts new guides until the server stops answering.
type saveBurst struct {
	client     *http.Client
	base, csrf string
	cover, pdf []byte
	round      int

	mu    sync.Mutex
	acked map[int64]string
	cut   atomic.Int64
}

var editURL = regexp.MustCompile(`^/redaktion/materialer/(\d+)\?`)

func (b *saveBurst) run(worker int) {
	for i := 0; ; i++ {
		title := fmt.Sprintf("Nedbrud %d-%d-%d", b.round, worker, i)
		body, ctype := (&saveForm{burst: b, title: title, files: true}).encode()
		res, err := b.client.Post(b.base+"/redaktion/materialer", ctype, body)
		if err != nil {
			b.cut.Add(1)
			return // the server is gone
		}
		res.Body.Close()
		m := editURL.FindStringSubmatch(res.Header.Get("Location"))
		if res.StatusCode != http.StatusSeeOther || m == nil {
			continue // not acknowledged as saved
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		b.mu.Lock()
		if b.acked == nil {
			b.acked = map[int64]string{}
		}
		b.acked[id] = title
		b.mu.Unlock()
	}
}

func (b *saveBurst) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.acked)
}

func (b *saveBurst) acknowledged() map[int64]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.acked
}

// saveForm is the guide form a test posts: a new guide with a cover
// image and one PDF, or without files, or an edit of a saved one (with its
// version), the CSRF token first as the server requires.
type saveForm struct {
	burst          *saveBurst // the token and the files
	title, version string
	files          bool
}

func (f *saveForm) encode() (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fields := [][2]string{{"csrf", f.burst.csrf}, {"kind", "guide"}, {"title", f.title},
		{"summary", "En vejledning gemt under forhindringer."}, {"body", "Tekst."}, {"audiences", "parents"},
		{"language", "da"}, {"cover_alt", "Et mønster"}, {"attachment_title_0", "Tjekliste"},
		{"action", "save"}}
	if f.version != "" {
		fields = append(fields, [2]string{"version", f.version})
	}
	for _, kv := range fields {
		_ = mw.WriteField(kv[0], kv[1])
	}
	if f.files {
		for _, p := range []struct {
			field, name, ctype string
			data               []byte
		}{{"cover", "forside.png", "image/png", f.burst.cover},
			{"attachment_file_0", "tjekliste.pdf", "application/pdf", f.burst.pdf}} {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.field, p.name))
			h.Set("Content-Type", p.ctype)
			w, _ := mw.CreatePart(h)
			_, _ = w.Write(p.data)
		}
	}
	_ = mw.Close()
	return &body, mw.FormDataContentType()
}

// testPNG is a 400×300 image with a pattern, so it takes some work to
// store.
func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			img.Set(x, y, color.RGBA{uint8(x * y), uint8(x + y), uint8(x ^ y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// testPDF is a PDF of about 2 MB, so a save is still writing it when the
// kill may come.
func testPDF() []byte {
	b := []byte("%PDF-1.4\n")
	b = append(b, bytes.Repeat([]byte("% fyld til en stor fil\n"), 90_000)...)
	return append(b, "%%EOF\n"...)
}
