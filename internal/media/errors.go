package media

import (
	"errors"
	"fmt"
)

// Sentinel errors. Match them with errors.Is.
var (
	// ErrTooLarge means the upload is larger than the limit for its class.
	ErrTooLarge = errors.New("media: file too large")

	// ErrType means the bytes are not of a type the caller allowed.
	ErrType = errors.New("media: file type not accepted")

	// ErrSVG means the upload is an SVG image. SVG can carry scripts and is
	// always refused. Every ErrSVG error also matches ErrType.
	ErrSVG = errors.New("media: svg images are not accepted")

	// ErrPixels means an image has more pixels than the limit.
	ErrPixels = errors.New("media: image has too many pixels")

	// ErrBadKey means a storage key does not have the form this package
	// generates.
	ErrBadKey = errors.New("media: invalid storage key")

	// ErrUnavailable means the store could not be reached or did not
	// answer in time, or failed on its side: asking again later may work.
	ErrUnavailable = errors.New("media: store unavailable")
)

// TooLargeError reports an upload over a size limit. It matches ErrTooLarge.
type TooLargeError struct {
	Limit int64 // the limit in bytes
}

// Error describes the limit.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("media: file larger than the limit of %d bytes", e.Limit)
}

// Is reports whether target is ErrTooLarge.
func (e *TooLargeError) Is(target error) bool {
	return target == ErrTooLarge
}

// TypeError reports an upload whose type was refused. It matches ErrType,
// and ErrSVG as well when the upload is an SVG image.
type TypeError struct {
	// Detected is what the bytes look like, as a content type such as
	// "text/html; charset=utf-8", "application/zip" or "image/svg+xml".
	Detected string

	// Err is why a file that looks like an accepted type was refused, for
	// instance an image that does not decode. It is nil otherwise.
	Err error
}

// svgType is the Detected value of an SVG upload.
const svgType = "image/svg+xml"

// Error describes the refused type.
func (e *TypeError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("media: damaged or disguised %s file: %v", e.Detected, e.Err)
	}
	return fmt.Sprintf("media: file type %s not accepted", e.Detected)
}

// Is reports whether target is ErrType, or ErrSVG for an SVG upload.
func (e *TypeError) Is(target error) bool {
	return target == ErrType || target == ErrSVG && e.Detected == svgType
}

// Unwrap returns the underlying cause, if any.
func (e *TypeError) Unwrap() error {
	return e.Err
}
