package synth

import "fmt"

// Database servers and their middleware: PgBouncer ("date [pid] LOG msg"),
// ClickHouse ("date [ thread ] {query id} <Level> Logger: msg", the logger
// is the component), SQL Server's ERRORLOG ("date spidN msg", no level, the
// spid or Server/Logon source is shown but the component is none), an
// Oracle alert log body (no level, no component) and Hive's metastore and
// server in log4j. Conventions: queries, transactions, pools, replication
// of a database and its schema are database; data files, parts, merges and
// backups written to disk are storage; memory limits and slow merges are
// resource; logins are auth. Severity is the line's level where it has
// one; SQL Server's and Oracle's are judged from the content (an ORA-
// error that stops an instance is critical).
func init() {
	register(&system{
		name:   "pgbouncer",
		levels: map[string][]string{"debug": {"DEBUG", "NOISE"}, "info": {"LOG"}, "warning": {"WARNING"}, "error": {"ERROR"}, "critical": {"FATAL"}},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf("%s [%s] %s %s", l.ts.Format("2006-01-02 15:04:05.000 MST"), g.pid(), l.level, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "database", "-", "stats: {0-900} xacts/s, {0-9000} queries/s, in {count} B/s, out {count} B/s, xact {count} us, query {count} us, wait {count} us"),
			tc("info", "database", "-", "C-0x{hex}: {db}/{user}@{ip}:{eport} login attempt: db={db} user={user} tls=no"),
			tc("info", "database", "-", "S-0x{hex}: {db}/{user}@{ip}:5432 new connection to server (from {ip}:{eport})"),
			tc("info", "database", "-", "C-0x{hex}: {db}/{user}@{ip}:{eport} closing because: client close request (age={1-9000}s)"),
			tc("warning", "database", "-", "C-0x{hex}: {db}/{user}@{ip}:{eport} pooler error: no more connections allowed (max_client_conn)"),
			tc("warning", "database", "-", "S-0x{hex}: {db}/{user}@{ip}:5432 closing because: server conn crashed? (age={1-9000}s)"),
			tc("error", "database", "-", "S-0x{hex}: {db}/{user}@{ip}:5432 closing because: query_wait_timeout (age={120-900}s)"),
			tc("error", "auth", "-", "C-0x{hex}: {db}/{user}@{ip}:{eport} pooler error: password authentication failed"),
			tc("error", "network", "-", "S-0x{hex}: {db}/{user}@{ip}:5432 closing because: connect failed (age=0s)"),
			tc("critical", "config", "-", "cannot load config file /etc/pgbouncer/pgbouncer.ini: unknown parameter: {pool_mod|max_client_con}"),
			tc("info", "config", "-", "got SIGHUP, re-reading config"),
			tc("debug", "database", "-", "C-0x{hex}: {db}/{user}@{ip}:{eport} released server connection S-0x{hex}"),
			tc("info", "application", "-", "process up: PgBouncer 1.{15-23}.{0-2}, libevent 2.1.12-stable (epoll), adns: c-ares 1.{18-28}.{0-2}, tls: OpenSSL 3.0.{1-13}"),
		},
	})

	register(&system{
		name:   "clickhouse",
		comps:  []string{"MergeTreeBackgroundExecutor"},
		levels: map[string][]string{"debug": {"Debug", "Trace"}, "info": {"Information"}, "warning": {"Warning"}, "error": {"Error"}, "critical": {"Fatal"}},
		format: func(g *gen, l *line) string {
			qid := ""
			if g.r.IntN(2) == 0 {
				qid = " {" + g.uuid() + "}"
			}
			return fmt.Sprintf("%s [ %d ]%s <%s> %s: %s", l.ts.Format("2006.01.02 15:04:05.000000"), 1+g.r.IntN(900), qid, l.level, l.comp, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "storage", "analytics.events (3f0c9a1e-7b2d-4c55-9e61-0a8d2f4b7c13)|MergeTreeBackgroundExecutor", "Removing {1-90} parts from filesystem (serially): Parts: [all_{1-900}_{1-900}_{1-9}]"),
			tc("debug", "storage", "MergeTask::PrepareStage|MergeTreeSequentialSource", "Merging {2-30} parts: from all_{1-900}_{1-900}_{1-9} to all_{1-900}_{1-900}_{1-9} into Compact with storage Full"),
			tc("info", "storage", "BackupsWorker", "Backup Disk('backups', '{word}-{id}') was created successfully, {count} files, {size}"),
			tc("error", "storage", "MergeTreeBackgroundExecutor", "Exception while executing background task: Code: 243. DB::Exception: Cannot reserve {size}, not enough space. (NOT_ENOUGH_SPACE)"),
			tc("warning", "storage", "ReplicatedMergeTreePartCheckThread", "Part all_{1-900}_{1-900}_{1-9} is lost forever; fetching from replica {host}"),
			tc("info", "database", "executeQuery", "Read {count} rows, {size} in {0-9}.{000001-999999} sec., {count} rows/sec., {size}/sec."),
			tc("debug", "database", "executeQuery", "(from {ip}:{eport}, user: {user}) SELECT count() FROM {db}.{table} WHERE event_date >= today() - {1-30} (stage: Complete)"),
			tc("error", "database", "executeQuery", "Code: 60. DB::Exception: Table {db}.{table} does not exist. (UNKNOWN_TABLE) (version 2{3|4|5}.{1-12}.{1-9}.{1-90} (official build)) (from {ip}:{eport})"),
			tc("warning", "database", "metrics.samples (ReplicatedMergeTreeRestartingThread)|ReplicatedMergeTreeRestartingThread", "Table was in readonly mode. Will try to activate it."),
			tc("error", "resource", "executeQuery", "Code: 241. DB::Exception: Memory limit (for query) exceeded: would use {1-90}.{00-99} GiB (attempt to allocate chunk of {count} bytes), maximum: {1-90}.{00-99} GiB. (MEMORY_LIMIT_EXCEEDED)"),
			tc("warning", "resource", "MergeTreeDataMergerMutator|MergeTreeBackgroundExecutor", "Too many parts ({300-3000}) in table {db}.{table}; merges are slower than inserts"),
			tc("info", "network", "Application", "Listening for http://[::]:8123"),
			tc("error", "network", "ZooKeeperClient|KeeperClient", "Code: 999. Coordination::Exception: Connection loss, path: /clickhouse/tables/{1-9}/{table}/replicas"),
			tc("warning", "auth", "AccessControl|TCPHandler", "{user}: Authentication failed: password is incorrect, or there is no user with such name."),
			tc("info", "config", "ConfigReloader", "Loaded config '/etc/clickhouse-server/config.xml', performed update on configuration"),
			tc("critical", "application", "BaseDaemon", "########## Short fault info ############ (version 2{3|4|5}.{1-12}.{1-9}) Received signal Segmentation fault (11)"),
		},
	})

	register(&system{
		name: "sqlserver",
		format: func(g *gen, l *line) string {
			src := g.pick([]string{"spid" + fmt.Sprint(5+g.r.IntN(300)), "Server", "Logon", "Backup"})
			return l.ts.Format("2006-01-02 15:04:05.00") + " " + src + " " + l.msg
		},
		tmpls: []tmpl{
			tc("info", "database", "-", "Starting up database '{db}'."),
			tc("info", "database", "-", "Recovery is complete. This is an informational message only. No user action is required."),
			tc("info", "storage", "-", "BACKUP DATABASE successfully processed {count} pages in {1-900}.{100-999} seconds ({1-900}.{100-999} MB/sec)."),
			tc("info", "storage", "-", "Database backed up. Database: {db}, creation date(time): {2025|2026}/{01-12}/{10-28}({10-23}:{10-59}:{10-59}), pages dumped: {count}, first LSN: {count}:{count}:1, number of dump devices: 1."),
			tc("warning", "resource", "-", "SQL Server has encountered {1-900} occurrence(s) of I/O requests taking longer than 15 seconds to complete on file [D:\\Data\\{db}.mdf] in database id {5-90}."),
			tc("warning", "resource", "-", "A significant part of sql server process memory has been paged out. This may result in a performance degradation."),
			tc("error", "database", "-", "Error: 1205, Severity: 13, State: 51. Transaction (Process ID {50-300}) was deadlocked on lock resources with another process and has been chosen as the deadlock victim."),
			tc("error", "storage", "-", "Error: 823, Severity: 24, State: 2. The operating system returned error 21(The device is not ready.) to SQL Server during a read at offset 0x{hex} in file 'D:\\Data\\{db}.mdf'."),
			tc("critical", "storage", "-", "Error: 9002, Severity: 17, State: 2. The transaction log for database '{db}' is full due to 'LOG_BACKUP'."),
			tc("warning", "auth", "-", "Login failed for user '{user}'. Reason: Password did not match that for the login provided. [CLIENT: {ip}]"),
			tc("info", "config", "-", "Configuration option 'max server memory (MB)' changed from {1024-65536} to {1024-65536}. Run the RECONFIGURE statement to install."),
			tc("info", "system", "-", "SQL Server is starting at normal priority base (=7). This is an informational message only. No user action is required."),
			tc("info", "database", "-", "AlwaysOn Availability Groups connection with secondary database established for primary database '{db}' on the availability replica '{host}'."),
			tc("error", "network", "-", "A connection timeout has occurred while attempting to establish a connection to availability replica '{host}' with id [{uuid}]."),
		},
	})

	register(&system{
		name: "oracle-alert",
		format: func(g *gen, l *line) string {
			return l.ts.Format("2006-01-02T15:04:05.000000-07:00") + " " + l.msg
		},
		tmpls: []tmpl{
			tc("info", "database", "-", "Thread 1 advanced to log sequence {count} (LGWR switch),  current SCN: {offset}"),
			tc("info", "database", "-", "Completed: ALTER DATABASE OPEN"),
			tc("info", "database", "-", "Archived Log entry {count} added for B-{offset}.T-1.S-{count} ID 0x{hex} LAD:1"),
			tc("warning", "database", "-", "Thread 1 cannot allocate new log, sequence {count}; Checkpoint not complete"),
			tc("error", "database", "-", "ORA-01555 caused by SQL statement below (SQL ID: {hex}, Query Duration={60-90000} sec, SCN: 0x{hex})"),
			tc("error", "database", "-", "ORA-00060: Deadlock detected. See Note 60.1 at My Oracle Support for Troubleshooting ORA-60 Errors."),
			tc("error", "storage", "-", "ORA-19815: WARNING: db_recovery_file_dest_size of {1-900} bytes is 100.00% used, and has 0 remaining bytes available."),
			tc("critical", "storage", "-", "ORA-00257: Archiver error. Connect AS SYSDBA only until resolved."),
			tc("critical", "database", "-", "Instance terminated by PMON, pid = {pid}"),
			tc("warning", "resource", "-", "ORA-04036: PGA memory used by the instance exceeds PGA_AGGREGATE_LIMIT"),
			tc("info", "config", "-", "ALTER SYSTEM SET {sga_target|processes|open_cursors}={1-9000}{M|} SCOPE=SPFILE;"),
			tc("error", "network", "-", "TNS-12535: TNS:operation timed out ns secondary err code: 12560 Client address: (ADDRESS=(PROTOCOL=tcp)(HOST={ip})(PORT={eport}))"),
		},
	})

	const (
		hms = "org.apache.hadoop.hive.metastore.HiveMetaStore|metastore.HiveMetaStore|HiveMetaStore"
		hs2 = "org.apache.hive.service.cli.operation.Operation|operation.Operation"
	)
	register(&system{
		name:   "hive",
		levels: log4jLevels,
		format: fmtLog4j,
		tmpls: []tmpl{
			tc("info", "database", hms, "{1-9}: get_table : tbl=hive.{db}.{table}"),
			tc("info", "database", hms, "{1-9}: add_partitions : tbl=hive.{db}.{table}, {1-900} partitions"),
			tc("info", "database", "org.apache.hadoop.hive.ql.Driver|ql.Driver", "Executing command(queryId=hive_{offset}_{uuid}): INSERT OVERWRITE TABLE {db}.{table} PARTITION (dt='{2025|2026}-{01-12}-{10-28}') SELECT * FROM {db}.staging_{table}"),
			tc("info", "database", "org.apache.hadoop.hive.ql.Driver|ql.Driver", "Completed executing command(queryId=hive_{offset}_{uuid}); Time taken: {1-900}.{100-999} seconds"),
			tc("error", "database", hs2, "Error running hive query: org.apache.hive.service.cli.HiveSQLException: Error while compiling statement: FAILED: SemanticException [Error 10001]: Line 1:{10-90} Table not found '{table}'"),
			tc("warning", "database", "org.apache.hadoop.hive.metastore.RetryingHMSHandler|metastore.RetryingHMSHandler", "Retrying HMSHandler after 2000 ms (attempt {1-10} of 10) with error: javax.jdo.JDOFatalDataStoreException: Communications link failure"),
			tc("info", "scheduler", "org.apache.hadoop.hive.ql.exec.tez.TezTask|tez.TezTask", "Dag name: INSERT OVERWRITE TABLE {db}.{table}...(Stage-1), DAG ID: dag_{offset}_{0001-9999}_{1-9}"),
			tc("info", "scheduler", "org.apache.hadoop.hive.ql.txn.compactor.Initiator|compactor.Initiator", "Requesting {MAJOR|MINOR} compaction for {db}.{table}/dt={2025|2026}-{01-12}-{10-28}"),
			tc("info", "storage", "org.apache.hadoop.hive.ql.exec.MoveTask|exec.MoveTask", "Loading data to table {db}.{table} partition (dt={2025|2026}-{01-12}-{10-28}) from hdfs://{host}:8020/warehouse/tablespace/managed/hive/{db}.db/{table}/.hive-staging_hive_{id}"),
			tc("warning", "resource", "org.apache.hadoop.hive.ql.exec.mr.ExecDriver|org.apache.hadoop.hive.ql.exec.tez.TezJobMonitor", "Query {uuid} exceeded the configured hive.query.timeout.seconds ({60-3600}); killing"),
			tc("error", "auth", "org.apache.hive.service.auth.HiveAuthFactory|auth.HiveAuthFactory", "Error authenticating with the PAM service: login for user {user} failed"),
			tc("info", "network", "org.apache.hive.service.server.HiveServer2|server.HiveServer2", "Starting ThriftBinaryCLIService on port 10000 with {5-500}...{500-5000} worker threads"),
			tc("warning", "config", "org.apache.hadoop.hive.conf.HiveConf|conf.HiveConf", "HiveConf of name hive.{metastore.local|server2.enable.impersonation} does not exist"),
			tc("debug", "database", "org.apache.hadoop.hive.metastore.ObjectStore|metastore.ObjectStore", "Commit transaction: count = {1-9}, isactive true at: org.apache.hadoop.hive.metastore.ObjectStore.getTable"),
			tc("critical", "database", hms, "MetaException(message:Hive Schema version {1-4}.{0-9}.0 does not match metastore's schema version {1-4}.{0-9}.0 Metastore is not upgraded or corrupt)"),
		},
	})
}
