package synth

import (
	"fmt"
	"strings"
)

// Operations tooling: Jenkins (java.util.logging "date [id=N]\tLEVEL\tclass#method: msg"),
// Airflow ("[date] {file.py:line} LEVEL - msg", the source file is the
// component), Celery ("[date: LEVEL/MainProcess] msg", no component),
// RabbitMQ ("date [level] <0.N.0> msg", no component), the Docker daemon
// (logrus under syslog as dockerd), Prometheus and Alertmanager (logfmt with
// component=) and Grafana (logfmt with logger=). Conventions: builds,
// pipelines, DAG runs, task instances, Celery tasks and container lifecycle
// are scheduler; queues, consumers and channels of the broker are
// application unless they are about the socket (network) or memory and
// disk alarms (resource); TSDB blocks, WAL and compaction are storage;
// rule evaluation and notifications sent are application. Severity is the
// line's level.
func init() {
	julLevels := map[string][]string{"debug": {"FINE", "FINER"}, "info": {"INFO"}, "warning": {"WARNING"}, "error": {"SEVERE"}}
	register(&system{
		name:   "jenkins",
		comps:  []string{"hudson.model.Run#execute"},
		levels: julLevels,
		format: func(g *gen, l *line) string {
			return fmt.Sprintf("%s [id=%d]\t%s\t%s: %s", l.ts.Format("2006-01-02 15:04:05.000-0700"), 1+g.r.IntN(900), l.level, l.comp, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "scheduler", "hudson.model.Run#execute", "{word}-pipeline #{1-9000} main build action completed: SUCCESS"),
			tc("warning", "scheduler", "hudson.model.Run#execute", "{word}-pipeline #{1-9000} main build action completed: UNSTABLE"),
			tc("error", "scheduler", "hudson.model.Run#execute", "{word}-pipeline #{1-9000} main build action completed: FAILURE"),
			tc("info", "scheduler", "hudson.model.Queue#maintain|hudson.model.Queue$BuildableItem", "Queue item {word}-pipeline #{1-9000} waiting for next available executor on {linux|docker|windows}-agent"),
			tc("info", "scheduler", "hudson.triggers.SCMTrigger$Runner#run|hudson.triggers.TimerTrigger#run", "Started build of {word}-nightly triggered by timer"),
			tc("warning", "scheduler", "hudson.model.Executor#finish1", "Executor #{0-9} for {host} : executing {word}-pipeline #{1-9000} was interrupted: aborted by {user}"),
			tc("info", "scheduler", "hudson.slaves.NodeProvisioner#update|hudson.slaves.NodeProvisioner$StandardStrategyImpl", "Started provisioning {word}-agent-{hex} from kubernetes with {1-4} executors. Remaining excess workload: 0"),
			tc("info", "network", "hudson.slaves.ChannelPinger#install", "Set up a remote ping for {host}"),
			tc("warning", "network", "hudson.slaves.ChannelPinger$1#onDead", "Ping failed. Terminating the channel {host}. java.util.concurrent.TimeoutException: Ping started at {offset} hasn't completed by {offset}"),
			tc("info", "auth", "jenkins.security.SecurityListener#loggedIn", "Login attempt succeeded for {user}"),
			tc("warning", "auth", "jenkins.security.SecurityListener#failedToLogIn|jenkins.security.BasicHeaderProcessor#doFilter", "Login attempt failed for {user}"),
			tc("warning", "auth", "hudson.security.csrf.CrumbFilter#doFilter", "No valid crumb was included in request for /job/{word}/build by {user}. Returning 403."),
			tc("info", "storage", "hudson.model.WorkspaceCleanupThread#execute", "Deleting {count} stale workspaces on {host}, {size} reclaimed"),
			tc("warning", "storage", "hudson.node_monitors.DiskSpaceMonitorDescriptor#markNodeOfflineOrOnline", "Making {host} offline temporarily due to the lack of disk space"),
			tc("info", "application", "jenkins.InitReactorRunner$1#onAttained", "Completed initialization"),
			tc("info", "application", "hudson.lifecycle.Lifecycle#onReady", "Jenkins is fully up and running"),
			tc("error", "application", "hudson.init.impl.InstallUncaughtExceptionHandler#handleException", "Caught unhandled exception with ID {uuid}"),
			tc("warning", "config", "hudson.PluginManager#loadDetachedPlugins|jenkins.model.Jenkins#loadConfig", "Failed to load {word}-plugin v{version}: dependency workflow-api v{version} is older than required"),
			tc("info", "config", "io.jenkins.plugins.casc.ConfigurationAsCode#configure", "Configuration as Code applied from /var/jenkins_home/casc.yaml"),
			tc("debug", "scheduler", "hudson.model.LoadStatistics#doRun|hudson.model.Queue#maintain", "Queue maintenance started: {0-90} buildable, {0-90} blocked, {0-90} pending"),
			tc("warning", "resource", "jenkins.util.Timer#run|hudson.model.AsyncPeriodicWork#doRun", "Periodic work {Fingerprint cleanup|Workspace clean-up} took {60-900} s, longer than its period"),
		},
	})

	register(&system{
		name:   "airflow",
		comps:  []string{"taskinstance.py"},
		levels: log4jLevels,
		format: func(g *gen, l *line) string {
			lv := l.level
			if lv == "WARN" {
				lv = "WARNING"
			}
			return fmt.Sprintf("[%s] {%s:%d} %s - %s", l.ts.Format("2006-01-02T15:04:05.000+0000"), l.comp, 50+g.r.IntN(3000), lv, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "scheduler", "taskinstance.py", "Marking task as SUCCESS. dag_id={word}_etl, task_id={extract|transform|load|notify}, execution_date={2025|2026}{01-12}{10-28}T000000, start_date={2025|2026}{01-12}{10-28}T{10-23}{10-59}{10-59}, end_date={2025|2026}{01-12}{10-28}T{10-23}{10-59}{10-59}"),
			tc("info", "scheduler", "taskinstance.py", "Starting attempt {1-4} of {1-4}"),
			tc("error", "scheduler", "taskinstance.py", "Marking task as FAILED. dag_id={word}_etl, task_id={extract|transform|load}, run_id=scheduled__{2025|2026}-{01-12}-{10-28}T00:00:00+00:00"),
			tc("warning", "scheduler", "taskinstance.py", "Marking task as UP_FOR_RETRY. dag_id={word}_etl, task_id={extract|transform|load}"),
			tc("info", "scheduler", "scheduler_job_runner.py", "{1-90} tasks up for execution"),
			tc("info", "scheduler", "dagrun.py", "Marking run <DagRun {word}_etl @ {2025|2026}-{01-12}-{10-28} 00:00:00+00:00: scheduled__{2025|2026}-{01-12}-{10-28}T00:00:00+00:00, state:running> successful"),
			tc("warning", "scheduler", "scheduler_job_runner.py", "Detected zombie job: ⟨'full_filepath': '/opt/airflow/dags/{word}.py', 'msg': 'Detected <TaskInstance: {word}_etl.load> as zombie'⟩"),
			tc("error", "scheduler", "standard_task_runner.py", "Failed to execute job {id} for task {extract|load} ([Errno 32] Broken pipe; {pid})"),
			tc("debug", "scheduler", "base_executor.py", "{0-32} running task instances, {0-90} in queue, {0-32} open slots"),
			tc("info", "database", "sql.py|postgres.py", "Running statement: INSERT INTO {table} SELECT * FROM staging_{table}, parameters: None"),
			tc("info", "database", "sql.py", "Rows affected: {count}"),
			tc("error", "database", "base.py", "Connection to {db} failed: (psycopg2.OperationalError) could not connect to server: Connection timed out"),
			tc("info", "storage", "s3.py|gcs.py", "Uploaded {size} to s3://{word}-lake/raw/{word}/{2025|2026}/{01-12}/{10-28}/part-{id}.parquet"),
			tc("error", "storage", "file_task_handler.py", "Could not read served logs: /opt/airflow/logs/dag_id={word}_etl/attempt={1-4}.log not found"),
			tc("warning", "resource", "taskinstance.py", "Task exceeded its execution_timeout of {0:30:00|1:00:00}; sending SIGTERM"),
			tc("warning", "config", "configuration.py", "The {sql_alchemy_conn|executor} option in [core] has been moved to the sql_alchemy_conn option in [database] - the old setting has been used, but please update your config."),
			tc("error", "config", "dagbag.py", "Failed to import: /opt/airflow/dags/{word}.py"),
			tc("info", "application", "scheduler_job_runner.py", "Starting the scheduler"),
			tc("critical", "application", "scheduler_command.py|scheduler_job_runner.py", "Exception when executing SchedulerJob._run_scheduler_loop").lv("ERROR"), // the loop dies, so the scheduler stops
		},
	})

	celeryLevels := map[string][]string{"debug": {"DEBUG"}, "info": {"INFO"}, "warning": {"WARNING"}, "error": {"ERROR"}, "critical": {"CRITICAL"}}
	register(&system{
		name:   "celery",
		levels: celeryLevels,
		format: func(g *gen, l *line) string {
			proc := g.pick([]string{"MainProcess", "MainProcess", "ForkPoolWorker-" + fmt.Sprint(1+g.r.IntN(16))})
			return fmt.Sprintf("[%s: %s/%s] %s", l.ts.Format("2006-01-02 15:04:05,000"), l.level, proc, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "scheduler", "-", "Task {app}.tasks.{send_email|resize_image|sync_orders|generate_report}[{uuid}] received"),
			tc("info", "scheduler", "-", "Task {app}.tasks.{send_email|resize_image|sync_orders}[{uuid}] succeeded in {sec}s: None"),
			tc("warning", "scheduler", "-", "Task {app}.tasks.{sync_orders|generate_report}[{uuid}] retry: Retry in {5-600}s: ConnectionError()"),
			tc("error", "scheduler", "-", "Task {app}.tasks.{sync_orders|generate_report}[{uuid}] raised unexpected: {KeyError|ValueError|TimeoutError}('{word}')"),
			tc("error", "resource", "-", "Hard time limit ({300|600|1800}s) exceeded for {app}.tasks.generate_report[{uuid}]"),
			tc("warning", "resource", "-", "Soft time limit ({240|540}s) exceeded for {app}.tasks.generate_report[{uuid}]"),
			tc("error", "resource", "-", "Process 'ForkPoolWorker-{1-16}' pid:{pid} exited with 'signal 9 (SIGKILL)'"),
			tc("info", "network", "-", "Connected to amqp://{app}:**@{host}:5672//"),
			tc("error", "network", "-", "consumer: Cannot connect to redis://{host}:6379/0: Error 111 connecting to {host}:6379. Connection refused.. Trying again in {2-32}.00 seconds... ({1-9}/100)"),
			tc("info", "application", "-", "celery@{host} ready."),
			tc("info", "application", "-", "mingle: all alone"),
			tc("debug", "scheduler", "-", "TaskPool: Apply <function _fast_trace_task at 0x{hex}> (args:('{app}.tasks.send_email', '{uuid}'))"),
			tc("info", "scheduler", "-", "Scheduler: Sending due task {word}-every-{5|15|60}-minutes ({app}.tasks.sync_orders)"),
			tc("critical", "application", "-", "Unrecoverable error: OperationalError('[Errno 104] Connection reset by peer')"),
			tc("warning", "config", "-", "Using settings.DEBUG leads to a memory leak, never use this setting in production environments!"),
		},
	})

	register(&system{
		name:   "rabbitmq",
		levels: map[string][]string{"debug": {"debug"}, "info": {"info", "notice"}, "warning": {"warning"}, "error": {"error"}, "critical": {"critical", "alert", "emergency"}},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf("%s [%s] <0.%d.0> %s", l.ts.Format("2006-01-02 15:04:05.000000+00:00"), l.level, 100+g.r.IntN(90000), l.msg)
		},
		tmpls: []tmpl{
			tc("info", "network", "-", "accepting AMQP connection <0.{100-90000}.0> ({ip}:{eport} -> {ip}:5672)"),
			tc("info", "auth", "-", "connection <0.{100-90000}.0> ({ip}:{eport} -> {ip}:5672): user '{user}' authenticated and granted access to vhost '/{app}'"),
			tc("info", "network", "-", "closing AMQP connection <0.{100-90000}.0> ({ip}:{eport} -> {ip}:5672, vhost: '/', user: '{user}')"),
			tc("warning", "network", "-", "closing AMQP connection <0.{100-90000}.0> ({ip}:{eport} -> {ip}:5672): client unexpectedly closed TCP connection"),
			tc("error", "network", "-", "closing AMQP connection <0.{100-90000}.0> ({ip}:{eport} -> {ip}:5672): missed heartbeats from client, timeout: 60s"),
			tc("error", "auth", "-", "Error on AMQP connection <0.{100-90000}.0> ({ip}:{eport} -> {ip}:5672, state: starting): PLAIN login refused: user '{user}' - invalid credentials"),
			tc("warning", "resource", "-", "memory resource limit alarm set on node rabbit@{host}. Publishers will be blocked until this alarm clears"),
			tc("info", "resource", "-", "memory resource limit alarm cleared on node rabbit@{host}"),
			tc("warning", "resource", "-", "disk resource limit alarm set on node rabbit@{host}. Free disk space {1-50}MB below limit {50-100}MB"),
			tc("info", "application", "-", "Queue '{app}.{word}' in vhost '/' declared, durable, {0-9} consumers"),
			tc("info", "application", "-", "Server startup complete; {1-9} plugins started."),
			tc("warning", "application", "-", "Queue '{app}.{word}' in vhost '/': message TTL expired for {count} messages, dead-lettered to '{app}.dlx'"),
			tc("info", "storage", "-", "Message store \"{hex}/msg_store_persistent\": rebuilding indices from scratch, {count} messages"),
			tc("error", "storage", "-", "Mnesia(rabbit@{host}): ** ERROR ** mnesia_event got {inconsistent_database|write_error}, running_partitioned_network"),
			tc("warning", "network", "-", "Partial partition detected: rabbit@{host} was unreachable from rabbit@{host}"),
			tc("info", "scheduler", "-", "Mirrored queue '{app}.{word}' in vhost '/': Slave <rabbit@{host}.{offset}.{count}.0> saw deaths of mirrors"),
			tc("info", "config", "-", "Applying definitions from file at '/etc/rabbitmq/definitions.json'"),
			tc("error", "config", "-", "Error: failed to prepare configuration: invalid setting '{loopback_user|disk_free_limit.absolute}'"),
			tc("debug", "network", "-", "Connection <0.{100-90000}.0> negotiated frame_max {4096|131072}, channel_max {1-2047}, heartbeat {30|60}"),
			tc("critical", "system", "-", "Erlang VM out of atoms or processes ({count} of {count}); node rabbit@{host} halting"),
		},
	})

	register(&system{
		name:   "dockerd",
		comps:  []string{"dockerd"},
		levels: goLevels,
		format: func(g *gen, l *line) string {
			body := `time="` + l.ts.Format("2006-01-02T15:04:05.000000000Z07:00") + `" level=` + l.level + " msg=" + fmt.Sprintf("%q", l.msg)
			return l.ts.Format("Jan _2 15:04:05") + " " + g.hostName() + " " + l.comp + "[" + g.pid() + "]: " + body
		},
		tmpls: []tmpl{
			t("info", "scheduler", "ignoring event container={cid} module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\""),
			t("info", "scheduler", "Container {sha} failed to exit within 10 seconds of signal 15 - using the force"),
			t("info", "scheduler", "shim disconnected id={cid} namespace=moby"),
			t("warning", "scheduler", "Health check for container {cid} error: timed out starting health check for container {cid}"),
			t("error", "scheduler", "Handler for POST /v1.{40-45}/containers/{sha}/start returned error: driver failed programming external connectivity on endpoint {app}: Bind for 0.0.0.0:{port} failed: port is already allocated"),
			t("info", "storage", "Layer sha256:{cid} cleaned up"),
			t("info", "storage", "Attempting next endpoint for pull after error: manifest unknown"),
			t("error", "storage", "Failed to mount overlay: no space left on device"),
			t("warning", "storage", "failed to prune image sha256:{cid}: conflict: unable to delete {sha} (cannot be forced) - image is being used by running container {sha}"),
			t("info", "network", "Default bridge (docker0) is assigned with an IP address 172.17.0.0/16. Daemon option --bip can be used to set a preferred IP address"),
			t("error", "network", "Error response from daemon: Get \"https://{fqdn}/v2/\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)"),
			t("warning", "network", "Failed to allocate and map port {port}-{port}: iptables failed"),
			t("info", "application", "Docker daemon commit={sha} graphdriver=overlay2 version={20|24|25|26}.{0-9}.{0-9}"),
			t("info", "application", "API listen on /run/docker.sock"),
			t("warning", "config", "Your kernel does not support swap memory limit"),
			t("error", "config", "unable to configure the Docker daemon with file /etc/docker/daemon.json: invalid character '⟩' looking for beginning of object key string"),
			t("error", "auth", "Handler for GET /v1.{40-45}/images/{word}/json returned error: unauthorized: authentication required"),
			t("warning", "resource", "Container {cid} memory usage {90-99}% of limit {256|512|1024}MiB"),
			t("debug", "network", "Calling GET /v1.{40-45}/containers/json?all=1"),
			t("critical", "system", "failed to start daemon: error initializing graphdriver: driver not supported"),
		},
	})

	promComps := "tsdb|rule|notifier|scrape|web|discovery|head|compactor"
	register(&system{
		name:   "prometheus",
		comps:  strings.Split(promComps, "|"),
		levels: map[string][]string{"debug": {"debug"}, "info": {"info"}, "warning": {"warn"}, "error": {"error"}},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf("ts=%s caller=%s:%d level=%s component=%s msg=%q", l.ts.Format("2006-01-02T15:04:05.000Z"),
				g.pick([]string{"db.go", "head.go", "manager.go", "compact.go", "main.go", "notifier.go", "scrape.go"}), 50+g.r.IntN(1500), l.level, l.comp, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "storage", "tsdb|compactor", "write block mint={offset} maxt={offset} ulid=01{hex}{hex} duration={1-900}.{100-999}ms"),
			tc("info", "storage", "head|tsdb", "Head GC completed caller=truncateMemory duration={1-900}.{100-999}ms"),
			tc("info", "storage", "tsdb", "WAL checkpoint complete first={count} last={count} duration={1-900}ms"),
			tc("info", "storage", "tsdb", "Deleting obsolete block block=01{hex}{hex}"),
			tc("warning", "storage", "tsdb", "Encountered WAL read error, attempting repair segment={count} offset={bytes}"),
			tc("error", "storage", "tsdb", "compaction failed: persist head block: write chunks: no space left on device"),
			tc("info", "application", "rule", "Rule group {app}.rules loaded, {1-90} rules, interval 1m"),
			tc("warning", "application", "rule", "Evaluating rule failed: rule=\"alert: {word}High\" err=\"vector contains metrics with the same labelset after applying alert labels\""),
			tc("info", "application", "notifier", "Sent {1-90} alerts to Alertmanager at http://{host}:9093/api/v2/alerts"),
			tc("error", "network", "notifier", "Error sending alert alertmanager=http://{host}:9093/api/v2/alerts count={1-90} err=\"Post \\\"http://{host}:9093/api/v2/alerts\\\": context deadline exceeded\""),
			tc("debug", "network", "scrape", "Scrape failed scrape_pool={app} target=http://{ip}:{9100|8080|9090}/metrics err=\"Get \\\"http://{ip}:9100/metrics\\\": dial tcp {ip}:9100: connect: connection refused\""),
			tc("warning", "resource", "scrape", "Appending scrape report failed err=\"out of bounds\" scrape_pool={app}"),
			tc("warning", "resource", "head", "Series limit of {1000000|5000000} reached, {count} new series dropped"),
			tc("info", "config", "web|main", "Completed loading of configuration file filename=/etc/prometheus/prometheus.yml totalDuration={1-900}ms"),
			tc("error", "config", "web|main", "Error loading config (--config.file=/etc/prometheus/prometheus.yml) err=\"parsing YAML file: yaml: unmarshal errors: line {1-90}: field {scrape_intervall|relabel_config} not found\""),
			tc("info", "scheduler", "discovery", "Discoverer channel closed provider=kubernetes/{0-9} targets {count}"),
		},
	})

	register(&system{
		name:   "grafana",
		comps:  []string{"server"},
		levels: map[string][]string{"debug": {"debug"}, "info": {"info"}, "warning": {"warn"}, "error": {"error"}, "critical": {"crit"}},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf("logger=%s t=%s level=%s msg=%q", l.comp, l.ts.Format("2006-01-02T15:04:05.000000000Z07:00"), l.level, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "application", "context", "Request Completed method={method} path=/api/dashboards/uid/{hex} status={status2} remote_addr={ip} time_ms={1-900} duration={1-900}ms size={count} referer="),
			tc("error", "application", "context", "Request Completed method=GET path=/api/ds/query status=500 remote_addr={ip} time_ms={1-30000} duration={1-30000}ms size={count} referer= handler=/api/ds/query"),
			tc("info", "auth", "http.server|authn.service", "Successful Login User={email}"),
			tc("warning", "auth", "authn.service", "Failed to authenticate request client=auth.client.form error=\"[password-auth.failed] failed to authenticate identity: [identity.not-found] no user found\""),
			tc("info", "database", "sqlstore|migrator", "Executing migration id=\"{add index|alter table} {dashboard|alert_rule|annotation} {word}\""),
			tc("error", "database", "sqlstore", "Failed to connect to database error=\"dial tcp {ip}:5432: connect: connection refused\""),
			tc("info", "scheduler", "ngalert.scheduler", "Alert rule evaluated rule_uid={hex} org_id=1 results={1-90} duration={1-900}ms"),
			tc("warning", "scheduler", "ngalert.scheduler", "Tick dropped because alert rule evaluation is too slow rule_uid={hex} time={1-90}s"),
			tc("info", "config", "settings", "Config loaded from file=/etc/grafana/grafana.ini"),
			tc("warning", "config", "provisioning.datasources", "Datasource {word} has invalid field jsonData.{timeInterval|httpMethod}, ignoring"),
			tc("info", "network", "http.server", "HTTP Server Listen address=[::]:3000 protocol=http subUrl= socket="),
			tc("error", "network", "tsdb.prometheus", "Failed to query data source error=\"Post \\\"http://{host}:9090/api/v1/query_range\\\": dial tcp: lookup {host}: no such host\""),
			tc("critical", "application", "server", "Server shutdown error=\"failed to initialize plugins: plugin {word}-panel is not signed\""),
			tc("debug", "storage", "cleanup", "Deleted expired images count={0-900} path=/var/lib/grafana/png"),
		},
	})
}
