package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// userRef is a table that holds something about a user, and the columns
// that say which user: by id, or by e-mail address where a row outlives
// the account or was written before it existed; mention are text columns
// that may name the user's address among other words (the anonymisation
// replaces it there).
type userRef struct {
	table   string
	byID    []string
	byEmail []string
	mention []string
}

// userRefs lists every table that names a user.
// TestEveryTableIsClassifiedForPrivacy fails when a table, or a column
// that may name a user, is in neither userRefs nor noUserTables.
var userRefs = []userRef{
	{table: "users", byID: []string{"id"}},
	{table: "sessions", byID: []string{"user_id"}},
	{table: "user_schools", byID: []string{"user_id"}},
	{table: "user_tokens", byID: []string{"user_id"}},
	{table: "setup_tokens", byEmail: []string{"email"}},
	{table: "audit_log", byID: []string{"user_id"}, byEmail: []string{"user_email"}, mention: []string{"subject"}},
	{table: "materials", byID: []string{"created_by"}},
	{table: "media", byID: []string{"uploaded_by"}},
	{table: "material_transitions", byID: []string{"user_id"}},
	{table: "material_revisions", byID: []string{"user_id"}},
	{table: "pending_versions", byID: []string{"user_id"}},
	{table: "review_rounds", byID: []string{"created_by"}},
	{table: "review_reviewers", byID: []string{"user_id"}},
	{table: "comments", byID: []string{"user_id", "resolved_by"}},
	{table: "notifications", byID: []string{"user_id", "actor_id"}},
	{table: "mail_optouts", byID: []string{"user_id"}},
	{table: "mails", byEmail: []string{"to_addr"}},
	{table: "social_channels", byID: []string{"created_by"}},
	{table: "social_posts", byID: []string{"created_by"}},
	{table: "social_grants", byID: []string{"user_id"}},
	{table: "user_totp", byID: []string{"user_id"}},
	{table: "recovery_codes", byID: []string{"user_id"}},
	{table: "login_challenges", byID: []string{"user_id"}},
}

// noUserTables hold nothing about any user: content, search, counters and
// the queue. Visits and missed searches are kept without anything about
// the reader. The login limits' counts are kept under SHA-256 digests of
// addresses and e-mail addresses, which name nobody without a guess, and
// only until their window ends (15 minutes by default).
var noUserTables = []string{"settings", "schools", "themes", "material_audiences", "material_grades",
	"material_themes", "attachments", "slug_redirects", "jobs", "search_postings", "search_words",
	"search_synonyms", "search_misses", "channel_visits", "import_items", "import_files", "old_paths",
	"material_inline_media", "media_renditions", "content_state", "page_state", "rate_limits"}

// secretColumns are never exported: password hashes, hashes of session
// ids and one-time tokens, and sealed platform tokens.
var secretColumns = map[string]bool{"users.password_hash": true, "sessions.id_hash": true,
	"user_tokens.token_hash": true, "setup_tokens.token_hash": true, "social_grants.state_hash": true,
	"social_grants.session_hash": true, "social_grants.choices": true, "social_channels.token": true,
	"user_totp.secret": true, "recovery_codes.code_hash": true, "login_challenges.id_hash": true}

// linkToken finds the token of a one-time link (an invitation or a new
// password) in a mail body.
var linkToken = regexp.MustCompile(`([?&]token=)[^&\s"'<>]+`)

// maskedColumns are exported with their secrets masked: a mail waiting to
// be sent, or sent within the mail retention, may hold a link that still
// works, and an export is a file that travels.
var maskedColumns = map[string]func(string) string{
	"mails.body": func(body string) string { return linkToken.ReplaceAllString(body, "${1}[fjernet]") },
}

// PrivacyClassification returns, for each table that names a user, the
// columns that do so, and the tables that name no user.
func PrivacyClassification() (refs map[string][]string, none []string) {
	refs = map[string][]string{}
	for _, r := range userRefs {
		refs[r.table] = append(append([]string{}, r.byID...), r.byEmail...)
	}
	return refs, append([]string{}, noUserTables...)
}

// UserData is everything the hub holds about one user: per table, the rows
// that name them, each a map of column to value. Times are RFC 3339 in
// UTC; secrets are left out.
type UserData map[string][]map[string]any

// ExportUser collects what the hub holds about user id. An unknown user
// gives ErrNotFound.
func (s *Store) ExportUser(ctx context.Context, id int64) (UserData, error) {
	u, err := s.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	out := UserData{}
	for _, ref := range userRefs {
		rows, err := s.userRows(ctx, ref, u)
		if err != nil {
			return nil, fmt.Errorf("export user %d: %s: %w", id, ref.table, err)
		}
		out[ref.table] = rows
	}
	return out, nil
}

// columnsOf returns the columns of a table as Copy knows them.
func columnsOf(name string) []string {
	for _, t := range tables {
		if t.name == name {
			return t.columns
		}
	}
	return nil
}

func (s *Store) userRows(ctx context.Context, ref userRef, u *User) ([]map[string]any, error) {
	var cols []string
	for _, c := range columnsOf(ref.table) {
		if !secretColumns[ref.table+"."+c] {
			cols = append(cols, c)
		}
	}
	var where []string
	var args []any
	for _, c := range ref.byID {
		where, args = append(where, c+" = ?"), append(args, u.ID)
	}
	for _, c := range ref.byEmail {
		where, args = append(where, c+" = ?"), append(args, u.Email)
	}
	for _, c := range ref.mention {
		where, args = append(where, c+` LIKE ? ESCAPE '\'`), append(args, mentionPattern(u.Email))
	}
	rows, err := s.q().query(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+ref.table+
		` WHERE `+strings.Join(where, " OR ")+` ORDER BY 1`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := map[string]any{}
		for i, c := range cols {
			row[c] = exportValue(c, vals[i])
			if mask, ok := maskedColumns[ref.table+"."+c]; ok {
				text, _ := row[c].(string)
				row[c] = mask(text)
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// exportValue makes a database value readable in JSON: text as text, and
// the Unix milliseconds of time columns as RFC 3339.
func exportValue(column string, v any) any {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	timeColumn := column == "at" || column == "deadline" || strings.HasSuffix(column, "_at") ||
		strings.HasSuffix(column, "_until")
	if ms, ok := v.(int64); ok && timeColumn {
		return time.UnixMilli(ms).UTC().Format(time.RFC3339)
	}
	return v
}

// AnonymousName is what an anonymised user is called wherever their work
// is shown.
const AnonymousName = "Tidligere bruger"

// anonymousDomain ends the placeholder address of an anonymised user; the
// .invalid top-level domain can never be a real address.
const anonymousDomain = "@anonym.invalid"

// Anonymised reports whether the user's personal data has been removed.
func (u User) Anonymised() bool { return strings.HasSuffix(u.Email, anonymousDomain) }

// ErrSelf is returned when an admin would anonymise their own account.
var ErrSelf = errors.New("an admin cannot remove their own account")

// AnonymiseUser removes what the hub holds about user id as a person,
// while what they wrote stays: their account keeps no e-mail address,
// name, password, school or role beyond a placeholder and cannot log in;
// their sessions, links, inbox, mail preferences, queued mail and
// unfinished platform connections are deleted; audit entries and inbox
// entries of others name them as AnonymousName. Materials, versions,
// comments and verdicts stay, shown as written by AnonymousName. It
// refuses, with ErrLastAdmin, to remove the last active admin, and with
// ErrSelf to remove actor.
func (s *Store) AnonymiseUser(ctx context.Context, id, actor int64) error {
	if id == actor {
		return ErrSelf
	}
	err := s.inTx(ctx, func(c q) error {
		if s.backend == Postgres {
			// Two admins removing each other at once must not both succeed.
			if _, err := c.exec(ctx, `SELECT id FROM users WHERE role = ? FOR UPDATE`, RoleAdmin); err != nil {
				return err
			}
		}
		var email string
		if err := c.queryRow(ctx, `SELECT email FROM users WHERE id = ?`, id).Scan(&email); err != nil {
			return notFound(err)
		}
		if err := anonymiseAccount(ctx, c, id, email); err != nil {
			return err
		}
		var admins int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = ? AND active = ?`, RoleAdmin, true).
			Scan(&admins); err != nil {
			return err
		}
		if admins == 0 {
			return ErrLastAdmin
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("anonymise user %d: %w", id, err)
	}
	return nil
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// mentionPattern matches an audit subject that names the address email as
// the workspace writes it ("bruger 2: name@example.dk (editor)"), and not
// a longer address that ends with it.
func mentionPattern(email string) string {
	return "% " + escapeLike(email) + " (%"
}

// anonymiseAccount runs the statements of AnonymiseUser.
func anonymiseAccount(ctx context.Context, c q, id int64, email string) error {
	placeholder := "tidligere-bruger-" + strconv.FormatInt(id, 10) + anonymousDomain
	steps := []struct {
		query string
		args  []any
	}{
		{`UPDATE users SET email = ?, name = ?, password_hash = '', active = ? WHERE id = ?`,
			[]any{placeholder, AnonymousName, false, id}},
		{`DELETE FROM sessions WHERE user_id = ?`, []any{id}},
		{`DELETE FROM user_tokens WHERE user_id = ?`, []any{id}},
		{`DELETE FROM user_schools WHERE user_id = ?`, []any{id}},
		{`DELETE FROM mail_optouts WHERE user_id = ?`, []any{id}},
		{`DELETE FROM notifications WHERE user_id = ?`, []any{id}},
		{`DELETE FROM social_grants WHERE user_id = ?`, []any{id}},
		{`DELETE FROM user_totp WHERE user_id = ?`, []any{id}},
		{`DELETE FROM recovery_codes WHERE user_id = ?`, []any{id}},
		{`DELETE FROM login_challenges WHERE user_id = ?`, []any{id}},
		{`DELETE FROM setup_tokens WHERE email = ?`, []any{email}},
		{`DELETE FROM mails WHERE to_addr = ?`, []any{email}},
		{`UPDATE notifications SET actor_name = ? WHERE actor_id = ?`, []any{AnonymousName, id}},
		{`UPDATE audit_log SET user_email = ? WHERE user_id = ? OR user_email = ?`, []any{placeholder, id, email}},
		{`UPDATE audit_log SET subject = REPLACE(subject, ?, ?) WHERE subject LIKE ? ESCAPE '\'`,
			[]any{" " + email + " (", " " + placeholder + " (", mentionPattern(email)}},
	}
	for _, st := range steps {
		if _, err := c.exec(ctx, st.query, st.args...); err != nil {
			return err
		}
	}
	return nil
}

// SchemaColumns lists the columns of a table as the database has them,
// sorted.
func (s *Store) SchemaColumns(ctx context.Context, table string) ([]string, error) {
	query := `SELECT name FROM pragma_table_info(?)`
	if s.backend == Postgres {
		query = `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ?`
	}
	rows, err := s.q().query(ctx, query, table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", table, err)
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out, rows.Err()
}
