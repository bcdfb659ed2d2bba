package social

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"time"

	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/share"
	"github.com/bindeled/bindeled/internal/storage"
)

// What the hub itself says went wrong with a post, kept as the post's
// problem and translated where it is shown.
const (
	ProblemNotPublished = "hub:not-published" // the material was not public at the post's time
	ProblemNoKey        = "hub:no-key"        // the hub has no secret key to open the token with
	ProblemWrongKey     = "hub:wrong-key"     // the token was sealed with another key
	ProblemNoToken      = "hub:no-token"      // the channel has no token
	ProblemStalled      = "hub:stalled"       // the hub stopped while the post was being sent
)

// PostStore is what the Poster needs from the database.
type PostStore interface {
	PostByID(ctx context.Context, id int64) (*storage.Post, error)
	PostsOfMaterial(ctx context.Context, materialID int64) ([]*storage.Post, error)
	ChannelByID(ctx context.Context, id int64) (*storage.Channel, error)
	GetMaterial(ctx context.Context, id int64) (*material.Material, error)
	MovePost(ctx context.Context, id int64, now time.Time, u storage.PostUpdate) (bool, error)
	ChannelsExpiring(ctx context.Context, before time.Time) ([]*storage.Channel, error)
	MarkChannelWarned(ctx context.Context, id int64, expiresAt time.Time) (bool, error)
	ActiveUserIDs(ctx context.Context, roles ...storage.Role) ([]int64, error)
	PruneGrants(ctx context.Context, now time.Time) (int64, error)
}

// Images finds the picture a post of a material shows, its share image;
// nil for none. *web.Server is one.
type Images interface {
	ShareImage(ctx context.Context, m *material.Material) (*Image, error)
}

// Notifier tells people what happened; *notify.Notifier is one.
type Notifier interface {
	Notify(ctx context.Context, ev notify.Event) error
}

// Poster sends the posts the job runner hands it. A post is sent at most
// once: it is marked sending, and that is committed, before the request
// leaves; a post found sending afterwards, or whose request was written
// and got no answer, becomes unknown and is never sent again by itself.
type Poster struct {
	Store    PostStore
	Facebook *FacebookClient
	LinkedIn *LinkedInClient
	Sealer   *Sealer
	Images   Images   // nil: LinkedIn posts show no picture
	Notifier Notifier // nil: nobody is told of failures and expiries
	Log      *slog.Logger
	Now      func() time.Time
	// Timeout bounds one post from start to end; keep it well within the
	// job runner's lease, so no other instance takes the job meanwhile.
	Timeout time.Duration
	// MaxAttempts is how often a post that meets transient failures is
	// tried before it fails.
	MaxAttempts int
}

// RetryError asks the job runner to try again, not before After.
type RetryError struct {
	Err   error
	After time.Duration
}

func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *RetryError) Unwrap() error { return e.Err }

// RetryAfter is the shortest wait before the next attempt.
func (e *RetryError) RetryAfter() time.Duration { return e.After }

// ExpiryWarning is how long before a token expires editors are warned.
const ExpiryWarning = 14 * 24 * time.Hour

func (p *Poster) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Poster) maxAttempts() int {
	if p.MaxAttempts > 0 {
		return p.MaxAttempts
	}
	return 8
}

// MaterialLink is the public address of a material in a post on a
// platform, planned on a hub at siteURL. On Facebook and LinkedIn it
// carries the platform's channel tag, so the hub counts the visits each
// brought (package share); a manual channel's link has none.
func MaterialLink(siteURL string, p Platform, m *material.Material) string {
	link := siteURL + "/materialer/" + url.PathEscape(m.Slug)
	switch p {
	case Facebook:
		return share.Tagged(link, share.Facebook)
	case LinkedIn:
		return share.Tagged(link, share.LinkedIn)
	}
	return link
}

// Send sends a post; attempt is the job's attempt, counting from 1. An
// error asks the runner to try again later; everything final is recorded
// on the post and returns nil.
func (p *Poster) Send(ctx context.Context, postID int64, attempt int) error {
	post, err := p.Store.PostByID(ctx, postID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // deleted, or its channel removed
	}
	if err != nil {
		return err
	}
	switch {
	case post.State == storage.PostSending:
		// Marked sending by a run that never finished: it may have been
		// sent. Only the editor can know.
		return p.settle(ctx, post, storage.PostSending, storage.PostUnknown, ProblemStalled, nil)
	case post.State != storage.PostPlanned || post.Mode != storage.PostByAPI:
		return nil
	}
	m, err := p.Store.GetMaterial(ctx, post.MaterialID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if m.Status != material.Published {
		if post.RunAt.IsZero() {
			return nil // it waits for the publication, which plans it again
		}
		return p.settle(ctx, post, storage.PostPlanned, storage.PostFailed, ProblemNotPublished, m)
	}
	ch, err := p.Store.ChannelByID(ctx, post.ChannelID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token, problem := p.openToken(ch)
	if problem != "" {
		return p.settle(ctx, post, storage.PostPlanned, storage.PostFailed, problem, m)
	}

	sctx, cancel := context.WithTimeout(ctx, p.timeout())
	defer cancel()
	return p.deliver(sctx, ctx, post, ch, m, token, attempt)
}

func (p *Poster) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return 2 * time.Minute
}

// openToken opens a channel's token, or names the problem.
func (p *Poster) openToken(ch *storage.Channel) (string, string) {
	if ch.Token == "" {
		return "", ProblemNoToken
	}
	token, err := p.Sealer.Open(ch.Token, storage.TokenContext(ch.Platform, ch.Target))
	switch {
	case errors.Is(err, ErrNoKey):
		return "", ProblemNoKey
	case err != nil:
		return "", ProblemWrongKey
	}
	return token, ""
}

// deliver prepares and sends a post. sctx bounds the platform's calls;
// ctx, which outlives it, records the outcome.
func (p *Poster) deliver(sctx, ctx context.Context, post *storage.Post, ch *storage.Channel,
	m *material.Material, token string, attempt int) error {
	link := MaterialLink(post.SiteURL, Platform(ch.Platform), m)
	var send func() (Result, error)
	switch Platform(ch.Platform) {
	case Facebook:
		send = func() (Result, error) { return p.Facebook.Post(sctx, ch.Target, token, post.Text, link) }
	case LinkedIn:
		thumbnail, err := p.thumbnail(sctx, token, ch.Target, m)
		if err != nil {
			return p.beforeSend(ctx, post, m, err, attempt)
		}
		art := Article{Source: link, Title: m.Title, Description: m.Summary, Thumbnail: thumbnail}
		send = func() (Result, error) { return p.LinkedIn.Post(sctx, token, ch.Target, post.Text, art) }
	default:
		return nil // a manual channel: the editor posts
	}

	claimed, err := p.Store.MovePost(ctx, post.ID, p.now(), storage.PostUpdate{
		From: []storage.PostState{storage.PostPlanned}, To: storage.PostSending})
	if err != nil || !claimed {
		return err // another instance has it, or the editor changed it
	}
	res, err := send()
	if err == nil {
		_, err := p.Store.MovePost(ctx, post.ID, p.now(), storage.PostUpdate{
			From: []storage.PostState{storage.PostSending, storage.PostUnknown}, To: storage.PostSent,
			RemoteID: res.ID, RemoteURL: res.URL})
		if err == nil {
			p.Log.Info("posted", "post_id", post.ID, "material_id", m.ID, "platform", ch.Platform)
		}
		return err // a failure to record leaves it sending: the next run makes it unknown
	}
	return p.afterSend(ctx, post, m, err, attempt)
}

// thumbnail uploads the material's picture to LinkedIn and returns its
// URN, or "" when the material has none.
func (p *Poster) thumbnail(ctx context.Context, token, owner string, m *material.Material) (string, error) {
	if p.Images == nil {
		return "", nil
	}
	img, err := p.Images.ShareImage(ctx, m)
	if err != nil || img == nil {
		if err != nil {
			p.Log.Warn("read the share image; posting without one", "material_id", m.ID, "err", err)
		}
		return "", nil
	}
	return p.LinkedIn.UploadImage(ctx, token, owner, *img)
}

// beforeSend handles a failure while preparing: the post was not sent.
func (p *Poster) beforeSend(ctx context.Context, post *storage.Post, m *material.Material, err error,
	attempt int) error {
	if KindOf(err) != Permanent && attempt < p.maxAttempts() {
		return p.retry(ctx, post, storage.PostPlanned, err)
	}
	return p.settle(ctx, post, storage.PostPlanned, storage.PostFailed, describe(err), m)
}

// afterSend handles a failure of the request that makes the post.
func (p *Poster) afterSend(ctx context.Context, post *storage.Post, m *material.Material, err error,
	attempt int) error {
	switch {
	case KindOf(err) == Unknown:
		return p.settle(ctx, post, storage.PostSending, storage.PostUnknown, describe(err), m)
	case KindOf(err) == Transient && attempt < p.maxAttempts():
		return p.retry(ctx, post, storage.PostSending, err)
	}
	return p.settle(ctx, post, storage.PostSending, storage.PostFailed, describe(err), m)
}

// retry puts the post back to planned with the reason, and asks the
// runner to try again.
func (p *Poster) retry(ctx context.Context, post *storage.Post, from storage.PostState, cause error) error {
	_, err := p.Store.MovePost(ctx, post.ID, p.now(), storage.PostUpdate{From: []storage.PostState{from},
		To: storage.PostPlanned, Problem: describe(cause)})
	if err != nil {
		return err
	}
	var e *Error
	after := time.Duration(0)
	if errors.As(cause, &e) {
		after = e.RetryAfter
	}
	return &RetryError{Err: cause, After: after}
}

// settle gives a post its final state and tells the editor who planned
// it when it failed or its fate is unknown.
func (p *Poster) settle(ctx context.Context, post *storage.Post, from, to storage.PostState, problem string,
	m *material.Material) error {
	moved, err := p.Store.MovePost(ctx, post.ID, p.now(), storage.PostUpdate{From: []storage.PostState{from},
		To: to, Problem: problem})
	if err != nil || !moved {
		return err
	}
	p.Log.Warn("post not sent", "post_id", post.ID, "material_id", post.MaterialID, "state", to,
		"problem", problem)
	p.tell(ctx, post, to, m)
	return nil
}

// tell notifies the post's planner (or the editors, when the planner is
// gone) of a post that failed or whose fate is unknown.
func (p *Poster) tell(ctx context.Context, post *storage.Post, state storage.PostState, m *material.Material) {
	if p.Notifier == nil {
		return
	}
	title := ""
	if m != nil {
		title = m.Title
	}
	to := []int64{post.CreatedBy}
	if post.CreatedBy == 0 {
		var err error
		if to, err = p.Store.ActiveUserIDs(ctx, storage.RoleEditor); err != nil {
			p.Log.Error("notify a post's problem", "post_id", post.ID, "err", err)
			return
		}
	}
	key := "notify.social_problem.failed"
	if state == storage.PostUnknown {
		key = "notify.social_problem.unknown"
	}
	err := p.Notifier.Notify(ctx, notify.Event{Kind: notify.KindSocialProblem, MaterialID: post.MaterialID,
		MaterialTitle: title, Recipients: to, Note: i18n.T(i18n.Danish, key, post.ChannelName)})
	if err != nil {
		p.Log.Error("notify a post's problem", "post_id", post.ID, "err", err)
	}
}

// describe is what is kept of an error for the editor.
func describe(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Describe()
	}
	return err.Error()
}

// Rescrape asks Facebook to read a material's page again, through a
// Facebook channel that has posted it. attempt counts from 1; after a
// few failures it gives up, as a stale preview is a small matter.
func (p *Poster) Rescrape(ctx context.Context, materialID int64, attempt int) error {
	m, err := p.Store.GetMaterial(ctx, materialID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil || m.Status != material.Published {
		return err
	}
	posts, err := p.Store.PostsOfMaterial(ctx, materialID)
	if err != nil {
		return err
	}
	for _, post := range posts {
		if post.State != storage.PostSent || post.ChannelPlatform != string(Facebook) {
			continue
		}
		ch, err := p.Store.ChannelByID(ctx, post.ChannelID)
		if err != nil {
			continue
		}
		token, problem := p.openToken(ch)
		if problem != "" {
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, p.timeout())
		err = p.Facebook.Scrape(sctx, token, MaterialLink(post.SiteURL, Facebook, m))
		cancel()
		if err != nil && KindOf(err) != Permanent && attempt < 5 {
			var e *Error
			after := time.Duration(0)
			if errors.As(err, &e) {
				after = e.RetryAfter
			}
			return &RetryError{Err: err, After: after}
		}
		if err != nil {
			p.Log.Warn("Facebook did not read the page again", "material_id", materialID, "err", err)
		}
		return nil
	}
	return nil
}

// Housekeeping warns editors and admins, once per token, of a channel
// whose access runs out within ExpiryWarning, and forgets connections
// that were started and never finished.
func (p *Poster) Housekeeping(ctx context.Context) {
	now := p.now()
	if _, err := p.Store.PruneGrants(ctx, now); err != nil {
		p.Log.Error("prune grants", "err", err)
	}
	channels, err := p.Store.ChannelsExpiring(ctx, now.Add(ExpiryWarning))
	if err != nil {
		p.Log.Error("find expiring tokens", "err", err)
		return
	}
	for _, ch := range channels {
		first, err := p.Store.MarkChannelWarned(ctx, ch.ID, ch.TokenExpiresAt)
		if err != nil {
			p.Log.Error("warn of an expiring token", "channel_id", ch.ID, "err", err)
			continue
		}
		if !first {
			continue // warned already, here or by another instance
		}
		p.Log.Warn("a channel's token expires soon", "channel_id", ch.ID, "expires_at", ch.TokenExpiresAt)
		if err := p.warnExpiry(ctx, ch); err != nil {
			p.Log.Error("warn of an expiring token", "channel_id", ch.ID, "err", err)
		}
	}
}

func (p *Poster) warnExpiry(ctx context.Context, ch *storage.Channel) error {
	if p.Notifier == nil {
		return nil
	}
	to, err := p.Store.ActiveUserIDs(ctx, storage.RoleEditor, storage.RoleAdmin)
	if err != nil {
		return err
	}
	note := i18n.T(i18n.Danish, "notify.token_expiry.note", localtime.Format(ch.TokenExpiresAt))
	return p.Notifier.Notify(ctx, notify.Event{Kind: notify.KindTokenExpiry, MaterialTitle: ch.Name,
		Recipients: to, Note: note})
}
