package i18n

import (
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
)

// keyFamilies is the alternation of the key families, the first part of a
// key. A family used only in Go code must be listed here to be seen; "lix"
// is for the readability bands that material.Readability.Band returns.
const keyFamilies = `(error|ws|list|site|home|material|theme|themes|school|schools|about|login|setup|` +
	`kind|kinds|audience|grade|status|lang|lix|audit|a11y|consent|licence|review|withdraw|move|role|` +
	`weekday|month|notify|feed|share|privacy)`

// keyPattern matches a string literal that names a message key.
var keyPattern = regexp.MustCompile(`^` + keyFamilies + `\.[a-z0-9_.-]+$`)

// fileNamePattern matches literals that fit keyPattern but name a static
// file, such as "site.css" passed to Asset.
var fileNamePattern = regexp.MustCompile(`\.(css|js|svg|png|jpe?g|gif|webp|ico|html|pdf|mp4|webm|vtt)$`)

// dynamicValues lists, per key family, the values that complete a key built
// at run time, as in {{printf "kind.%s" .Kind}} or "kinds." + string(k).
var dynamicValues = map[string][]string{
	"kind":     {"article", "film", "guide", "link"},
	"kinds":    {"article", "film", "guide", "link"},
	"audience": {"parents", "teachers", "pedagogues", "leaders", "boards"},
	"grade":    {"0-3", "4-6", "7-9", "sfo"},
	"status": {"draft", "in_review", "changes_requested", "approved", "scheduled", "published",
		"unpublished"},
	"move":    {"submit", "request_changes", "approve", "publish", "unschedule", "unpublish", "to_draft"},
	"role":    {"admin", "editor", "reviewer", "contributor"},
	"licence": {"own", "cc-by", "cc-by-sa", "cc0", "permission"},
	"weekday": {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
	"month":   {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"},
	"audit":   {"login", "material", "theme", "school", "settings", "user", "channel"},
	"lang":    {"da", "en"},
}

// dynamicFormat matches a printf format that builds a key from a family and
// one %s verb.
var dynamicFormat = regexp.MustCompile(`^([a-z]+)\.%s$`)

// dynamicPrefix matches a Go literal that starts a key built by
// concatenation, such as "kinds." in "kinds." + string(k).
var dynamicPrefix = regexp.MustCompile(`^` + keyFamilies + `\.$`)

// keyUses maps a message key to the places ("file:line") that use it.
type keyUses map[string][]string

func (u keyUses) add(key, where string) { u[key] = append(u[key], where) }

// expand adds every key of a dynamic family, or reports that the family
// has no known values and so cannot be checked.
func (u keyUses) expand(family, where string) error {
	values, ok := dynamicValues[family]
	if !ok {
		return fmt.Errorf("%s: key built at run time from family %q, which has no known values; "+
			"add them to dynamicValues",
			where, family)
	}
	for _, v := range values {
		u.add(family+"."+v, where)
	}
	return nil
}

// isKeyLiteral reports whether a string literal names a message key.
func isKeyLiteral(s string) bool {
	return keyPattern.MatchString(s) && !fileNamePattern.MatchString(s)
}

// collectUsedKeys reads the templates under dir/web/templates and the Go
// sources of dir/web, dir/material and dir/auth (tests left out) and
// returns the message keys they use. dir is the parent of this package.
func collectUsedKeys(dir string) (keyUses, error) {
	used := keyUses{}
	var errs []string

	var templates []string
	root := filepath.Join(dir, "web", "templates")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".html") {
			templates = append(templates, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(templates) == 0 {
		return nil, fmt.Errorf("no templates found under %s", root)
	}
	for _, path := range templates {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		errs = append(errs, templateKeys(used, relName(dir, path), string(src))...)
	}

	for _, pkg := range []string{"web", "material", "auth", "notify", "share", "fetch"} {
		paths, err := filepath.Glob(filepath.Join(dir, pkg, "*.go"))
		if err != nil {
			return nil, err
		}
		n := 0
		for _, path := range paths {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			errs = append(errs, goKeys(used, relName(dir, path), src)...)
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("no Go sources found in %s", filepath.Join(dir, pkg))
		}
	}

	if len(errs) > 0 {
		return used, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return used, nil
}

func relName(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil {
		return filepath.ToSlash(rel)
	}
	return path
}

// templateKeys parses one template file and adds the keys it uses: the
// first argument of every T call, every string literal shaped like a key
// (such as the label keys passed to fileField), and every key built with
// printf "family.%s". It returns problems found on the way.
func templateKeys(used keyUses, name, src string) []string {
	tree := parse.New(name)
	tree.Mode = parse.SkipFuncCheck
	set := map[string]*parse.Tree{}
	if _, err := tree.Parse(src, "", "", set); err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	var problems []string
	lineOf := func(n parse.Node) string {
		return fmt.Sprintf("%s:%d", name, 1+strings.Count(src[:int(n.Position())], "\n"))
	}

	var walk func(parse.Node)
	walkPipe := func(p *parse.PipeNode) {
		if p != nil {
			walk(p)
		}
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walkPipe(n.Pipe)
		case *parse.IfNode:
			walkBranch(&n.BranchNode, walk)
		case *parse.RangeNode:
			walkBranch(&n.BranchNode, walk)
		case *parse.WithNode:
			walkBranch(&n.BranchNode, walk)
		case *parse.TemplateNode:
			walkPipe(n.Pipe)
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.CommandNode:
			if len(n.Args) >= 2 && isTCall(n.Args[0]) {
				if s, ok := n.Args[1].(*parse.StringNode); ok {
					used.add(s.Text, lineOf(s))
				}
			}
			if len(n.Args) >= 2 && isIdent(n.Args[0], "printf") {
				if s, ok := n.Args[1].(*parse.StringNode); ok {
					if m := dynamicFormat.FindStringSubmatch(s.Text); m != nil && dynamicPrefix.MatchString(m[1]+".") {
						if err := used.expand(m[1], lineOf(s)); err != nil {
							problems = append(problems, err.Error())
						}
					}
				}
			}
			for _, a := range n.Args {
				if s, ok := a.(*parse.StringNode); ok && isKeyLiteral(s.Text) {
					used.add(s.Text, lineOf(s))
				} else {
					walk(a)
				}
			}
		}
	}

	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if root := set[k].Root; root != nil {
			walk(root)
		}
	}
	return problems
}

func walkBranch(b *parse.BranchNode, walk func(parse.Node)) {
	if b.Pipe != nil {
		walk(b.Pipe)
	}
	if b.List != nil {
		walk(b.List)
	}
	if b.ElseList != nil {
		walk(b.ElseList)
	}
}

// isTCall reports whether n is the T method of the data or of a variable:
// .T, $.T or $page.T.
func isTCall(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.FieldNode:
		return len(n.Ident) > 0 && n.Ident[len(n.Ident)-1] == "T"
	case *parse.VariableNode:
		return len(n.Ident) > 1 && n.Ident[len(n.Ident)-1] == "T"
	}
	return false
}

func isIdent(n parse.Node, name string) bool {
	id, ok := n.(*parse.IdentifierNode)
	return ok && id.Ident == name
}

// goKeys scans one Go file and adds every string literal shaped like a key,
// plus every key built by concatenation such as "kinds." + string(k).
// Comments are skipped, and the scan works on files that do not compile.
func goKeys(used keyUses, name string, src []byte) []string {
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	var problems []string
	type lit struct {
		text  string
		where string
	}
	var pending *lit // a literal that may start a concatenated key
	for {
		pos, tok, text := s.Scan()
		if tok == token.EOF {
			break
		}
		if pending != nil {
			if tok == token.ADD {
				family := strings.TrimSuffix(pending.text, ".")
				if err := used.expand(family, pending.where); err != nil {
					problems = append(problems, err.Error())
				}
			}
			pending = nil
		}
		if tok != token.STRING {
			continue
		}
		v, err := strconv.Unquote(text)
		if err != nil {
			continue
		}
		where := fmt.Sprintf("%s:%d", name, fset.Position(pos).Line)
		switch {
		case isKeyLiteral(v):
			used.add(v, where)
		case dynamicPrefix.MatchString(v):
			pending = &lit{v, where}
		}
	}
	return problems
}

// missingKeys returns the used keys that catalogue lacks, sorted, each
// with the places that use it.
func missingKeys(used keyUses, catalogue map[string]string) []string {
	var out []string
	for k, where := range used {
		if _, ok := catalogue[k]; !ok {
			out = append(out, fmt.Sprintf("%s (used at %s)", k, strings.Join(dedupe(where), ", ")))
		}
	}
	sort.Strings(out)
	return out
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// TestUsedKeysDefined checks that every message key used by the templates
// and the Go code of web, material, auth, notify, share and fetch is in the Danish catalogue, and
// logs the keys that the catalogue defines but nothing uses.
func TestUsedKeysDefined(t *testing.T) {
	used, err := collectUsedKeys("..")
	if err != nil {
		t.Error(err)
	}
	if used == nil {
		t.FailNow()
	}
	for _, m := range missingKeys(used, danish) {
		t.Errorf("key missing from the Danish catalogue: %s", m)
	}
	var unused []string
	for _, k := range Keys(Danish) {
		if _, ok := used[k]; !ok {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		t.Logf("%d keys are defined but not used: %s", len(unused), strings.Join(unused, ", "))
	}
}

// TestKeyScanCatchesMissing runs the scan on a small tree with known gaps,
// so that TestUsedKeysDefined cannot pass merely because the scan finds
// nothing.
func TestKeyScanCatchesMissing(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"web/templates/site/page.html": `{{define "content"}}<h1>{{.T "site.home"}}</h1>
<p>{{$.T "bogus.template_key"}}</p>
<p>{{ (.T "list.page" .Page .Pages) }}</p>
<p>{{range .Items}}{{$.T (printf "grade.%s" .)}}{{end}}</p>
<link href="{{.Asset "site.css"}}">
{{template "filefield" (fileField $ "video" 1 "ws.field.bogus_label" "video/mp4")}}
{{end}}`,
		"web/handler.go": `package web

// "error.in_a_comment" is not a use.
func f(b B, k string) {
	b.T("ws.title")
	b.T("kinds." + k)
	b.T("error.bogus_go_key")
}
`,
		"material/material.go": "package material\n\nfunc g(p P) { p.Add(\"title\", `error.bogus_raw`) }\n",
		"auth/policy.go":       "package auth\n\nconst ProblemShort = \"error.password_short\"\n",
		"auth/policy_test.go":  "package auth\n\nvar _ = \"error.only_in_a_test\"\n",
		"notify/notify.go":     "package notify\n\nvar k = \"notify.kind.published\"\n",
		"share/share.go":       "package share\n\nvar k = \"ws.share.poster.scan\"\n",
		"fetch/errors.go":      "package fetch\n\nvar k = \"error.fetch\"\n",
	}
	for name, src := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	used, err := collectUsedKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"site.home", "list.page", "grade.sfo", "ws.title", "kinds.guide", "error.password_short",
		"notify.kind.published", "ws.share.poster.scan", "error.fetch"} {
		if _, ok := used[k]; !ok {
			t.Errorf("scan missed the use of %q", k)
		}
	}
	for _, k := range []string{"site.css", "error.in_a_comment", "error.only_in_a_test"} {
		if _, ok := used[k]; ok {
			t.Errorf("scan took %q for a key use", k)
		}
	}
	var got []string
	for _, m := range missingKeys(used, danish) {
		got = append(got, strings.Fields(m)[0])
	}
	want := []string{"bogus.template_key", "error.bogus_go_key", "error.bogus_raw", "ws.field.bogus_label"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("missing keys = %v, want %v", got, want)
	}

	// A key family without known values cannot be checked and must say so.
	probs := goKeys(keyUses{}, "x.go", []byte(`package x; var s = "error." + code`))
	if len(probs) != 1 || !strings.Contains(probs[0], `family "error"`) {
		t.Errorf("unknown dynamic family gave %q", probs)
	}
}
