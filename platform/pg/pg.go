package pg

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Connect opens a pool and checks that the server answers. Errors name the
// host and database but never the password. Sessions show up as
// application_name "logsift" unless the URL sets another.
func Connect(ctx context.Context, dbURL string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("pg: database url %s: %s", redactURL(dbURL), redact(err.Error(), dbURL))
	}
	// Name the sessions in pg_stat_activity unless the URL already does.
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "logsift"
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pg: connect to %s: %s", where, redact(err.Error(), dbURL))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pg: connect to %s: %s", where, redact(err.Error(), dbURL))
	}
	return pool, nil
}

// Ping checks that the pool can reach the server (readiness).
func Ping(ctx context.Context, pool *pgxpool.Pool) error {
	if err := pool.Ping(ctx); err != nil {
		cc := pool.Config().ConnConfig
		return fmt.Errorf("pg: ping %s:%d/%s: %w", cc.Host, cc.Port, cc.Database, err)
	}
	return nil
}

var passwordKV = regexp.MustCompile(`(?i)(password\s*=\s*)('[^']*'|\S+)`)

// redact removes the URL's password from s, whatever form the error quotes
// it in. Errors are flattened to text for that reason: wrapping would keep
// the original, unredacted message reachable.
func redact(s, dbURL string) string {
	if u, err := url.Parse(dbURL); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			s = strings.ReplaceAll(s, pw, "xxxxx")
			s = strings.ReplaceAll(s, url.QueryEscape(pw), "xxxxx")
			s = strings.ReplaceAll(s, url.PathEscape(pw), "xxxxx")
		}
	}
	if i := strings.Index(dbURL, "://"); i >= 0 {
		if at := strings.LastIndex(dbURL, "@"); at > i {
			userinfo := dbURL[i+3 : at]
			if _, pw, ok := strings.Cut(userinfo, ":"); ok && pw != "" {
				s = strings.ReplaceAll(s, pw, "xxxxx")
			}
		}
	}
	return passwordKV.ReplaceAllString(s, "${1}xxxxx")
}

// redactURL shows a URL with its password replaced, for error messages.
func redactURL(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}
