// Package i18n holds the user-facing text of the hub in Danish, the default,
// and English. Text is looked up by key; Go error strings are never shown.
package i18n

import (
	"fmt"
	"sort"
)

// Lang is a supported user-interface language.
type Lang string

// The supported languages; Danish is the default.
const (
	Danish  Lang = "da"
	English Lang = "en"
)

// Parse returns the language named s, or Danish when s names none.
func Parse(s string) Lang {
	if s == string(English) {
		return English
	}
	return Danish
}

// T returns the text for key in lang, formatted with args. A key missing in
// English falls back to Danish; a key missing everywhere is returned as is
// so that the gap is visible and caught by the catalogue test.
//
// When the first argument is the number 1 and key+"_one" exists, that
// text is used: "1 besked", not "1 beskeder".
func T(lang Lang, key string, args ...any) string {
	if len(args) > 0 && isOne(args[0]) {
		if _, ok := catalog[Danish][key+"_one"]; ok {
			key += "_one"
		}
	}
	msg, ok := catalog[lang][key]
	if !ok {
		msg, ok = catalog[Danish][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether key exists in the Danish catalogue.
func Has(key string) bool {
	_, ok := catalog[Danish][key]
	return ok
}

// Keys lists the keys of a language's catalogue, sorted.
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalog[lang]))
	for k := range catalog[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var catalog = map[Lang]map[string]string{
	Danish:  danish,
	English: english,
}

func isOne(v any) bool {
	switch n := v.(type) {
	case int:
		return n == 1
	case int64:
		return n == 1
	}
	return false
}
