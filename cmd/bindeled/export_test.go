package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// starterData makes a data folder with the starter collection, as a
// first start of the hub would.
func starterData(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	data := t.TempDir()
	st, err := storage.Open(ctx, filepath.Join(data, "bindeled.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := st.Migrate(ctx, log); err != nil {
		t.Fatal(err)
	}
	blobs, err := media.NewDisk(filepath.Join(data, "media"))
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.LoadStarter(ctx, st, blobs, log); err != nil {
		t.Fatal(err)
	}
	return data
}

// TestExportAndRestoreCommands exports the starter hub with the real
// binary, restores it into a new data folder and into PostgreSQL, exports
// those again and serves the restored hub.
func TestExportAndRestoreCommands(t *testing.T) {
	bin := buildBinary(t)
	data, out := starterData(t), t.TempDir()
	run := func(args ...string) (string, error) {
		b, err := exec.Command(bin, args...).CombinedOutput()
		return string(b), err
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--data", data, filepath.Join(out, "x")}, "needs --format markdown or --format json"},
		{[]string{"export", "--format", "pdf", "--data", data, filepath.Join(out, "x")}, "needs --format"},
		{[]string{"export", "--format", "json", "--data", data}, "needs one folder"},
		{[]string{"export", "--format", "json", "--data", data, out + "/a", out + "/b"}, "needs one folder"},
		{[]string{"export", "--format", "json", "--data", data, data}, "not empty"},
		{[]string{"export", "--format", "json", "--data", filepath.Join(out, "mangler"), filepath.Join(out, "x")},
			"no hub at " + filepath.Join(out, "mangler", "bindeled.db")},
		{[]string{"import", "bindeled", "--data", t.TempDir(), out}, "bindeled.json"},
		{[]string{"import", "bindeled", "--data", t.TempDir()}, "needs one folder"},
		{[]string{"restore-export", "--data", t.TempDir(), out}, "unknown command"},
	} {
		if msg, err := run(bad.args...); err == nil || !strings.Contains(msg, bad.want) {
			t.Errorf("%q: %v\n%s", bad.args, err, msg)
		}
	}

	md, js := filepath.Join(out, "md"), filepath.Join(out, "json")
	msg, err := run("export", "--format", "markdown", "--revisions", "--data", data, md)
	if err != nil || !regexp.MustCompile(`^Exported to .* 17 materials, `).MatchString(msg) {
		t.Fatalf("export: %v\n%s", err, msg)
	}
	if msg, err := run("export", "--format", "json", "--data", data, js); err != nil {
		t.Fatalf("export json: %v\n%s", err, msg)
	}

	restored := t.TempDir()
	msg, err = run("import", "bindeled", "--data", restored, md)
	if err != nil || !strings.Contains(msg, "17 materials") || !strings.Contains(msg, "Glemt adgangskode?") {
		t.Fatalf("restore: %v\n%s", err, msg)
	}
	if msg, err := run("import", "bindeled", "--data", restored, js); err == nil ||
		!strings.Contains(msg, "already has materials") {
		t.Errorf("a second restore: %v\n%s", err, msg)
	}
	again := filepath.Join(out, "md-again")
	if msg, err := run("export", "--format", "markdown", "--revisions", "--data", restored, again); err != nil {
		t.Fatalf("export of the restored hub: %v\n%s", err, msg)
	}
	sameFiles(t, md, again)

	// The restored hub serves the film with its file.
	base := startHubWithUsers(t, bin, restored)
	c := newBrowser()
	doc, status := getDoc(t, c, base+"/materialer/fire-gode-vaner-i-samarbejdet-mellem-skole-og-hjem")
	if status != 200 {
		t.Fatalf("film page after restore: %d", status)
	}
	src, _ := doc.Find("video source").Attr("src")
	res, err := c.Get(base + src)
	if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("film file after restore: %v %v", err, res)
	}
	if res != nil {
		res.Body.Close()
	}

	if len(storagetest.Backends(t)) < 2 {
		t.Log("SKIPPED restore into PostgreSQL: no server (see storagetest)")
		return
	}
	pg, pgData := storagetest.DSN(t, storage.Postgres), t.TempDir()
	if msg, err := run("import", "bindeled", "--database", pg, "--data", pgData, js); err != nil {
		t.Fatalf("restore into PostgreSQL: %v\n%s", err, msg)
	}
	fromPG := filepath.Join(out, "json-pg")
	if msg, err := run("export", "--format", "json", "--database", pg, "--data", pgData, fromPG); err != nil {
		t.Fatalf("export from PostgreSQL: %v\n%s", err, msg)
	}
	sameFiles(t, js, fromPG)
}

// TestExportRefusesAMissingHub exports from a --data folder without a
// database: the command names it and creates neither a hub nor an export.
func TestExportRefusesAMissingHub(t *testing.T) {
	out := t.TempDir()
	for i, data := range []string{filepath.Join(out, "findes-ikke"), t.TempDir()} {
		dir := filepath.Join(out, fmt.Sprintf("eksport-%d", i))
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"export", "--format", "json", "--data", data, dir}, nil,
			&stdout, &stderr)
		want := "no hub at " + filepath.Join(data, "bindeled.db") + ": give --data the folder serve uses"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--data %s: %v, want one that says %q", data, err, want)
		}
		if exitCode(err) == 0 {
			t.Errorf("--data %s: exit code 0", data)
		}
		if _, err := os.Stat(filepath.Join(data, "bindeled.db")); err == nil {
			t.Errorf("--data %s: a database was created", data)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("--data %s: an export was written", data)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "findes-ikke")); err == nil {
		t.Error("the missing data folder was created")
	}
}

// sameFiles compares two exports file by file, leaving out the manifest,
// which differs in its time.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	err := filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "bindeled.json" {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		want, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(want, got) {
			t.Errorf("%s differs in the second export (%v)", rel, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
