package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/material"
)

// Channel is a social channel the hub posts to: a Facebook Page, a
// LinkedIn organisation page, or a channel posted to by hand.
type Channel struct {
	ID       int64
	Platform string // facebook, linkedin or manual (social.Platform)
	Name     string
	// Target is the Facebook Page id or the LinkedIn organisation URN;
	// "" for a manual channel.
	Target string
	URL    string // the page's address for people, if known
	// Token is the access token, sealed; "" when there is none.
	Token          string
	TokenExpiresAt time.Time // zero: does not expire, or unknown
	// WarnedFor is the expiry editors were last warned of.
	WarnedFor time.Time
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TokenContext is what a channel's sealed token is bound to: its
// platform and target, so a sealed token cannot be moved to another
// channel.
func TokenContext(platform, target string) string { return "channel " + platform + " " + target }

// PostState is where a post is.
type PostState string

// The states of a post. Sending is written, and committed, before the
// request leaves the hub; a post found sending later became Unknown.
const (
	PostPlanned PostState = "planned"
	PostSending PostState = "sending"
	PostSent    PostState = "sent"
	PostFailed  PostState = "failed"
	PostUnknown PostState = "unknown"
)

// How a post is sent.
const (
	PostByAPI  = "api"  // the job runner sends it
	PostByHand = "hand" // an editor copies it and records where it went
)

// Post is a material's post on a channel.
type Post struct {
	ID         int64
	MaterialID int64
	ChannelID  int64
	Text       string
	Mode       string // PostByAPI or PostByHand
	State      PostState
	// RunAt is when the post is due; zero means when the material is
	// published.
	RunAt time.Time
	// SiteURL is the hub's public address when the post was planned; the
	// material's link is made from it and the slug when it is sent.
	SiteURL   string
	RemoteID  string // the platform's id of the post
	RemoteURL string // the post's address
	Problem   string // the platform's message, or what went wrong
	Attempts  int
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
	SendingAt time.Time
	SentAt    time.Time

	// From the channel, for lists.
	ChannelName     string
	ChannelPlatform string
}

// The kinds of job that post and that ask Facebook to read a page again.
const (
	JobSocialPost   = "social_post"
	JobSocialScrape = "social_scrape"
)

// SocialPostJobKey is the de-duplication key of a post's job.
func SocialPostJobKey(postID int64) string {
	return JobSocialPost + ":" + strconv.FormatInt(postID, 10)
}

// SocialScrapeJobKey is the de-duplication key of a material's scrape job.
func SocialScrapeJobKey(materialID int64) string {
	return JobSocialScrape + ":" + strconv.FormatInt(materialID, 10)
}

const channelColumns = `id, platform, name, target, url, token, token_expires_at, warned_for, created_by,
	created_at, updated_at`

func scanChannel(sc interface{ Scan(...any) error }) (*Channel, error) {
	var ch Channel
	var expires, warned, by sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&ch.ID, &ch.Platform, &ch.Name, &ch.Target, &ch.URL, &ch.Token, &expires, &warned, &by,
		&created, &updated); err != nil {
		return nil, err
	}
	ch.TokenExpiresAt, ch.WarnedFor = fromNullMillis(expires), fromNullMillis(warned)
	ch.CreatedBy, ch.CreatedAt, ch.UpdatedAt = by.Int64, fromMillis(created), fromMillis(updated)
	return &ch, nil
}

// SaveChannel adds a channel, or, for a channel with a target that is
// already known, replaces its name, address and token (a new connection
// of the same page); it sets ch.ID.
func (s *Store) SaveChannel(ctx context.Context, ch *Channel) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	ch.CreatedAt, ch.UpdatedAt = now, now
	var err error
	if ch.Target == "" {
		err = s.q().queryRow(ctx, `
			INSERT INTO social_channels (platform, name, target, url, token, token_expires_at, created_by,
			       created_at, updated_at)
			VALUES (?, ?, '', ?, ?, ?, ?, ?, ?) RETURNING id`,
			ch.Platform, ch.Name, ch.URL, ch.Token, nullMillis(ch.TokenExpiresAt), nullID(ch.CreatedBy),
			millis(now), millis(now)).Scan(&ch.ID)
	} else {
		err = s.q().queryRow(ctx, `
			INSERT INTO social_channels (platform, name, target, url, token, token_expires_at, created_by,
			       created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (platform, target) WHERE target <> '' DO UPDATE
			SET name = excluded.name, url = excluded.url, token = excluded.token,
			    token_expires_at = excluded.token_expires_at, warned_for = NULL, updated_at = excluded.updated_at
			RETURNING id`,
			ch.Platform, ch.Name, ch.Target, ch.URL, ch.Token, nullMillis(ch.TokenExpiresAt), nullID(ch.CreatedBy),
			millis(now), millis(now)).Scan(&ch.ID)
	}
	if err != nil {
		return fmt.Errorf("save channel %q: %w", ch.Name, err)
	}
	return nil
}

// Channels lists every channel by name.
func (s *Store) Channels(ctx context.Context) ([]*Channel, error) {
	return s.channelsWhere(ctx, `TRUE ORDER BY name, id`)
}

// ChannelsExpiring lists the channels with a token that expires before
// the given moment, soonest first.
func (s *Store) ChannelsExpiring(ctx context.Context, before time.Time) ([]*Channel, error) {
	return s.channelsWhere(ctx, `token <> '' AND token_expires_at IS NOT NULL AND token_expires_at < ?
		ORDER BY token_expires_at, id`, millis(before))
}

func (s *Store) channelsWhere(ctx context.Context, where string, args ...any) ([]*Channel, error) {
	rows, err := s.q().query(ctx, `SELECT `+channelColumns+` FROM social_channels WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	defer rows.Close()
	var out []*Channel
	for rows.Next() {
		ch, err := scanChannel(rows)
		if err != nil {
			return nil, fmt.Errorf("list channels: %w", err)
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}

// ChannelByID returns a channel, or ErrNotFound.
func (s *Store) ChannelByID(ctx context.Context, id int64) (*Channel, error) {
	ch, err := scanChannel(s.q().queryRow(ctx, `SELECT `+channelColumns+` FROM social_channels WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("channel %d: %w", id, err)
	}
	return ch, nil
}

// DeleteChannel removes a channel and its posts. A job of one of its
// posts then finds no post and does nothing.
func (s *Store) DeleteChannel(ctx context.Context, id int64) error {
	if _, err := s.q().exec(ctx, `DELETE FROM social_channels WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete channel %d: %w", id, err)
	}
	return nil
}

// MarkChannelWarned records that editors were warned that the channel's
// token expires at expiresAt. It reports false when someone else
// recorded it first, so that only one instance warns.
func (s *Store) MarkChannelWarned(ctx context.Context, id int64, expiresAt time.Time) (bool, error) {
	res, err := s.q().exec(ctx, `
		UPDATE social_channels SET warned_for = ?
		WHERE id = ? AND token_expires_at = ? AND (warned_for IS NULL OR warned_for <> ?)`,
		millis(expiresAt), id, millis(expiresAt), millis(expiresAt))
	if err != nil {
		return false, fmt.Errorf("mark channel %d warned: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const postColumns = `p.id, p.material_id, p.channel_id, p.text, p.mode, p.state, p.run_at, p.site_url,
	p.remote_id, p.remote_url, p.problem, p.attempts, p.created_by, p.created_at, p.updated_at, p.sending_at,
	p.sent_at, c.name, c.platform`

func scanPost(sc interface{ Scan(...any) error }) (*Post, error) {
	var p Post
	var runAt, by, sending, sent sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&p.ID, &p.MaterialID, &p.ChannelID, &p.Text, &p.Mode, &p.State, &runAt, &p.SiteURL,
		&p.RemoteID, &p.RemoteURL, &p.Problem, &p.Attempts, &by, &created, &updated, &sending, &sent,
		&p.ChannelName, &p.ChannelPlatform); err != nil {
		return nil, err
	}
	p.RunAt, p.CreatedBy = fromNullMillis(runAt), by.Int64
	p.CreatedAt, p.UpdatedAt = fromMillis(created), fromMillis(updated)
	p.SendingAt, p.SentAt = fromNullMillis(sending), fromNullMillis(sent)
	return &p, nil
}

// PlanPosts stores new posts in one transaction, with a job for each one
// the runner sends: at its own time, or now when it waits for a
// publication that has already happened. Posts that wait for a
// publication still to come get their job when the material is published.
func (s *Store) PlanPosts(ctx context.Context, posts []*Post) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return s.inTx(ctx, func(c q) error {
		for _, p := range posts {
			var status material.Status
			if err := c.queryRow(ctx, `SELECT status FROM materials WHERE id = ?`+c.forUpdate(),
				p.MaterialID).Scan(&status); err != nil {
				return fmt.Errorf("plan post: material %d: %w", p.MaterialID, err)
			}
			p.State, p.Attempts, p.CreatedAt, p.UpdatedAt = PostPlanned, 0, now, now
			if p.Mode != PostByHand {
				p.Mode = PostByAPI
			}
			err := c.queryRow(ctx, `
				INSERT INTO social_posts (material_id, channel_id, text, mode, state, run_at, site_url,
				       created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				p.MaterialID, p.ChannelID, p.Text, p.Mode, p.State, nullMillis(p.RunAt), p.SiteURL,
				nullID(p.CreatedBy), millis(now), millis(now)).Scan(&p.ID)
			if err != nil {
				return fmt.Errorf("plan post: %w", err)
			}
			if p.Mode == PostByHand {
				continue
			}
			due := p.RunAt
			if due.IsZero() && status == material.Published {
				due = now
			}
			if !due.IsZero() {
				if err := upsertJob(ctx, c, JobSocialPost, SocialPostJobKey(p.ID), p.MaterialID, due); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// upsertJob plans a job, replacing an earlier plan with the same key.
func upsertJob(ctx context.Context, c q, kind, key string, materialID int64, at time.Time) error {
	_, err := c.exec(ctx, `
		INSERT INTO jobs (kind, dedupe_key, material_id, run_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (dedupe_key) DO UPDATE
		SET run_at = excluded.run_at, claimed_until = NULL, attempts = 0, last_error = '', done_at = NULL`,
		kind, key, nullID(materialID), millis(at))
	if err != nil {
		return fmt.Errorf("plan job %s: %w", key, err)
	}
	return nil
}

// socialAfterSave is part of every save of a material: when it has just
// been published, the posts waiting for that are due now; when a
// published material changed and Facebook already shows it, Facebook is
// asked to read the page again.
func socialAfterSave(ctx context.Context, c q, m *material.Material, from material.Status) error {
	if m.Status != material.Published {
		return nil
	}
	now := time.Now().UTC()
	if from == "" || from == material.Published { // an edit, not a move
		return queueScrape(ctx, c, m.ID, now)
	}
	_, err := c.exec(ctx, `
		INSERT INTO jobs (kind, dedupe_key, material_id, run_at)
		SELECT CAST(? AS TEXT), CAST(? AS TEXT) || CAST(id AS TEXT), material_id, CAST(? AS BIGINT)
		FROM social_posts
		WHERE material_id = ? AND state = ? AND mode = ? AND run_at IS NULL
		ON CONFLICT (dedupe_key) DO UPDATE
		SET run_at = excluded.run_at, claimed_until = NULL, attempts = 0, last_error = '', done_at = NULL`,
		JobSocialPost, JobSocialPost+":", millis(now), m.ID, PostPlanned, PostByAPI)
	if err != nil {
		return fmt.Errorf("release posts of material %d: %w", m.ID, err)
	}
	return nil
}

// queueScrape plans a scrape of a material's page when a post of it is
// on a Facebook channel that the hub holds a token for.
func queueScrape(ctx context.Context, c q, materialID int64, now time.Time) error {
	var n int
	err := c.queryRow(ctx, `
		SELECT COUNT(*) FROM social_posts p JOIN social_channels ch ON ch.id = p.channel_id
		WHERE p.material_id = ? AND p.state = ? AND ch.platform = 'facebook' AND ch.token <> ''`,
		materialID, PostSent).Scan(&n)
	if err != nil || n == 0 {
		return err
	}
	return upsertJob(ctx, c, JobSocialScrape, SocialScrapeJobKey(materialID), materialID, now)
}

// PostsOfMaterial lists a material's posts, newest first.
func (s *Store) PostsOfMaterial(ctx context.Context, materialID int64) ([]*Post, error) {
	rows, err := s.q().query(ctx, `
		SELECT `+postColumns+` FROM social_posts p JOIN social_channels c ON c.id = p.channel_id
		WHERE p.material_id = ? ORDER BY p.id DESC`, materialID)
	if err != nil {
		return nil, fmt.Errorf("posts of material %d: %w", materialID, err)
	}
	defer rows.Close()
	var out []*Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("posts of material %d: %w", materialID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PostByID returns a post, or ErrNotFound.
func (s *Store) PostByID(ctx context.Context, id int64) (*Post, error) {
	p, err := scanPost(s.q().queryRow(ctx, `
		SELECT `+postColumns+` FROM social_posts p JOIN social_channels c ON c.id = p.channel_id
		WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("post %d: %w", id, err)
	}
	return p, nil
}

// PostUpdate is a move of a post from one of some states to another,
// with what is known at that moment.
type PostUpdate struct {
	From      []PostState
	To        PostState
	RemoteID  string
	RemoteURL string
	Problem   string
	// RunAt replaces the post's time (a post sent again is due now).
	RunAt time.Time
}

// MovePost moves a post when it is in one of u.From, and reports whether
// it was. The condition is part of the UPDATE, so of two instances only
// one moves a post: the one that marks it sending is the one that sends.
// Moving to sending counts an attempt; moving to sent records the time.
func (s *Store) MovePost(ctx context.Context, id int64, now time.Time, u PostUpdate) (bool, error) {
	var moved bool
	err := s.inTx(ctx, func(c q) error {
		var err error
		moved, err = movePost(ctx, c, id, now, u)
		if err != nil || !moved || u.To != PostPlanned || u.RunAt.IsZero() {
			return err
		}
		var materialID int64
		if err := c.queryRow(ctx, `SELECT material_id FROM social_posts WHERE id = ?`, id).Scan(&materialID); err != nil {
			return err
		}
		return upsertJob(ctx, c, JobSocialPost, SocialPostJobKey(id), materialID, u.RunAt)
	})
	if err != nil {
		return false, fmt.Errorf("move post %d to %s: %w", id, u.To, err)
	}
	return moved, nil
}

func movePost(ctx context.Context, c q, id int64, now time.Time, u PostUpdate) (bool, error) {
	if len(u.From) == 0 {
		return false, errors.New("no state to move from")
	}
	set := []string{"state = ?", "updated_at = ?", "problem = ?"}
	args := []any{u.To, millis(now), u.Problem}
	switch u.To {
	case PostSending:
		set = append(set, "attempts = attempts + 1", "sending_at = ?")
		args = append(args, millis(now))
	case PostSent:
		set = append(set, "remote_id = ?", "remote_url = ?", "sent_at = ?")
		args = append(args, u.RemoteID, u.RemoteURL, millis(now))
	}
	if !u.RunAt.IsZero() {
		set = append(set, "run_at = ?")
		args = append(args, millis(u.RunAt))
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(u.From)), ", ")
	args = append(args, id)
	for _, st := range u.From {
		args = append(args, st)
	}
	res, err := c.exec(ctx, `UPDATE social_posts SET `+strings.Join(set, ", ")+`
		WHERE id = ? AND state IN (`+marks+`)`, args...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DeletePost removes a post that is planned or failed, with its job, and
// reports whether it did. A post being sent, sent or unknown stays.
func (s *Store) DeletePost(ctx context.Context, id int64) (bool, error) {
	var deleted bool
	err := s.inTx(ctx, func(c q) error {
		res, err := c.exec(ctx, `DELETE FROM social_posts WHERE id = ? AND state IN (?, ?)`, id, PostPlanned,
			PostFailed)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if deleted = n == 1; !deleted {
			return nil
		}
		_, err = c.exec(ctx, `DELETE FROM jobs WHERE dedupe_key = ? AND done_at IS NULL`, SocialPostJobKey(id))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("delete post %d: %w", id, err)
	}
	return deleted, nil
}

// Grant is an admin's connection to a platform in progress.
type Grant struct {
	ID          int64
	StateHash   string // the OAuth state's SHA-256
	SessionHash string // the session that started it
	UserID      int64
	Platform    string
	Choices     string // sealed JSON of the pages or organisations to choose from
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// CreateGrant stores a connection in progress and sets g.ID.
func (s *Store) CreateGrant(ctx context.Context, g *Grant) error {
	g.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	err := s.q().queryRow(ctx, `
		INSERT INTO social_grants (state_hash, session_hash, user_id, platform, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		g.StateHash, g.SessionHash, g.UserID, g.Platform, millis(g.CreatedAt), millis(g.ExpiresAt)).Scan(&g.ID)
	if err != nil {
		return fmt.Errorf("create grant: %w", err)
	}
	return nil
}

const grantColumns = `id, state_hash, session_hash, user_id, platform, choices, created_at, expires_at`

func (s *Store) grantWhere(ctx context.Context, where string, args ...any) (*Grant, error) {
	var g Grant
	var created, expires int64
	err := s.q().queryRow(ctx, `SELECT `+grantColumns+` FROM social_grants WHERE `+where, args...).
		Scan(&g.ID, &g.StateHash, &g.SessionHash, &g.UserID, &g.Platform, &g.Choices, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("grant: %w", err)
	}
	g.CreatedAt, g.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &g, nil
}

// GrantByState returns the connection with an OAuth state's hash.
func (s *Store) GrantByState(ctx context.Context, stateHash string) (*Grant, error) {
	return s.grantWhere(ctx, `state_hash = ?`, stateHash)
}

// GrantByID returns a connection in progress.
func (s *Store) GrantByID(ctx context.Context, id int64) (*Grant, error) {
	return s.grantWhere(ctx, `id = ?`, id)
}

// SetGrantChoices stores what the platform offered to choose from, once:
// it reports false when the grant already has its choices, so an OAuth
// code cannot be used for a grant twice.
func (s *Store) SetGrantChoices(ctx context.Context, id int64, choices string) (bool, error) {
	res, err := s.q().exec(ctx, `UPDATE social_grants SET choices = ? WHERE id = ? AND choices = ''`, choices, id)
	if err != nil {
		return false, fmt.Errorf("grant %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DeleteGrant ends a connection in progress.
func (s *Store) DeleteGrant(ctx context.Context, id int64) error {
	if _, err := s.q().exec(ctx, `DELETE FROM social_grants WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete grant %d: %w", id, err)
	}
	return nil
}

// PruneGrants deletes the connections that ran out before now.
func (s *Store) PruneGrants(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.q().exec(ctx, `DELETE FROM social_grants WHERE expires_at < ?`, millis(now))
	if err != nil {
		return 0, fmt.Errorf("prune grants: %w", err)
	}
	return res.RowsAffected()
}
