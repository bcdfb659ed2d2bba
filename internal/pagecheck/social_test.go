package pagecheck

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/social/socialtest"
	"github.com/bindeled/bindeled/internal/storage"
)

// secretKey is the hub's key that seals the platforms' tokens.
var secretKey = bytes.Repeat([]byte{5}, social.KeySize)

// loopbackPlatforms points the hub's platforms at local servers, so that
// nothing a page does can reach Facebook or LinkedIn.
func loopbackPlatforms(t *testing.T) social.Config {
	cfg := social.Config{HTTP: social.NewHTTPClient(5 * time.Second)}
	socialtest.NewFacebook(t).Configure(&cfg)
	socialtest.NewLinkedIn(t).Configure(&cfg)
	return cfg
}

// seedSocial gives the pages of the social channels every state to show:
// channels of each platform, one whose access runs out in five days, the
// apps, a material's posts planned, sent, failed, unknown and waiting to
// be shared by hand, and a connection waiting for the admin's choice.
func (e *env) seedSocial(t *testing.T, admin *storage.User) {
	t.Helper()
	ctx := context.Background()
	st := e.hub.Store
	sealer, err := social.NewSealer(secretKey)
	if err != nil {
		t.Fatal(err)
	}
	seal := func(plain, context string) string {
		t.Helper()
		v, err := sealer.Seal(plain, context)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	fb := &storage.Channel{Platform: "facebook", Name: "Kommunens Facebook-side", Target: "1122334455",
		URL: social.PageURL(social.Facebook, "1122334455"), Token: seal("EAAPage", storage.TokenContext("facebook",
			"1122334455"))}
	li := &storage.Channel{Platform: "linkedin", Name: "Kommunen på LinkedIn", Target: "urn:li:organization:2414183",
		URL:            social.PageURL(social.LinkedIn, "urn:li:organization:2414183"),
		Token:          seal("AQVtoken", storage.TokenContext("linkedin", "urn:li:organization:2414183")),
		TokenExpiresAt: time.Now().Add(5 * 24 * time.Hour)}
	hand := &storage.Channel{Platform: "manual", Name: "Skolernes nyhedsbrev"}
	for _, ch := range []*storage.Channel{fb, li, hand} {
		if err := st.SaveChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutSettings(ctx, map[string]string{"social.facebook.app_id": "1234567890",
		"social.facebook.app_secret": seal("hemmelig", "app facebook")}); err != nil {
		t.Fatal(err)
	}

	live, _, err := st.SearchMaterials(ctx, "forældremøde", 1, 0)
	if err != nil || len(live) == 0 {
		t.Fatalf("no published starter material: %v", err)
	}
	m := live[0]
	later := time.Now().Add(7 * 24 * time.Hour)
	plan := func(ch *storage.Channel, text, mode string) *storage.Post {
		p := &storage.Post{MaterialID: m.ID, ChannelID: ch.ID, Text: text, Mode: mode, RunAt: later,
			SiteURL: e.srv.URL, CreatedBy: admin.ID}
		if err := st.PlanPosts(ctx, []*storage.Post{p}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	move := func(p *storage.Post, u storage.PostUpdate) {
		u.From = []storage.PostState{storage.PostPlanned}
		if ok, err := st.MovePost(ctx, p.ID, time.Now(), u); !ok || err != nil {
			t.Fatalf("move post to %s: %v %v", u.To, ok, err)
		}
	}
	move(plan(fb, "Sådan bliver forældremødet godt.", storage.PostByAPI), storage.PostUpdate{To: storage.PostSent,
		RemoteID: "1122334455_100001", RemoteURL: social.FacebookPostURL("1122334455_100001")})
	move(plan(li, "Forældremøder (0.-3. klasse)", storage.PostByAPI), storage.PostUpdate{To: storage.PostUnknown,
		Problem: "linkedin: no answer in time"})
	move(plan(fb, "Et for langt opslag", storage.PostByAPI), storage.PostUpdate{To: storage.PostFailed,
		Problem: "Error validating access token: Session has expired (OAuthException 190/463, HTTP 400)"})
	plan(hand, "Læs om det gode forældremøde.", storage.PostByHand)
	plan(fb, "Husk forældremødet i næste uge.", storage.PostByAPI)
	e.social = append(e.social, "/redaktion/materialer/"+strconv.FormatInt(m.ID, 10)+"/kanaler")

	// A connection to Facebook that waits for the admin to choose a Page.
	g := &storage.Grant{StateHash: auth.HashToken(auth.NewToken()), SessionHash: auth.HashToken(e.session.Value),
		UserID: admin.ID, Platform: "facebook", ExpiresAt: time.Now().Add(time.Hour)}
	if err := st.CreateGrant(ctx, g); err != nil {
		t.Fatal(err)
	}
	choices, _ := json.Marshal([]social.Target{{ID: "1122334455", Name: "Kommunens Facebook-side"},
		{ID: "5566778899", Name: "Skolernes fælles side"}})
	if _, err := st.SetGrantChoices(ctx, g.ID, seal(string(choices), "grant "+strconv.FormatInt(g.ID, 10))); err != nil {
		t.Fatal(err)
	}
	e.social = append(e.social, "/redaktion/kanaler?valg="+strconv.FormatInt(g.ID, 10),
		"/redaktion/kanaler/retur")
}
