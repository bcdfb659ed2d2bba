package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/transfer"
)

// importFormat is a kind of source that bindeled import reads.
type importFormat struct {
	// usage is the format's command line, such as
	// "bindeled import wordpress [flags] EXPORT.xml", with a line or two
	// on what it reads.
	usage string
	// flags adds the format's own flags to the command's flag set and
	// returns the reader that uses them once they are parsed.
	flags func(fs *flag.FlagSet) importReader
}

// importReader reads the path the user gave into a bundle.
type importReader func(ctx context.Context, path string, env importEnv) (*transfer.Bundle, error)

// importEnv is what a reader may need of the hub it imports into.
type importEnv struct {
	store  *storage.Store
	limits media.Limits
	log    *slog.Logger // warnings for the person importing, on standard error
	// keep takes what a reader keeps open for the import's files, closed
	// once the import is done.
	keep func(io.Closer)
}

// importFormats are the formats bindeled import knows, by name. The
// readers of each format register here.
var importFormats = map[string]importFormat{}

const importSummary = `Imports material from another system into the hub: each format's reader
reads the source, then everything is checked and stored in one
transaction. One item that cannot be imported stops the import with its
file, item and reason, and nothing is stored, unless --skip-invalid is
given. Running the same import again updates what it stored instead of
duplicating it. --dry-run prints what would happen without storing
anything. See docs/import.md.`

// errImportStopped says the import stopped before storing anything; the
// report says why.
var errImportStopped = errors.New("the import stopped; nothing was stored")

func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || slices.Contains([]string{"help", "--help", "-h", "-help"}, args[0]) {
		w := stderr
		if len(args) > 0 {
			w = stdout
		}
		fmt.Fprint(w, importUsage())
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	// An export of a hub is restored, not imported item by item: it has
	// its own command, whatever formats the readers register.
	if args[0] == bindeledFormat {
		return importBindeled(ctx, args[1:], stdout, stderr)
	}
	format, ok := importFormats[args[0]]
	if !ok {
		fmt.Fprint(stderr, importUsage())
		return fmt.Errorf("unknown import format %q: %w", args[0], errUsage)
	}
	return runImport(ctx, args[0], format, args[1:], stdout, stderr)
}

func importUsage() string {
	var b strings.Builder
	b.WriteString("Usage: bindeled import FORMAT [flags] PATH\n\n" + importSummary + "\n\nFormats:\n")
	usages := map[string]string{bindeledFormat: bindeledUsage}
	for name, f := range importFormats {
		usages[name] = f.usage
	}
	names := make([]string, 0, len(usages))
	for name := range usages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(usages[name], "\n", "\n    "))
	}
	b.WriteString("\nRun \"bindeled import FORMAT --help\" for the flags of a format.\n")
	return b.String()
}

func runImport(ctx context.Context, name string, format importFormat, args []string, stdout,
	stderr io.Writer) error {
	f := newFlags("import "+name, format.usage+"\n\n"+importSummary, stderr)
	data, database, s3 := hubFlags(f)
	dryRun := f.Bool("dry-run", false, "print what the import would do and store nothing")
	skip := f.Bool("skip-invalid", false, "leave out the items that cannot be imported, and report them")
	ownWork := f.Bool("own-work", false, "answer the consent questions of items that bring no answers:\n"+
		"the hub holds every right, shows no identifiable children and names no pupils")
	limits := uploadFlags(f)
	read := format.flags(f.FlagSet)
	if err := f.parse(args); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}
	if f.NArg() != 1 {
		f.Usage()
		return fmt.Errorf("import %s needs one PATH, got %d", name, f.NArg())
	}
	path := f.Arg(0)

	// A dry run looks at an existing hub; it makes none at a mistyped
	// --data. A real import may fill a new one.
	if *dryRun {
		if err := hubExists(*data, *database); err != nil {
			return err
		}
	}
	h, err := openQuiet(ctx, hub.Config{DataDir: *data, Database: *database, MediaS3: s3cfg})
	if err != nil {
		return err
	}
	defer h.Close()
	var open []io.Closer
	defer func() {
		for _, c := range open {
			c.Close()
		}
	}()
	b, err := read(ctx, path, importEnv{store: h.Store, limits: *limits,
		log:  slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		keep: func(c io.Closer) { open = append(open, c) }})
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}

	bar := newProgressBar(stderr)
	rep, err := transfer.Apply(ctx, h.Store, h.Blobs, b, transfer.Options{DryRun: *dryRun, SkipInvalid: *skip,
		OwnWork: *ownWork, Limits: *limits, Progress: bar.update})
	bar.finish()
	// A report of a run that failed otherwise would say what was never
	// stored.
	if rep != nil && (err == nil || errors.Is(err, transfer.ErrStopped)) {
		printReport(stdout, rep)
	}
	if errors.Is(err, transfer.ErrStopped) {
		return errImportStopped
	}
	return err
}

// printReport writes what an import did, in English.
func printReport(w io.Writer, rep *transfer.Report) {
	lang := i18n.English
	switch {
	case rep.Stopped:
		fmt.Fprintf(w, "Import of %s stopped: nothing was stored.\n", rep.Source)
	case rep.DryRun:
		fmt.Fprintf(w, "Dry run of the import of %s: nothing was stored. It would bring:\n", rep.Source)
	default:
		fmt.Fprintf(w, "Imported %s:\n", rep.Source)
	}
	if !rep.Stopped {
		fmt.Fprintf(w, "  materials:     %d created, %d updated, %d unchanged, %d skipped\n",
			rep.Created, rep.Updated, rep.Unchanged, rep.Skipped)
		fmt.Fprintf(w, "  media files:   %d stored, %d reused, %d missing\n",
			rep.MediaStored, rep.MediaReused, rep.MediaMissing)
		fmt.Fprintf(w, "  themes:        %d created\n", rep.ThemesCreated)
		fmt.Fprintf(w, "  users:         %d created (inactive)\n", rep.UsersCreated)
		fmt.Fprintf(w, "  old addresses: %d redirected\n", rep.Redirects)
	}

	heading := "Skipped"
	if rep.Stopped {
		heading = "Cannot be imported"
	}
	printProblems(w, heading, rep.Refused, lang)
	printProblems(w, "Warnings", rep.Problems, lang)

	if len(rep.ToFix) > 0 {
		fmt.Fprintf(w, "\nPublic or planned materials that fail the publication checks (%d).\n"+
			"Public ones stay public; planned ones will not be published until they are fixed.\n"+
			"They are listed for the editors at /redaktion/at-rette:\n", len(rep.ToFix))
		for _, it := range rep.ToFix {
			planned := ""
			if !it.ScheduledAt.IsZero() {
				planned = ", planned for " + it.ScheduledAt.In(localtime.Zone).Format("2006-01-02 15:04 -07:00")
			}
			fmt.Fprintf(w, "  %s (/materialer/%s%s): %s\n", it.Title, it.Slug, planned, fixReasons(it, lang))
		}
	}
}

func printProblems(w io.Writer, heading string, ps []transfer.Problem, lang i18n.Lang) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s (%d):\n", heading, len(ps))
	for _, p := range ps {
		fmt.Fprintf(w, "  %s\n", p.Message(lang))
	}
}

func fixReasons(it transfer.ItemResult, lang i18n.Lang) string {
	fields := make([]string, 0, len(it.Fix))
	for f := range it.Fix {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var out []string
	for _, f := range fields {
		for _, key := range it.Fix[f] {
			if text := i18n.T(lang, key); !slices.Contains(out, text) {
				out = append(out, text)
			}
		}
	}
	return strings.Join(out, " ")
}

// progressBar draws a one-line bar on a terminal; elsewhere it draws
// nothing, so logs and pipes get only the report.
type progressBar struct {
	w     io.Writer
	shown time.Time
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progressBar{}
	}
	return &progressBar{w: w, shown: time.Now()}
}

// update draws the bar, at most ten times a second, once the run has
// taken more than a moment.
func (p *progressBar) update(done, total int) {
	if p.w == nil || total == 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.shown) < 100*time.Millisecond && done < total {
		return
	}
	p.shown, p.drawn = now, true
	const width = 30
	n := width * done / total
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total)
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
