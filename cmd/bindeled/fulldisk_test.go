//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/bindeled/bindeled/internal/storage"
)

// unwritableText is the start of the Danish messages an editor sees when
// the disk is full or read-only.
const unwritableText = "serverens lager er fuldt eller skrivebeskyttet"

// needMounts skips the test unless this process may make a private mount
// namespace and mount in it (root on Linux, as in CI). The mounts vanish
// with the process that made them.
func needMounts(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("unshare", "-m", "sh", "-c", `mount -t tmpfs -o size=1m tmpfs "$0"`, dir).
		CombinedOutput()
	if err != nil {
		t.Skipf("SKIPPED: cannot mount in a private namespace (%v: %s); the full and read-only disk "+
			"are then covered only by TestUnwritableMediaStore in internal/web", err, strings.TrimSpace(string(out)))
	}
}

// TestFullDiskAndReadOnlyMedia runs the real binary on a 32 MB tmpfs of
// its own, fills it, and has an editor save: the editor gets the Danish
// message with the form kept, the log says what happened, and once space
// is back the hub saves again with nothing damaged. Then the media folder
// alone becomes read-only (a read-only bind mount, which holds for root
// too) and an upload gets the same answer.
func TestFullDiskAndReadOnlyMedia(t *testing.T) {
	needMounts(t)
	bin := buildBinary(t)
	mnt := t.TempDir()
	script := `mnt=$1; shift; mount -t tmpfs -o size=32m tmpfs "$mnt" && exec "$@"`
	args := append([]string{"-m", "sh", "-c", script, "sh", mnt, bin}, serveArgs("--data", mnt+"/data")...)
	h := startCmd(t, exec.Command("unshare", args...))
	// The mount is seen through the server's own root.
	data := fmt.Sprintf("/proc/%d/root%s/data", h.cmd.Process.Pid, mnt)

	c := newBrowser()
	createAdmin(t, c, h)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ed := &editor{t: t, c: c, base: h.base, cover: testPNG(t), pdf: testPDF()}
	first := ed.saveNew("Gemt før disken blev fuld", true)

	fill(t, filepath.Join(data, "fyld"))
	page := ed.post("/redaktion/materialer", ed.newForm("Skrevet på en fuld disk", true))
	ed.wantRefused(page, "Skrevet på en fuld disk")
	// A save without files may still fit in the database's log; if it is
	// refused, it is refused the same way.
	edited := ed.post(first, ed.editForm(first, "Ændret på en fuld disk"))
	if edited.status != http.StatusSeeOther {
		ed.wantRefused(edited, "Ændret på en fuld disk")
	}
	t.Logf("a save without files on the full disk: %d", edited.status)
	checkHub(t, bin, mnt+"/data", h)

	if err := os.Remove(filepath.Join(data, "fyld")); err != nil {
		t.Fatal(err)
	}
	ed.saveNew("Gemt da der var plads igen", true)

	// The media folder alone becomes read-only.
	media := mnt + "/data/media"
	out, err := exec.Command("nsenter", "-t", fmt.Sprint(h.cmd.Process.Pid), "-m", "sh", "-c",
		`mount --bind "$0" "$0" && mount -o remount,bind,ro "$0"`, media).CombinedOutput()
	if err != nil {
		t.Fatalf("read-only media folder: %v %s", err, out)
	}
	page = ed.post("/redaktion/materialer", ed.newForm("Skrevet på et skrivebeskyttet lager", true))
	ed.wantRefused(page, "Skrevet på et skrivebeskyttet lager")
	ed.saveNew("Uden filer går det stadig", false)
	checkHub(t, bin, mnt+"/data", h)

	if !strings.Contains(h.stderr.String(), "storage full or read-only") {
		t.Errorf("the log does not say the storage was full or read-only:\n%s", h.stderr)
	}
}

// TestReadOnlyDataFolderAtStart starts the binary on a hub whose data
// folder is mounted read-only: it must stop with a message that says so,
// and leave the hub as it was.
func TestReadOnlyDataFolderAtStart(t *testing.T) {
	needMounts(t)
	bin := buildBinary(t)
	data := t.TempDir()
	h := startHub(t, bin, "--data", data)
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-h.done

	script := `d=$1; shift; mount --bind "$d" "$d" && mount -o remount,bind,ro "$d" && exec "$@"`
	args := append([]string{"-m", "sh", "-c", script, "sh", data, bin}, serveArgs("--data", data)...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "unshare", args...).CombinedOutput()
	if err == nil || ctx.Err() != nil {
		t.Fatalf("the hub started on a read-only data folder (%v):\n%s", err, out)
	}
	t.Logf("the start on a read-only folder said:\n%s", out)
	if !strings.Contains(string(out), "read-only") {
		t.Errorf("the message does not say the data folder is read-only:\n%s", out)
	}
	checkDatabase(t, filepath.Join(data, "bindeled.db"))
}

// fill writes to path until the disk is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<16)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill: %v", err)
			}
			return
		}
	}
}

// checkHub runs "bindeled check" in the running hub's mount namespace (SQLite
// resolves the /proc path to the server's root, so it cannot be opened from
// here), and loads the listing.
func checkHub(t *testing.T, bin, dir string, h *running) {
	t.Helper()
	out, err := exec.Command("nsenter", "-t", fmt.Sprint(h.cmd.Process.Pid), "-m", bin, "check", "--data", dir).
		CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Database: ok") {
		t.Errorf("bindeled check: %v\n%s", err, out)
	}
	if res, err := http.Get(h.base + "/materialer"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the listing after a refused save: %v %v", err, res)
	} else {
		res.Body.Close()
	}
}

func checkDatabase(t *testing.T, path string) {
	t.Helper()
	st, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Error(err)
	}
}

// editor drives the material form of the real binary.
type editor struct {
	t          *testing.T
	c          *http.Client
	base       string
	cover, pdf []byte
}

type answer struct {
	status int
	doc    *goquery.Document
	at     string
}

func (e *editor) post(path string, form *saveForm) answer {
	e.t.Helper()
	body, ctype := form.encode()
	res, err := e.c.Post(e.base+path, ctype, body)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return answer{status: res.StatusCode, doc: doc, at: res.Header.Get("Location")}
}

// saveNew saves a new guide and returns its edit page's path.
func (e *editor) saveNew(title string, files bool) string {
	e.t.Helper()
	a := e.post("/redaktion/materialer", e.newForm(title, files))
	m := editURL.FindStringSubmatch(a.at)
	if a.status != http.StatusSeeOther || m == nil {
		e.t.Fatalf("save %q: %d %s", title, a.status, a.doc.Find(".problem").Text())
	}
	return "/redaktion/materialer/" + m[1]
}

// wantRefused checks the answer to a save that could not be written: not
// a server error, the Danish message, and the typed title kept.
func (e *editor) wantRefused(a answer, title string) {
	e.t.Helper()
	if a.status == http.StatusSeeOther || a.status == http.StatusInternalServerError {
		e.t.Fatalf("save %q on an unwritable disk: %d, want the form again", title, a.status)
	}
	if msg := a.doc.Find(".problem").Text(); !strings.Contains(msg, unwritableText) {
		e.t.Errorf("save %q: the messages are %q, want one saying %q", title, msg, unwritableText)
	}
	if got, _ := a.doc.Find("input#title").Attr("value"); got != title {
		e.t.Errorf("the form did not keep the title: %q, want %q", got, title)
	}
}

func (e *editor) csrf(path string) (csrf, version string) {
	e.t.Helper()
	res, err := e.c.Get(e.base + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	csrf, _ = doc.Find("input[name=csrf]").Attr("value")
	version, _ = doc.Find("input[name=version]").Attr("value")
	return csrf, version
}

func (e *editor) newForm(title string, files bool) *saveForm {
	csrf, _ := e.csrf("/redaktion/materialer/ny?type=guide")
	b := &saveBurst{csrf: csrf, cover: e.cover, pdf: e.pdf}
	return &saveForm{burst: b, title: title, files: files}
}

func (e *editor) editForm(path, title string) *saveForm {
	csrf, version := e.csrf(path)
	b := &saveBurst{csrf: csrf}
	return &saveForm{burst: b, title: title, version: version}
}
