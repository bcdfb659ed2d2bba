package wordpress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bindeled/bindeled/internal/transfer"
)

// uploadsMark is where WordPress keeps its uploads in a file's address.
const uploadsMark = "/wp-content/uploads/"

// media finds the files an export names by their addresses.
type media struct {
	dir    string // the local uploads folder, "" for none
	getter transfer.Getter
	site   *url.URL // the site's address, for addresses without a host
}

// uploadsDir returns the folder of dir that holds the year folders: dir
// itself, or its wp-content/uploads or uploads when it has one.
func uploadsDir(dir string) string {
	if dir == "" {
		return ""
	}
	for _, sub := range []string{filepath.Join("wp-content", "uploads"), "uploads"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			return filepath.Join(dir, sub)
		}
	}
	return dir
}

// resolve makes ref, as it stands in an export, an absolute http or https
// address, or returns nil.
func (m *media) resolve(ref string) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 4096 {
		return nil
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	if m.site != nil {
		u = m.site.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil
	}
	return u
}

// uploadsPath returns the path of u below the uploads folder, such as
// "2016/12/foto.jpg", or "" when u is not an uploaded file.
func uploadsPath(u *url.URL) string {
	_, rel, ok := strings.Cut(u.Path, uploadsMark)
	if !ok {
		return ""
	}
	rel = path.Clean("/" + rel)[1:]
	if rel == "" || rel == "." {
		return ""
	}
	return rel
}

// isUpload reports whether u is a file in the site's uploads folder.
func isUpload(u *url.URL) bool { return uploadsPath(u) != "" }

// fileName is the last element of u's path, as a name to show.
func fileName(u *url.URL) string {
	name := path.Base(u.Path)
	if name == "/" || name == "." {
		return u.Host
	}
	return name
}

// file returns the media file at u. Its Open reads the file from the local
// uploads folder, else fetches it when a Getter was given, else fails.
func (m *media) file(u *url.URL, alt string) transfer.File {
	key := u.String()
	rel := uploadsPath(u)
	return transfer.File{
		Key:  key,
		Name: fileName(u),
		Alt:  alt,
		Open: func(ctx context.Context) (io.ReadCloser, error) {
			if rel != "" && m.dir != "" {
				f, err := openIn(m.dir, rel)
				if err == nil {
					return f, nil
				}
				if !errors.Is(err, os.ErrNotExist) || m.getter == nil {
					return nil, fmt.Errorf("open %s in %s: %w", rel, m.dir, err)
				}
			}
			if m.getter == nil {
				return nil, fmt.Errorf("%s is not in the media folder and fetching was not asked for", key)
			}
			return m.getter.Get(ctx, key)
		},
	}
}

// openIn opens the regular file rel inside dir; os.Root keeps a name with
// ".." or a symbolic link from reaching outside dir.
func openIn(dir, rel string) (io.ReadCloser, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		_ = f.Close() // opened only to be refused
		return nil, fmt.Errorf("%s is not a regular file: %w", rel, os.ErrNotExist)
	}
	return f, nil
}

// imageExts are the endings of image files, which a text shows rather
// than offers for download.
var imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true,
	".svg": true, ".bmp": true, ".avif": true, ".heic": true, ".tif": true, ".tiff": true}

// isImage reports whether u names an image file.
func isImage(u *url.URL) bool { return imageExts[strings.ToLower(path.Ext(u.Path))] }
