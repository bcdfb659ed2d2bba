// Package mdfile reads and writes a material of a Bindeled export as a
// Markdown file: YAML front matter with every field but the body, and
// then the body. It depends on nothing of the hub, so its parser can be
// fuzzed quickly.
package mdfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Material is a material's fields. In the Markdown format the body is the
// file's text after the front matter and every other field is in it.
type Material struct {
	Slug            string       `json:"slug" yaml:"slug"`
	Kind            string       `json:"kind" yaml:"kind"`
	Title           string       `json:"title" yaml:"title"`
	Summary         string       `json:"summary" yaml:"summary"`
	Body            string       `json:"body" yaml:"-"`
	Audiences       []string     `json:"audiences,omitempty" yaml:"audiences,omitempty"`
	Grades          []string     `json:"grades,omitempty" yaml:"grades,omitempty"`
	Themes          []string     `json:"themes,omitempty" yaml:"themes,omitempty"`
	School          string       `json:"school,omitempty" yaml:"school,omitempty"`
	Language        string       `json:"language" yaml:"language"`
	Status          string       `json:"status" yaml:"status"`
	Featured        bool         `json:"featured,omitempty" yaml:"featured,omitempty"`
	Cover           string       `json:"cover,omitempty" yaml:"cover,omitempty"`
	CoverAlt        string       `json:"cover_alt,omitempty" yaml:"cover_alt,omitempty"`
	Video           string       `json:"video,omitempty" yaml:"video,omitempty"`
	Captions        string       `json:"captions,omitempty" yaml:"captions,omitempty"`
	Poster          string       `json:"poster,omitempty" yaml:"poster,omitempty"`
	ExternalURL     string       `json:"external_url,omitempty" yaml:"external_url,omitempty"`
	Transcript      string       `json:"transcript,omitempty" yaml:"transcript,omitempty"`
	Attachments     []Attachment `json:"attachments,omitempty" yaml:"attachments,omitempty"`
	LinkURL         string       `json:"link_url,omitempty" yaml:"link_url,omitempty"`
	LinkPublisher   string       `json:"link_publisher,omitempty" yaml:"link_publisher,omitempty"`
	CreatedAt       time.Time    `json:"created_at" yaml:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at" yaml:"updated_at"`
	PublishedAt     time.Time    `json:"published_at,omitzero" yaml:"published_at,omitempty"`
	ScheduledAt     time.Time    `json:"scheduled_at,omitzero" yaml:"scheduled_at,omitempty"`
	UnpublishAt     time.Time    `json:"unpublish_at,omitzero" yaml:"unpublish_at,omitempty"`
	ScheduleProblem string       `json:"schedule_problem,omitempty" yaml:"schedule_problem,omitempty"`
	Consent         *Consent     `json:"consent,omitempty" yaml:"consent,omitempty"`
	CreatedBy       string       `json:"created_by,omitempty" yaml:"created_by,omitempty"` // e-mail
	Version         int64        `json:"version" yaml:"version"`
}

// Attachment is a downloadable file of a material.
type Attachment struct {
	Media string `json:"media" yaml:"media"` // media key
	Title string `json:"title" yaml:"title"`
}

// Consent is the sender's answers on rights and consent.
type Consent struct {
	Rights   bool              `json:"rights" yaml:"rights"`
	Children string            `json:"children,omitempty" yaml:"children,omitempty"`
	Names    string            `json:"names,omitempty" yaml:"names,omitempty"`
	Licences map[string]string `json:"licences,omitempty" yaml:"licences,omitempty"` // by media key
	By       string            `json:"by,omitempty" yaml:"by,omitempty"`             // e-mail
	At       time.Time         `json:"at,omitzero" yaml:"at,omitempty"`
}

// Marshal writes m as YAML front matter, between two lines ---, followed
// by its body exactly as it is.
func Marshal(m Material) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteString("---\n")
	b.WriteString(m.Body)
	return b.Bytes(), nil
}

// lineEnd is a line end with the carriage returns before it.
var lineEnd = regexp.MustCompile(`\r+\n`)

// Parse reads a file Marshal wrote, or one a person edited: Windows line
// ends are read as Unix ones, and an unknown field in the front matter is
// an error.
func Parse(b []byte) (Material, error) {
	var m Material
	// Every carriage return before a line end goes, not only one: "\r\r\n"
	// read as "\r\n" would be read again as "\n" after a round trip.
	text := lineEnd.ReplaceAllString(string(b), "\n")
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		return m, errors.New("no front matter: the file must begin with a line ---")
	}
	front, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		if front, ok = strings.CutSuffix(rest, "\n---"); !ok {
			return m, errors.New("the front matter has no closing line ---")
		}
	}
	dec := yaml.NewDecoder(strings.NewReader(front))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("front matter: %w", err)
	}
	m.Body = body
	return m, nil
}
