package media

// Class is the broad kind of an upload. Each class has its own size limit
// and its own accepted types.
type Class string

// The classes of uploads.
const (
	Image    Class = "image"    // JPEG, PNG, GIF or WebP; stored as JPEG or PNG
	Video    Class = "video"    // MP4 or WebM
	Captions Class = "captions" // WebVTT
	Document Class = "document" // PDF, DOCX or ODT
)

// allClasses lists every class, used when a caller names none.
var allClasses = []Class{Image, Video, Captions, Document}

const (
	kib = 1 << 10
	mib = 1 << 20
)

// Limits bounds what an upload may be.
type Limits struct {
	// MaxBytes is the largest upload per class. A missing or non-positive
	// entry means the default for that class.
	MaxBytes map[Class]int64

	// MaxPixels is the largest number of pixels (width × height) an image
	// may have. Zero or less means the default.
	MaxPixels int64
}

// DefaultLimits returns the hub's standard limits: images 15 MiB, videos
// 500 MiB, captions 1 MiB, documents 50 MiB and 40 megapixels.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes: map[Class]int64{
			Image:    15 * mib,
			Video:    500 * mib,
			Captions: 1 * mib,
			Document: 50 * mib,
		},
		MaxPixels: 40_000_000,
	}
}

// maxBytes returns the limit for class c, falling back to the default.
func (l Limits) maxBytes(c Class) int64 {
	if n := l.MaxBytes[c]; n > 0 {
		return n
	}
	return DefaultLimits().MaxBytes[c]
}

// maxPixels returns the pixel limit, falling back to the default.
func (l Limits) maxPixels() int64 {
	if l.MaxPixels > 0 {
		return l.MaxPixels
	}
	return DefaultLimits().MaxPixels
}
