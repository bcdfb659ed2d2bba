package starter

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// cue is one caption of a WebVTT file.
type cue struct {
	Start, End time.Duration
	Text       string // the cue's lines joined by "\n"
}

var (
	vttTiming    = regexp.MustCompile(`^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+.*)?$`)
	vttTimestamp = regexp.MustCompile(`^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$`)
)

// parseVTT parses a WebVTT caption file. Besides the format's own rules it
// requires what the starter films need: at least one cue, cues in order,
// cues that do not overlap, and text in every cue.
func parseVTT(src string) ([]cue, error) {
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n")
	blocks := splitBlocks(src)
	if len(blocks) == 0 {
		return nil, errors.New("empty file")
	}
	header := blocks[0][0]
	if header != "WEBVTT" && !strings.HasPrefix(header, "WEBVTT ") && !strings.HasPrefix(header, "WEBVTT\t") {
		return nil, errors.New(`the file does not start with "WEBVTT"`)
	}
	if strings.Contains(blocks[0][0]+strings.Join(blocks[0][1:], "\n"), "-->") {
		return nil, errors.New("the header must be followed by a blank line before the first cue")
	}

	var cues []cue
	for _, lines := range blocks[1:] {
		first := lines[0]
		if first == "NOTE" || strings.HasPrefix(first, "NOTE ") || strings.HasPrefix(first, "NOTE\t") ||
			first == "STYLE" || first == "REGION" {
			continue
		}
		if !strings.Contains(first, "-->") {
			lines = lines[1:] // a cue identifier
		}
		if len(lines) == 0 {
			return nil, fmt.Errorf("cue %q has no timing line", first)
		}
		c, err := parseCue(lines)
		if err != nil {
			return nil, fmt.Errorf("cue %d: %w", len(cues)+1, err)
		}
		if n := len(cues); n > 0 && c.Start < cues[n-1].End {
			return nil, fmt.Errorf("cue %d starts at %v, before cue %d ends at %v", n+1, c.Start, n, cues[n-1].End)
		}
		cues = append(cues, c)
	}
	if len(cues) == 0 {
		return nil, errors.New("no cues")
	}
	return cues, nil
}

// splitBlocks splits text into blocks of non-blank lines.
func splitBlocks(text string) [][]string {
	var blocks [][]string
	var cur []string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			if cur != nil {
				blocks = append(blocks, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if cur != nil {
		blocks = append(blocks, cur)
	}
	return blocks
}

// parseCue parses a timing line and the text lines after it.
func parseCue(lines []string) (cue, error) {
	m := vttTiming.FindStringSubmatch(lines[0])
	if m == nil {
		return cue{}, fmt.Errorf("%q is not a timing line", lines[0])
	}
	start, err := parseTimestamp(m[1])
	if err != nil {
		return cue{}, err
	}
	end, err := parseTimestamp(m[2])
	if err != nil {
		return cue{}, err
	}
	if end <= start {
		return cue{}, fmt.Errorf("ends at %v, not after it starts at %v", end, start)
	}
	text := strings.TrimSpace(strings.Join(lines[1:], "\n"))
	if text == "" {
		return cue{}, errors.New("no text")
	}
	if strings.Contains(text, "-->") {
		return cue{}, errors.New(`text contains "-->"`)
	}
	return cue{Start: start, End: end, Text: text}, nil
}

// parseTimestamp parses a WebVTT timestamp: [hh:]mm:ss.ttt.
func parseTimestamp(s string) (time.Duration, error) {
	m := vttTimestamp.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a timestamp like 00:01.500 or 00:00:01.500", s)
	}
	var parts [4]int
	for i, p := range m[1:] {
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return 0, fmt.Errorf("timestamp %q: %w", s, err)
		}
		parts[i] = n
	}
	return time.Duration(parts[0])*time.Hour +
		time.Duration(parts[1])*time.Minute +
		time.Duration(parts[2])*time.Second +
		time.Duration(parts[3])*time.Millisecond, nil
}
