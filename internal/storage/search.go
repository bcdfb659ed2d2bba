package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/search"
)

// SearchOptions limits a search.
type SearchOptions struct {
	PublishedOnly bool
	SchoolIDs     []int64           // nil: every school; a contributor's schools otherwise
	Exclude       []material.Status // statuses left out
}

// allows reports whether a material is one the options let through.
func (o SearchOptions) allows(m materialMeta) bool {
	switch {
	case !m.known:
	case o.PublishedOnly && m.status != material.Published:
	case o.SchoolIDs != nil && !slices.Contains(o.SchoolIDs, m.school):
	case slices.Contains(o.Exclude, m.status):
	default:
		return true
	}
	return false
}

// Bounds on how far one query word reaches into the word list.
const (
	maxFuzzyCandidates = 20000 // words read to look for a typo's meaning
	maxRangeWords      = 100   // words a prefix or a compound's last part finds
)

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

// target is a query word that an index word matches, and how well.
type target struct {
	word   int // the query word's position
	weight float64
	exact  bool // a form of the word itself, not a prefix or a typo
	// byField is weight times each field's weight.
	byField [3]float32
}

func (t target) weighed() target {
	for f := range t.byField {
		t.byField[f] = float32(t.weight * search.FieldWeight(f))
	}
	return t
}

// SearchWords is Search for a query already read by QueryWords.
func (s *Store) SearchWords(ctx context.Context, words []search.QueryWord, opt SearchOptions) ([]search.Hit, error) {
	if len(words) == 0 {
		return nil, nil
	}
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := s.expand(ctx, words)
	if err != nil {
		return nil, err
	}
	sc := search.NewScorer(len(words), sn.maxID)
	allowed := sn.allowed(opt)
	known := make([]bool, len(words))
	score := func(ts []target, block int64, data []byte) error {
		found := false
		id := block << blockBits
		for len(data) > 0 {
			v, n := binary.Uvarint(data)
			if n <= 0 {
				return errBadPostings
			}
			data = data[n:]
			id += int64(v >> 3)
			if !allowed(id) {
				continue
			}
			found = true
			field := search.BestField(uint8(v & 7))
			for _, t := range ts {
				sc.AddValue(t.word, id, t.byField[field])
			}
		}
		for _, t := range ts {
			known[t.word] = known[t.word] || found && t.exact
		}
		return nil
	}
	if err := s.eachRow(ctx, targets, score); err != nil {
		return nil, err
	}
	// A word that finds nothing as typed may be a typo, or a compound
	// of words the materials have apart ("skolebestyrelsesmedlem").
	fallback := map[string][]target{}
	for i, w := range words {
		if known[i] {
			continue
		}
		if w.Typos > 0 {
			near, err := s.nearWords(ctx, w.Text, w.Typos)
			if err != nil {
				return nil, err
			}
			for _, n := range near {
				fallback[n] = append(fallback[n], target{word: i, weight: search.WeightFuzzy}.weighed())
			}
		}
		parts, err := s.compoundParts(ctx, w.Text)
		if err != nil {
			return nil, err
		}
		if len(parts) == 0 {
			continue
		}
		partWords := make([]search.QueryWord, 0, len(parts))
		for _, p := range parts {
			if pw := search.Parse(p); len(pw) == 1 {
				partWords = append(partWords, search.QueryWord{Text: pw[0].Text, Exact: pw[0].Exact})
			}
		}
		ts, err := s.expand(ctx, partWords)
		if err != nil {
			return nil, err
		}
		for word, list := range ts {
			for _, t := range list {
				fallback[word] = append(fallback[word],
					target{word: i, weight: t.weight * search.WeightPart}.weighed())
			}
		}
	}
	if err := s.eachRow(ctx, fallback, score); err != nil {
		return nil, err
	}
	defer sc.Release()
	return sn.rank(sc), nil
}

// allowed returns whether the options let a material through.
func (sn *snapshot) allowed(opt SearchOptions) func(id int64) bool {
	if sn.sparse != nil {
		return func(id int64) bool { m, ok := sn.sparse[id]; return ok && opt.allows(m) }
	}
	ok := sn.published // what readers may find, the commonest case
	if !opt.PublishedOnly || opt.SchoolIDs != nil || len(opt.Exclude) > 0 {
		ok = make([]bool, len(sn.meta))
		for id, m := range sn.meta {
			ok[id] = opt.allows(m)
		}
	}
	return func(id int64) bool { return id >= 0 && id < int64(len(ok)) && ok[id] }
}

// rank orders the scorer's hits: those matching more of the query's words
// first, then by score, then the newest. With fewer than 2^20 materials
// each hit packs into one integer (words matched, the score's bits, the
// rank by date), and a radix sort orders tens of thousands of them in well
// under a millisecond.
func (sn *snapshot) rank(sc *search.Scorer) []search.Hit {
	if len(sn.byDate) >= 1<<20 || sn.rankOf == nil {
		return sn.rankSlowly(sc.Hits())
	}
	kp, _ := keysPool.Get().(*[]uint64)
	if kp == nil {
		kp = new([]uint64)
	}
	keys := (*kp)[:0]
	sc.Each(func(id int64, covered int, score float32) {
		keys = append(keys, uint64(covered)<<52|uint64(math.Float32bits(score))<<20|uint64(sn.rankOf[id]))
	})
	radixSort(keys)
	hits := make([]search.Hit, len(keys))
	for i, k := range keys {
		hits[len(keys)-1-i] = search.Hit{ID: sn.byDate[k&(1<<20-1)], Covered: int32(k >> 52),
			Score: math.Float32frombits(uint32(k >> 20))}
	}
	*kp = keys
	keysPool.Put(kp)
	return hits
}

// keysPool keeps rank's keys and radixSort's buffers between searches.
var keysPool sync.Pool

// radixSort sorts a byte at a time, skipping the bytes all keys share.
func radixSort(a []uint64) {
	if len(a) < 512 {
		slices.Sort(a)
		return
	}
	bp, _ := keysPool.Get().(*[]uint64)
	if bp == nil || cap(*bp) < len(a) {
		bp = &[]uint64{}
		*bp = make([]uint64, len(a))
	}
	defer keysPool.Put(bp)
	src, dst := a, (*bp)[:len(a)]
	for shift := 0; shift < 64; shift += 8 {
		var at [256]int
		for _, v := range src {
			at[v>>shift&0xff]++
		}
		if at[src[0]>>shift&0xff] == len(src) {
			continue
		}
		pos := 0
		for i, n := range at {
			at[i] = pos
			pos += n
		}
		for _, v := range src {
			d := v >> shift & 0xff
			dst[at[d]] = v
			at[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}

func (sn *snapshot) rankSlowly(hits []search.Hit) []search.Hit {
	slices.SortFunc(hits, func(a, b search.Hit) int {
		if c := cmp.Compare(b.Covered, a.Covered); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		ma, _ := sn.metaOf(a.ID)
		mb, _ := sn.metaOf(b.ID)
		return cmp.Compare(mb.rank, ma.rank)
	})
	return hits
}

// expand finds the index words that the query's words may mean, with how
// much each counts, in one query: each query word's stems and loose forms
// by equality, its prefixes and compound tail by range.
func (s *Store) expand(ctx context.Context, words []search.QueryWord) (map[string][]target, error) {
	type part struct {
		word   int
		kind   string // "eq" or "range"
		weight map[string]float64
	}
	var parts []string
	var args []any
	var meta []part
	best := make([]map[string]target, len(words))
	add := func(i int, word string, weight float64, exact bool) {
		t := best[i][word]
		t.weight = max(t.weight, weight)
		t.exact = t.exact || exact
		best[i][word] = t
	}
	for i, w := range words {
		best[i] = map[string]target{}
		forms := map[string]map[string]float64{"stem": {}, "loose": {}}
		for _, a := range w.Exact {
			switch kind, v := search.SplitTerm(a.Term); kind {
			case search.KindWord:
				add(i, v, a.Weight, true)
			case search.KindStem:
				forms["stem"][v] = max(forms["stem"][v], a.Weight)
			case search.KindLoose:
				forms["loose"][v] = max(forms["loose"][v], a.Weight)
			}
		}
		for _, col := range []string{"stem", "loose"} {
			if len(forms[col]) == 0 {
				continue
			}
			values := make([]string, 0, len(forms[col]))
			for v := range forms[col] {
				values = append(values, v)
			}
			slices.Sort(values)
			parts = append(parts, `SELECT word, `+col+`, `+strconv.Itoa(len(meta))+` FROM search_words WHERE `+col+
				` IN (`+placeholders(len(values))+`)`)
			args = append(args, stringArgs(values)...)
			meta = append(meta, part{i, "eq", forms[col]})
		}
		for _, r := range []struct {
			term, col string
			weight    float64
		}{{w.Prefix, "word", search.WeightPrefix}, {w.LoosePrefix, "loose", search.WeightPrefix * search.WeightLoose},
			{w.Tail, "tail", search.WeightTail}} {
			if r.term == "" {
				continue
			}
			// The shortest words are the likeliest ends of what is typed,
			// and the likeliest compounds (which are longer than the word
			// by a part); a short word must not fan out to thousands.
			_, prefix := search.SplitTerm(r.term)
			minLen := 0
			if r.col == "tail" {
				minLen = utf8.RuneCountInString(w.Text) + 3
			}
			parts = append(parts, `SELECT * FROM (SELECT word, `+r.col+`, `+strconv.Itoa(len(meta))+
				` FROM search_words WHERE `+r.col+` >= ? AND `+r.col+` < ? AND length(word) >= ?
				ORDER BY length(word), word LIMIT ?) r`+strconv.Itoa(len(meta)))
			args = append(args, prefix, prefix+"\U0010FFFF", minLen, maxRangeWords)
			meta = append(meta, part{i, "range", map[string]float64{"": r.weight}})
		}
	}
	if len(parts) > 0 {
		rows, err := s.q().query(ctx, strings.Join(parts, " UNION ALL "), args...)
		if err != nil {
			return nil, fmt.Errorf("search words: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var word, form string
			var at int
			if err := rows.Scan(&word, &form, &at); err != nil {
				return nil, fmt.Errorf("search words: %w", err)
			}
			if at < 0 || at >= len(meta) {
				continue
			}
			if p := meta[at]; p.kind == "eq" {
				add(p.word, word, p.weight[form], true)
			} else {
				add(p.word, word, p.weight[""], false)
			}
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search words: %w", err)
		}
	}
	targets := map[string][]target{}
	for i := range best {
		for word, t := range best[i] {
			t.word = i
			targets[word] = append(targets[word], t.weighed())
		}
	}
	return targets, nil
}

func (s *Store) scanWords(ctx context.Context, query string, args []any, fn func(word, form string)) error {
	rows, err := s.q().query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("search words: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var word, form string
		if err := rows.Scan(&word, &form); err != nil {
			return err
		}
		fn(word, form)
	}
	return rows.Err()
}

// eachRow reads the postings rows of the words in targets and calls fn
// for each, with the word's targets.
func (s *Store) eachRow(ctx context.Context, targets map[string][]target,
	fn func(ts []target, block int64, data []byte) error) error {
	words := make([]string, 0, len(targets))
	for w := range targets {
		words = append(words, w)
	}
	slices.Sort(words)
	for len(words) > 0 {
		part := words[:min(500, len(words))]
		words = words[len(part):]
		rows, err := s.q().query(ctx, `SELECT word, block, ids FROM search_postings WHERE word IN (`+
			placeholders(len(part))+`)`, stringArgs(part)...)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		for rows.Next() {
			var word, data sql.RawBytes // valid until Next: nothing copied
			var block int64
			if err := rows.Scan(&word, &block, &data); err != nil {
				rows.Close()
				return err
			}
			if err := fn(targets[string(word)], block, data); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// minPart is the fewest letters a part of a compound has.
const minPart = 4

// compoundParts returns the longest words the index knows that a compound
// the index does not know begins and ends with: "skolebestyrelses" +
// "medlem" for "skolebestyrelsesmedlem" (a linking s or e dropped from the
// first part). None for words shorter than two parts.
func (s *Store) compoundParts(ctx context.Context, w string) ([]string, error) {
	rs := []rune(w)
	if len(rs) < 2*minPart || len(rs) > 40 {
		return nil, nil
	}
	var firsts, lasts []string
	for i := len(rs) - minPart; i >= minPart; i-- {
		first := string(rs[:i])
		firsts = append(firsts, first)
		if last := rs[i-1]; (last == 's' || last == 'e') && i-1 >= minPart {
			firsts = append(firsts, string(rs[:i-1]))
		}
		lasts = append(lasts, string(rs[i:]))
	}
	// A part is known as a word or by its stem ("skolebestyrelse" by
	// "skolebestyrelsen").
	all := append(slices.Clone(firsts), lasts...)
	stems := make([]string, len(all))
	for i, p := range all {
		stems[i] = search.Stem(p)
	}
	words, stemsFound := map[string]bool{}, map[string]bool{}
	err := s.scanWords(ctx, `SELECT word, stem FROM search_words WHERE word IN (`+placeholders(len(all))+
		`) OR stem IN (`+placeholders(len(stems))+`)`, append(stringArgs(all), stringArgs(stems)...),
		func(word, stem string) { words[word], stemsFound[stem] = true, true })
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for i, p := range all {
		known[p] = words[p] || stemsFound[stems[i]]
	}
	var parts []string
	firstEnd := 0
	for _, f := range firsts { // longest first
		if known[f] {
			parts, firstEnd = append(parts, f), utf8.RuneCountInString(f)
			break
		}
	}
	for i := len(lasts) - 1; i >= 0; i-- { // longest first
		if l := lasts[i]; known[l] && len(rs)-utf8.RuneCountInString(l) >= firstEnd {
			return append(parts, l), nil
		}
	}
	return parts, nil
}

// nearWords returns the words a typed word may be a typo of.
func (s *Store) nearWords(ctx context.Context, w string, typos int) ([]string, error) {
	from, to := search.FuzzyRange(w)
	n := utf8.RuneCountInString(w)
	var out []string
	err := s.scanWords(ctx, `SELECT word, word FROM search_words WHERE word >= ? AND word < ?
		AND length(word) BETWEEN ? AND ? LIMIT ?`, []any{from, to, n - typos, n + typos, maxFuzzyCandidates},
		func(word, _ string) {
			if word != w && search.Distance(word, w, typos) <= typos {
				out = append(out, word)
			}
		})
	return out, err
}

// usedWords returns which of the words some material that opt allows
// holds.
func (s *Store) usedWords(ctx context.Context, words []string, opt SearchOptions) (map[string]bool, error) {
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	targets := map[string][]target{}
	for i, w := range words {
		targets[w] = []target{{word: i}}
	}
	used := map[string]bool{}
	allowed := sn.allowed(opt)
	err = s.eachRow(ctx, targets, func(ts []target, block int64, data []byte) error {
		return decodePostings(block, data, func(id int64, _ uint8) {
			if allowed(id) {
				used[words[ts[0].word]] = true
			}
		})
	})
	return used, err
}

// Suggest returns the query with each word that the index does not know
// replaced by the nearest word it does (two edits at most), or "" when
// there is nothing better to suggest: the "did you mean" of an empty
// result.
func (s *Store) Suggest(ctx context.Context, query string, opt SearchOptions) (string, error) {
	words := search.Parse(query)
	typed := make([]string, len(words))
	for i, w := range words {
		typed[i] = w.Text
	}
	known, err := s.usedWords(ctx, typed, opt)
	if err != nil {
		return "", err
	}
	changed := false
	out := make([]string, 0, len(words))
	for _, w := range words {
		n := utf8.RuneCountInString(w.Text)
		if known[w.Text] || n < 4 || strings.ContainsFunc(w.Text, unicode.IsDigit) {
			out = append(out, w.Text)
			continue
		}
		edits := 2 // a short word two edits away is another word, not a typo of it
		if n <= 5 {
			edits = 1
		}
		near, err := s.nearWords(ctx, w.Text, edits)
		if err != nil {
			return "", err
		}
		used, err := s.usedWords(ctx, near, opt)
		if err != nil {
			return "", err
		}
		best, bestD := "", edits+1
		for _, word := range near {
			d := search.Distance(word, w.Text, edits)
			if !used[word] || d > bestD || d == bestD && best != "" && word >= best {
				continue
			}
			best, bestD = word, d
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
	_, err := s.LogMissedSearches(ctx, map[string]int{query: 1})
	return err
}

// MaxMissedSearches bounds the distinct queries kept. Beyond it a query
// already kept is still counted and a new one is dropped, so a flood of
// made-up searches can neither grow the table without end nor bury what
// readers really look for; the editors' page says when the list is full.
const MaxMissedSearches = 10000

// LogMissedSearches adds how often each search found nothing, in one
// transaction, as the web server gathers them over a few seconds. It
// returns how many new queries it dropped because MaxMissedSearches are
// kept.
func (s *Store) LogMissedSearches(ctx context.Context, counts map[string]int) (dropped int, err error) {
	day := millis(time.Now().UTC().Truncate(24 * time.Hour)) // the day only: no time to match with a request log
	err = s.inTx(ctx, func(c q) error {
		dropped = 0
		kept, err := countMissed(ctx, c)
		if err != nil {
			return err
		}
		for query, n := range counts {
			q := MaskQuery(strings.Join(strings.Fields(strings.ToLower(query)), " "))
			if utf8.RuneCountInString(q) > maxMissedQuery {
				q = string([]rune(q)[:maxMissedQuery])
			}
			if q == "" || n <= 0 {
				continue
			}
			res, err := c.exec(ctx, `UPDATE search_misses SET count = count + ?, last_at = ? WHERE query = ?`,
				n, day, q)
			if err != nil {
				return err
			}
			updated, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if updated > 0 {
				continue
			}
			if kept >= MaxMissedSearches {
				dropped++
				continue
			}
			// Another instance may have added it since the update.
			if _, err := c.exec(ctx, `
				INSERT INTO search_misses (query, count, last_at) VALUES (?, ?, ?)
				ON CONFLICT (query) DO UPDATE SET count = search_misses.count + excluded.count,
					last_at = excluded.last_at`, q, n, day); err != nil {
				return err
			}
			kept++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("log missed searches: %w", err)
	}
	return dropped, nil
}

// CountMissedSearches returns how many distinct queries are kept.
func (s *Store) CountMissedSearches(ctx context.Context) (int, error) {
	n, err := countMissed(ctx, s.q())
	if err != nil {
		return 0, fmt.Errorf("count missed searches: %w", err)
	}
	return n, nil
}

func countMissed(ctx context.Context, c q) (n int, err error) {
	err = c.queryRow(ctx, `SELECT COUNT(*) FROM search_misses`).Scan(&n)
	return n, err
}

// MaskQuery hides what a query may say about a person before it is kept:
// a word with an @ becomes "[e-mail]" and a run of four or more digits
// "[tal]" (a CPR or phone number), so "anna@x.dk 010203-1234" is kept as
// "[e-mail] [tal]-[tal]".
func MaskQuery(q string) string {
	words := strings.Split(q, " ")
	for i, w := range words {
		if strings.Contains(w, "@") {
			words[i] = "[e-mail]"
			continue
		}
		words[i] = digitRuns.ReplaceAllString(w, "[tal]")
	}
	return strings.Join(words, " ")
}

var digitRuns = regexp.MustCompile(`[0-9]{4,}`)

// PruneMissedSearches deletes the queries not asked since before and
// returns how many.
func (s *Store) PruneMissedSearches(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.q().exec(ctx, `DELETE FROM search_misses WHERE last_at < ?`, millis(before))
	if err != nil {
		return 0, fmt.Errorf("prune missed searches: %w", err)
	}
	return res.RowsAffected()
}

// DeleteMissedSearch forgets one logged query, or all of them when query
// is empty.
func (s *Store) DeleteMissedSearch(ctx context.Context, query string) error {
	var err error
	if query == "" {
		_, err = s.q().exec(ctx, `DELETE FROM search_misses`)
	} else {
		_, err = s.q().exec(ctx, `DELETE FROM search_misses WHERE query = ?`, query)
	}
	if err != nil {
		return fmt.Errorf("delete missed search: %w", err)
	}
	return nil
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
	err := s.q().queryRow(ctx, `INSERT INTO search_synonyms (words) VALUES (?) RETURNING id`,
		strings.Join(g.Words, ",")).Scan(&g.ID)
	s.committed()
	return err
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
