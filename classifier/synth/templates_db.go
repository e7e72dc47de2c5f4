package synth

import (
	"fmt"
	"strconv"
	"strings"
)

// Databases: PostgreSQL, MySQL, Redis and MongoDB in their own log formats.
// A database's own lines about queries, transactions, replication and its
// connections are database; its disk and WAL-file problems are storage,
// authentication failures auth, memory pressure resource, settings config.
func init() {
	pgLevels := map[string][]string{
		"debug": {"DEBUG1", "DEBUG2"}, "info": {"LOG", "LOG", "INFO", "NOTICE"}, "warning": {"WARNING"}, "error": {"ERROR"}, "critical": {"PANIC", "FATAL"},
	}
	pg := func(g *gen, l *line) string {
		ts := l.ts.Format("2006-01-02 15:04:05.000 UTC")
		body := l.level + ":  " + l.msg
		switch g.r.IntN(3) {
		case 0:
			return ts + " [" + g.pid() + "] " + body
		case 1:
			return ts + " [" + g.pid() + "] " + g.pick(userNames) + "@" + g.pick(dbNames) + " " + body
		}
		// Through syslog the program is named.
		return l.ts.Format("Jan _2 15:04:05") + " " + g.hostName() + " postgres[" + g.pid() + "]: [" + strconv.Itoa(1+g.r.IntN(9)) + "-1] " + body
	}
	register(&system{
		name:   "postgresql",
		levels: pgLevels,
		format: func(g *gen, l *line) string {
			s := pg(g, l)
			if strings.Contains(s, " postgres[") {
				l.comp = "postgres"
			}
			return s
		},
		tmpls: []tmpl{
			t("info", "database", "database system is ready to accept connections"),
			t("info", "database", "database system was shut down at 2024-03-0{1-9} {10-23}:{10-59}:{10-59} UTC"),
			t("info", "database", "checkpoint starting: {time|wal|immediate force wait}"),
			t("info", "database", "checkpoint complete: wrote {count} buffers ({0-99}.{0-9}%); 0 WAL file(s) added, {0-9} removed, {0-9} recycled; write={0-300}.{100-999} s, sync=0.{100-999} s, total={0-300}.{100-999} s"),
			t("info", "database", "automatic vacuum of table \"{db}.public.{table}\": index scans: {0-3}"),
			t("info", "database", "automatic analyze of table \"{db}.public.{table}\""),
			t("info", "database", "connection received: host={ip} port={eport}"),
			t("info", "auth", "connection authorized: user={user} database={db} application_name={psql|pgbouncer|app}"),
			t("info", "database", "disconnection: session time: 0:{00-59}:{10-59}.{100-999} user={user} database={db} host={ip} port={eport}"),
			t("info", "database", "duration: {fms} ms  statement: SELECT * FROM {table} WHERE id = {id}"),
			t("info", "database", "started streaming WAL from primary at {lsn} on timeline {1-9}"),
			t("info", "database", "redo done at {lsn} system usage: CPU: user: {0-9}.{10-99} s, system: 0.{10-99} s, elapsed: {0-99}.{10-99} s"),
			t("info", "config", "parameter \"{work_mem|max_connections|shared_buffers|log_min_duration_statement}\" changed to \"{4MB|200|2GB|500}\""),
			t("info", "config", "received SIGHUP, reloading configuration files"),
			t("info", "resource", "temporary file: path \"base/pgsql_tmp/pgsql_tmp{pid}.{0-9}\", size {bytes}").lv("LOG"),
			t("warning", "resource", "checkpoints are occurring too frequently ({2-29} seconds apart)"),
			t("warning", "database", "there is no transaction in progress"),
			t("warning", "database", "could not send data to client: Broken pipe"),
			t("info", "database", "autovacuum: found orphan temp table \"pg_temp_{1-99}\".\"{table}_tmp\" in database \"{db}\"").lv("LOG"),
			t("warning", "config", "parameter \"{max_wal_size|shared_buffers}\" cannot be changed without restarting the server"),
			// Slow statements over log_min_duration_statement are performance
			// reports (resource), logged at LOG: info.
			t("info", "resource", "duration: {3000-90000}.{100-999} ms  statement: UPDATE {table} SET status = $1 WHERE id = $2").lv("LOG"),
			t("error", "database", "duplicate key value violates unique constraint \"{table}_pkey\""),
			t("error", "database", "deadlock detected"),
			t("error", "database", "could not serialize access due to concurrent update"),
			t("error", "database", "relation \"{table}\" does not exist at character {10-80}"),
			t("error", "database", "syntax error at or near \"{FROM|WHERE|)|SELECT}\" at character {5-200}"),
			t("error", "database", "canceling statement due to statement timeout"),
			t("error", "database", "column \"{status|created_at|user_id}\" of relation \"{table}\" does not exist"),
			t("error", "database", "current transaction is aborted, commands ignored until end of transaction block"),
			t("error", "auth", "permission denied for table {table}"),
			// PostgreSQL's FATAL ends one session, not the server: a refused login
			// or a full connection table is an operation's failure (error).
			t("error", "auth", "password authentication failed for user \"{user}\"").lv("FATAL"),
			t("error", "auth", "no pg_hba.conf entry for host \"{ip}\", user \"{user}\", database \"{db}\", SSL off").lv("FATAL"),
			t("error", "resource", "sorry, too many clients already").lv("FATAL"),
			t("error", "resource", "remaining connection slots are reserved for non-replication superuser connections").lv("FATAL"),
			t("error", "resource", "out of memory"),
			t("error", "storage", "could not extend file \"base/{10000-99999}/{10000-99999}\": No space left on device"),
			t("error", "storage", "could not open file \"pg_wal/0000000{1-9}000000{10-99}000000{10-99}\": No such file or directory"),
			t("critical", "storage", "could not write to file \"pg_wal/xlogtemp.{pid}\": No space left on device").lv("PANIC"),
			t("critical", "database", "could not locate a valid checkpoint record").lv("PANIC"),
			t("critical", "database", "the database system is in recovery mode, terminating any other active server processes").lv("FATAL"),
			// A crashed backend forces every session to restart: critical, though
			// the postmaster reports it at LOG.
			t("critical", "database", "server process (PID {pid}) was terminated by signal {9: Killed|11: Segmentation fault}").lv("LOG"),
			t("critical", "config", "could not load pg_hba.conf").lv("FATAL"),
			t("critical", "storage", "data directory \"/var/lib/postgresql/{14|15|16}/main\" has invalid permissions").lv("FATAL"),
			t("debug", "database", "StartTransaction(1) name: unnamed; blockState: DEFAULT; state: INPROGRESS, xid/subid/cid: {xid}/1/0"),
			t("debug", "database", "autovacuum: processing database \"{db}\""),
			t("debug", "database", "checkpointer updated shared memory configuration values"),
			t("debug", "config", "loaded library \"{pg_stat_statements|auto_explain|pg_cron}\""),
		},
	})

	mysqlLevels := map[string][]string{"info": {"Note", "System"}, "warning": {"Warning"}, "error": {"ERROR"}}
	register(&system{
		name:   "mysql",
		comps:  []string{"Server"},
		levels: mysqlLevels,
		format: func(g *gen, l *line) string {
			code := fmt.Sprintf("MY-%06d", 10000+g.r.IntN(5000))
			if l.comp == "InnoDB" && g.r.IntN(3) == 0 {
				// 5.7 style: no error code; InnoDB still names itself.
				return l.ts.Format("2006-01-02T15:04:05.000000Z") + " " + strconv.Itoa(g.r.IntN(5000)) + " [" + l.level + "] " + l.comp + ": " + l.msg
			}
			return l.ts.Format("2006-01-02T15:04:05.000000Z") + " " + strconv.Itoa(g.r.IntN(5000)) + " [" + l.level + "] [" + code + "] [" + l.comp + "] " + l.msg
		},
		tmpls: []tmpl{
			t("info", "database", "/usr/sbin/mysqld: ready for connections. Version: '{8.0.36|8.0.39|8.4.2}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL."),
			t("info", "database", "/usr/sbin/mysqld (mysqld {8.0.36|8.4.2}) starting as process {pid}"),
			t("info", "database", "Received SHUTDOWN from user {boot|root}. Shutting down mysqld (Version: {8.0.36|8.4.2})."),
			t("info", "database", "X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock"),
			tc("info", "database", "InnoDB", "Buffer pool(s) load completed at 2024-0{1-9}-1{0-9} {10-23}:{10-59}:{10-59}"),
			tc("info", "database", "InnoDB", "InnoDB initialization has ended."),
			tc("info", "database", "Repl", "Replica I/O thread for channel '': connected to source 'repl@{ip}:3306',replication started in log 'binlog.{000001-000999}' at position {offset}"),
			t("warning", "network", "IP address '{ip}' could not be resolved: Name or service not known"),
			t("warning", "database", "Aborted connection {count} to db: '{db}' user: '{user}' host: '{ip}' (Got an error reading communication packets)"),
			t("warning", "auth", "Access denied for user '{user}'@'{ip}' (using password: {YES|NO})"),
			t("warning", "config", "'{--skip-host-cache|expire_logs_days|default_authentication_plugin}' is deprecated and will be removed in a future release."),
			t("warning", "config", "Insecure configuration for --pid-file: Location '/var/run/mysqld' in the path is accessible to all OS users."),
			t("warning", "resource", "Changed limits: max_open_files: {1024|5000} (requested {8161|10005})"),
			tc("warning", "database", "InnoDB", "A long semaphore wait: --Thread {count} has waited at {btr0sea.cc|lock0lock.cc} line {100-900} for {240-900} seconds the semaphore:"),
			tc("warning", "resource", "InnoDB", "Difficult to find free blocks in the buffer pool ({count} search iterations)! {0-9} failed attempts to flush a page!"),
			tc("warning", "database", "Repl", "Replica SQL for channel '': Worker {1-8} failed executing transaction 'ANONYMOUS' at source log binlog.{000001-000999}, end_log_pos {offset}; Could not execute Write_rows event on table {db}.{table}; Duplicate entry '{id}' for key '{table}.PRIMARY'").lv("Warning"),
			t("error", "database", "Table './{db}/{table}' is marked as crashed and should be repaired"),
			t("error", "resource", "Out of memory; check if mysqld or some other process uses all available memory; if not, you may have to use 'ulimit' to allow mysqld to use more memory or you can add more swap space"),
			t("error", "database", "Slave SQL for channel '': Error 'Duplicate entry '{id}' for key 'PRIMARY'' on query. Default database: '{db}'. Error_code: MY-001062"),
			t("error", "network", "Can't start server: Bind on TCP/IP port: Address already in use"),
			t("error", "config", "unknown variable '{innodb_file_format|query_cache_size|log_slow_queries}={1|ON|Barracuda}'."),
			tc("error", "storage", "InnoDB", "Operating system error number 28 in a file operation."),
			tc("error", "storage", "InnoDB", "The innodb_system data file 'ibdata1' must be writable"),
			tc("error", "database", "InnoDB", "Transaction {xid} was in the XA prepared state."),
			tc("error", "database", "Repl", "Replica I/O for channel '': Error reconnecting to source 'repl@{ip}:3306'. This was attempt {1-86400}/86400, with a delay of 60 seconds between attempts."),
		},
	})

	redisLevels := map[string][]string{"debug": {".", "-"}, "info": {"*"}, "warning": {"#"}}
	register(&system{
		name:   "redis",
		levels: redisLevels,
		format: func(g *gen, l *line) string {
			return g.pid() + ":" + g.pick([]string{"M", "M", "S", "C"}) + " " + l.ts.Format("02 Jan 2006 15:04:05.000") + " " + l.level + " " + l.msg
		},
		tmpls: []tmpl{
			t("info", "database", "Ready to accept connections {tcp|unix}"),
			t("info", "database", "Server initialized"),
			t("info", "storage", "DB loaded from disk: {0-99}.{100-999} seconds"),
			t("info", "storage", "Background saving started by pid {pid}"),
			t("info", "storage", "Background saving terminated with success"),
			t("info", "storage", "DB saved on disk"),
			t("info", "storage", "{1|10|100} changes in {60|300|3600} seconds. Saving..."),
			t("info", "database", "MASTER <-> REPLICA sync: Finished with success"),
			t("info", "database", "Connecting to MASTER {ip}:6379"),
			t("info", "database", "Replica {ip}:6379 asks for synchronization"),
			t("info", "database", "Redis version={6.2.14|7.2.4|7.4.1}, bits=64, commit=00000000, modified=0, pid={pid}, just started"),
			t("info", "config", "Configuration loaded"),
			t("info", "system", "Received SIGTERM scheduling shutdown..."),
			t("debug", "network", "Accepted {ip}:{eport}"),
			t("debug", "network", "Client closed connection id={count} addr={ip}:{eport}"),
			t("debug", "database", "DB 0: {count} keys ({0-999} volatile) in {4096|8192|65536} slots HT."),
			t("debug", "resource", "{1-999} clients connected ({0-9} replicas), {count}{000|500} bytes in use"),
			t("warning", "config", "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition."),
			t("warning", "config", "WARNING: The TCP backlog setting of 511 cannot be enforced because /proc/sys/net/core/somaxconn is set to the lower value of 128."),
			t("warning", "config", "Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf"),
			t("warning", "resource", "WARNING: {1-9}{00|50} clients, maxclients reached"),
			t("warning", "network", "Connection with master lost."),
			t("warning", "network", "Timeout connecting to the MASTER..."),
			t("warning", "database", "MASTER aborted replication with an error: NOAUTH Authentication required."),
			// Redis has no level above warning: its '#' lines that report a
			// failed operation are judged error by content.
			t("error", "resource", "Can't save in background: fork: Cannot allocate memory").lv("#"),
			t("error", "storage", "Write error saving DB on disk: No space left on device").lv("#"),
			t("error", "storage", "Failed opening the temp RDB file temp-{pid}.rdb (in server root dir /var/lib/redis) for saving: Permission denied").lv("#"),
			t("error", "network", "Error condition on socket for SYNC: Connection refused").lv("#"),
			t("critical", "database", "Bad file format reading the append only file appendonly.aof.{1-9}.incr.aof, make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>").lv("#"),
			t("critical", "system", "Redis {6.2.14|7.2.4} crashed by signal: 11, si_code: {0|1|128}").lv("#"),
		},
	})

	mongoLevels := map[string][]string{"debug": {"D1", "D2"}, "info": {"I"}, "warning": {"W"}, "error": {"E"}, "critical": {"F"}}
	register(&system{
		name:   "mongodb",
		levels: mongoLevels,
		comps:  []string{"NETWORK"},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf(`{"t":{"$date":%q},"s":%q,"c":%q,"id":%d,"ctx":%q,"msg":%s}`, l.ts.Format("2006-01-02T15:04:05.000+00:00"), l.level, l.comp, 20000+g.r.IntN(30000),
				g.pick([]string{"conn" + strconv.Itoa(g.r.IntN(9999)), "listener", "initandlisten", "Checkpointer", "ReplCoord-3", "TTLMonitor"}), jsonString(l.msg))
		},
		tmpls: []tmpl{
			tc("info", "network", "NETWORK", "Connection accepted"),
			tc("info", "network", "NETWORK", "Connection ended"),
			tc("info", "auth", "ACCESS", "Authentication succeeded"),
			tc("info", "database", "COMMAND", "Slow query"),
			tc("info", "storage", "STORAGE", "WiredTiger message"),
			tc("info", "database", "REPL", "Transition to primary complete; database writes are now permitted"),
			tc("info", "database", "INDEX", "Index build: done building"),
			tc("info", "config", "CONTROL", "Options set by command line"),
			tc("info", "database", "CONTROL", "MongoDB starting"),
			tc("warning", "auth", "ACCESS", "Authentication failed"),
			tc("warning", "config", "CONTROL", "Access control is not enabled for the database. Read and write access to data and configuration is unrestricted"),
			tc("warning", "network", "REPL_HB", "Heartbeat failed after max retries"),
			tc("warning", "resource", "STORAGE", "Cache pressure: eviction is falling behind"),
			tc("error", "database", "QUERY", "Plan executor error during find command"),
			tc("error", "network", "NETWORK", "Error sending response to client. Ending connection from remote"),
			tc("error", "database", "REPL", "Error in heartbeat request; NodeNotFound"),
			tc("critical", "storage", "STORAGE", "WiredTiger error: No space left on device"),
			tc("critical", "database", "ASSERT", "Fatal assertion"),
			tc("debug", "database", "QUERY", "Beginning planning"),
			tc("debug", "network", "NETWORK", "Session from remote encountered a network error during SourceMessage"),
		},
	})
}
