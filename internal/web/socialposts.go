package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/storage"
)

// PostView is a post as the material's channel page shows it.
type PostView struct {
	*storage.Post
	// ProblemText is the platform's message, or the hub's own reason in
	// the page's language.
	ProblemText string
	// CopyText is the post as the editor pastes it by hand: the text and
	// the material's link.
	CopyText string
	// Problems are this post's form problems (its link, its confirmation).
	Problems []string
	// MarkURL is what the editor typed as the post's address.
	MarkURL string
}

// ByHand reports whether the editor posts it.
func (v PostView) ByHand() bool { return v.Mode == storage.PostByHand }

// CanDelete reports whether the post may be taken back.
func (v PostView) CanDelete() bool {
	return v.State == storage.PostPlanned || v.State == storage.PostFailed
}

// CanMark reports whether the editor may record where the post went.
func (v PostView) CanMark() bool {
	return v.State == storage.PostUnknown || v.State == storage.PostFailed ||
		v.State == storage.PostPlanned && v.Mode == storage.PostByHand
}

// CanResend reports whether the hub may be asked to send it again.
func (v PostView) CanResend() bool {
	return v.Mode == storage.PostByAPI && (v.State == storage.PostUnknown || v.State == storage.PostFailed)
}

// StateKey is the message key of the post's state.
func (v PostView) StateKey() string {
	switch v.State {
	case storage.PostSending:
		return "ws.social.state.sending"
	case storage.PostSent:
		return "ws.social.state.sent"
	case storage.PostFailed:
		return "ws.social.state.failed"
	case storage.PostUnknown:
		return "ws.social.state.unknown"
	}
	if v.Mode == storage.PostByHand {
		return "ws.social.state.by_hand"
	}
	return "ws.social.state.planned"
}

// hubProblems translates the reasons the hub itself gives.
var hubProblems = map[string]string{
	social.ProblemNotPublished: "ws.social.problem.not_published",
	social.ProblemNoKey:        "ws.social.problem.no_key",
	social.ProblemWrongKey:     "ws.social.problem.wrong_key",
	social.ProblemNoToken:      "ws.social.problem.no_token",
	social.ProblemStalled:      "ws.social.problem.stalled",
}

// PlanRow is one channel in the form that plans new posts.
type PlanRow struct {
	Channel ChannelView
	Checked bool
	Text    string
	ByHand  bool
	Max     int
	Length  int
	// Escape says the platform counts its reserved characters twice
	// (LinkedIn's commentary escapes them).
	Escape   bool
	Problems []string
}

// Field names a form field of the row.
func (r PlanRow) Field(name string) string { return name + "_" + strconv.FormatInt(r.Channel.ID, 10) }

// WSPostsPage is a material's posts on the social channels.
type WSPostsPage struct {
	Base
	M         *material.Material
	PublicURL string
	Posts     []PostView
	Rows      []PlanRow
	Expiring  []ChannelView
	When      string // "publish" or "time"
	At        TimeFields
	Problems  fieldTexts
	// Trouble is what did not happen, as a redirect reported it.
	Trouble string
	// Invalid says the form came back with problems.
	Invalid bool
}

func (s *Server) wsPosts(w http.ResponseWriter, r *http.Request) error {
	m, err := s.postsMaterial(r)
	if err != nil {
		return err
	}
	p, err := s.postsPage(r, m)
	if err != nil {
		return err
	}
	p.prefill()
	return s.render(w, http.StatusOK, "ws/posts", p)
}

// prefill gives every channel the material's summary as its text.
func (p *WSPostsPage) prefill() {
	for i := range p.Rows {
		row := &p.Rows[i]
		row.Text = p.M.Summary
		row.Length = social.TextLength(social.Platform(row.Channel.Platform), row.Text)
		row.ByHand = !row.Channel.HasAPI()
	}
}

// postsMaterial reads the material the request names.
func (s *Server) postsMaterial(r *http.Request) (*material.Material, error) {
	id := formID(r.PathValue("id"))
	if id == 0 {
		return nil, errNotFound
	}
	return s.store.GetMaterial(r.Context(), id)
}

// postsPage builds the page for m with what is stored.
func (s *Server) postsPage(r *http.Request, m *material.Material) (WSPostsPage, error) {
	b, err := s.wsBase(r, "ws.social.posts")
	if err != nil {
		return WSPostsPage{}, err
	}
	b.Title = m.Title + " – " + b.Title
	b.Section = "materials"
	trouble := socialMessages(&b, r)
	p := WSPostsPage{Base: b, Trouble: trouble, M: m, PublicURL: s.publicBase(r) + "/materialer/" + url.PathEscape(m.Slug),
		When: "publish", Problems: fieldTexts{}, At: TimeFields{P: "post", Page: b}}
	posts, err := s.store.PostsOfMaterial(r.Context(), m.ID)
	if err != nil {
		return p, err
	}
	for _, post := range posts {
		link := social.MaterialLink(post.SiteURL, social.Platform(post.ChannelPlatform), m)
		v := PostView{Post: post, CopyText: post.Text + "\n\n" + link}
		if key, ok := hubProblems[post.Problem]; ok {
			v.ProblemText = b.T(key)
		} else {
			v.ProblemText = post.Problem
		}
		p.Posts = append(p.Posts, v)
	}
	chs, err := s.store.Channels(r.Context())
	if err != nil {
		return p, err
	}
	var views []ChannelView
	views, p.Expiring = channelViews(chs, time.Now())
	for _, ch := range views {
		platform := social.Platform(ch.Platform)
		p.Rows = append(p.Rows, PlanRow{Channel: ch, Max: social.MaxText(platform), Escape: platform == social.LinkedIn})
	}
	return p, nil
}

// wsSavePosts plans posts, or changes one, as the button pressed says.
func (s *Server) wsSavePosts(w http.ResponseWriter, r *http.Request) error {
	m, err := s.postsMaterial(r)
	if err != nil {
		return err
	}
	switch r.PostForm.Get("action") {
	case "plan":
		return s.planPosts(w, r, m)
	case "delete", "mark", "resend":
		return s.changePost(w, r, m)
	}
	return errBadInput
}

func (s *Server) planPosts(w http.ResponseWriter, r *http.Request, m *material.Material) error {
	p, err := s.postsPage(r, m)
	if err != nil {
		return err
	}
	f := r.PostForm
	posts := p.readRows(f, s.publicBase(r), state(r).user.ID)
	if len(posts) == 0 {
		p.Problems.add("channel", p.T("error.social_no_channel"))
	}
	p.When = f.Get("when")
	if p.When != "time" {
		p.When = "publish"
	}
	var at time.Time
	if p.When == "time" {
		at = readPostTime(&p, f)
	}
	bad := len(p.Problems) > 0 || len(p.At.Problems) > 0
	for _, row := range p.Rows {
		bad = bad || len(row.Problems) > 0
	}
	if bad {
		p.Invalid = true
		return s.render(w, http.StatusUnprocessableEntity, "ws/posts", p)
	}
	for _, post := range posts {
		post.RunAt = at
	}
	if err := s.store.PlanPosts(r.Context(), posts); err != nil {
		return err
	}
	s.audit(r, "channel:plan", auditMaterial(m)+" ("+strconv.Itoa(len(posts))+")")
	http.Redirect(w, r, postsURL(m.ID, "opslag-planlagt"), http.StatusSeeOther)
	return nil
}

// readRows reads each channel's part of the form into its row, with its
// problems, and returns the posts of the channels ticked.
func (p *WSPostsPage) readRows(f url.Values, siteURL string, userID int64) []*storage.Post {
	chosen := map[int64]bool{}
	for _, v := range f["channel"] {
		chosen[formID(v)] = true
	}
	var posts []*storage.Post
	for i := range p.Rows {
		row := &p.Rows[i]
		row.Checked = chosen[row.Channel.ID]
		row.Text = strings.TrimSpace(strings.ReplaceAll(f.Get(row.Field("text")), "\r\n", "\n"))
		row.ByHand = f.Get(row.Field("hand")) == "on" || !row.Channel.HasAPI()
		row.Length = social.TextLength(social.Platform(row.Channel.Platform), row.Text)
		if !row.Checked {
			continue
		}
		switch {
		case row.Text == "":
			row.Problems = append(row.Problems, p.T("error.required"))
		case row.Length > row.Max:
			row.Problems = append(row.Problems, p.T("error.social_too_long", row.Max, row.Length))
		}
		mode := storage.PostByAPI
		if row.ByHand {
			mode = storage.PostByHand
		}
		posts = append(posts, &storage.Post{MaterialID: p.M.ID, ChannelID: row.Channel.ID, Text: row.Text,
			Mode: mode, SiteURL: siteURL, CreatedBy: userID})
	}
	return posts
}

// readPostTime reads the time of the posts' own; it must fall when the
// material is public.
func readPostTime(p *WSPostsPage, f url.Values) time.Time {
	problems := material.Problems{}
	plan := readTimeFields(f, "post", problems)
	p.At.Date, p.At.Clock, p.At.Ambiguous = plan.date, plan.clock, plan.ambiguous
	m := p.M
	if len(problems) == 0 {
		switch {
		case m.Status == material.Scheduled && plan.at.Before(m.ScheduledAt):
			problems.Add("post_at", "error.social_before_publication")
		case m.Status != material.Published && m.Status != material.Scheduled:
			problems.Add("post_at", "error.social_not_public")
		}
	}
	for _, key := range problems["post_at"] {
		if key == "error.schedule_gap" {
			p.At.Problems = append(p.At.Problems, p.T(key, gapSuggestion))
		} else {
			p.At.Problems = append(p.At.Problems, p.T(key))
		}
	}
	return plan.at
}

// changePost deletes a post, records where it went, or sends it again.
func (s *Server) changePost(w http.ResponseWriter, r *http.Request, m *material.Material) error {
	f := r.PostForm
	post, err := s.store.PostByID(r.Context(), formID(f.Get("post")))
	if errors.Is(err, storage.ErrNotFound) || err == nil && post.MaterialID != m.ID {
		return errNotFound
	}
	if err != nil {
		return err
	}
	id := strconv.FormatInt(post.ID, 10)
	now := time.Now()
	var moved bool
	message := ""
	switch f.Get("action") {
	case "delete":
		moved, err = s.store.DeletePost(r.Context(), post.ID)
		message = "opslag-slettet"
	case "mark":
		link := strings.TrimSpace(f.Get("url_" + id))
		if !material.IsWebURL(link) {
			return s.postProblem(w, r, m, post.ID, link, "error.social_post_url")
		}
		moved, err = s.store.MovePost(r.Context(), post.ID, now, storage.PostUpdate{
			From: []storage.PostState{storage.PostPlanned, storage.PostUnknown, storage.PostFailed},
			To:   storage.PostSent, RemoteURL: link})
		message = "opslag-delt"
	case "resend":
		if post.State == storage.PostUnknown && f.Get("confirm_"+id) != "on" {
			return s.postProblem(w, r, m, post.ID, "", "error.social_confirm_resend")
		}
		moved, err = s.store.MovePost(r.Context(), post.ID, now, storage.PostUpdate{
			From: []storage.PostState{storage.PostUnknown, storage.PostFailed}, To: storage.PostPlanned,
			RunAt: now})
		message = "opslag-igen"
	}
	if err != nil {
		return err
	}
	if !moved {
		message = "opslag-uaendret" // it moved on meanwhile: the page shows where it is now
	} else {
		s.audit(r, "channel:"+f.Get("action"), auditMaterial(m)+", opslag "+id+" på "+post.ChannelName)
	}
	http.Redirect(w, r, postsURL(m.ID, message), http.StatusSeeOther)
	return nil
}

// postProblem shows the page again with a problem at one post's form.
func (s *Server) postProblem(w http.ResponseWriter, r *http.Request, m *material.Material, postID int64,
	typed, key string) error {
	p, err := s.postsPage(r, m)
	if err != nil {
		return err
	}
	for i := range p.Posts {
		if p.Posts[i].ID == postID {
			p.Posts[i].Problems = append(p.Posts[i].Problems, p.T(key))
			p.Posts[i].MarkURL = typed
		}
	}
	p.prefill()
	p.Invalid = true
	return s.render(w, http.StatusUnprocessableEntity, "ws/posts", p)
}

func postsURL(id int64, message string) string {
	return "/redaktion/materialer/" + strconv.FormatInt(id, 10) + "/kanaler?besked=" + message + "#opslag"
}

// Number writes a whole number the way the page's language groups its
// digits: 63.206 in Danish, 63,206 in English.
func (b Base) Number(n int) string {
	sep := "."
	if b.Lang == "en" {
		sep = ","
	}
	s := strconv.Itoa(n)
	var out strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out.WriteString(sep)
		}
		out.WriteRune(r)
	}
	return out.String()
}
