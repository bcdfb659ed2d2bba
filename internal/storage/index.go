package storage

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/search"
)

// The search index is two tables that every instance reads and the
// transaction saving a material keeps current. search_postings holds, per
// word and block of material ids, the materials that have the word and
// the fields it is in, packed as varints; search_words holds every word
// with its stem, loose form and reversed stem, so that those find the
// words they stand for.

// blockBits sets the ids per postings row: 4,096. Larger blocks mean
// fewer rows to read for a common word and more bytes to rewrite when one
// material in the block changes.
const blockBits = 12

func blockOf(id int64) int64 { return id >> blockBits }

// posting is one material in a word's list, with the fields that hold the
// word as a mask (search.WordFields); zero in a change means "remove".
type posting struct {
	id     int64
	fields uint8
}

// encodePostings packs postings sorted by id: each is a varint of its gap
// from the one before (from the block's first id at the start), shifted
// three bits to make room for the field mask.
func encodePostings(block int64, ps []posting) []byte {
	out := make([]byte, 0, 2*len(ps))
	prev := block << blockBits
	for _, p := range ps {
		out = binary.AppendUvarint(out, uint64(p.id-prev)<<3|uint64(p.fields))
		prev = p.id
	}
	return out
}

var errBadPostings = errors.New("search index: damaged postings row; rebuild the index")

// decodePostings calls fn for each posting of a packed row.
func decodePostings(block int64, data []byte, fn func(id int64, fields uint8)) error {
	prev := block << blockBits
	for len(data) > 0 {
		v, n := binary.Uvarint(data)
		if n <= 0 {
			return errBadPostings
		}
		data = data[n:]
		prev += int64(v >> 3)
		fn(prev, uint8(v&7))
	}
	return nil
}

// indexedText is what search reads of a material.
type indexedText struct {
	kind                                       material.Kind
	title, summary, body, transcript, linkFrom string
}

func textOf(m *material.Material) indexedText {
	return indexedText{m.Kind, m.Title, m.Summary, m.Body, m.Transcript, m.LinkPublisher}
}

// words returns the words of a material's texts with their fields.
func (t indexedText) words() []search.WordFields {
	body := markdown.PlainText(t.body) + "\n" + t.transcript // link targets and markup are not words
	if t.kind == material.Link {
		body += "\n" + t.linkFrom
	}
	return search.Analyze(map[int]string{search.FieldTitle: t.title, search.FieldSummary: t.summary,
		search.FieldBody: body})
}

// indexLockKey names the PostgreSQL advisory lock that writers of the
// index take, so that two saves never rewrite one postings row at once.
const indexLockKey = 0x62696e6465 // "binde"

// lockIndex makes the transaction the index's only writer until it ends.
// SQLite has one writer at a time already.
func lockIndex(ctx context.Context, c q) error {
	if c.backend != Postgres {
		return nil
	}
	_, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(indexLockKey))
	return err
}

// reindexMaterial brings a material's postings from what before held to
// what after holds, in the transaction that saves it. before is nil for a
// new material.
func reindexMaterial(ctx context.Context, c q, id int64, before *indexedText, after indexedText) error {
	var old []search.WordFields
	if before != nil {
		if *before == after {
			return nil
		}
		old = before.words()
	}
	changes := map[string][]posting{}
	var added []string
	diffWords(old, after.words(), func(word string, fields uint8) {
		changes[word] = append(changes[word], posting{id, fields})
		if fields != 0 {
			added = append(added, word)
		}
	})
	if len(changes) == 0 {
		return nil
	}
	if err := lockIndex(ctx, c); err != nil {
		return err
	}
	if err := addWords(ctx, c, added); err != nil {
		return err
	}
	return applyChanges(ctx, c, blockOf(id), changes)
}

// diffWords calls fn for every word whose fields differ between two
// sorted lists, with its new fields (zero when it is gone).
func diffWords(before, after []search.WordFields, fn func(word string, fields uint8)) {
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || i < len(before) && before[i].Word < after[j].Word:
			fn(before[i].Word, 0)
			i++
		case i == len(before) || after[j].Word < before[i].Word:
			fn(after[j].Word, after[j].Fields)
			j++
		default:
			if before[i].Fields != after[j].Fields {
				fn(after[j].Word, after[j].Fields)
			}
			i++
			j++
		}
	}
}

// addWords puts words the index has not seen into search_words.
func addWords(ctx context.Context, c q, words []string) error {
	const batch = 200
	slices.Sort(words)
	words = slices.Compact(words)
	forms := make([]search.Forms, len(words))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(words); i += workers {
				forms[i] = search.FormsOf(words[i])
			}
		})
	}
	wg.Wait()
	for len(words) > 0 {
		n := min(batch, len(words))
		args := make([]any, 0, 4*n)
		for i, w := range words[:n] {
			f := forms[i]
			args = append(args, w, f.Stem, f.Loose, f.Tail)
		}
		if _, err := c.exec(ctx, `INSERT INTO search_words (word, stem, loose, tail) VALUES `+
			rowsOf(n, 4)+` ON CONFLICT (word) DO NOTHING`, args...); err != nil {
			return fmt.Errorf("index words: %w", err)
		}
		words, forms = words[n:], forms[n:]
	}
	return nil
}

// applyChanges merges changes into the postings rows of one block.
func applyChanges(ctx context.Context, c q, block int64, changes map[string][]posting) error {
	words := make([]string, 0, len(changes))
	for w := range changes {
		words = append(words, w)
	}
	slices.Sort(words)
	const batch = 300
	for len(words) > 0 {
		part := words[:min(batch, len(words))]
		words = words[len(part):]
		current := map[string][]byte{}
		args := append([]any{block}, stringArgs(part)...)
		rows, err := c.query(ctx, `SELECT word, ids FROM search_postings WHERE block = ? AND word IN (`+
			placeholders(len(part))+`)`, args...)
		if err != nil {
			return fmt.Errorf("read postings: %w", err)
		}
		for rows.Next() {
			var w string
			var data []byte
			if err := rows.Scan(&w, &data); err != nil {
				rows.Close()
				return err
			}
			current[w] = data
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}

		var gone []any
		var put []any
		for _, w := range part {
			var list []posting
			if err := decodePostings(block, current[w], func(id int64, f uint8) {
				list = append(list, posting{id, f})
			}); err != nil {
				return err
			}
			list = mergePostings(list, changes[w])
			if len(list) == 0 {
				if _, ok := current[w]; ok {
					gone = append(gone, w)
				}
				continue
			}
			put = append(put, w, block, encodePostings(block, list))
		}
		if len(gone) > 0 {
			if _, err := c.exec(ctx, `DELETE FROM search_postings WHERE block = ? AND word IN (`+
				placeholders(len(gone))+`)`, append([]any{block}, gone...)...); err != nil {
				return fmt.Errorf("write postings: %w", err)
			}
		}
		if len(put) > 0 {
			if _, err := c.exec(ctx, `INSERT INTO search_postings (word, block, ids) VALUES `+rowsOf(len(put)/3, 3)+
				` ON CONFLICT (word, block) DO UPDATE SET ids = excluded.ids`, put...); err != nil {
				return fmt.Errorf("write postings: %w", err)
			}
		}
	}
	return nil
}

// mergePostings applies changes (any order, one per id) to a sorted list.
func mergePostings(list, changes []posting) []posting {
	slices.SortFunc(changes, func(a, b posting) int { return cmp.Compare(a.id, b.id) })
	out := make([]posting, 0, len(list)+len(changes))
	i, j := 0, 0
	for i < len(list) || j < len(changes) {
		switch {
		case j == len(changes) || i < len(list) && list[i].id < changes[j].id:
			out = append(out, list[i])
			i++
		default:
			if changes[j].fields != 0 {
				out = append(out, changes[j])
			}
			if i < len(list) && list[i].id == changes[j].id {
				i++
			}
			j++
		}
	}
	return out
}

// Reindex builds the search index of every material again, as after an
// upgrade that changed how text is read, in one transaction that saves
// wait for. It returns how many materials were indexed.
func (s *Store) Reindex(ctx context.Context) (int, error) { return s.buildIndex(ctx, false) }

// BuildIndex builds the search index when there are materials and no
// index, as for a database from before it, and returns how many materials
// it indexed. Of instances starting at once, one builds it.
func (s *Store) BuildIndex(ctx context.Context) (int, error) { return s.buildIndex(ctx, true) }

func (s *Store) buildIndex(ctx context.Context, onlyMissing bool) (int, error) {
	var n int
	err := s.inTx(ctx, func(c q) error {
		if err := lockIndex(ctx, c); err != nil {
			return err
		}
		if onlyMissing {
			var materials, postings int
			if err := c.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM materials LIMIT 1) m),
				(SELECT COUNT(*) FROM (SELECT 1 FROM search_postings LIMIT 1) p)`).
				Scan(&materials, &postings); err != nil {
				return err
			}
			if materials == 0 || postings > 0 {
				return nil
			}
		}
		for _, table := range []string{"search_postings", "search_words"} {
			if _, err := c.exec(ctx, `DELETE FROM `+table); err != nil {
				return err
			}
		}
		// Read after taking the lock: a save waiting for it has not
		// committed, and applies its own change on top afterwards. The
		// materials are read beside the transaction, which only writes,
		// and the postings are written a block at a time, so memory holds
		// one block and the list of words, whatever the number of
		// materials.
		b := &blockBuilder{seen: map[string]bool{}}
		var err error
		n, err = eachText(ctx, s.q(), func(id int64, words []search.WordFields) error {
			if b.block != blockOf(id) {
				if err := b.flush(ctx, c); err != nil {
					return err
				}
				b.block = blockOf(id)
			}
			b.add(id, words)
			return nil
		})
		if err != nil {
			return err
		}
		return b.flush(ctx, c)
	})
	if err != nil {
		return 0, fmt.Errorf("build the search index: %w", err)
	}
	return n, nil
}

// eachText reads every material's texts in id order, a chunk at a time,
// and analyses each chunk on all cores while the next is read, handing the
// words to fn in id order.
func eachText(ctx context.Context, c q, fn func(id int64, words []search.WordFields) error) (int, error) {
	type chunk struct {
		ids   []int64
		texts []indexedText
		err   error
	}
	const size = 512
	chunks := make(chan chunk, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(chunks)
		after := int64(-1)
		for {
			var next chunk
			next.err = func() error {
				rows, err := c.query(ctx, `SELECT id, kind, title, summary, body, transcript, link_publisher
					FROM materials WHERE id > ? ORDER BY id LIMIT ?`, after, size)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var id int64
					var t indexedText
					if err := rows.Scan(&id, &t.kind, &t.title, &t.summary, &t.body, &t.transcript,
						&t.linkFrom); err != nil {
						return err
					}
					next.ids, next.texts = append(next.ids, id), append(next.texts, t)
				}
				return rows.Err()
			}()
			if len(next.ids) == 0 && next.err == nil {
				return
			}
			select {
			case chunks <- next:
			case <-ctx.Done():
				return
			}
			if next.err != nil {
				return
			}
			after = next.ids[len(next.ids)-1]
		}
	}()
	n := 0
	words := make([][]search.WordFields, size)
	for ch := range chunks {
		if ch.err != nil {
			return 0, ch.err
		}
		analyzeAll(ch.texts, words)
		for i, id := range ch.ids {
			if err := fn(id, words[i]); err != nil {
				return 0, err
			}
			words[i] = nil
		}
		n += len(ch.ids)
	}
	return n, ctx.Err()
}

// analyzeAll puts the words of each text into words, on all cores.
func analyzeAll(texts []indexedText, words [][]search.WordFields) {
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(texts); i += workers {
				words[i] = texts[i].words()
			}
		})
	}
	wg.Wait()
}

// indexNew adds new materials to the index, in the transaction that
// stores them.
func indexNew(ctx context.Context, c q, ms []*material.Material) error {
	texts := make([]indexedText, len(ms))
	for i, m := range ms {
		texts[i] = textOf(m)
	}
	words := make([][]search.WordFields, len(ms))
	analyzeAll(texts, words)
	blocks := map[int64]map[string][]posting{}
	var added []string
	for i, m := range ms {
		block := blocks[blockOf(m.ID)]
		if block == nil {
			block = map[string][]posting{}
			blocks[blockOf(m.ID)] = block
		}
		for _, wf := range words[i] {
			block[wf.Word] = append(block[wf.Word], posting{m.ID, wf.Fields})
			added = append(added, wf.Word)
		}
	}
	if err := lockIndex(ctx, c); err != nil {
		return err
	}
	if err := addWords(ctx, c, added); err != nil {
		return err
	}
	for block, changes := range blocks {
		if err := applyChanges(ctx, c, block, changes); err != nil {
			return err
		}
	}
	return nil
}

// blockBuilder packs the postings of one block's materials, given in id
// order, for writing to empty tables.
type blockBuilder struct {
	block int64
	words map[string]*builtWord
	seen  map[string]bool // words written to search_words
}

type builtWord struct {
	data []byte
	last int64
}

func (b *blockBuilder) add(id int64, words []search.WordFields) {
	if b.words == nil {
		b.words = map[string]*builtWord{}
	}
	for _, wf := range words {
		w := b.words[wf.Word]
		if w == nil {
			w = &builtWord{last: b.block << blockBits}
			b.words[wf.Word] = w
		}
		w.data = binary.AppendUvarint(w.data, uint64(id-w.last)<<3|uint64(wf.Fields))
		w.last = id
	}
}

// flush writes the block's postings, in key order, and the words not seen
// before, and empties the builder.
func (b *blockBuilder) flush(ctx context.Context, c q) error {
	words := make([]string, 0, len(b.words))
	var fresh []string
	for w := range b.words {
		words = append(words, w)
		if !b.seen[w] {
			b.seen[w] = true
			fresh = append(fresh, w)
		}
	}
	if err := addWords(ctx, c, fresh); err != nil {
		return err
	}
	slices.Sort(words)
	const batch = 300
	args := make([]any, 0, 3*batch)
	write := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := c.exec(ctx, `INSERT INTO search_postings (word, block, ids) VALUES `+rowsOf(len(args)/3, 3), args...)
		args = args[:0]
		if err != nil {
			return fmt.Errorf("write postings: %w", err)
		}
		return nil
	}
	for _, w := range words {
		args = append(args, w, b.block, b.words[w].data)
		if len(args) == 3*batch {
			if err := write(); err != nil {
				return err
			}
		}
	}
	b.words = nil
	return write()
}

// rowsOf is "(?, ?), (?, ?)" for n rows of k columns.
func rowsOf(n, k int) string {
	row := "(" + placeholders(k) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

func stringArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
