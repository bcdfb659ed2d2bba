package storagetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/storage"
)

// TableRows returns each row of the table name as one line of its columns
// and values, sorted, so that tests can compare a table's content whatever
// order the database returns its rows in.
func TableRows(t testing.TB, st *storage.Store, name string) []string {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(), `SELECT * FROM `+name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprintf("%s=%v", cols[i], v)
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
