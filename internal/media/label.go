package media

import (
	"math"
	"strconv"
	"strings"
)

// sizeUnits are the decimal units above bytes, as written in Danish.
var sizeUnits = []string{"kB", "MB", "GB", "TB", "PB", "EB"}

// HumanSize writes a byte count the Danish way with decimal units and a
// decimal comma: "12 B", "850 kB", "1,2 MB". Below ten units it keeps one
// decimal unless that decimal is zero.
func HumanSize(n int64) string {
	if n < 1000 {
		return strconv.FormatInt(max(n, 0), 10) + " B"
	}
	v := float64(n)
	for i, unit := range sizeUnits {
		v /= 1000
		if math.Round(v) < 1000 || i == len(sizeUnits)-1 {
			return danishNumber(v) + " " + unit
		}
	}
	return ""
}

// danishNumber formats v with one decimal below 9.95 and none above, using
// a decimal comma and dropping a trailing ",0".
func danishNumber(v float64) string {
	if v >= 9.95 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1)
}

// typeLabels name the stored types for readers.
var typeLabels = map[string]string{
	typeJPEG:           "Billede (JPEG)",
	typePNG:            "Billede (PNG)",
	typeGIF:            "Billede (GIF)",
	typeWebP:           "Billede (WebP)",
	typeMP4:            "MP4-video",
	typeWebM:           "WebM-video",
	mediaType(typeVTT): "Undertekster (WebVTT)",
	typePDF:            "PDF",
	typeDOCX:           "Word (DOCX)",
	typeODT:            "OpenDocument (ODT)",
}

// TypeLabel returns a short Danish name for a content type, such as "PDF",
// "Word (DOCX)" or "Billede (JPEG)". Unknown types give "Billede", "Video"
// or "Fil".
func TypeLabel(contentType string) string {
	mt := mediaType(contentType)
	if label, ok := typeLabels[mt]; ok {
		return label
	}
	switch {
	case strings.HasPrefix(mt, "image/"):
		return "Billede"
	case strings.HasPrefix(mt, "video/"):
		return "Video"
	}
	return "Fil"
}
