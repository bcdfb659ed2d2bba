package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Theme is an editable subject that materials are grouped by.
type Theme struct {
	ID          int64
	Slug        string
	Name        string
	Description string
}

// School is an organisation that materials can come from.
type School struct {
	ID        int64
	Slug      string
	Name      string
	ShortName string
	URL       string
	LogoID    int64
}

// Themes returns every theme, by name.
func (s *Store) Themes(ctx context.Context) ([]Theme, error) {
	rows, err := s.q().query(ctx, `SELECT id, slug, name, description FROM themes ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("list themes: %w", err)
	}
	defer rows.Close()

	var out []Theme
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Description); err != nil {
			return nil, fmt.Errorf("list themes: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list themes: %w", err)
	}
	return out, nil
}

// ThemeBySlug returns the theme with the given slug.
func (s *Store) ThemeBySlug(ctx context.Context, slug string) (*Theme, error) {
	var t Theme
	err := s.q().queryRow(ctx, `SELECT id, slug, name, description FROM themes WHERE slug = ?`, slug).
		Scan(&t.ID, &t.Slug, &t.Name, &t.Description)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("theme %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("theme %q: %w", slug, err)
	}
	return &t, nil
}

// SaveTheme creates t when its ID is 0 and updates it otherwise. A slug
// already used by another theme gives ErrConflict.
func (s *Store) SaveTheme(ctx context.Context, t *Theme) error {
	var err error
	if t.ID == 0 {
		err = s.q().queryRow(ctx, `
			INSERT INTO themes (slug, name, description) VALUES (?, ?, ?) RETURNING id`,
			t.Slug, t.Name, t.Description).Scan(&t.ID)
		s.committed()
	} else {
		var res sql.Result
		res, err = s.q().exec(ctx, `UPDATE themes SET slug = ?, name = ?, description = ? WHERE id = ?`,
			t.Slug, t.Name, t.Description, t.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				err = ErrNotFound
			}
		}
	}
	if isUniqueViolation(err) {
		err = ErrConflict
	}
	if err != nil {
		return fmt.Errorf("save theme %q: %w", t.Slug, err)
	}
	return nil
}

// DeleteTheme removes a theme; materials keep their other themes.
func (s *Store) DeleteTheme(ctx context.Context, id int64) error {
	if _, err := s.q().exec(ctx, `DELETE FROM themes WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete theme %d: %w", id, err)
	}
	return nil
}

// Schools returns every school, by name.
func (s *Store) Schools(ctx context.Context) ([]School, error) {
	rows, err := s.q().query(ctx, `
		SELECT id, slug, name, short_name, url, logo_id FROM schools ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("list schools: %w", err)
	}
	defer rows.Close()

	var out []School
	for rows.Next() {
		var sc School
		var logo sql.NullInt64
		if err := rows.Scan(&sc.ID, &sc.Slug, &sc.Name, &sc.ShortName, &sc.URL, &logo); err != nil {
			return nil, fmt.Errorf("list schools: %w", err)
		}
		sc.LogoID = logo.Int64
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list schools: %w", err)
	}
	return out, nil
}

// SchoolBySlug returns the school with the given slug.
func (s *Store) SchoolBySlug(ctx context.Context, slug string) (*School, error) {
	var sc School
	var logo sql.NullInt64
	err := s.q().queryRow(ctx, `
		SELECT id, slug, name, short_name, url, logo_id FROM schools WHERE slug = ?`, slug).
		Scan(&sc.ID, &sc.Slug, &sc.Name, &sc.ShortName, &sc.URL, &logo)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("school %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("school %q: %w", slug, err)
	}
	sc.LogoID = logo.Int64
	return &sc, nil
}

// CreateSchool stores a new school. A slug already in use gives ErrConflict.
func (s *Store) CreateSchool(ctx context.Context, sc *School) error {
	err := s.q().queryRow(ctx, `
		INSERT INTO schools (slug, name, short_name, url, logo_id) VALUES (?, ?, ?, ?, ?)
		RETURNING id`, sc.Slug, sc.Name, sc.ShortName, sc.URL, nullID(sc.LogoID)).Scan(&sc.ID)
	s.committed()
	if isUniqueViolation(err) {
		err = ErrConflict
	}
	if err != nil {
		return fmt.Errorf("create school %q: %w", sc.Slug, err)
	}
	return nil
}

// UpdateSchool saves a school's name, short name, address and slug. A slug
// already in use gives ErrConflict.
func (s *Store) UpdateSchool(ctx context.Context, sc *School) error {
	res, err := s.q().exec(ctx, `
		UPDATE schools SET slug = ?, name = ?, short_name = ?, url = ?, logo_id = ? WHERE id = ?`,
		sc.Slug, sc.Name, sc.ShortName, sc.URL, nullID(sc.LogoID), sc.ID)
	if isUniqueViolation(err) {
		err = ErrConflict
	}
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("update school %d: %w", sc.ID, err)
	}
	return nil
}

// DeleteSchool removes a school; its materials stay, without a school.
func (s *Store) DeleteSchool(ctx context.Context, id int64) error {
	if _, err := s.q().exec(ctx, `DELETE FROM schools WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete school %d: %w", id, err)
	}
	return nil
}
