package media

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"unicode/utf8"
)

// Processor checks uploads and stores them in Blobs. It is safe for
// concurrent use; each image being re-encoded holds its decoded pixels in
// memory, up to a few hundred MB at the default pixel limit.
type Processor struct {
	Blobs  Blobs
	Limits Limits

	// TempDir is where uploads wait while they are checked. Empty means
	// os.TempDir().
	TempDir string
}

// Info describes a stored upload.
type Info struct {
	Key         string // the generated storage key, extension included
	Class       Class
	ContentType string // the type of the stored bytes
	Ext         string // the extension of the stored type, with its dot
	Size        int64  // the size of the stored bytes
	Width       int    // final pixel width of an image, 0 for other classes
	Height      int    // final pixel height of an image, 0 for other classes
}

// Ingest reads an upload from r, checks it and stores it under a new
// random key. Only the classes in allowed are accepted; naming none
// accepts every class.
//
// The upload is streamed to a temporary file and never held in memory
// whole. Its type is judged from its bytes. Refusals match ErrTooLarge,
// ErrType, ErrSVG or ErrPixels. Images are re-encoded: JPEG stays JPEG and
// the other image types become PNG.
func (p *Processor) Ingest(ctx context.Context, r io.Reader, allowed ...Class) (Info, error) {
	if p.Blobs == nil {
		return Info{}, errors.New("media: processor has no blob store")
	}
	if len(allowed) == 0 {
		allowed = allClasses
	}

	tmp, size, err := p.spool(ctx, r, p.largest(allowed))
	if err != nil {
		return Info{}, err
	}
	defer tmp.discard()

	f, err := detect(tmp, size)
	if err != nil {
		return Info{}, err
	}
	if err := p.admit(f, size, allowed); err != nil {
		return Info{}, err
	}

	return p.finish(ctx, tmp, f)
}

// largest returns the highest size limit among the allowed classes.
func (p *Processor) largest(allowed []Class) int64 {
	var n int64
	for _, c := range allowed {
		n = max(n, p.Limits.maxBytes(c))
	}
	return n
}

// spool copies at most limit bytes of r to a new temporary file. A longer
// upload gives a *TooLargeError after reading limit+1 bytes.
func (p *Processor) spool(
	ctx context.Context, r io.Reader, limit int64,
) (*tempFile, int64, error) {
	f, err := p.tempFile()
	if err != nil {
		return nil, 0, err
	}

	n, err := io.Copy(f, io.LimitReader(ctxReader{ctx: ctx, r: r}, limit+1))
	if err != nil {
		f.discard()
		return nil, 0, fmt.Errorf("media: receive upload: %w", err)
	}
	if n > limit {
		f.discard()
		return nil, 0, &TooLargeError{Limit: limit}
	}
	return f, n, nil
}

// tempFile is a private temporary file.
type tempFile struct {
	*os.File
	named bool // whether the file still has a name to remove
}

// tempFile creates a temporary file. On systems that allow it the name is
// removed at once, so the bytes vanish with the process even if it dies;
// discard removes the name otherwise.
func (p *Processor) tempFile() (*tempFile, error) {
	f, err := os.CreateTemp(p.TempDir, "bindeled-upload-*")
	if err != nil {
		return nil, fmt.Errorf("media: temporary file: %w", err)
	}
	named := os.Remove(f.Name()) != nil
	return &tempFile{File: f, named: named}, nil
}

// discard closes the file and removes its name if it still has one.
func (f *tempFile) discard() {
	_ = f.Close()
	if f.named {
		_ = os.Remove(f.Name())
	}
}

// admit checks a detected upload against the allowed classes and the
// size limit of its class.
func (p *Processor) admit(f format, size int64, allowed []Class) error {
	if !slices.Contains(allowed, f.class) {
		return &TypeError{Detected: f.contentType}
	}
	if limit := p.Limits.maxBytes(f.class); size > limit {
		return &TooLargeError{Limit: limit}
	}
	return nil
}

// finish runs the checks of the upload's class and stores it.
func (p *Processor) finish(ctx context.Context, tmp *tempFile, f format) (Info, error) {
	switch f.class {
	case Image:
		return p.ingestImage(ctx, tmp, f)
	case Captions:
		if err := checkText(tmp); err != nil {
			return Info{}, &TypeError{Detected: f.contentType, Err: err}
		}
	}
	return p.store(ctx, tmp, f, 0, 0)
}

// checkText reads r to the end and fails on a NUL byte or invalid UTF-8.
func checkText(r io.ReadSeeker) error {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind: %w", err)
	}
	br := bufio.NewReader(r)
	for {
		c, size, err := br.ReadRune()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("read text: %w", err)
		case c == 0:
			return errors.New("text contains a nul byte")
		case c == utf8.RuneError && size == 1:
			return errors.New("text is not valid utf-8")
		}
	}
}

// store saves the content of src under a new key.
func (p *Processor) store(
	ctx context.Context, src io.ReadSeeker, f format, w, h int,
) (Info, error) {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("media: rewind upload: %w", err)
	}
	key, err := newKey(f.ext)
	if err != nil {
		return Info{}, err
	}

	n, err := p.Blobs.Put(ctx, key, src)
	if err != nil {
		return Info{}, fmt.Errorf("media: store upload: %w", err)
	}
	return Info{
		Key: key, Class: f.class, ContentType: f.contentType, Ext: f.ext,
		Size: n, Width: w, Height: h,
	}, nil
}
