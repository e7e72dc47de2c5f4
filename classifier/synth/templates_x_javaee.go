package synth

import "fmt"

// Java application servers and the enterprise applications they host:
// Tomcat's catalina log ("27-Nov-2025 17:07:19.123 INFO [main]
// org.apache.catalina.startup.Catalina.start msg", the class and method
// is the component), and a generic business application in log4j layouts
// whose loggers are its own classes (com.<org>.<area>.<Class>, nested
// classes as Class$Inner) next to the libraries it uses (HikariCP,
// Hibernate, Spring, Quartz, Jetty). Conventions: requests served and
// business events are application; connection pools, queries,
// transactions and schema migrations are database; Quartz jobs and
// @Scheduled runs are scheduler; caches and heap are resource; a
// misconfigured property is config. Severity is the line's level.
func init() {
	register(&system{
		name:   "tomcat",
		comps:  []string{"org.apache.catalina.startup.Catalina.start"},
		levels: map[string][]string{"debug": {"FINE", "FINEST"}, "info": {"INFO"}, "warning": {"WARNING"}, "error": {"SEVERE"}},
		format: func(g *gen, l *line) string {
			th := g.pick([]string{"main", "http-nio-8080-exec-" + fmt.Sprint(1+g.r.IntN(200)), "Catalina-utility-1", "ContainerBackgroundProcessor[StandardEngine[Catalina]]"})
			return fmt.Sprintf("%s %s [%s] %s %s", l.ts.Format("02-Jan-2006 15:04:05.000"), l.level, th, l.comp, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "application", "org.apache.catalina.startup.Catalina.start", "Server startup in [{100-90000}] milliseconds"),
			tc("info", "application", "org.apache.catalina.startup.HostConfig.deployWAR", "Deploying web application archive [/opt/tomcat/webapps/{app}.war]"),
			tc("info", "application", "org.apache.catalina.startup.HostConfig.deployWAR", "Deployment of web application archive [/opt/tomcat/webapps/{app}.war] has finished in [{100-90000}] ms"),
			tc("info", "application", "org.apache.catalina.core.StandardService.stopInternal", "Stopping service [Catalina]"),
			tc("error", "application", "org.apache.catalina.core.StandardContext.startInternal", "One or more listeners failed to start. Full details will be found in the appropriate container log file"),
			tc("error", "application", "org.apache.catalina.core.StandardWrapperValve.invoke", "Servlet.service() for servlet [dispatcherServlet] in context with path [/{app}] threw exception"),
			tc("warning", "resource", "org.apache.catalina.loader.WebappClassLoaderBase.clearReferencesThreads", "The web application [{app}] appears to have started a thread named [{word}-pool-{1-9}] but has failed to stop it. This is very likely to create a memory leak."),
			tc("warning", "resource", "org.apache.tomcat.util.threads.ThreadPoolExecutor|org.apache.tomcat.util.net.NioEndpoint", "Maximum number of threads ({200|400}) created for connector with address [null] and port [8080]"),
			tc("warning", "resource", "org.apache.catalina.webresources.Cache.getResource", "Unable to add the resource at [/WEB-INF/lib/{word}.jar] to the cache for web application [/{app}] because there was insufficient free space available after evicting expired cache entries"),
			tc("info", "network", "org.apache.coyote.AbstractProtocol.start|org.apache.coyote.AbstractProtocol.init", "Starting ProtocolHandler [\"{http-nio-8080|https-jsse-nio-8443|ajp-nio-8009}\"]"),
			tc("error", "network", "org.apache.coyote.AbstractProtocol.init", "Failed to initialize end point associated with ProtocolHandler [\"http-nio-8080\"]"),
			tc("info", "config", "org.apache.catalina.startup.VersionLoggerListener.log", "Command line argument: -Xmx{1|2|4|8}g"),
			tc("warning", "config", "org.apache.tomcat.util.digester.SetPropertiesRule.begin", "Match [Server/Service/Connector] failed to set property [{maxThread|connectionTimout}] to [{200|20000}]"),
			tc("warning", "storage", "org.apache.catalina.startup.ContextConfig.processAnnotationsJar", "Unable to process Jar entry [META-INF/versions/{9|11}/module-info.class] from Jar [jar:file:/opt/tomcat/lib/{word}.jar!/] for annotations"),
			tc("error", "auth", "org.apache.catalina.realm.JNDIRealm.authenticate|org.apache.catalina.realm.LockOutRealm.authenticate", "An attempt was made to authenticate the locked user [{user}]"),
			tc("debug", "application", "org.apache.catalina.session.ManagerBase.processExpires", "Start expire sessions StandardManager at {offset} sessioncount {0-900}"),
			tc("error", "system", "org.apache.catalina.core.StandardServer.await", "Invalid shutdown command [{word}] received"),
		},
	})

	const (
		svc    = "com.acme.billing.service.InvoiceService|billing.service.InvoiceService|InvoiceService"
		ord    = "com.acme.orders.service.OrderService$FulfilmentWorker|service.OrderService$FulfilmentWorker|OrderService$FulfilmentWorker"
		api    = "com.acme.gateway.web.RequestLoggingFilter|web.RequestLoggingFilter"
		hik    = "com.zaxxer.hikari.pool.HikariPool|hikari.pool.HikariPool|HikariPool"
		hib    = "org.hibernate.engine.jdbc.spi.SqlExceptionHelper|spi.SqlExceptionHelper"
		quartz = "org.quartz.core.JobRunShell|core.JobRunShell|org.quartz.core.QuartzSchedulerThread"
	)
	register(&system{
		name:   "java-enterprise",
		levels: log4jLevels,
		format: fmtLog4j,
		tmpls: []tmpl{
			tc("info", "application", svc, "Invoice INV-{id} issued for customer {id}: {1-9000}.{00-99} EUR, due in {14|30|60} days"),
			tc("info", "application", ord, "Order {id} moved from PAID to SHIPPED, carrier {DHL|UPS|FedEx}, {1-20} parcels"),
			tc("warning", "application", ord, "Order {id} stuck in state PAYMENT_PENDING for {30-600} minutes; escalating"),
			tc("error", "application", svc, "Could not render invoice INV-{id}: template {word}.ftl missing variable 'vatNumber'"),
			tc("info", "application", api, "{method} {url} -> {status2} in {1-900}ms (user={user}, client={ip})"),
			tc("warning", "application", api, "{method} {url} -> {status4} in {1-900}ms (user={user}, client={ip})"),
			tc("error", "application", api, "{method} {url} -> {status5} in {1-30000}ms (user={user}, client={ip})"),
			tc("debug", "application", "com.acme.orders.domain.OrderStateMachine|domain.OrderStateMachine", "Evaluating transition {NEW|PAID|PACKED}->{PAID|PACKED|SHIPPED} for order {id}: guard passed"),
			tc("critical", "application", "com.acme.billing.BillingApplication|BillingApplication", "Application run failed: bean 'invoiceService' could not be created; aborting startup"),
			tc("info", "database", hik, "{app}-pool - Start completed."),
			tc("warning", "database", hik, "{app}-pool - Connection is not available, request timed out after {30000-60000}ms (total={10-50}, active={10-50}, idle=0, waiting={1-200})"),
			tc("warning", "database", "com.zaxxer.hikari.pool.ProxyConnection|pool.ProxyConnection", "{app}-pool - Connection org.postgresql.jdbc.PgConnection@{hex} marked as broken because of SQLSTATE(08006), ErrorCode(0)"),
			tc("error", "database", hib, "ERROR: duplicate key value violates unique constraint \"{table}_pkey\"  Detail: Key (id)=({id}) already exists."),
			tc("warning", "database", "org.hibernate.engine.jdbc.spi.SqlExceptionHelper|spi.SqlExceptionHelper", "SQL Error: 1205, SQLState: 40001"),
			tc("info", "database", "org.flywaydb.core.internal.command.DbMigrate|command.DbMigrate", "Successfully applied {1-20} migrations to schema \"{db}\", now at version v{1-300} (execution time 00:0{0-9}.{100-999}s)"),
			tc("error", "database", "org.flywaydb.core.internal.command.DbValidate|command.DbValidate", "Validate failed: Migrations have failed validation. Detected failed migration to version {1-300} ({word} {table})"),
			tc("debug", "database", "org.hibernate.SQL|hibernate.SQL", "select o1_0.id,o1_0.status,o1_0.total from {table} o1_0 where o1_0.customer_id=? limit ?"),
			tc("warning", "database", "org.hibernate.orm.query|query.QueryPlanCache", "HHH90003004: firstResult/maxResults specified with collection fetch; applying in memory"),
			tc("critical", "database", hik, "{app}-pool - Exception during pool initialization: FATAL: too many connections for role \"{user}\"").lv("ERROR"), // log4j's ERROR, but the service cannot start without its pool
			tc("info", "scheduler", quartz, "Job {word}Group.{word}ReportJob fired (by trigger {word}Group.nightlyTrigger) at {10-23}:{10-59}:{10-59}"),
			tc("warning", "scheduler", quartz, "Handling {1-9} trigger(s) that missed their scheduled fire-time."),
			tc("error", "scheduler", quartz, "Job {word}Group.{word}ReportJob threw an unhandled Exception: {exception}"),
			tc("info", "scheduler", "org.springframework.scheduling.support.TaskUtils$LoggingErrorHandler|com.acme.orders.jobs.ReconcileJob", "Reconciliation run {id} finished: {count} orders checked, {0-90} corrected"),
			tc("warning", "resource", "com.github.benmanes.caffeine.cache.BoundedLocalCache|cache.BoundedLocalCache", "Exception thrown when evicting entries from cache '{word}s': maximum size {1000|10000} reached, hit rate {1-60}%"),
			tc("warning", "resource", "io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine|internal.CircuitBreakerStateMachine", "CircuitBreaker '{app}' changed state from CLOSED to OPEN: failure rate {50-100}.0% above threshold 50.0%"),
			tc("warning", "resource", "io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter|internal.AtomicRateLimiter", "RateLimiter '{app}' does not permit further calls: {10-1000} calls per 1s"),
			tc("info", "network", "org.eclipse.jetty.server.AbstractConnector|server.AbstractConnector", "Started ServerConnector@{hex}⟨HTTP/1.1, (http/1.1, h2c)⟩⟨0.0.0.0:{8080|8081|9000}⟩"),
			tc("error", "network", "org.springframework.web.client.RestTemplate|com.acme.payments.client.PspClient", "I/O error on POST request for \"https://{fqdn}/v1/charges\": Read timed out"),
			tc("info", "auth", "org.springframework.security.authentication.event.LoggerListener|event.LoggerListener", "Authentication event AuthenticationSuccessEvent: {user}; details: WebAuthenticationDetails [RemoteIpAddress={ip}]"),
			tc("warning", "auth", "org.springframework.security.authentication.event.LoggerListener|event.LoggerListener", "Authentication event AuthenticationFailureBadCredentialsEvent: {user}; details: WebAuthenticationDetails [RemoteIpAddress={ip}]; exception: Bad credentials"),
			tc("error", "config", "org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter|diagnostics.LoggingFailureAnalysisReporter", "APPLICATION FAILED TO START: Failed to bind properties under 'acme.{billing|orders}.{timeout|retries}' to java.time.Duration"),
			tc("info", "config", "org.springframework.boot.SpringApplication|com.acme.billing.BillingApplication", "The following {1|2} profiles are active: \"{prod|staging}\", \"{eu|us}\""),
			tc("info", "storage", "com.acme.reports.export.S3ExportWriter$Uploader|export.S3ExportWriter$Uploader", "Exported report {id} ({size}) to s3://acme-reports/{2025|2026}/{01-12}/report-{id}.csv"),
			tc("error", "storage", "com.acme.reports.export.LocalSpool|export.LocalSpool", "Cannot write spool file /var/spool/acme/report-{id}.tmp: No space left on device"),
		},
	})
}
