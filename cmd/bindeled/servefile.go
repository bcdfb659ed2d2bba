package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/bindeled/bindeled/internal/hub"
)

const serveFileSummary = `Serves one file at every path, with http.ServeContent through the same
HTTP server settings as serve. Not listed in help: it is the static-file
reference that scripts/load measures the hub's pages against
(docs/performance.md). The file is sent as it is, already compressed when
--encoding says so, whatever the request accepts.

  bindeled serve-file --addr 127.0.0.1:9000 --type "text/html; charset=utf-8" --encoding br page.br`

func serveFile(ctx context.Context, args []string, stderr io.Writer) error {
	f := newFlags("serve-file", serveFileSummary, stderr)
	addr := f.String("addr", "127.0.0.1:8080", "address to listen on")
	ctype := f.String("type", "text/html; charset=utf-8", "Content-Type sent with the file")
	encoding := f.String("encoding", "", "Content-Encoding sent with the file (br, gzip); empty for none")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 {
		return fmt.Errorf("serve-file: want one file, got %d arguments", f.NArg())
	}
	handler, err := fileHandler(f.Arg(0), *ctype, *encoding)
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, "text")
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return hub.ServeHandler(ctx, *addr, handler, time.Second, log, func(listening string) {
		log.Info("listening", "addr", listening, "file", f.Arg(0))
	})
}

// fileHandler answers every GET and HEAD with the file's bytes, read
// once, with an ETag of their hash as a static file server would.
func fileHandler(name, ctype, encoding string) (http.Handler, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("ETag", etag)
		if encoding != "" {
			h.Set("Content-Encoding", encoding)
			h.Set("Vary", "Accept-Encoding")
		}
		http.ServeContent(w, r, "", info.ModTime(), bytes.NewReader(data))
	}), nil
}
