package stream

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// SessionCookie is the cookie POST /v1/session sets. A browser's EventSource
// cannot send an Authorization header, and a token in the URL would end up in
// access logs and history, so the dashboard trades the token for this
// HttpOnly, SameSite=Strict cookie once and the browser sends it with every
// stream request.
const SessionCookie = "logsift_session"

// authorized reports whether r carries one of the configured tokens, as a
// Bearer header or the session cookie. With no tokens configured every
// request is. A token in the query string is never looked at.
func (g *Gateway) authorized(r *http.Request) bool {
	if len(g.cfg.AuthTokens) == 0 {
		return true
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && g.validToken(tok) {
		return true
	}
	if c, err := r.Cookie(SessionCookie); err == nil && g.validToken(c.Value) {
		return true
	}
	return false
}

// validToken compares in constant time against every token, so the answer's
// timing tells nothing about which one (or which prefix) came close.
func (g *Gateway) validToken(tok string) bool {
	if tok == "" {
		return false
	}
	ok := 0
	for _, t := range g.cfg.AuthTokens {
		ok |= subtle.ConstantTimeCompare([]byte(tok), []byte(t))
	}
	return ok == 1
}

// requireAuth answers 401 to requests without a valid token.
func (g *Gateway) requireAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !g.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="logsift"`)
			writeError(w, http.StatusUnauthorized, "", "a valid token is required (Authorization: Bearer, or POST /v1/session)")
			return
		}
		next(w, r)
	}
}

// sessionState is what GET /v1/session answers: whether the page must ask
// for a token before it subscribes.
// It also names the categories ?category= accepts, so the page's choices
// follow a custom schema.
type sessionState struct {
	AuthRequired  bool     `json:"auth_required"`
	Authenticated bool     `json:"authenticated"`
	Categories    []string `json:"categories"`
}

func (g *Gateway) serveSessionState(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(sessionState{
		AuthRequired: len(g.cfg.AuthTokens) > 0, Authenticated: g.authorized(r), Categories: g.cfg.Categories,
	})
}

// serveLogin handles POST /v1/session with {"token": "..."}: a valid token
// gets the session cookie (204), anything else a 401 and no cookie.
func (g *Gateway) serveLogin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "token", "body must be JSON {\"token\": \"...\"}")
		return
	}
	if len(g.cfg.AuthTokens) > 0 && !g.validToken(body.Token) {
		writeError(w, http.StatusUnauthorized, "token", "token not accepted")
		return
	}
	if len(g.cfg.AuthTokens) > 0 {
		http.SetCookie(w, g.sessionCookie(r, body.Token, 0))
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// serveLogout handles DELETE /v1/session: the cookie is cleared.
func (g *Gateway) serveLogout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, g.sessionCookie(r, "", -1))
	w.WriteHeader(http.StatusNoContent)
}

// sessionCookie holds the token itself: it is HttpOnly (no script reads it),
// SameSite=Strict (no other site's page sends it) and Secure behind TLS, and
// it stays valid across gateway restarts and replicas, which a per-process
// signing key would not. maxAge -1 deletes it.
func (g *Gateway) sessionCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     SessionCookie,
		Value:    value,
		Path:     "/v1/",
		MaxAge:   maxAge,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   r.TLS != nil,
	}
}
