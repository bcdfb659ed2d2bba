package search_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/starter"
)

// judgement is one row of testdata/judged.tsv.
type judgement struct {
	Query    string
	Holdout  bool
	Expected []string
}

func loadJudged(t *testing.T) []judgement {
	t.Helper()
	f, err := os.Open("testdata/judged.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []judgement
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || (cols[1] != "tune" && cols[1] != "holdout") || strings.TrimSpace(cols[2]) == "" {
			t.Fatalf("judged.tsv:%d: want query, tune|holdout, slugs: %q", n, line)
		}
		out = append(out, judgement{Query: cols[0], Holdout: cols[1] == "holdout", Expected: strings.Fields(cols[2])})
	}
	return out
}

// testMaterial is one of testdata/extra.yaml.
type testMaterial struct {
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
	Body    string `yaml:"body"`
}

func loadExtra(t *testing.T) []testMaterial {
	t.Helper()
	data, err := os.ReadFile("testdata/extra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ms []testMaterial
	if err := yaml.Unmarshal(data, &ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestJudgedSetIsSound keeps the judged set usable: at least 40 queries, a
// quarter held out, and every expected material exists in the starter
// collection or the test materials.
func TestJudgedSetIsSound(t *testing.T) {
	judged := loadJudged(t)
	holdout := 0
	for _, j := range judged {
		if j.Holdout {
			holdout++
		}
	}
	if len(judged) < 40 || holdout*4 < len(judged) {
		t.Errorf("%d queries, %d held out; want at least 40 with a quarter held out", len(judged), holdout)
	}
	c, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, it := range c.Items {
		known[it.Material.Slug] = true
	}
	for _, m := range loadExtra(t) {
		known[material.Slugify(m.Title)] = true
	}
	seen := map[string]bool{}
	for _, j := range judged {
		if seen[j.Query] {
			t.Errorf("query %q is judged twice", j.Query)
		}
		seen[j.Query] = true
		for _, s := range j.Expected {
			if !known[s] {
				t.Errorf("query %q expects %q, which is neither a starter nor a test material", j.Query, s)
			}
		}
	}
}
