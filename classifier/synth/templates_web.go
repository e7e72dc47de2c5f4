package synth

import "strconv"

// Web servers: access logs (no level: judged from the status), nginx and
// Apache error logs (levels in brackets). Access lines and nginx/Apache 2.2
// error lines name no component; Apache 2.4 names its module ("[proxy:error]").
func init() {
	access := func(g *gen, l *line) string {
		// msg is `"METHOD path proto" status`; sizes and agents vary here.
		ua := g.pick(userAgents)
		if g.r.IntN(3) == 0 {
			return g.ip() + " - - [" + l.ts.Format("02/Jan/2006:15:04:05 -0700") + "] " + l.msg + " " + strconv.Itoa(g.r.IntN(200000)) + " " + strconv.Quote(g.pick([]string{"-", "https://example.com/"})) + " " + strconv.Quote(ua) + " " + strconv.Itoa(g.r.IntN(3000)) + "ms"
		}
		return g.ip() + " - " + g.pick([]string{"-", "-", "-", g.pick(userNames)}) + " [" + l.ts.Format("02/Jan/2006:15:04:05 -0700") + "] " + l.msg + " " + strconv.Itoa(g.r.IntN(200000)) + " \"-\" " + strconv.Quote(ua)
	}
	register(&system{
		name:   "http-access",
		format: access,
		tmpls: []tmpl{
			t("info", "application", `"GET {url} {proto}" {status2}`),
			t("info", "application", `"POST /api/v1/{orders|payments|events|uploads} {proto}" {200|201|202}`),
			t("info", "application", `"{PUT|PATCH|DELETE} /api/v1/{orders|users|items}/{id} {proto}" {200|204}`),
			t("info", "application", `"GET {url} {proto}" {status3}`),
			t("info", "application", `"HEAD / {proto}" 200`),
			t("info", "application", `"GET /{healthz|readyz|livez|metrics} {proto}" 200`),
			t("warning", "application", `"{method} {url} {proto}" {status4}`),
			t("warning", "application", `"GET /{wp-login.php|.env|.git/config|phpmyadmin/|cgi-bin/luci} {proto}" 404`),
			t("warning", "auth", `"{method} {url} {proto}" {401|403}`),
			t("warning", "auth", `"POST /{login|api/v1/token|oauth/token} {proto}" 401`),
			t("warning", "resource", `"{method} {url} {proto}" 429`),
			t("error", "application", `"{method} {url} {proto}" {status5}`),
			t("error", "network", `"{method} {url} {proto}" {gw5}`),
			t("error", "resource", `"{method} {url} {proto}" 503`),
		},
	})

	nginxErr := func(g *gen, l *line) string {
		return l.ts.Format("2006/01/02 15:04:05") + " [" + l.level + "] " + g.pid() + "#" + strconv.Itoa(g.r.IntN(16)) + ": " + l.msg
	}
	req := `client: {ip}, server: {fqdn}, request: "{method} {url} HTTP/1.1"`
	up := `, upstream: "http://{ip}:{8080|3000|9000}{url}", host: "{fqdn}"`
	nginxLevels := map[string][]string{
		"debug": {"debug"}, "info": {"info", "notice"}, "warning": {"warn"}, "error": {"error"}, "critical": {"crit", "alert", "emerg"},
	}
	register(&system{
		name:   "nginx-error",
		levels: nginxLevels,
		format: nginxErr,
		tmpls: []tmpl{
			t("error", "network", "*{count} connect() failed (111: Connection refused) while connecting to upstream, "+req+up),
			t("error", "network", "*{count} upstream timed out (110: Connection timed out) while reading response header from upstream, "+req+up),
			t("error", "network", "*{count} recv() failed (104: Connection reset by peer) while reading response header from upstream, "+req+up),
			t("error", "network", "*{count} no live upstreams while connecting to upstream, "+req),
			t("warning", "network", "*{count} upstream server temporarily disabled while connecting to upstream, "+req+up),
			t("error", "storage", `*{count} open() "/usr/share/nginx/html{url}" failed (2: No such file or directory), `+req),
			t("error", "auth", `*{count} directory index of "/var/www/{html|static}/" is forbidden, `+req),
			t("error", "auth", `*{count} access forbidden by rule, `+req),
			t("error", "auth", `*{count} user "{user}" was not found in "/etc/nginx/.htpasswd", `+req),
			t("warning", "resource", `*{count} a client request body is buffered to a temporary file /var/cache/nginx/client_temp/{0000000001-0000099999}, `+req),
			t("error", "resource", `*{count} client intended to send too large body: {bytes} bytes, `+req),
			t("warning", "resource", `*{count} limiting requests, excess: {1-50}.{100-999} by zone "{api|login|perip}", `+req),
			t("error", "resource", `{1024|4096} worker_connections are not enough`),
			t("critical", "storage", `pwrite() "/var/cache/nginx/proxy_temp/{1-9}/{10-99}/{hex}" failed (28: No space left on device)`),
			t("critical", "config", `SSL_CTX_use_PrivateKey("/etc/nginx/ssl/{fqdn}.key") failed (SSL: error:05800074:x509 certificate routines::key values mismatch)`),
			t("critical", "network", `bind() to 0.0.0.0:{80|443} failed (98: Address already in use)`),
			t("warning", "config", `conflicting server name "{fqdn}" on 0.0.0.0:{80|443}, ignored`),
			t("warning", "config", `"ssl_stapling" ignored, issuer certificate not found for certificate "/etc/letsencrypt/live/{fqdn}/fullchain.pem"`),
			t("info", "system", "signal process started"),
			t("info", "system", "using inherited sockets from \"{6;7;|8;9;}\""),
			t("info", "network", "*{count} client {ip} closed keepalive connection"),
			t("info", "network", "*{count} client closed connection while waiting for request, client: {ip}, server: 0.0.0.0:{80|443}"),
			t("debug", "network", "*{count} http keepalive handler"),
			t("debug", "application", "*{count} http script var: \"{url}\""),
			t("debug", "network", "*{count} SSL handshake handler: 0"),
		},
	})

	apacheErr := func(g *gen, l *line) string {
		if l.comp == "" {
			return "[" + l.ts.Format("Mon Jan 02 15:04:05 2006") + "] [" + l.level + "] " + l.msg
		}
		return "[" + l.ts.Format("Mon Jan 02 15:04:05.000000 2006") + "] [" + l.comp + ":" + l.level + "] [pid " + g.pid() + ":tid " + strconv.FormatUint(g.r.Uint64()>>20, 10) + "] " + l.msg
	}
	register(&system{
		name:   "apache-error",
		levels: apacheLevels,
		format: apacheErr,
		tmpls: []tmpl{
			tc("error", "storage", "-", "[client {ip}] File does not exist: /var/www/html{url}"),
			tc("error", "auth", "-", "[client {ip}] client denied by server configuration: /var/www/{html|private}{url}"),
			tc("error", "auth", "-", "[client {ip}] user {user}: authentication failure for \"{url}\": Password Mismatch"),
			tc("error", "application", "-", "[client {ip}] Premature end of script headers: {index.php|app.cgi|report.pl}"),
			tc("info", "system", "-", "Apache/{2.2.15|2.2.22} (Unix) configured -- resuming normal operations"),
			tc("info", "system", "-", "caught SIGTERM, shutting down"),
			tc("info", "application", "-", "Child {pid}: Starting {1-64} worker threads."),
			tc("warning", "config", "-", "RSA server certificate CommonName (CN) `{fqdn}' does NOT match server name!?"),
			tc("error", "resource", "-", "server reached MaxClients setting, consider raising the MaxClients setting"),
			tc("error", "resource", "mpm_prefork|mpm_event", "AH00161: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting"),
			tc("error", "network", "proxy", "[client {ip}:{eport}] AH00898: Error reading from remote server returned by {url}"),
			tc("error", "network", "proxy_http", "[client {ip}:{eport}] AH01102: error reading status line from remote server {host}:{8080|8000}"),
			tc("error", "network", "proxy", "(111)Connection refused: AH00957: HTTP: attempt to connect to {ip}:{8080|8000} ({host}) failed"),
			tc("error", "storage", "core", "[client {ip}:{eport}] AH00128: File does not exist: /var/www/html{url}"),
			tc("error", "auth", "authz_core", "[client {ip}:{eport}] AH01630: client denied by server configuration: /var/www/{html|private}{url}"),
			tc("error", "auth", "auth_basic", "[client {ip}:{eport}] AH01617: user {user}: authentication failure for \"{url}\": Password Mismatch"),
			tc("info", "system", "mpm_event|mpm_prefork", "AH00489: Apache/{2.4.57|2.4.58|2.4.62} (Ubuntu) configured -- resuming normal operations"),
			tc("info", "system", "core", "AH00094: Command line: '/usr/sbin/apache2'"),
			tc("info", "system", "mpm_event", "AH00492: caught SIGWINCH, shutting down gracefully"),
			tc("warning", "config", "ssl", "AH01909: {fqdn}:443:0 server certificate does NOT include an ID which matches the server name"),
			tc("critical", "config", "core", "AH00526: Syntax error on line {1-300} of /etc/apache2/sites-enabled/{000-default|app|ssl}.conf:"),
			tc("critical", "network", "core", "(98)Address already in use: AH00072: make_sock: could not bind to address [::]:{80|443}"),
			tc("debug", "application", "rewrite", "[client {ip}:{eport}] {fqdn}/sid#{hex}][rid#{hex}/initial] applying pattern '^/(.*)$' to uri '{url}'"),
			tc("debug", "network", "ssl", "[client {ip}:{eport}] AH02034: Initial (No.1) HTTPS request received for child {1-64} (server {fqdn}:443)"),
			tc("warning", "application", "php7|php", "[client {ip}:{eport}] PHP Warning:  Undefined array key \"{id|user|token}\" in /var/www/html/{index|cart|api}.php on line {10-900}").lv("warn"),
			tc("error", "application", "php7|php", "[client {ip}:{eport}] PHP Fatal error:  Uncaught Error: Call to undefined function {mysql_connect|money_format}() in /var/www/html/{index|lib/db}.php:{10-400}").lv("error"),
		},
	})
}
