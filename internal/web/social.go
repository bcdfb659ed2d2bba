package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/storage"
)

// The settings that hold the municipality's apps on the platforms; the
// secrets are sealed like the tokens.
const (
	keyFacebookAppID     = "social.facebook.app_id"
	keyFacebookAppSecret = "social.facebook.app_secret"
	keyLinkedInClientID  = "social.linkedin.client_id"
	keyLinkedInSecret    = "social.linkedin.client_secret"
)

// grantLifetime is how long an admin has to finish connecting a channel.
const grantLifetime = 30 * time.Minute

// platformCall bounds the calls made to a platform while an admin waits.
const platformCall = 30 * time.Second

// fieldTexts maps a form field to its translated problems.
type fieldTexts map[string][]string

func (f fieldTexts) add(field, text string) { f[field] = append(f[field], text) }

// ChannelView is a channel as the pages show it.
type ChannelView struct {
	*storage.Channel
	Expired     bool // the token's time has passed
	ExpiresSoon bool // within social.ExpiryWarning
}

// HasAPI reports whether the hub posts to the channel itself.
func (c ChannelView) HasAPI() bool { return social.Platform(c.Platform).HasAPI() && c.Token != "" }

func channelViews(chs []*storage.Channel, now time.Time) (all, expiring []ChannelView) {
	for _, ch := range chs {
		v := ChannelView{Channel: ch}
		if !ch.TokenExpiresAt.IsZero() && ch.Token != "" {
			v.Expired = !now.Before(ch.TokenExpiresAt)
			v.ExpiresSoon = !v.Expired && ch.TokenExpiresAt.Sub(now) <= social.ExpiryWarning
		}
		all = append(all, v)
		if v.Expired || v.ExpiresSoon {
			expiring = append(expiring, v)
		}
	}
	return all, expiring
}

// AppView is what the page shows of an app: never its secret.
type AppView struct {
	ClientID  string
	HasSecret bool
}

// Ready reports whether the hub can start the platform's OAuth flow.
func (a AppView) Ready() bool { return a.ClientID != "" && a.HasSecret }

// ChannelForm is the form that adds a channel by hand.
type ChannelForm struct {
	Platform string
	Name     string
	Target   string
	URL      string
	Token    string // never shown again, not even when the form comes back with problems
	Expires  string // YYYY-MM-DD, optional
}

// AppForm is the form with one platform's app.
type AppForm struct {
	Platform string
	ClientID string
}

// ChoiceView offers what a platform let the admin connect.
type ChoiceView struct {
	GrantID  int64
	Platform string
	Targets  []social.Target // without their tokens in the page
	// ManualURN asks for the organisation's URN, when LinkedIn listed
	// none the member administers.
	ManualURN bool
}

// ConnectView is the step that sends the admin to the platform.
type ConnectView struct {
	Platform string
	URL      string
}

// WSChannelsPage lists the social channels; admins manage them.
type WSChannelsPage struct {
	Base
	Channels    []ChannelView
	Expiring    []ChannelView
	KeyReady    bool
	RedirectURI string
	Facebook    AppView
	LinkedIn    AppView
	Add         ChannelForm
	App         AppForm
	Choice      *ChoiceView
	Connect     *ConnectView
	// PlatformProblem is the platform's message when connecting failed.
	PlatformProblem string
	// Trouble is what did not happen, as a redirect reported it.
	Trouble  string
	Problems fieldTexts
}

// AppFormView is one platform's app form.
type AppFormView struct {
	Page           WSChannelsPage
	Platform       string
	ClientID       string
	HasSecret      bool
	IDProblems     []string
	SecretProblems []string
}

// AppFormFor is the app form of a platform: what is stored, or what was
// typed when this form came back with problems.
func (p WSChannelsPage) AppFormFor(platform string) AppFormView {
	app := p.Facebook
	if platform == string(social.LinkedIn) {
		app = p.LinkedIn
	}
	v := AppFormView{Page: p, Platform: platform, ClientID: app.ClientID, HasSecret: app.HasSecret}
	if p.App.Platform == platform && (p.Problems["client_id"] != nil || p.Problems["client_secret"] != nil) {
		v.ClientID, v.IDProblems, v.SecretProblems = p.App.ClientID, p.Problems["client_id"],
			p.Problems["client_secret"]
	}
	return v
}

// Platforms lists the platforms for the add form.
func (p WSChannelsPage) Platforms() []social.Platform { return social.Platforms }

// PlatformName names a platform.
func (b Base) PlatformName(platform string) string {
	switch social.Platform(platform) {
	case social.Facebook:
		return b.T("ws.social.platform.facebook")
	case social.LinkedIn:
		return b.T("ws.social.platform.linkedin")
	}
	return b.T("ws.social.platform.manual")
}

// PlatformBrand is the platform's own name, as in "Connect with Facebook".
func (b Base) PlatformBrand(platform string) string {
	switch social.Platform(platform) {
	case social.Facebook:
		return "Facebook"
	case social.LinkedIn:
		return "LinkedIn"
	}
	return b.T("ws.social.platform.manual")
}

func (s *Server) wsChannels(w http.ResponseWriter, r *http.Request) error {
	p, err := s.channelsPage(r)
	if err != nil {
		return err
	}
	if id := formID(r.URL.Query().Get("valg")); id != 0 && p.IsAdmin() {
		p.Choice = s.choiceOf(r, id)
	}
	return s.render(w, http.StatusOK, "ws/channels", p)
}

// channelsPage builds the page with what is stored.
func (s *Server) channelsPage(r *http.Request) (WSChannelsPage, error) {
	b, err := s.wsBase(r, "ws.social.channels")
	if err != nil {
		return WSChannelsPage{}, err
	}
	b.Section = "channels"
	trouble := socialMessages(&b, r)
	chs, err := s.store.Channels(r.Context())
	if err != nil {
		return WSChannelsPage{}, err
	}
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		return WSChannelsPage{}, err
	}
	p := WSChannelsPage{Base: b, Trouble: trouble, KeyReady: s.sealer.Ready(), Problems: fieldTexts{},
		RedirectURI: s.publicBase(r) + "/redaktion/kanaler/retur",
		Facebook:    AppView{ClientID: kv[keyFacebookAppID], HasSecret: kv[keyFacebookAppSecret] != ""},
		LinkedIn:    AppView{ClientID: kv[keyLinkedInClientID], HasSecret: kv[keyLinkedInSecret] != ""},
		Add:         ChannelForm{Platform: string(social.Facebook)}, App: AppForm{Platform: string(social.Facebook)}}
	p.Channels, p.Expiring = channelViews(chs, time.Now())
	return p, nil
}

// socialFlashes are the messages of success a redirect to a social page
// may leave, and socialTroubles those of something that did not happen.
var (
	socialFlashes = map[string]string{
		"kanal-gemt":      "ws.social.channel_saved",
		"kanal-slettet":   "ws.social.channel_removed",
		"kanal-forbundet": "ws.social.channel_connected",
		"app-gemt":        "ws.social.app_saved",
		"opslag-planlagt": "ws.social.posts_planned",
		"opslag-slettet":  "ws.social.post_deleted",
		"opslag-delt":     "ws.social.post_marked",
		"opslag-igen":     "ws.social.post_resent",
	}
	socialTroubles = map[string]string{
		"forbindelse-ugyldig":  "ws.social.connect_invalid",
		"forbindelse-afbrudt":  "ws.social.connect_cancelled",
		"forbindelse-udloebet": "ws.social.connect_expired",
		"opslag-uaendret":      "ws.social.post_unchanged",
	}
)

// socialMessages reads the message a redirect left: a flash, or a trouble.
func socialMessages(b *Base, r *http.Request) (trouble string) {
	key := r.URL.Query().Get("besked")
	if k, ok := socialFlashes[key]; ok {
		b.Flash = b.T(k)
	}
	if k, ok := socialTroubles[key]; ok {
		return b.T(k)
	}
	return ""
}

// wsSaveChannels does what the button pressed on the channels page says.
func (s *Server) wsSaveChannels(w http.ResponseWriter, r *http.Request) error {
	switch r.PostForm.Get("action") {
	case "add":
		return s.addChannel(w, r)
	case "remove":
		return s.removeChannel(w, r)
	case "app":
		return s.saveApp(w, r)
	case "connect":
		return s.startConnect(w, r)
	case "choose":
		return s.chooseTarget(w, r)
	}
	return errBadInput
}

// facebookPageID is the form of a Facebook Page id.
var facebookPageID = regexp.MustCompile(`^[0-9]{1,30}$`)

func (s *Server) addChannel(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	p, err := s.channelsPage(r)
	if err != nil {
		return err
	}
	p.Add = ChannelForm{Platform: f.Get("platform"), Name: strings.TrimSpace(f.Get("name")),
		Target: strings.TrimSpace(f.Get("target")), URL: strings.TrimSpace(f.Get("url")),
		Token: strings.TrimSpace(f.Get("token")), Expires: strings.TrimSpace(f.Get("expires"))}
	expires := s.checkChannel(&p)
	if len(p.Problems) > 0 {
		// The secret never goes back into a page: the admin pastes it again.
		if p.Add.Token != "" && p.Problems["token"] == nil {
			p.Problems.add("token", p.T("error.social_token_again"))
		}
		p.Add.Token = ""
		return s.render(w, http.StatusUnprocessableEntity, "ws/channels", p)
	}

	form, platform := p.Add, social.Platform(p.Add.Platform)
	if platform == social.Manual {
		form.Target, form.Token, expires = "", "", time.Time{}
	}
	ch := &storage.Channel{Platform: form.Platform, Name: form.Name, Target: form.Target, URL: form.URL,
		TokenExpiresAt: expires, CreatedBy: state(r).user.ID}
	if ch.URL == "" {
		ch.URL = social.PageURL(platform, ch.Target)
	}
	if form.Token != "" {
		if ch.Token, err = s.sealer.Seal(form.Token, storage.TokenContext(ch.Platform, ch.Target)); err != nil {
			return err
		}
	}
	if err := s.store.SaveChannel(r.Context(), ch); err != nil {
		return err
	}
	s.audit(r, "channel:add", form.Platform+" "+strconv.FormatInt(ch.ID, 10)+": "+ch.Name)
	http.Redirect(w, r, "/redaktion/kanaler?besked=kanal-gemt", http.StatusSeeOther)
	return nil
}

// checkChannel puts what is wrong with the add form on the page and
// returns the token's expiry.
func (s *Server) checkChannel(p *WSChannelsPage) time.Time {
	form := p.Add
	platform := social.Platform(form.Platform)
	if !platform.Valid() {
		p.Problems.add("platform", p.T("error.social_platform"))
	}
	switch n := utf8.RuneCountInString(form.Name); {
	case n == 0:
		p.Problems.add("name", p.T("error.required"))
	case n > 80:
		p.Problems.add("name", p.T("error.name_too_long"))
	}
	if form.URL != "" && !material.IsWebURL(form.URL) {
		p.Problems.add("url", p.T("error.url"))
	}
	var expires time.Time
	if form.Expires != "" && platform.HasAPI() {
		var err error
		if expires, err = localtime.Parse(form.Expires, "00:00", localtime.Earlier); err != nil {
			p.Problems.add("expires", p.T("error.date"))
		}
	}
	switch {
	case platform == social.Facebook && !facebookPageID.MatchString(form.Target):
		p.Problems.add("target", p.T("error.social_page_id"))
	case platform == social.LinkedIn && !social.ValidOrganisation(form.Target):
		p.Problems.add("target", p.T("error.social_urn"))
	}
	if !platform.HasAPI() {
		return expires
	}
	switch {
	case !s.sealer.Ready():
		p.Problems.add("token", p.T("error.social_no_key"))
	case form.Token == "":
		p.Problems.add("token", p.T("error.required"))
	case len(form.Token) > 4096 || strings.ContainsAny(form.Token, " \t\r\n"):
		p.Problems.add("token", p.T("error.social_token"))
	}
	return expires
}

func (s *Server) removeChannel(w http.ResponseWriter, r *http.Request) error {
	id := formID(r.PostForm.Get("id"))
	ch, err := s.store.ChannelByID(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteChannel(r.Context(), id); err != nil {
		return err
	}
	s.audit(r, "channel:remove", ch.Platform+" "+strconv.FormatInt(ch.ID, 10)+": "+ch.Name)
	http.Redirect(w, r, "/redaktion/kanaler?besked=kanal-slettet", http.StatusSeeOther)
	return nil
}

// appKeys are the settings of a platform's app.
func appKeys(platform social.Platform) (id, secret string, ok bool) {
	switch platform {
	case social.Facebook:
		return keyFacebookAppID, keyFacebookAppSecret, true
	case social.LinkedIn:
		return keyLinkedInClientID, keyLinkedInSecret, true
	}
	return "", "", false
}

// clientIDPattern is what app ids and client ids look like on both
// platforms.
var clientIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,200}$`)

func (s *Server) saveApp(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	platform := social.Platform(f.Get("platform"))
	idKey, secretKey, ok := appKeys(platform)
	if !ok {
		return errBadInput
	}
	p, err := s.channelsPage(r)
	if err != nil {
		return err
	}
	p.App = AppForm{Platform: string(platform), ClientID: strings.TrimSpace(f.Get("client_id"))}
	secret := strings.TrimSpace(f.Get("client_secret"))
	if !clientIDPattern.MatchString(p.App.ClientID) {
		p.Problems.add("client_id", p.T("error.social_client_id"))
	}
	kv := map[string]string{idKey: p.App.ClientID}
	switch {
	case secret != "" && !s.sealer.Ready():
		p.Problems.add("client_secret", p.T("error.social_no_key"))
	case secret != "" && (len(secret) > 1024 || strings.ContainsAny(secret, " \t\r\n")):
		p.Problems.add("client_secret", p.T("error.social_token"))
	case secret != "":
		if kv[secretKey], err = s.sealer.Seal(secret, "app "+string(platform)); err != nil {
			return err
		}
	}
	if len(p.Problems) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "ws/channels", p)
	}
	if err := s.store.PutSettings(r.Context(), kv); err != nil {
		return err
	}
	s.audit(r, "channel:app", string(platform))
	http.Redirect(w, r, "/redaktion/kanaler?besked=app-gemt", http.StatusSeeOther)
	return nil
}

// app reads a platform's app from the settings, with its secret opened.
func (s *Server) app(ctx context.Context, platform social.Platform) (social.App, bool) {
	idKey, secretKey, ok := appKeys(platform)
	if !ok {
		return social.App{}, false
	}
	kv, err := s.store.Settings(ctx)
	if err != nil || kv[idKey] == "" || kv[secretKey] == "" {
		return social.App{}, false
	}
	secret, err := s.sealer.Open(kv[secretKey], "app "+string(platform))
	if err != nil {
		return social.App{}, false
	}
	return social.App{ClientID: kv[idKey], ClientSecret: secret}, true
}

// startConnect begins a platform's OAuth flow: it binds a new state to
// the admin's session and shows the link to the platform. The link is
// followed by the admin, not by a redirect, because the page's policy
// sends forms only to the hub itself.
func (s *Server) startConnect(w http.ResponseWriter, r *http.Request) error {
	platform := social.Platform(r.PostForm.Get("platform"))
	p, err := s.channelsPage(r)
	if err != nil {
		return err
	}
	app, ok := s.app(r.Context(), platform)
	if !platform.HasAPI() || !ok || !s.sealer.Ready() {
		p.Problems.add("connect", p.T("error.social_app_missing"))
		return s.render(w, http.StatusUnprocessableEntity, "ws/channels", p)
	}
	st := state(r)
	token := auth.NewToken()
	g := &storage.Grant{StateHash: auth.HashToken(token), SessionHash: auth.HashToken(st.sessionID),
		UserID: st.user.ID, Platform: string(platform), ExpiresAt: time.Now().Add(grantLifetime)}
	if err := s.store.CreateGrant(r.Context(), g); err != nil {
		return err
	}
	p.Connect = &ConnectView{Platform: string(platform), URL: s.authURL(platform, app, p.RedirectURI, token)}
	return s.render(w, http.StatusOK, "ws/channels", p)
}

func (s *Server) authURL(platform social.Platform, app social.App, redirect, state string) string {
	if platform == social.LinkedIn {
		return s.linkedin.AuthURL(app, redirect, state)
	}
	return s.facebook.AuthURL(app, redirect, state)
}

// grantOf returns the connection in progress that the request's session
// started, or nil when there is none or it ran out.
func (s *Server) grantOf(r *http.Request, g *storage.Grant) *storage.Grant {
	st := state(r)
	if g == nil || g.UserID != st.user.ID || g.SessionHash != auth.HashToken(st.sessionID) ||
		!time.Now().Before(g.ExpiresAt) {
		return nil
	}
	return g
}

// wsChannelReturn is where a platform sends the admin back, with a code
// and the state the hub made. The state must be one this session
// started; the code is exchanged for a token at once, and the pages or
// organisations it may post to are kept, sealed, for the admin to choose.
func (s *Server) wsChannelReturn(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var g *storage.Grant
	if st := q.Get("state"); st != "" {
		found, err := s.store.GrantByState(r.Context(), auth.HashToken(st))
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		g = s.grantOf(r, found)
	}
	if g == nil || g.Choices != "" {
		http.Redirect(w, r, "/redaktion/kanaler?besked=forbindelse-ugyldig", http.StatusSeeOther)
		return nil
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		if err := s.store.DeleteGrant(r.Context(), g.ID); err != nil {
			return err
		}
		http.Redirect(w, r, "/redaktion/kanaler?besked=forbindelse-afbrudt", http.StatusSeeOther)
		return nil
	}

	platform := social.Platform(g.Platform)
	app, ok := s.app(r.Context(), platform)
	if !ok {
		http.Redirect(w, r, "/redaktion/kanaler?besked=forbindelse-ugyldig", http.StatusSeeOther)
		return nil
	}
	redirect := s.publicBase(r) + "/redaktion/kanaler/retur"
	ctx, cancel := context.WithTimeout(r.Context(), platformCall)
	defer cancel()
	targets, err := s.targets(ctx, platform, app, redirect, q.Get("code"))
	if err != nil {
		return s.connectFailed(w, r, g, err)
	}
	data, err := json.Marshal(targets)
	if err != nil {
		return err
	}
	sealed, err := s.sealer.Seal(string(data), "grant "+strconv.FormatInt(g.ID, 10))
	if err != nil {
		return err
	}
	if first, err := s.store.SetGrantChoices(r.Context(), g.ID, sealed); err != nil {
		return err
	} else if !first {
		http.Redirect(w, r, "/redaktion/kanaler?besked=forbindelse-ugyldig", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/redaktion/kanaler?valg="+strconv.FormatInt(g.ID, 10)+"#valg", http.StatusSeeOther)
	return nil
}

// targets exchanges the code and lists what the token may post to. For
// LinkedIn, a member token that may not list organisations still
// counts: the admin then types the organisation's URN.
func (s *Server) targets(ctx context.Context, platform social.Platform, app social.App, redirect,
	code string) ([]social.Target, error) {
	if platform == social.LinkedIn {
		tok, err := s.linkedin.ExchangeCode(ctx, app, redirect, code)
		if err != nil {
			return nil, err
		}
		orgs, err := s.linkedin.Organisations(ctx, tok)
		if err != nil {
			s.log.Warn("LinkedIn did not list the organisations; asking for the URN", "err", err)
		}
		if len(orgs) == 0 {
			return []social.Target{{Token: tok}}, nil
		}
		return orgs, nil
	}
	tok, err := s.facebook.ExchangeCode(ctx, app, redirect, code)
	if err != nil {
		return nil, err
	}
	pages, err := s.facebook.Pages(ctx, tok)
	if err != nil {
		return nil, err
	}
	return pages, nil
}

// connectFailed shows the platform's message and forgets the grant.
func (s *Server) connectFailed(w http.ResponseWriter, r *http.Request, g *storage.Grant, cause error) error {
	if err := s.store.DeleteGrant(r.Context(), g.ID); err != nil {
		return err
	}
	var e *social.Error
	if !errors.As(cause, &e) {
		return cause
	}
	s.log.Warn("connecting a channel failed", "request_id", state(r).requestID, "platform", g.Platform, "err", e)
	p, err := s.channelsPage(r)
	if err != nil {
		return err
	}
	p.PlatformProblem = p.PlatformBrand(g.Platform) + ": " + e.Describe()
	return s.render(w, http.StatusBadGateway, "ws/channels", p)
}

// openChoices reads a grant's sealed choices.
func (s *Server) openChoices(g *storage.Grant) ([]social.Target, bool) {
	if g.Choices == "" {
		return nil, false
	}
	plain, err := s.sealer.Open(g.Choices, "grant "+strconv.FormatInt(g.ID, 10))
	if err != nil {
		return nil, false
	}
	var targets []social.Target
	if json.Unmarshal([]byte(plain), &targets) != nil {
		return nil, false
	}
	return targets, true
}

// choiceOf shows a grant's choices to the admin who made it.
func (s *Server) choiceOf(r *http.Request, id int64) *ChoiceView {
	found, err := s.store.GrantByID(r.Context(), id)
	if err != nil {
		return nil
	}
	g := s.grantOf(r, found)
	if g == nil {
		return nil
	}
	targets, ok := s.openChoices(g)
	if !ok {
		return nil
	}
	c := &ChoiceView{GrantID: g.ID, Platform: g.Platform}
	if g.Platform == string(social.LinkedIn) && len(targets) == 1 && targets[0].ID == "" {
		c.ManualURN = true
		return c
	}
	for _, t := range targets {
		c.Targets = append(c.Targets, social.Target{ID: t.ID, Name: t.Name})
	}
	return c
}

// chooseTarget makes the chosen page or organisation a channel, with its
// token sealed, and ends the grant.
func (s *Server) chooseTarget(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	found, err := s.store.GrantByID(r.Context(), formID(f.Get("grant")))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	g := s.grantOf(r, found)
	targets, ok := []social.Target(nil), false
	if g != nil {
		targets, ok = s.openChoices(g)
	}
	if !ok {
		http.Redirect(w, r, "/redaktion/kanaler?besked=forbindelse-udloebet", http.StatusSeeOther)
		return nil
	}
	choice := f.Get("target")
	var chosen *social.Target
	for i, t := range targets {
		if t.ID != "" && t.ID == choice {
			chosen = &targets[i]
		}
	}
	if chosen == nil && len(targets) == 1 && targets[0].ID == "" { // LinkedIn without a list
		urn := strings.TrimSpace(f.Get("urn"))
		if social.ValidOrganisation(urn) {
			chosen = &social.Target{ID: urn, Name: urn, Token: targets[0].Token}
		} else {
			p, err := s.channelsPage(r)
			if err != nil {
				return err
			}
			p.Choice = &ChoiceView{GrantID: g.ID, Platform: g.Platform, ManualURN: true}
			p.Problems.add("urn", p.T("error.social_urn"))
			return s.render(w, http.StatusUnprocessableEntity, "ws/channels", p)
		}
	}
	if chosen == nil {
		p, err := s.channelsPage(r)
		if err != nil {
			return err
		}
		p.Choice = s.choiceOf(r, g.ID)
		p.Problems.add("target", p.T("error.social_choose"))
		return s.render(w, http.StatusUnprocessableEntity, "ws/channels", p)
	}

	ch := &storage.Channel{Platform: g.Platform, Name: chosen.Name, Target: chosen.ID,
		URL: social.PageURL(social.Platform(g.Platform), chosen.ID), TokenExpiresAt: chosen.Token.ExpiresAt,
		CreatedBy: state(r).user.ID}
	if ch.Token, err = s.sealer.Seal(chosen.Token.Value, storage.TokenContext(ch.Platform, ch.Target)); err != nil {
		return err
	}
	if err := s.store.SaveChannel(r.Context(), ch); err != nil {
		return err
	}
	if err := s.store.DeleteGrant(r.Context(), g.ID); err != nil {
		return err
	}
	s.audit(r, "channel:connect", ch.Platform+" "+strconv.FormatInt(ch.ID, 10)+": "+ch.Name)
	http.Redirect(w, r, "/redaktion/kanaler?besked=kanal-forbundet", http.StatusSeeOther)
	return nil
}
