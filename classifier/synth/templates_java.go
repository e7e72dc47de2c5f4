package synth

// Java services (Spring Boot and friends) in logback/log4j layouts, and the
// lines of stack traces, which log shippers often deliver one by one. A
// trace's header line ("Exception in thread ...", "Caused by: ...") is an
// error of whatever failed; frame lines ("at ...") name no logger and are
// labelled like the failure they belong to.
func init() {
	const (
		web   = "c.a.shop.web.OrderController|com.acme.shop.web.OrderController|o.a.c.c.C.[.[localhost].[/].[dispatcherServlet]"
		svc   = "com.acme.billing.InvoiceService|c.a.b.InvoiceService|com.acme.orders.OrderService"
		hik   = "com.zaxxer.hikari.pool.HikariPool|c.z.h.p.HikariPool|com.zaxxer.hikari.HikariDataSource"
		boot  = "o.s.b.SpringApplication|org.springframework.boot.SpringApplication|c.a.shop.ShopApplication"
		tomc  = "o.s.b.w.embedded.tomcat.TomcatWebServer|org.apache.catalina.core.StandardService"
		sched = "o.s.s.s.TaskUtils$LoggingErrorHandler|c.a.jobs.NightlyExportJob|org.quartz.core.JobRunShell"
		sec   = "o.s.s.w.a.AuthenticationFailureHandler|com.acme.auth.JwtFilter|c.a.a.LoginService"
		cfg   = "o.s.c.a.AnnotationConfigApplicationContext|o.s.b.d.LoggingFailureAnalysisReporter|com.acme.config.AppConfig"
		http  = "o.a.h.i.e.RetryExec|c.a.c.PaymentGatewayClient|io.netty.channel.DefaultChannelPipeline|reactor.netty.http.client.HttpClientConnect"
		cache = "c.a.cache.RedisCacheLoader|io.lettuce.core.protocol.ConnectionWatchdog"
		gc    = "c.a.monitor.GcWatcher|com.acme.ops.HeapMonitor"
	)
	register(&system{
		name:   "java-app",
		levels: log4jLevels,
		format: fmtLog4j,
		tmpls: []tmpl{
			tc("info", "application", boot, "Started {Shop|Billing|Gateway}Application in {1-90}.{100-999} seconds (process running for {1-99}.{10-99})"),
			tc("info", "application", boot, "The following 1 profile is active: \"{prod|staging|dev}\""),
			tc("info", "network", tomc, "Tomcat started on port {8080|8443|9090} (http) with context path ''"),
			tc("info", "application", web, "Order {id} placed by customer {id} total={1-999}.{10-99} EUR"),
			tc("info", "application", svc, "Invoice INV-{id} generated for account {id}"),
			tc("info", "application", svc, "Processed {count} events from topic {topic} in {ms} ms"),
			tc("info", "database", hik, "HikariPool-{1-3} - Start completed."),
			tc("info", "database", hik, "HikariPool-{1-3} - Added connection org.postgresql.jdbc.PgConnection@{hex}"),
			tc("info", "scheduler", sched, "Job {jobname} finished in {ms} ms, {count} records exported"),
			tc("info", "auth", sec, "User {email} logged in from {ip}"),
			tc("info", "config", cfg, "Loaded configuration from {classpath:application.yml|file:/etc/app/application.yml|configserver:http://config:8888}"),
			tc("info", "resource", gc, "GC pause (G1 Evacuation Pause) {10-400}ms, heap {100-900}M->{50-400}M({1024|2048|4096}M)"),
			tc("warning", "application", web, "Order {id} rejected: payment declined by provider (code {05|51|61})"),
			tc("warning", "application", svc, "Retrying event {uuid} ({1-5}/5) after handler failure"),
			tc("warning", "database", hik, "HikariPool-{1-3} - Connection org.postgresql.jdbc.PgConnection@{hex} marked as broken because of SQLSTATE(08006), ErrorCode(0)"),
			tc("warning", "database", hik, "HikariPool-{1-3} - Thread starvation or clock leap detected (housekeeper delta={1-9}m{1-59}s{1-999}ms)."),
			tc("warning", "database", "o.h.engine.jdbc.spi.SqlExceptionHelper|org.hibernate.engine.jdbc.spi.SqlExceptionHelper", "SQL Error: 0, SQLState: {sqlstate}"),
			tc("warning", "auth", sec, "Invalid JWT signature for request {method} {url} from {ip}"),
			tc("warning", "auth", sec, "Login failed for {email}: bad credentials ({1-9} attempts)"),
			tc("warning", "network", http, "I/O exception (java.net.SocketException) caught when processing request to ⟨s->https://api.payments.example:443⟩: Connection reset"),
			tc("warning", "network", cache, "Reconnecting, last destination was {host}/{ip}:6379"),
			tc("warning", "resource", gc, "Heap usage at {85-99}% after full GC ({1024|2048|4096}M max)"),
			tc("warning", "resource", "io.github.resilience4j.bulkhead.Bulkhead|c.a.r.RateLimiterConfig", "Bulkhead '{payments|inventory}' is full and does not permit further calls"),
			tc("warning", "config", cfg, "Property '{key}' is deprecated: use 'app.{key}' instead"),
			tc("warning", "config", "o.s.b.a.o.j.JpaBaseConfiguration$JpaWebConfiguration", "spring.jpa.open-in-view is enabled by default. Therefore, database queries may be performed during view rendering. Explicitly configure spring.jpa.open-in-view to disable this warning"),
			tc("error", "application", web, "Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: {exception}: {Cannot invoke \"String.length()\" because \"name\" is null|Order already shipped}] with root cause"),
			tc("error", "application", svc, "Failed to process message {uuid} from {topic}: {exception}"),
			tc("error", "database", hik, "HikariPool-{1-3} - Connection is not available, request timed out after {30000|60000}ms."),
			tc("error", "database", "o.h.engine.jdbc.spi.SqlExceptionHelper|org.hibernate.engine.jdbc.spi.SqlExceptionHelper", "ERROR: duplicate key value violates unique constraint \"{table}_pkey\""),
			tc("error", "database", svc, "Could not commit JPA transaction; nested exception is javax.persistence.RollbackException: Error while committing the transaction"),
			tc("error", "network", http, "Call to payment gateway failed: java.net.SocketTimeoutException: Read timed out after {5000|10000|30000} ms"),
			tc("error", "network", http, "Connection refused: {host}/{ip}:{8080|9090|443}"),
			tc("error", "scheduler", sched, "Job {jobname} threw an unhandled Exception: {exception}"),
			tc("error", "scheduler", sched, "Unexpected error occurred in scheduled task"),
			tc("error", "auth", sec, "Token signing key kid-{1-9} not found in JWKS from https://auth.{fqdn}/.well-known/jwks.json"),
			tc("error", "resource", gc, "java.lang.OutOfMemoryError: GC overhead limit exceeded in {thread}"),
			tc("error", "config", cfg, "Failed to bind properties under '{key}' to java.time.Duration: Value \"{abc|30x|ten}\" is not a valid duration"),
			tc("critical", "config", "o.s.b.d.LoggingFailureAnalysisReporter|org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter", "APPLICATION FAILED TO START: Failed to configure a DataSource: 'url' attribute is not specified and no embedded datasource could be configured."),
			tc("critical", "application", boot, "Application run failed"),
			tc("critical", "database", svc, "Database schema migration V{1-90}__{add_index|create_table} failed; refusing to start"),
			tc("critical", "resource", gc, "Terminating due to java.lang.OutOfMemoryError: Java heap space"),
			tc("critical", "auth", sec, "Credential store unreachable, all logins will be rejected"),
			tc("critical", "network", tomc, "Web server failed to start. Port {8080|8443} was already in use."),
			tc("debug", "application", web, "Mapped to {com.acme.shop.web.OrderController#get(Long)|com.acme.shop.web.CartController#add(CartItem)}"),
			tc("debug", "database", "org.hibernate.SQL|o.h.SQL", "select o1_0.id,o1_0.status from {table} o1_0 where o1_0.id=?"),
			tc("debug", "database", hik, "HikariPool-{1-3} - Pool stats (total={1-50}, active={0-50}, idle={0-50}, waiting=0)"),
			tc("debug", "network", http, "Connection leased: [id: {1-900}][route: ⟨s⟩->https://{fqdn}:443]"),
			tc("debug", "auth", sec, "Authenticated user {email} with authorities [ROLE_{USER|ADMIN}]"),
			tc("debug", "config", cfg, "Bean '{dataSource|objectMapper|restTemplate}' of type [{com.zaxxer.hikari.HikariDataSource|com.fasterxml.jackson.databind.ObjectMapper}] is not eligible for getting processed by all BeanPostProcessors"),
			tc("debug", "scheduler", sched, "Trigger {jobname}.trigger fired at {10-23}:{10-59}:00, next fire time in {1-3600}s"),
			tc("debug", "resource", gc, "Heap after GC: used={100-900}M committed={1024|2048}M"),
		},
	})

	// Stack-trace lines on their own: no level, no logger.
	register(&system{
		name: "java-trace",
		format: func(g *gen, l *line) string {
			return l.msg
		},
		tmpls: []tmpl{
			t("error", "application", `Exception in thread "{main|pool-1-thread-2|worker-3}" {exception}: {null|Index 5 out of bounds for length 5|Cannot invoke "java.util.Map.get(Object)" because "this.cache" is null}`),
			t("critical", "resource", `Exception in thread "{main|pool-1-thread-2|Timer-0}" java.lang.OutOfMemoryError: {Java heap space|Metaspace|unable to create native thread: possibly out of memory or process/resource limits reached}`),
			t("error", "network", `Caused by: java.net.ConnectException: Connection refused`),
			t("error", "network", `Caused by: java.net.UnknownHostException: {host}.{fqdn}: Name or service not known`),
			t("error", "network", `Caused by: javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target`),
			t("error", "database", `Caused by: org.postgresql.util.PSQLException: FATAL: sorry, too many clients already`),
			t("error", "database", `Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.`),
			t("error", "database", `Caused by: com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure`),
			t("error", "storage", `Caused by: java.io.FileNotFoundException: {path} (No such file or directory)`),
			t("error", "storage", `Caused by: java.io.IOException: No space left on device`),
			t("error", "auth", `Caused by: org.springframework.security.access.AccessDeniedException: Access is denied`),
			t("error", "config", `Caused by: java.lang.IllegalArgumentException: Could not resolve placeholder '{key}' in value "$⟨{key}⟩"`),
			t("error", "config", `Caused by: org.yaml.snakeyaml.scanner.ScannerException: mapping values are not allowed here in 'reader', line {1-200}, column {1-40}:`),
			t("error", "application", "\tat com.acme.{orders|billing|shop}.{class}.{process|handle|apply}({class}.java:{10-900})"),
			t("error", "database", "\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:{300-400})"),
			t("error", "database", "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:{150-200})"),
			t("error", "network", "\tat java.base/sun.nio.ch.Net.connect0(Native Method)"),
			t("error", "network", "\tat java.base/java.net.Socket.connect(Socket.java:{600-800})"),
			t("error", "storage", "\tat java.base/java.io.FileOutputStream.open0(Native Method)"),
		},
	})
}
