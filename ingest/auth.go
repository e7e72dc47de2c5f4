package ingest

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

func hashKeys(keys []string) [][32]byte {
	out := make([][32]byte, len(keys))
	for i, k := range keys {
		out[i] = sha256.Sum256([]byte(k))
	}
	return out
}

// authorize checks "Authorization: Bearer <key>" when keys are configured.
// Keys are compared as SHA-256 digests in constant time: hashing first makes
// the comparison independent of the presented key's length, and every
// configured key is compared so the time does not tell which one matched.
func (s *Server) authorize(header string) *requestError {
	if len(s.keys) == 0 {
		return nil
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if header == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
		return &requestError{Status: http.StatusUnauthorized, Msg: "missing API key: send Authorization: Bearer <key>"}
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	match := 0
	for i := range s.keys {
		match |= subtle.ConstantTimeCompare(sum[:], s.keys[i][:])
	}
	if match != 1 {
		return &requestError{Status: http.StatusUnauthorized, Msg: "invalid API key"}
	}
	return nil
}
