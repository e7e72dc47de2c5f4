package stream

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
)

// The dashboard is plain HTML, CSS and JavaScript with no build step and no
// third-party code: it is embedded in the binary and works offline, so a
// gateway behind a firewall serves it as it is.
//
//go:embed dashboard
var dashboardFS embed.FS

// contentTypes are set explicitly: mime.TypeByExtension reads the system's
// mime tables, which differ between machines (and are absent in a scratch
// image), and nosniff makes a browser refuse a script served as text/plain.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
}

// dashboardCSP allows only the gateway's own scripts, styles and
// connections: the page has no inline script and loads nothing from
// elsewhere.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	b, err := fs.ReadFile(dashboardFS, "dashboard/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ct, ok := contentTypes[path.Ext(name)]
	if !ok {
		ct = mime.TypeByExtension(path.Ext(name))
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", dashboardCSP)
	h.Set("Referrer-Policy", "no-referrer")
	// Assets change with the binary; no-cache revalidates instead of
	// serving a stale script against a newer gateway.
	h.Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

func dashboardPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serveAsset(w, r, "index.html") })
}

func dashboardAssets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		if name == "index.html" || name == "/" || name == "." {
			http.NotFound(w, r)
			return
		}
		serveAsset(w, r, name)
	})
}
