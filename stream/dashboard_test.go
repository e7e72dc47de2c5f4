package stream

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

func get(t *testing.T, c *http.Client, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestDashboardAssets(t *testing.T) {
	f := newFixture(t, nil)
	check := func(path, wantType, wantBody string) {
		t.Helper()
		resp, body := get(t, http.DefaultClient, f.srv.URL+path, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); ct != wantType {
			t.Errorf("GET %s: Content-Type %q, want %q", path, ct, wantType)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET %s: security headers %v", path, resp.Header)
		}
		if !strings.Contains(body, wantBody) {
			t.Errorf("GET %s: body lacks %q", path, wantBody)
		}
	}
	check("/", "text/html; charset=utf-8", `<script src="/assets/app.js" defer></script>`)
	check("/assets/app.js", "text/javascript; charset=utf-8", "new EventSource(")
	check("/assets/app.css", "text/css; charset=utf-8", ".rows")

	// Nothing the page loads comes from another origin, and the page has no
	// inline script the CSP would block.
	_, page := get(t, http.DefaultClient, f.srv.URL+"/", nil)
	for _, bad := range []string{"http://", "https://", "<script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, path := range []string{"/assets/nope.js", "/assets/index.html", "/nope"} {
		if resp, _ := get(t, http.DefaultClient, f.srv.URL+path, nil); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestSessionWithoutAuth(t *testing.T) {
	f := newFixture(t, nil)
	_, body := get(t, http.DefaultClient, f.srv.URL+"/v1/session", nil)
	var st sessionState
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	if st.AuthRequired || !st.Authenticated || len(st.Categories) != 10 {
		t.Errorf("session without auth: %+v", st)
	}
	c := f.subscribe("", nil)
	c.waitComment("live")
	c.close()
}

func TestAuthCookieFlow(t *testing.T) {
	const token = "s3cret-token"
	f := newFixture(t, func(c *Config) { c.AuthTokens = []string{"other", token} })

	// No token, a wrong one, or one in the query string: 401.
	for _, tc := range []struct {
		query  string
		header http.Header
	}{
		{"", nil},
		{"", http.Header{"Authorization": {"Bearer nope"}}},
		{"token=" + token, nil},
		{"access_token=" + token, nil},
		{"", http.Header{"Cookie": {SessionCookie + "=nope"}}},
	} {
		_, status, body := f.trySubscribe(tc.query, tc.header)
		if status != http.StatusUnauthorized {
			t.Errorf("subscribe ?%s %v: %d %s, want 401", tc.query, tc.header, status, body)
		}
	}
	// The Bearer header works.
	c := f.subscribe("", http.Header{"Authorization": {"Bearer " + token}})
	c.waitComment("live")
	c.close()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	state := func() sessionState {
		t.Helper()
		_, body := get(t, client, f.srv.URL+"/v1/session", nil)
		var st sessionState
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := state(); !st.AuthRequired || st.Authenticated {
		t.Fatalf("before sign-in: %+v", st)
	}
	login := func(body string) *http.Response {
		t.Helper()
		resp, err := client.Post(f.srv.URL+"/v1/session", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := login(`{"token":"wrong"}`); resp.StatusCode != 401 || len(resp.Cookies()) != 0 {
		t.Fatalf("wrong token: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	if resp := login(`not json`); resp.StatusCode != 400 {
		t.Fatalf("bad body: %d", resp.StatusCode)
	}
	resp := login(`{"token":"` + token + `"}`)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == SessionCookie {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/v1/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/v1/", ck)
	}
	if st := state(); !st.Authenticated {
		t.Fatalf("after sign-in: %+v", st)
	}
	// The cookie alone opens the stream, and events flow.
	want := f.produce(3)
	cs, status, body := f.trySubscribe("from=earliest", http.Header{"Cookie": {SessionCookie + "=" + ck.Value}})
	if status != 200 {
		t.Fatalf("subscribe with cookie: %d %s", status, body)
	}
	n := 0
	evs := cs.readEvents(func(got) bool { n++; return n >= len(want) })
	checkExactly(t, "cookie", evs, want)
	cs.close()

	// Signing out clears it.
	req, _ := http.NewRequest(http.MethodDelete, f.srv.URL+"/v1/session", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if st := state(); st.Authenticated {
		t.Fatalf("after sign-out: %+v", st)
	}
}
