package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/transfer"
	"github.com/bindeled/bindeled/internal/transfer/readers"
)

// importFormats are the imports the workspace offers, in the order shown.
var importFormats = readers.Formats

// errUploadGone: the kept upload is no longer in the media store.
var errUploadGone = errors.New("the kept upload is gone")

// maxImportBytes bounds an uploaded import file: a WordPress export, a
// zipped folder of Markdown with its pictures, or a spreadsheet.
const maxImportBytes = 1 << 30

// keptUploadFor is how long an uploaded import file waits for the import
// it was tried for; then the job runner deletes it.
const keptUploadFor = 24 * time.Hour

// WSImportPage offers the command line's imports as an upload, with the
// same report.
type WSImportPage struct {
	Base
	Formats     []string
	Format      string
	DryRun      bool
	SkipInvalid bool
	FetchMedia  bool
	// Source names a Markdown folder apart from others whose files have
	// the same paths, as --source does on the command line.
	Source string
	// Kept refers to an uploaded file that a dry run read, so the import
	// itself needs no second upload; KeptName is its name.
	Kept     string
	KeptName string
	Problems material.Problems
	Report   *transfer.Report
	// Failure explains an import that stopped, in the reader's words.
	Failure string
	// Done: the report is of a real import, not a dry run.
	Done bool
}

// ProblemText is one reported problem in the page's language, without
// where it is, which the page shows beside it.
func (p WSImportPage) ProblemText(pr transfer.Problem) string {
	pr.Where = ""
	return pr.Message(p.Lang)
}

func (s *Server) wsImport(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.import")
	if err != nil {
		return err
	}
	b.Section = "import"
	p := WSImportPage{Base: b, Formats: importFormats, Format: importFormats[0], DryRun: true}
	return s.render(w, http.StatusOK, "ws/import", p)
}

// importForm is what the import form sent: its fields, and the uploaded
// file, already in the media store under a key of its own.
type importForm struct {
	values   url.Values
	key      string // the uploaded file in the media store, "" for none
	name     string
	tooLarge bool
}

// wsRunImport reads the uploaded file with the chosen reader and imports
// it, or only reports what an import would do. The file stays in the
// media store between a dry run and the import, referred to by a signed
// key, so the admin does not upload it twice.
func (s *Server) wsRunImport(w http.ResponseWriter, r *http.Request) error {
	f, err := s.readImportForm(w, r)
	if err != nil {
		return err
	}
	b, err := s.wsBase(r, "ws.import")
	if err != nil {
		return err
	}
	b.Section = "import"
	p := WSImportPage{Base: b, Formats: importFormats, Format: f.values.Get("format"),
		DryRun: f.values.Get("dry_run") == "on", SkipInvalid: f.values.Get("skip_invalid") == "on",
		FetchMedia: f.values.Get("fetch_media") == "on", Source: strings.TrimSpace(f.values.Get("source")),
		Problems: material.Problems{}}
	if !slices.Contains(importFormats, p.Format) {
		p.Problems.Add("format", "error.import_format")
		p.Format = importFormats[0]
	}
	if p.Source != "" && !material.ValidSlug(p.Source) {
		p.Problems.Add("source", "error.import_source")
	}
	key, name := f.key, f.name
	if key == "" {
		key, name = s.keptUpload(r, f.values.Get("kept"), f.values.Get("kept_name"))
	}
	switch {
	case f.tooLarge:
		p.Problems.Add("file", "error.import_size")
	case key == "":
		p.Problems.Add("file", "error.import_file")
	}
	if len(p.Problems) > 0 {
		if key != "" {
			p.Kept, p.KeptName = s.signUpload(r, key), name
		}
		p.Flash = p.T("error.form")
		return s.render(w, http.StatusUnprocessableEntity, "ws/import", p)
	}

	report, err := s.importUpload(r.Context(), key, name, p, state(r).user.ID)
	switch {
	case errors.Is(err, transfer.ErrStopped):
		p.Report = report
	case errors.Is(err, errUploadGone):
		p.Failure = p.T("error.import_gone")
	case errors.Is(err, readers.ErrUnreadable):
		p.Failure = strings.TrimPrefix(err.Error(), readers.ErrUnreadable.Error()+": ")
	case err != nil:
		return err
	default:
		p.Report = report
	}
	if err == nil && !p.DryRun {
		// Imported: the file has served its purpose.
		_ = s.blobs.Delete(r.Context(), key) // the planned deletion tries again
		p.Done = true
		s.audit(r, "import:"+p.Format, name)
		p.DryRun = true // the form below starts a new import
		return s.render(w, http.StatusOK, "ws/import", p)
	}
	if !errors.Is(err, errUploadGone) {
		p.Kept, p.KeptName = s.signUpload(r, key), name
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, status, "ws/import", p)
}

// importUpload copies the kept upload to a temporary file, where the
// readers can seek in it, and runs the import.
func (s *Server) importUpload(ctx context.Context, key, name string, p WSImportPage,
	actor int64) (*transfer.Report, error) {
	blob, err := s.blobs.Open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %v", readers.ErrUnreadable, errUploadGone, p.T("error.import_gone"))
	}
	defer blob.Close()
	tmp, err := os.CreateTemp("", "bindeled-import-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := io.Copy(tmp, blob); err != nil {
		return nil, fmt.Errorf("copy upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	opts := readers.Options{Name: name}
	if p.Format == "markdown" {
		opts.Source = p.Source
	}
	if p.FetchMedia && p.Format == "wordpress" {
		settings, err := s.store.Settings(ctx)
		if err != nil {
			return nil, err
		}
		opts.Getter = readers.Fetcher(settings, s.cfg.Uploads, s.log)
	}
	b, files, err := readers.Read(ctx, p.Format, tmp.Name(), opts)
	defer files.Close()
	if err != nil {
		return nil, err
	}
	return transfer.Apply(ctx, s.store, s.blobs, b, transfer.Options{DryRun: p.DryRun,
		SkipInvalid: p.SkipInvalid, Actor: actor, Limits: s.cfg.Uploads})
}

// readImportForm streams the import form: the CSRF token first, then the
// fields and at most one file, which goes straight into the media store.
// A body over the limit is kept as tooLarge, with the fields read so far.
func (s *Server) readImportForm(w http.ResponseWriter, r *http.Request) (*importForm, error) {
	f := &importForm{values: url.Values{}}
	err := s.readParts(w, r, maxImportBytes+4<<20, f.values, func(name string, part *multipart.Part) (bool, error) {
		if name != "file" {
			return false, nil
		}
		return true, s.storeImportFile(r, part, f)
	})
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		f.tooLarge, err = true, nil
		cleanValues(f.values)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// storeImportFile puts the uploaded file in the media store under a new
// key, not as media (nothing serves it), and plans its deletion.
func (s *Server) storeImportFile(r *http.Request, part *multipart.Part, f *importForm) error {
	if part.FileName() == "" || f.key != "" {
		_, err := io.Copy(io.Discard, io.LimitReader(part, 1<<10))
		return err
	}
	key, err := media.NewKey(".imp")
	if err != nil {
		return err
	}
	if err := s.store.PlanJob(r.Context(), storage.JobDeleteUpload, storage.JobDeleteUpload+":"+key,
		time.Now().Add(keptUploadFor)); err != nil {
		return err
	}
	n, err := s.blobs.Put(r.Context(), key, io.LimitReader(part, maxImportBytes+1))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || err == nil && n > maxImportBytes:
		f.tooLarge = true
		_ = s.blobs.Delete(r.Context(), key) // the planned deletion tries again
		return nil
	case err != nil:
		return fmt.Errorf("store import upload: %w", err)
	}
	f.key, f.name = key, uploadName(part.FileName())
	return nil
}

// uploadName keeps an uploaded file's name, with its extension, for the
// page and the report; it is never used as a path.
func uploadName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	return name
}

// signUpload refers to a kept upload in a form, bound to the session so
// nobody else can import it.
func (s *Server) signUpload(r *http.Request, key string) string {
	return key + "." + s.uploadMAC(r, key)
}

// keptUpload checks a reference from signUpload and returns its key and
// name, or "" when it is not one.
func (s *Server) keptUpload(r *http.Request, ref, name string) (string, string) {
	key, mac, ok := strings.Cut(ref, ".imp.")
	key += ".imp"
	if !ok || !media.ValidKey(key) || !hmac.Equal([]byte(mac), []byte(s.uploadMAC(r, key))) {
		return "", ""
	}
	return key, name
}

func (s *Server) uploadMAC(r *http.Request, key string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("import-upload\x00" + state(r).sessionID + "\x00" + key))
	return hex.EncodeToString(m.Sum(nil))[:32]
}
