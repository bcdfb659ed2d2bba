package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
)

// linesFormat is a format for the runner's tests: one item a line, as
// "key;title;status", with --audience choosing the items' audience.
func linesFormat() importFormat {
	return importFormat{
		usage: "bindeled import lines [flags] FILE\n  one material a line: key;title;status",
		flags: func(fs *flag.FlagSet) importReader {
			audience := fs.String("audience", "parents", "the audience of every item")
			return func(ctx context.Context, path string, _ importEnv) (*transfer.Bundle, error) {
				f, err := os.Open(path)
				if err != nil {
					return nil, err
				}
				defer f.Close()
				b := &transfer.Bundle{Source: "lines:" + filepath.Base(path)}
				sc := bufio.NewScanner(f)
				for n := 1; sc.Scan(); n++ {
					parts := strings.Split(sc.Text(), ";")
					if len(parts) != 3 {
						b.Refused = append(b.Refused, transfer.Problem{Where: path, Code: "columns",
							Detail: sc.Text()})
						continue
					}
					b.Items = append(b.Items, transfer.Item{Key: parts[0],
						Where: filepath.Base(path) + ": " + parts[0],
						Material: material.Material{Kind: material.Article, Title: parts[1], Summary: "Resumé.",
							Audiences: []material.Audience{material.Audience(*audience)},
							Status:    material.Status(parts[2])}})
				}
				return b, sc.Err()
			}
		},
	}
}

func TestImportRunner(t *testing.T) {
	importFormats["lines"] = linesFormat()
	t.Cleanup(func() { delete(importFormats, "lines") })

	for _, backend := range storagetest.Backends(t) {
		t.Run(string(backend), func(t *testing.T) {
			data := t.TempDir()
			dsn, database := filepath.Join(data, "bindeled.db"), ""
			if backend == storage.Postgres {
				dsn = storagetest.DSN(t, backend)
				database = dsn
			}
			file := filepath.Join(t.TempDir(), "liste.txt")
			write := func(s string) {
				if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			importing := func(extra ...string) (string, error) {
				var out, errOut bytes.Buffer
				args := append([]string{"import", "lines", "--data", data, "--database", database}, extra...)
				err := run(context.Background(), append(args, file), strings.NewReader(""), &out, &errOut)
				return out.String(), err
			}
			count := func() int {
				st, err := storage.Open(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				var n int
				if err := st.DB().QueryRow("SELECT COUNT(*) FROM materials").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}

			write("a;Første;published\nb;Anden;draft\nc;;draft\n")
			out, err := importing()
			if !errors.Is(err, errImportStopped) || !strings.Contains(out, "stopped: nothing was stored") ||
				!strings.Contains(out, "liste.txt: c: The item cannot be saved. Check the fields: title.") {
				t.Fatalf("a bad item: %v\n%s", err, out)
			}
			if exitCode(err) == 0 || count() != 0 {
				t.Errorf("exit code %d, %d materials; want failure and none stored", exitCode(err), count())
			}

			out, err = importing("--skip-invalid", "--dry-run")
			if err != nil || !strings.Contains(out, "Dry run") ||
				!strings.Contains(out, "2 created, 0 updated, 0 unchanged, 1 skipped") {
				t.Fatalf("dry run: %v\n%s", err, out)
			}
			if count() != 0 {
				t.Error("the dry run stored materials")
			}

			out, err = importing("--skip-invalid")
			if err != nil || !strings.Contains(out, "2 created, 0 updated, 0 unchanged, 1 skipped") ||
				!strings.Contains(out, "Første (/materialer/foerste)") {
				t.Fatalf("import: %v\n%s", err, out)
			}
			write("a;Første;published\nb;Anden udgave;draft\n")
			out, err = importing("--audience", "teachers")
			if err != nil || !strings.Contains(out, "0 created, 2 updated, 0 unchanged, 0 skipped") {
				t.Fatalf("second import: %v\n%s", err, out)
			}
			if n := count(); n != 2 {
				t.Errorf("%d materials after two imports, want 2", n)
			}
		})
	}
}

func TestImportUsage(t *testing.T) {
	importFormats["lines"] = linesFormat()
	t.Cleanup(func() { delete(importFormats, "lines") })
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"import", "help"}, strings.NewReader(""), &out, &errOut)
	if err != nil ||
		!strings.Contains(out.String(), "bindeled import lines [flags] FILE") ||
		!strings.Contains(out.String(), "bindeled import bindeled [flags] DIR") {
		t.Errorf("import help: %v\n%s", err, out.String())
	}
	for _, args := range [][]string{{"import"}, {"import", "nonsense", "x"}} {
		out.Reset()
		errOut.Reset()
		err := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), "Usage: bindeled import FORMAT") {
			t.Errorf("%q: %v\n%s", args, err, errOut.String())
		}
	}
	errOut.Reset()
	err = run(context.Background(), []string{"import", "lines", "--data", t.TempDir()}, strings.NewReader(""),
		&out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "needs one PATH") {
		t.Errorf("no path: %v", err)
	}
}

// TestImportMarkdownFolder runs the real Markdown reader on its fixture
// site through the command: refused files stop it, --skip-invalid brings
// the rest with their pictures, and a second run changes nothing.
func TestImportMarkdownFolder(t *testing.T) {
	for _, backend := range storagetest.Backends(t) {
		t.Run(string(backend), func(t *testing.T) {
			data, database := t.TempDir(), ""
			if backend == storage.Postgres {
				database = storagetest.DSN(t, backend)
			}
			site := filepath.Join("..", "..", "internal", "transfer", "markdown", "testdata", "site")
			importing := func(extra ...string) (string, error) {
				var out, errOut bytes.Buffer
				args := append([]string{"import", "markdown", "--data", data, "--database", database}, extra...)
				err := run(context.Background(), append(args, site), strings.NewReader(""), &out, &errOut)
				return out.String(), err
			}
			out, err := importing()
			if !errors.Is(err, errImportStopped) || !strings.Contains(out, "brudt-yaml.md") {
				t.Fatalf("broken files did not stop the import: %v\n%s", err, out)
			}
			out, err = importing("--skip-invalid")
			if err != nil || !strings.Contains(out, "0 updated, 0 unchanged, 4 skipped") ||
				strings.Contains(out, "materials:     0 created") {
				t.Fatalf("import: %v\n%s", err, out)
			}
			if !strings.Contains(out, "media files:   ") || strings.Contains(out, "media files:   0 stored") {
				t.Errorf("no pictures stored:\n%s", out)
			}
			again, err := importing("--skip-invalid")
			if err != nil || !strings.Contains(again, "materials:     0 created, 0 updated") ||
				strings.Contains(again, " 0 unchanged") || !strings.Contains(again, "0 stored") {
				t.Errorf("second run: %v\n%s", err, again)
			}
		})
	}
}

// TestImportWordPress runs the real WordPress reader on its fixture export
// through the command, with the uploads folder beside it: the files come
// from the folder, the mapping makes guides, and a second run changes
// nothing.
func TestImportWordPress(t *testing.T) {
	for _, backend := range storagetest.Backends(t) {
		t.Run(string(backend), func(t *testing.T) {
			data, database := t.TempDir(), ""
			if backend == storage.Postgres {
				database = storagetest.DSN(t, backend)
			}
			dir := filepath.Join("..", "..", "internal", "transfer", "wordpress", "testdata")
			importing := func(extra ...string) (string, error) {
				var out, errOut bytes.Buffer
				args := append([]string{"import", "wordpress", "--data", data, "--database", database,
					"--media-dir", filepath.Join(dir, "uploads"), "--kind", "category:vejledninger=guide",
					"--skip-invalid"}, extra...)
				err := run(context.Background(), append(args, filepath.Join(dir, "site.xml")),
					strings.NewReader(""), &out, &errOut)
				return out.String(), err
			}
			out, err := importing()
			if err != nil || strings.Contains(out, "materials:     0 created") ||
				strings.Contains(out, "media files:   0 stored") || strings.Contains(out, "old addresses: 0 ") {
				t.Fatalf("import: %v\n%s", err, out)
			}
			again, err := importing()
			if err != nil || !strings.Contains(again, "materials:     0 created, 0 updated") ||
				!strings.Contains(again, "media files:   0 stored") {
				t.Errorf("second run: %v\n%s", err, again)
			}

			var errOut bytes.Buffer
			err = run(context.Background(), []string{"import", "wordpress", "--data", data, "--database", database,
				"--kind", "category:vejledninger=opskrift", filepath.Join(dir, "site.xml")},
				strings.NewReader(""), &bytes.Buffer{}, &errOut)
			if err == nil || !strings.Contains(errOut.String()+err.Error(), "opskrift") {
				t.Errorf("an unknown kind in --kind: %v %s", err, errOut.String())
			}
		})
	}
}

// TestImportFetchMediaIsGuarded: --fetch-media goes through the guarded
// fetcher, so files on loopback addresses (as on any internal address) are
// refused before any connection: the server below is never asked, and the
// report names the files as missing. Nothing in this test resolves a name.
func TestImportFetchMediaIsGuarded(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("not reached"))
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	export := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>T</title><link>http://127.0.0.1:` +
		strconv.Itoa(port) + `/</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Et billede</title><wp:post_id>1</wp:post_id><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt>
<content:encoded><![CDATA[<p>Se billedet.</p>
<p><img src="http://127.0.0.1:` + strconv.Itoa(port) + `/wp-content/uploads/2020/01/a.png" alt="A"></p>
<p><img src="http://[::1]:` + strconv.Itoa(port) + `/wp-content/uploads/2020/01/b.png" alt="B"></p>]]>
</content:encoded></item></channel></rss>`
	file := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(file, []byte(export), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"import", "wordpress", "--data", t.TempDir(), "--fetch-media", file},
		strings.NewReader(""), &out, &errOut)
	if err != nil || !strings.Contains(out.String(), "0 stored, 0 reused, 2 missing") {
		t.Fatalf("import: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("the fetcher reached a loopback server %d times", n)
	}
	if got := strings.Count(errOut.String(), "is a loopback address"); got != 2 {
		t.Errorf("%d refusals by the guarded fetcher logged, want 2:\n%s", got, errOut.String())
	}
}

// TestImportDryRunNeedsAHub: a dry run at a mistyped --data says so and
// makes no hub there.
func TestImportDryRunNeedsAHub(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tastefejl")
	file := filepath.Join(t.TempDir(), "links.csv")
	if err := os.WriteFile(file, []byte("url,title,description\nhttps://www.emu.dk/,EMU,Om skolen\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"import", "links", "--dry-run", "--data", data, file},
		strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "no hub at") || exitCode(err) == 0 {
		t.Errorf("dry run at a missing hub: %v", err)
	}
	if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dry run made %s: %v", data, err)
	}
}
