package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"
)

// checkDatabase refuses a PostgreSQL URL on any host but loopback.
func checkDatabase(dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("--database: %w", err)
	}
	if (u.Scheme != "postgres" && u.Scheme != "postgresql") ||
		(u.Hostname() != "127.0.0.1" && u.Hostname() != "::1" && u.Hostname() != "localhost") {
		return fmt.Errorf("--database %q: want postgres:// on 127.0.0.1, [::1] or localhost", dsn)
	}
	return nil
}

// createDatabase makes a database with a name of its own on the server of
// adminURL and returns its URL and how to drop it again.
func createDatabase(ctx context.Context, adminURL string) (string, func() error, error) {
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	name := "bindeled_load_" + hex.EncodeToString(suffix[:])
	admin, err := sql.Open("pgx", adminURL)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop := func() error {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + name
	return u.String(), drop, nil
}
