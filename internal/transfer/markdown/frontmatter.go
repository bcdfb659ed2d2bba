package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

// maxFrontMatter is the largest front matter read, in bytes. Real front
// matter is a few hundred bytes; a megabyte leaves room for long lists.
const maxFrontMatter = 1 << 20

// maxNodes bounds how many YAML values one front matter may expand to,
// aliases counted each time they are used, so that a small document of
// nested aliases cannot make the reader allocate without end.
const maxNodes = 100000

// errNotClosed is returned when a front matter has no closing line.
var errNotClosed = errors.New("front matter is not closed")

// frontMatter is a file's front matter as plain values: strings (YAML
// dates and numbers keep the text they were written as), bools, int64,
// time.Time (TOML dates with a zone), localTime (TOML dates without one),
// []any and map[string]any.
type frontMatter map[string]any

// localTime is a TOML date or date and time written without a zone.
type localTime struct{ t time.Time }

// splitFrontMatter separates a file into its front matter and its body.
// The front matter is YAML between two lines of "---" or TOML between two
// lines of "+++" at the very top; format is "yaml", "toml" or "" when the
// file has none. Line ends may be CRLF.
func splitFrontMatter(src []byte) (format string, front, body []byte, err error) {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	var fence string
	switch {
	case hasFenceLine(src, "---"):
		format, fence = "yaml", "---"
	case hasFenceLine(src, "+++"):
		format, fence = "toml", "+++"
	default:
		return "", nil, src, nil
	}
	rest := src[len(fence):]
	rest = rest[bytes.IndexByte(rest, '\n')+1:]
	if len(rest) == 0 && !bytes.HasSuffix(src, []byte("\n")) {
		return format, nil, nil, errNotClosed
	}
	for off := 0; off <= len(rest); {
		line := rest[off:]
		end := bytes.IndexByte(line, '\n')
		if end < 0 {
			end = len(line)
		}
		if string(bytes.TrimRight(line[:end], " \t")) == fence {
			body := rest[min(off+end+1, len(rest)):]
			return format, rest[:off], body, nil
		}
		if off+end >= len(rest) {
			break
		}
		off += end + 1
	}
	return format, nil, nil, errNotClosed
}

// hasFenceLine reports whether src starts with a line that holds fence
// and nothing but trailing blanks.
func hasFenceLine(src []byte, fence string) bool {
	if !bytes.HasPrefix(src, []byte(fence)) {
		return false
	}
	line := src[len(fence):]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return len(bytes.Trim(line, " \t")) == 0
}

// parseFrontMatter decodes a front matter in the given format.
func parseFrontMatter(format string, front []byte) (frontMatter, error) {
	if len(front) > maxFrontMatter {
		return nil, fmt.Errorf("front matter is larger than %d bytes", maxFrontMatter)
	}
	switch format {
	case "yaml":
		return parseYAML(front)
	case "toml":
		return parseTOML(front)
	}
	return frontMatter{}, nil
}

func parseYAML(front []byte) (frontMatter, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(front))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return frontMatter{}, nil
		}
		return nil, fmt.Errorf("YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	budget := maxNodes
	v, err := yamlValue(&doc, &budget, 0)
	if err != nil {
		return nil, err
	}
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case nil:
		return frontMatter{}, nil
	}
	return nil, errors.New("YAML: the front matter is not a list of keys and values")
}

// yamlValue turns a YAML node into plain values, spending one unit of
// budget per node so that aliases cannot expand without end.
func yamlValue(n *yaml.Node, budget *int, depth int) (any, error) {
	*budget--
	if *budget < 0 || depth > 100 {
		return nil, errors.New("YAML: the front matter is nested too deeply or repeats itself too often")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], budget, depth+1)
	case yaml.AliasNode:
		return yamlValue(n.Alias, budget, depth+1)
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, budget, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, err := yamlValue(n.Content[i], budget, depth+1)
			if err != nil {
				return nil, err
			}
			v, err := yamlValue(n.Content[i+1], budget, depth+1)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = v
		}
		return m, nil
	case yaml.ScalarNode:
		return yamlScalar(n), nil
	}
	return nil, nil
}

// yamlScalar keeps a scalar's text, except for booleans and null, so that
// a date keeps the zone it was written with, or the lack of one.
func yamlScalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!null":
		return nil
	}
	return n.Value
}

func parseTOML(front []byte) (frontMatter, error) {
	m := map[string]any{}
	if _, err := toml.NewDecoder(bytes.NewReader(front)).Decode(&m); err != nil {
		return nil, fmt.Errorf("TOML: %s", strings.TrimPrefix(err.Error(), "toml: "))
	}
	return tomlValues(m).(map[string]any), nil
}

// tomlValues marks TOML's local dates, which the decoder gives as times in
// a placeholder zone, so that they are read in the hub's zone.
func tomlValues(v any) any {
	switch v := v.(type) {
	case time.Time:
		switch v.Location().String() {
		case "datetime-local", "date-local", "time-local":
			return localTime{v}
		}
		return v
	case map[string]any:
		for k, x := range v {
			v[k] = tomlValues(x)
		}
		return v
	case []map[string]any:
		list := make([]any, len(v))
		for i, x := range v {
			list[i] = tomlValues(x)
		}
		return list
	case []any:
		for i, x := range v {
			v[i] = tomlValues(x)
		}
		return v
	}
	return v
}

// str returns a front matter value as text: strings as they are, numbers
// and dates formatted, "" for lists, maps and missing keys.
func str(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case bool, int64, float64, int:
		return fmt.Sprint(v)
	case time.Time:
		return v.Format(time.RFC3339)
	case localTime:
		return v.t.Format("2006-01-02T15:04:05")
	}
	return ""
}

// strs returns a value that is one string or a list of strings as a list.
// A single string is split at commas, as Jekyll does for tags.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	case []any:
		var out []string
		for _, x := range v {
			if s := str(x); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	if s := str(v); s != "" {
		return []string{s}
	}
	return nil
}
