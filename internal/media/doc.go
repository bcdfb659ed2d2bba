// Package media receives, checks, stores and serves uploaded files: photos,
// films, captions and documents.
//
// Photos of children are the most sensitive thing the hub holds, so an
// upload is never trusted. [Processor.Ingest] streams the body to a
// temporary file with a hard size cap, judges the type from the bytes alone
// (the uploaded name is never used), refuses SVG, HTML and anything else it
// does not know, and stores the result under a random key. Images are
// decoded and re-encoded, which applies the EXIF orientation to the pixels
// and drops EXIF, GPS positions, maker notes, thumbnails, XMP and ICC data
// together with anything hidden after the image data.
//
// Videos, captions and documents are stored as uploaded once their type has
// been confirmed. Their metadata is not touched.
//
// [Serve] writes a stored file with range support and the headers that stop
// a browser from treating it as anything but the stored type.
//
// [Blobs] is the narrow storage interface; [Disk] keeps the files in a local
// directory. [HumanSize] and [TypeLabel] describe attachments in Danish.
package media
