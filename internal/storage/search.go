package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/search"
)

// indexMaterial replaces a material's search terms, in the transaction
// that saves it.
func indexMaterial(ctx context.Context, c q, m *material.Material) error {
	if _, err := c.exec(ctx, `DELETE FROM search_terms WHERE material_id = ?`, m.ID); err != nil {
		return fmt.Errorf("unindex material %d: %w", m.ID, err)
	}
	postings := materialPostings(m)
	const batch = 200
	for len(postings) > 0 {
		n := min(batch, len(postings))
		args := make([]any, 0, 3*n)
		for _, p := range postings[:n] {
			args = append(args, p.Term, m.ID, p.Field)
		}
		rows := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
		if _, err := c.exec(ctx, `INSERT INTO search_terms (term, material_id, field) VALUES `+rows,
			args...); err != nil {
			return fmt.Errorf("index material %d: %w", m.ID, err)
		}
		var words []any
		for _, p := range postings[:n] {
			if _, ok := search.WordOf(p.Term); ok && (len(words) == 0 || words[len(words)-1] != p.Term) {
				words = append(words, p.Term)
			}
		}
		if len(words) > 0 {
			if _, err := c.exec(ctx, `INSERT INTO search_vocab (term) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?), ", len(words)), ", ")+` ON CONFLICT (term) DO NOTHING`,
				words...); err != nil {
				return fmt.Errorf("index material %d: %w", m.ID, err)
			}
		}
		postings = postings[n:]
	}
	return nil
}

// Reindex builds the search index of every material again, as after an
// upgrade that brought it, in one transaction. Terms are written in
// sorted batches, which B-trees take far faster than material by
// material. It returns how many materials were indexed.
func (s *Store) Reindex(ctx context.Context) (int, error) {
	ids, err := collectIDs(ctx, s.q(), `SELECT id FROM materials ORDER BY id`)
	if err != nil {
		return 0, err
	}
	err = s.inTx(ctx, func(c q) error {
		for _, table := range []string{"search_terms", "search_vocab"} {
			if _, err := c.exec(ctx, `DELETE FROM `+table); err != nil {
				return err
			}
		}
		vocab := map[string]bool{}
		for i := 0; i < len(ids); i += reindexChunk {
			// read beside the transaction; it changes no material
			ms, err := s.MaterialsByID(ctx, ids[i:min(i+reindexChunk, len(ids))])
			if err != nil {
				return err
			}
			var rows []row
			for _, m := range ms {
				for _, p := range materialPostings(m) {
					rows = append(rows, row{p.Term, m.ID, p.Field})
					if _, ok := search.WordOf(p.Term); ok {
						vocab[p.Term] = true
					}
				}
			}
			slices.SortFunc(rows, func(a, b row) int {
				if c := strings.Compare(a.term, b.term); c != 0 {
					return c
				}
				if a.id != b.id {
					return int(a.id - b.id)
				}
				return a.field - b.field
			})
			if err := insertRows(ctx, c, rows); err != nil {
				return err
			}
		}
		words := make([]string, 0, len(vocab))
		for w := range vocab {
			words = append(words, w)
		}
		slices.Sort(words)
		for len(words) > 0 {
			n := min(len(words), 1000)
			args := make([]any, n)
			for i, w := range words[:n] {
				args[i] = w
			}
			if _, err := c.exec(ctx, `INSERT INTO search_vocab (term) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?), ", n), ", ")+` ON CONFLICT DO NOTHING`, args...); err != nil {
				return err
			}
			words = words[n:]
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	return len(ids), nil
}

// reindexChunk is how many materials Reindex reads and sorts at a time.
const reindexChunk = 500

type row struct {
	term  string
	id    int64
	field int
}

func insertRows(ctx context.Context, c q, rows []row) error {
	const batch = 1000
	for len(rows) > 0 {
		n := min(batch, len(rows))
		args := make([]any, 0, 3*n)
		for _, r := range rows[:n] {
			args = append(args, r.term, r.id, r.field)
		}
		// Another instance building at the same moment writes the same
		// rows; whichever comes second keeps the first's.
		if _, err := c.exec(ctx, `INSERT INTO search_terms (term, material_id, field) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")+` ON CONFLICT DO NOTHING`, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// materialPostings are the index terms of a material's texts.
func materialPostings(m *material.Material) []search.Posting {
	body := markdown.PlainText(m.Body) + "\n" + m.Transcript // link targets and markup are not words
	if m.Kind == material.Link {
		body += "\n" + m.LinkPublisher
	}
	return search.Postings(map[int]string{search.FieldTitle: m.Title, search.FieldSummary: m.Summary,
		search.FieldBody: body})
}

// IndexIsEmpty reports whether there are materials but no search terms.
func (s *Store) IndexIsEmpty(ctx context.Context) (bool, error) {
	var materials, terms int
	err := s.q().queryRow(ctx, `SELECT (SELECT COUNT(*) FROM materials), (SELECT COUNT(*) FROM
		(SELECT 1 FROM search_terms LIMIT 1) t)`).Scan(&materials, &terms)
	return materials > 0 && terms == 0, err
}

// SearchOptions limits a search.
type SearchOptions struct {
	PublishedOnly bool
	SchoolIDs     []int64           // nil: every school; a contributor's schools otherwise
	Exclude       []material.Status // statuses left out
}

// maxFuzzyCandidates bounds the words read to look for a typo's meaning.
const maxFuzzyCandidates = 20000

// Search finds the materials a query means, best first: those matching
// more of the query's words, then by score, then the newest.
func (s *Store) Search(ctx context.Context, query string, opt SearchOptions) ([]search.Hit, error) {
	words, err := s.QueryWords(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.SearchWords(ctx, words, opt)
}

// QueryWords reads a query with the editors' synonyms, for SearchWords
// and for marking what matched.
func (s *Store) QueryWords(ctx context.Context, query string) ([]search.QueryWord, error) {
	words := search.Parse(query)
	if len(words) == 0 {
		return nil, nil
	}
	groups, err := s.SynonymGroups(ctx)
	if err != nil {
		return nil, err
	}
	for i := range words {
		words[i].AddSynonyms(synonymLists(groups))
	}
	return words, nil
}

// SearchWords is Search for a query already read by QueryWords.
func (s *Store) SearchWords(ctx context.Context, words []search.QueryWord, opt SearchOptions) ([]search.Hit, error) {
	if len(words) == 0 {
		return nil, nil
	}
	sc := search.NewScorer(len(words))
	for i, w := range words {
		exact := make([]any, 0, len(w.Exact))
		weight := map[string]float64{}
		for _, a := range w.Exact {
			if _, dup := weight[a.Term]; !dup {
				exact = append(exact, a.Term)
			}
			weight[a.Term] = max(weight[a.Term], a.Weight)
		}
		if err := s.matchTerms(ctx, exact, func(term string, id int64, field int) {
			sc.Add(i, id, field, weight[term])
		}); err != nil {
			return nil, err
		}
		for _, r := range []struct {
			prefix string
			weight float64
		}{{w.Prefix, search.WeightPrefix}, {w.LoosePrefix, search.WeightPrefix * search.WeightLoose},
			{w.Tail, search.WeightTail}} {
			if r.prefix == "" {
				continue
			}
			if err := s.matchRange(ctx, r.prefix, r.prefix+"\U0010FFFF", func(_ string, id int64, field int) {
				sc.Add(i, id, field, r.weight)
			}); err != nil {
				return nil, err
			}
		}
		if w.Typos > 0 && !s.knownWord(ctx, w.Exact, opt.PublishedOnly) {
			near, err := s.nearWords(ctx, w.Text, w.Typos)
			if err != nil {
				return nil, err
			}
			if err := s.matchTerms(ctx, near, func(_ string, id int64, field int) {
				sc.Add(i, id, field, search.WeightFuzzy)
			}); err != nil {
				return nil, err
			}
		}
	}
	hits := sc.Hits()
	return s.rankHits(ctx, hits, opt)
}

// knownWord reports whether any of a query word's exact forms is in the
// index: a word that is found is not taken for a typo.
func (s *Store) knownWord(ctx context.Context, alts []search.Alt, publishedOnly bool) bool {
	for _, a := range alts {
		if ok, err := s.termUsed(ctx, a.Term, publishedOnly); err == nil && ok {
			return true
		}
	}
	return false
}

// termUsed reports whether a term is in the index, in a published
// material when publishedOnly: words of drafts are not for readers to see,
// not even as a suggestion.
func (s *Store) termUsed(ctx context.Context, term string, publishedOnly bool) (bool, error) {
	query := `SELECT COUNT(*) FROM (SELECT 1 FROM search_terms WHERE term = ? LIMIT 1) t`
	args := []any{term}
	if publishedOnly {
		query = `SELECT COUNT(*) FROM (SELECT 1 FROM search_terms t JOIN materials m ON m.id = t.material_id
			WHERE t.term = ? AND m.status = ? LIMIT 1) x`
		args = append(args, material.Published)
	}
	var n int
	err := s.q().queryRow(ctx, query, args...).Scan(&n)
	return n > 0, err
}

// nearWords returns the word terms a typed word may be a typo of.
func (s *Store) nearWords(ctx context.Context, w string, typos int) ([]any, error) {
	from, to := search.FuzzyRange(w)
	rows, err := s.q().query(ctx, `SELECT term FROM search_vocab WHERE term >= ? AND term < ? LIMIT ?`,
		from, to, maxFuzzyCandidates)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := utf8.RuneCountInString(w)
	var out []any
	for rows.Next() {
		var term string
		if err := rows.Scan(&term); err != nil {
			return nil, err
		}
		word, _ := search.WordOf(term)
		if d := utf8.RuneCountInString(word) - n; d > typos || -d > typos || word == w {
			continue
		}
		if search.Distance(word, w, typos) <= typos {
			out = append(out, term)
		}
	}
	return out, rows.Err()
}

func (s *Store) matchTerms(ctx context.Context, terms []any, fn func(term string, id int64, field int)) error {
	for len(terms) > 0 {
		n := min(len(terms), 500)
		if err := s.scanPostings(ctx, `term IN (`+placeholders(n)+`)`, terms[:n], fn); err != nil {
			return err
		}
		terms = terms[n:]
	}
	return nil
}

func (s *Store) matchRange(ctx context.Context, from, to string, fn func(term string, id int64, field int)) error {
	return s.scanPostings(ctx, `term >= ? AND term < ?`, []any{from, to}, fn)
}

func (s *Store) scanPostings(ctx context.Context, cond string, args []any,
	fn func(term string, id int64, field int)) error {
	rows, err := s.q().query(ctx, `SELECT term, material_id, field FROM search_terms WHERE `+cond, args...)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var term string
		var id int64
		var field int
		if err := rows.Scan(&term, &id, &field); err != nil {
			return err
		}
		fn(term, id, field)
	}
	return rows.Err()
}

// rankHits keeps the hits the options allow and orders them.
func (s *Store) rankHits(ctx context.Context, hits []search.Hit, opt SearchOptions) ([]search.Hit, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	type meta struct {
		status    material.Status
		school    int64
		published int64
		updated   int64
	}
	info := map[int64]meta{}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		rows, err := s.q().query(ctx, `SELECT id, status, COALESCE(school_id, 0), COALESCE(published_at, 0), updated_at
			FROM materials WHERE id IN (`+placeholders(len(part))+`)`, int64Args(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var m meta
			if err := rows.Scan(&id, &m.status, &m.school, &m.published, &m.updated); err != nil {
				rows.Close()
				return nil, err
			}
			info[id] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	kept := hits[:0]
	for _, h := range hits {
		m, ok := info[h.ID]
		switch {
		case !ok:
		case opt.PublishedOnly && m.status != material.Published:
		case opt.SchoolIDs != nil && !slices.Contains(opt.SchoolIDs, m.school):
		case slices.Contains(opt.Exclude, m.status):
		default:
			kept = append(kept, h)
		}
	}
	slices.SortFunc(kept, func(a, b search.Hit) int {
		switch {
		case a.Covered != b.Covered:
			return b.Covered - a.Covered
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		ma, mb := info[a.ID], info[b.ID]
		if ta, tb := max(ma.published, ma.updated), max(mb.published, mb.updated); ta != tb {
			if ta > tb {
				return -1
			}
			return 1
		}
		return int(b.ID - a.ID)
	})
	return kept, nil
}

// Suggest returns the query with each word that the index does not know
// replaced by the nearest word it does (two edits at most), or "" when
// there is nothing better to suggest: the "did you mean" of an empty
// result.
func (s *Store) Suggest(ctx context.Context, query string, opt SearchOptions) (string, error) {
	words := search.Parse(query)
	changed := false
	out := make([]string, 0, len(words))
	for _, w := range words {
		known, err := s.termUsed(ctx, w.Exact[0].Term, opt.PublishedOnly)
		if err != nil {
			return "", err
		}
		if known || utf8.RuneCountInString(w.Text) < 4 {
			out = append(out, w.Text)
			continue
		}
		best, bestD := "", 3
		near, err := s.nearWords(ctx, w.Text, 2)
		if err != nil {
			return "", err
		}
		for _, t := range near {
			word, _ := search.WordOf(t.(string))
			d := search.Distance(word, w.Text, 2)
			if d > bestD || d == bestD && word >= best && best != "" {
				continue
			}
			if used, err := s.termUsed(ctx, t.(string), opt.PublishedOnly); err != nil {
				return "", err
			} else if used {
				best, bestD = word, d
			}
		}
		if best == "" {
			out = append(out, w.Text)
			continue
		}
		out = append(out, best)
		changed = true
	}
	if !changed {
		return "", nil
	}
	return strings.Join(out, " "), nil
}

// maxMissedQuery bounds a logged query.
const maxMissedQuery = 200

// LogMissedSearch counts a query that found nothing, so editors can see
// what readers look for. Only the query is kept: nothing about who asked.
// A failure is not the reader's problem and is only returned to tests.
func (s *Store) LogMissedSearch(ctx context.Context, query string) error {
	q := strings.Join(strings.Fields(strings.ToLower(query)), " ")
	if utf8.RuneCountInString(q) > maxMissedQuery {
		q = string([]rune(q)[:maxMissedQuery])
	}
	if q == "" {
		return nil
	}
	_, err := s.q().exec(ctx, `
		INSERT INTO search_misses (query, count, last_at) VALUES (?, 1, ?)
		ON CONFLICT (query) DO UPDATE SET count = search_misses.count + 1, last_at = excluded.last_at`,
		q, millis(time.Now().UTC().Truncate(24*time.Hour))) // the day only: no time to match with a request log
	return err
}

// MissedSearch is a query that found nothing, how often, and when last.
type MissedSearch struct {
	Query  string
	Count  int
	LastAt time.Time
}

// MissedSearches lists the queries that found nothing, most asked first.
func (s *Store) MissedSearches(ctx context.Context, limit int) ([]MissedSearch, error) {
	rows, err := s.q().query(ctx, `SELECT query, count, last_at FROM search_misses
		ORDER BY count DESC, last_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MissedSearch
	for rows.Next() {
		var m MissedSearch
		var at int64
		if err := rows.Scan(&m.Query, &m.Count, &at); err != nil {
			return nil, err
		}
		m.LastAt = fromMillis(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

func synonymLists(groups []SynonymGroup) [][]string {
	out := make([][]string, len(groups))
	for i, g := range groups {
		out[i] = g.Words
	}
	return out
}

// SynonymGroup is words the editors say mean the same.
type SynonymGroup struct {
	ID    int64
	Words []string // canonical
}

// SynonymGroups lists the synonym groups, by their first word.
func (s *Store) SynonymGroups(ctx context.Context) ([]SynonymGroup, error) {
	rows, err := s.q().query(ctx, `SELECT id, words FROM search_synonyms ORDER BY words, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SynonymGroup
	for rows.Next() {
		var g SynonymGroup
		var words string
		if err := rows.Scan(&g.ID, &words); err != nil {
			return nil, err
		}
		g.Words = strings.Split(words, ",")
		out = append(out, g)
	}
	return out, rows.Err()
}

// AddSynonymGroup stores a group of words that mean the same.
func (s *Store) AddSynonymGroup(ctx context.Context, g *SynonymGroup) error {
	return s.q().queryRow(ctx, `INSERT INTO search_synonyms (words) VALUES (?) RETURNING id`,
		strings.Join(g.Words, ",")).Scan(&g.ID)
}

// DeleteSynonymGroup removes a group; an unknown id gives ErrNotFound.
func (s *Store) DeleteSynonymGroup(ctx context.Context, id int64) error {
	res, err := s.q().exec(ctx, `DELETE FROM search_synonyms WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
