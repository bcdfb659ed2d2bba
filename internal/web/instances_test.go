package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// twoInstances starts two hubs on one database of backend b, each with
// its own store and connection pool, as two processes behind a load
// balancer would be.
func twoInstances(t *testing.T, b storage.Backend) (*hubT, *hubT) {
	t.Helper()
	dsn := storagetest.DSN(t, b)
	var hubs []*hubT
	for range 2 {
		st, err := storage.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		if err := st.Migrate(ctx, storagetest.Logger()); err != nil {
			t.Fatal(err)
		}
		hubs = append(hubs, newHubWith(t, st, web.Config{LoginLimit: 3, LoginWindow: 24 * time.Hour}))
	}
	return hubs[0], hubs[1]
}

// on returns a client of the other instance that shares c's cookies, as a
// browser behind a load balancer would.
func (c *client) on(h *hubT) *client { return &client{h: h, http: c.http} }

func TestInstancesShareLoginLimitsAndSessions(t *testing.T) {
	for _, backend := range storagetest.Backends(t) {
		t.Run(string(backend), func(t *testing.T) {
			a, b := twoInstances(t, backend)
			ca := a.client()
			clients := []*client{ca, ca.on(b)}

			// Failed logins alternate between the instances, each form
			// fetched from the other one: the CSRF key is shared, and so is
			// the count.
			for i := range 3 {
				form := clients[(i+1)%2].get("/redaktion/login").attr("input[name=csrf]", "value")
				p := clients[i%2].post("/redaktion/login", url.Values{"csrf": {form},
					"email": {"x@example.dk"}, "password": {"nej"}})
				if p.status != http.StatusUnauthorized {
					t.Fatalf("attempt %d: %d, want 401", i+1, p.status)
				}
			}
			for i, c := range clients {
				form := c.get("/redaktion/login").attr("input[name=csrf]", "value")
				p := c.post("/redaktion/login", url.Values{"csrf": {form}, "email": {"x@example.dk"},
					"password": {"nej"}})
				wait, _ := strconv.Atoi(p.header.Get("Retry-After"))
				if p.status != http.StatusTooManyRequests || wait <= 0 || wait > 24*60*60+1 {
					t.Errorf("instance %d after the limit: %d, Retry-After %q", i+1, p.status,
						p.header.Get("Retry-After"))
				}
			}

			// A login on one instance is valid on the other.
			hash, err := auth.HashPassword(auth.TestParams(), "en god lang adgangskode")
			if err != nil {
				t.Fatal(err)
			}
			if err := a.st.CreateUser(ctx, &storage.User{Email: "ed@example.dk", Role: storage.RoleEditor,
				PasswordHash: hash, Active: true}); err != nil {
				t.Fatal(err)
			}
			ed := a.client()
			form := ed.get("/redaktion/login").attr("input[name=csrf]", "value")
			if p := ed.post("/redaktion/login", url.Values{"csrf": {form}, "email": {"ed@example.dk"},
				"password": {"en god lang adgangskode"}}); p.status != http.StatusSeeOther {
				t.Fatalf("login on the first instance: %d", p.status)
			}
			if p := ed.on(b).get("/redaktion"); p.status != http.StatusOK {
				t.Errorf("the session on the second instance: %d", p.status)
			}
		})
	}
}

// TestConcurrentLoginsOnTwoInstancesKeepTheLimit sends wrong passwords for
// one account at the same moment to two instances: no more than the limit
// are checked, and the rest are refused.
func TestConcurrentLoginsOnTwoInstancesKeepTheLimit(t *testing.T) {
	const attempts = 12
	for _, backend := range storagetest.Backends(t) {
		t.Run(string(backend), func(t *testing.T) {
			a, b := twoInstances(t, backend)
			c := a.client()
			token := c.get("/redaktion/login").attr("input[name=csrf]", "value")
			clients := []*client{c, c.on(b)}

			statuses := make([]int, attempts)
			var wg sync.WaitGroup
			for i := range attempts {
				wg.Go(func() {
					statuses[i] = clients[i%2].post("/redaktion/login", url.Values{"csrf": {token},
						"email": {"x@example.dk"}, "password": {"nej"}}).status
				})
			}
			wg.Wait()

			count := map[int]int{}
			for _, s := range statuses {
				count[s]++
			}
			if count[http.StatusUnauthorized] != 3 || count[http.StatusTooManyRequests] != attempts-3 {
				t.Errorf("answers %v; want 3 × 401 (the limit) and the rest 429", count)
			}
		})
	}
}

// TestConcurrentCodesOnTwoInstancesKeepTheLimit sends wrong codes for one
// login waiting for its code at the same moment to two instances: no more
// than the login limit are checked, and the rest are refused.
func TestConcurrentCodesOnTwoInstancesKeepTheLimit(t *testing.T) {
	const attempts = 12
	for _, backend := range storagetest.Backends(t) {
		t.Run(string(backend), func(t *testing.T) {
			a, b := twoInstances(t, backend)
			u := a.newStaff(storage.RoleEditor)
			c := a.client()
			c.passwordLogin(u.Email)
			enrol(t, c)
			logout(t, c)
			if p := c.passwordLogin(u.Email); p.header.Get("Location") != "/redaktion/login/kode" {
				t.Fatalf("password: %d to %q, want the code step", p.status, p.header.Get("Location"))
			}
			token := c.get("/redaktion/login/kode").attr("input[name=csrf]", "value")
			clients := []*client{c, c.on(b)}

			statuses := make([]int, attempts)
			var wg sync.WaitGroup
			for i := range attempts {
				wg.Go(func() {
					statuses[i] = clients[i%2].post("/redaktion/login/kode", url.Values{"csrf": {token},
						"code": {"000000"}}).status
				})
			}
			wg.Wait()

			count := map[int]int{}
			for _, s := range statuses {
				count[s]++
			}
			if count[http.StatusUnauthorized] != 3 || count[http.StatusTooManyRequests] != attempts-3 {
				t.Errorf("answers %v; want 3 × 401 (the limit) and the rest 429", count)
			}
		})
	}
}
