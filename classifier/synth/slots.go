package synth

import (
	"fmt"
	"strconv"
	"strings"
)

// Word lists for slots. Names are invented or generic; none come from a
// real data set.
var (
	userNames = []string{"root", "admin", "alice", "bob", "carol", "dave", "deploy", "ubuntu", "ec2-user", "postgres", "www-data",
		"git", "jenkins", "test", "guest", "oracle", "backup", "nagios", "svc_etl", "mkowalski", "jsmith", "priya", "ops", "ansible",
		"user1", "support", "ftpuser", "pi", "hadoop", "spark", "kafka", "app", "elastic", "mysql", "redis", "ci-runner"}
	hostNames = []string{"web-01", "web-02", "api-3", "db-prod-1", "db-replica-2", "cache-04", "worker17", "node-a12", "ip-10-0-3-41",
		"k8s-node-5", "edge-fra-2", "build-7", "mq-01", "batch-22", "lb-east-1", "hdp-dn-08", "nn-01", "zk-2", "kafka-broker-3",
		"srv042", "bastion", "mail-1", "log-agg-2", "gpu-node-03", "storage-09"}
	domains     = []string{"example.com", "internal.corp", "svc.cluster.local", "acme.io", "prod.local", "eu-west-1.compute.internal"}
	ifaces      = []string{"eth0", "eth1", "ens3", "ens192", "enp0s31f6", "bond0", "eno1", "wlan0", "br0", "veth3f2a1c"}
	disks       = []string{"sda", "sdb", "sdc1", "sda2", "nvme0n1", "nvme1n1p1", "vdb", "xvda1", "md0", "dm-3"}
	dbNames     = []string{"orders", "users", "billing", "inventory", "app_prod", "analytics", "auth", "metrics", "shop", "catalog"}
	tables      = []string{"orders", "users", "sessions", "payments", "events", "audit_log", "products", "line_items", "accounts", "jobs"}
	topics      = []string{"orders", "payments.v2", "clickstream", "audit-events", "logs.raw", "user-signups", "inventory-updates", "metrics"}
	namespaces  = []string{"default", "kube-system", "prod", "staging", "monitoring", "payments", "ingress-nginx", "data"}
	apps        = []string{"checkout", "api-gateway", "auth-service", "billing", "search", "frontend", "worker", "notifier", "reporting", "cart"}
	units       = []string{"nginx", "sshd", "docker", "containerd", "kubelet", "postgresql", "redis-server", "cron", "rsyslog", "chronyd", "node-exporter", "mysql", "haproxy", "php8.2-fpm", "snapd", "apache2", "elasticsearch", "grafana-server"}
	urlPaths    = []string{"/", "/index.html", "/api/v1/orders", "/api/v1/users/{id}", "/login", "/static/app.js", "/healthz", "/metrics", "/wp-login.php", "/cart/checkout", "/api/v2/search", "/images/logo.png", "/favicon.ico", "/admin", "/.env", "/api/v1/payments"}
	userAgents  = []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "curl/8.4.0", "Go-http-client/1.1", "python-requests/2.31.0", "kube-probe/1.29", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Prometheus/2.48.0", "Googlebot/2.1 (+http://www.google.com/bot.html)"}
	filePaths   = []string{"/var/log/syslog", "/etc/nginx/nginx.conf", "/var/lib/mysql/ibdata1", "/data/uploads/{id}.bin", "/home/{user}/.bashrc", "/tmp/tmp{hex}", "/var/lib/postgresql/16/main/base/16384/2619", "/opt/app/config.yaml", "/srv/backup/db-{id}.tar.gz", "/var/spool/mail/{user}", "/usr/local/bin/run.sh", "/mnt/data/part-{id}.parquet"}
	javaClasses = []string{"OrderService", "PaymentController", "UserRepository", "InventoryClient", "SessionManager", "ReportJob", "CacheLoader", "AuthFilter", "NotificationSender", "CheckoutHandler"}
	exceptions  = []string{"java.lang.NullPointerException", "java.lang.IllegalStateException", "java.lang.IllegalArgumentException", "java.util.ConcurrentModificationException", "java.lang.IndexOutOfBoundsException", "java.lang.UnsupportedOperationException"}
	threads     = []string{"main", "http-nio-8080-exec-3", "pool-2-thread-1", "scheduling-1", "kafka-producer-network-thread | producer-1", "ForkJoinPool.commonPool-worker-5", "grpc-default-executor-0", "Timer-0", "async-7"}
	pyModules   = []string{"app.api", "app.worker", "app.db", "app.tasks.email", "service.billing", "uvicorn.error", "celery.worker", "django.request", "gunicorn.error", "aiohttp.access"}
	services    = []string{"Windows Update", "Print Spooler", "DHCP Client", "Windows Time", "Background Intelligent Transfer Service", "Windows Defender Antivirus Service", "Remote Registry", "SQL Server (MSSQLSERVER)"}
	sensorNames = []string{"CPU1 Temp", "CPU2 Temp", "Inlet Temp", "System Board Temp", "PCH Temp", "DIMM Temp"}
	fanNames    = []string{"FAN1", "FAN2", "FAN3", "FAN4", "Fan 1A", "Fan 2B", "SYS_FAN1"}
	psuNames    = []string{"PS1", "PS2", "PSU0", "PSU1", "Power Supply 1", "Power Supply 2"}
	dimmNames   = []string{"DIMM_A1", "DIMM_A2", "DIMM_B1", "DIMM_C3", "DIMM_D2", "P1-DIMMA1", "P2-DIMMF1"}
	words       = []string{"alpha", "bravo", "delta", "echo", "kilo", "lima", "sierra", "tango", "zulu", "orion", "vega", "nova", "atlas", "hermes"}
	podSuffix   = "bcdfghjklmnpqrstvwxz2456789"
)

// slots are the generators behind {name} in templates.
var slots = map[string]func(g *gen) string{}

func init() {
	add := func(name string, f func(g *gen) string) { slots[name] = f }
	list := func(name string, l []string) { add(name, func(g *gen) string { return g.pick(l) }) }

	list("user", userNames)
	list("host", hostNames)
	list("iface", ifaces)
	list("disk", disks)
	list("db", dbNames)
	list("table", tables)
	list("topic", topics)
	list("ns", namespaces)
	list("app", apps)
	list("unit", units)
	list("ua", userAgents)
	list("class", javaClasses)
	list("exception", exceptions)
	list("thread", threads)
	list("pymod", pyModules)
	list("winsvc", services)
	list("sensor", sensorNames)
	list("fan", fanNames)
	list("psu", psuNames)
	list("dimm", dimmNames)
	list("word", words)
	add("fqdn", func(g *gen) string { return g.pick(hostNames) + "." + g.pick(domains) })
	add("ip", func(g *gen) string { return g.ip() })
	add("pubip", func(g *gen) string {
		return fmt.Sprintf("%d.%d.%d.%d", 11+g.r.IntN(200), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
	})
	add("ip6", func(g *gen) string {
		return fmt.Sprintf("2001:db8:%x:%x::%x", g.r.IntN(0xffff), g.r.IntN(0xffff), 1+g.r.IntN(0xfff))
	})
	add("port", func(g *gen) string {
		return g.pick([]string{"22", "80", "443", "8080", "5432", "3306", "6379", "9092", "2181", "8443", "9200", "50010", "8020", "27017", "53"})
	})
	add("eport", func(g *gen) string { return strconv.Itoa(32768 + g.r.IntN(28000)) })
	add("pid", func(g *gen) string { return strconv.Itoa(100 + g.r.IntN(60000)) })
	add("uid", func(g *gen) string {
		return g.pick([]string{"0", "33", "999", "1000", "1001", "1002", "2003", "65534"})
	})
	add("n", func(g *gen) string { return strconv.Itoa(g.r.IntN(100)) })
	add("count", func(g *gen) string { return strconv.Itoa(1 + g.r.IntN(5000)) })
	add("id", func(g *gen) string { return strconv.Itoa(1 + g.r.IntN(999999)) })
	add("ms", func(g *gen) string { return strconv.Itoa(g.r.IntN(30000)) })
	add("fms", func(g *gen) string { return fmt.Sprintf("%.3f", g.r.Float64()*5000) })
	add("sec", func(g *gen) string { return fmt.Sprintf("%.2f", g.r.Float64()*120) })
	add("isec", func(g *gen) string { return strconv.Itoa(1 + g.r.IntN(600)) })
	add("bytes", func(g *gen) string { return strconv.Itoa(g.r.IntN(1 << 26)) })
	add("kb", func(g *gen) string { return strconv.Itoa(4 + g.r.IntN(1<<24)) })
	add("mb", func(g *gen) string { return strconv.Itoa(1 + g.r.IntN(65536)) })
	add("size", func(g *gen) string {
		return fmt.Sprintf("%.1f %s", g.r.Float64()*1000, g.pick([]string{"KB", "MB", "GB", "KiB", "MiB", "GiB"}))
	})
	add("pct", func(g *gen) string { return strconv.Itoa(g.r.IntN(101)) })
	add("hipct", func(g *gen) string { return strconv.Itoa(85 + g.r.IntN(15)) })
	add("temp", func(g *gen) string { return strconv.Itoa(70 + g.r.IntN(35)) })
	add("rpm", func(g *gen) string { return strconv.Itoa(600 + 120*g.r.IntN(100)) })
	add("volt", func(g *gen) string { return fmt.Sprintf("%.2f", 0.8+g.r.Float64()*11.5) })
	add("hex", func(g *gen) string { return fmt.Sprintf("%x", g.r.Uint32()) })
	add("hex16", func(g *gen) string { return fmt.Sprintf("%016x", g.r.Uint64()) })
	add("addr", func(g *gen) string { return fmt.Sprintf("0x%012x", g.r.Uint64()>>16) })
	add("uuid", func(g *gen) string { return g.uuid() })
	add("sha", func(g *gen) string { return fmt.Sprintf("%016x%016x", g.r.Uint64(), g.r.Uint64())[:12] })
	add("cid", func(g *gen) string {
		return fmt.Sprintf("%016x%016x%016x%016x", g.r.Uint64(), g.r.Uint64(), g.r.Uint64(), g.r.Uint64())
	})
	add("mac", func(g *gen) string {
		return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256), g.r.IntN(256), g.r.IntN(256), g.r.IntN(256))
	})
	add("blk", func(g *gen) string {
		v := g.r.Int64()
		if g.r.IntN(2) == 0 {
			v = -v
		}
		return "blk_" + strconv.FormatInt(v, 10)
	})
	add("bpid", func(g *gen) string {
		return fmt.Sprintf("BP-%d-%s-%d", 100000000+g.r.IntN(900000000), g.ip(), 1400000000000+g.r.Int64N(1e11))
	})
	add("appid", func(g *gen) string {
		return fmt.Sprintf("application_%d_%04d", 1500000000000+g.r.Int64N(3e11), g.r.IntN(10000))
	})
	add("attempt", func(g *gen) string {
		return fmt.Sprintf("attempt_%d_%04d_%s_%06d_%d", 1500000000000+g.r.Int64N(3e11), g.r.IntN(10000), g.pick([]string{"m", "r"}), g.r.IntN(1000), g.r.IntN(3))
	})
	add("container", func(g *gen) string {
		return fmt.Sprintf("container_%d_%04d_01_%06d", 1500000000000+g.r.Int64N(3e11), g.r.IntN(10000), g.r.IntN(100000))
	})
	add("session", func(g *gen) string { return fmt.Sprintf("0x%x", g.r.Uint64()>>8) })
	add("pod", func(g *gen) string {
		b := []byte(g.pick(apps) + "-")
		for range 10 {
			b = append(b, podSuffix[g.r.IntN(len(podSuffix))])
		}
		b = append(b, '-')
		for range 5 {
			b = append(b, podSuffix[g.r.IntN(len(podSuffix))])
		}
		return string(b)
	})
	add("image", func(g *gen) string {
		return fmt.Sprintf("registry.%s/%s:%d.%d.%d", g.pick(domains), g.pick(apps), g.r.IntN(4), g.r.IntN(20), g.r.IntN(10))
	})
	add("path", func(g *gen) string { return g.expand(g.pick(filePaths)) })
	add("url", func(g *gen) string { return g.expand(g.pick(urlPaths)) })
	add("method", func(g *gen) string {
		return g.pick([]string{"GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"})
	})
	add("version", func(g *gen) string { return fmt.Sprintf("%d.%d.%d", g.r.IntN(5), g.r.IntN(30), g.r.IntN(20)) })
	add("email", func(g *gen) string { return g.pick(userNames) + "@" + g.pick(domains) })
	add("partition", func(g *gen) string { return g.pick(topics) + "-" + strconv.Itoa(g.r.IntN(24)) })
	add("cpu", func(g *gen) string { return strconv.Itoa(g.r.IntN(64)) })
	add("mc", func(g *gen) string { return strconv.Itoa(g.r.IntN(4)) })
	add("jobname", func(g *gen) string {
		return g.pick([]string{"nightly-backup", "etl-daily", "report-gen", "db-vacuum", "sync-users", "rotate-keys", "cleanup-tmp", "index-rebuild"})
	})
	add("fn", func(g *gen) string {
		return g.pick([]string{"handleRequest", "processBatch", "loadConfig", "(*Server).Serve", "main.run", "(*Pool).acquire", "sendEmail", "parseInput"})
	})
	add("gofile", func(g *gen) string {
		return g.pick([]string{"server.go", "handler.go", "worker.go", "main.go", "store.go", "client.go", "pool.go", "config.go"}) + ":" + strconv.Itoa(10+g.r.IntN(900))
	})
	add("sqlstate", func(g *gen) string {
		return g.pick([]string{"23505", "40001", "40P01", "42P01", "53300", "57014", "08006", "42601"})
	})
	add("status2", func(g *gen) string { return g.pick([]string{"200", "200", "200", "201", "204", "206"}) })
	add("status3", func(g *gen) string { return g.pick([]string{"301", "302", "304", "307"}) })
	add("status4", func(g *gen) string { return g.pick([]string{"400", "404", "404", "405", "409", "410", "413", "422"}) })
	add("status5", func(g *gen) string { return g.pick([]string{"500", "500", "501", "505"}) })
	add("gw5", func(g *gen) string { return g.pick([]string{"502", "504"}) })
	add("proto", func(g *gen) string { return g.pick([]string{"HTTP/1.1", "HTTP/1.1", "HTTP/2.0", "HTTP/1.0"}) })
	add("ref", func(g *gen) string {
		return g.pick([]string{"-", "-", "https://" + g.pick(domains) + "/", "https://www.google.com/"})
	})
	add("lsn", func(g *gen) string { return fmt.Sprintf("%X/%08X", g.r.IntN(64), g.r.Uint32()) })
	add("xid", func(g *gen) string { return strconv.Itoa(1000 + g.r.IntN(90000000)) })
	add("broker", func(g *gen) string { return strconv.Itoa(g.r.IntN(12)) })
	add("offset", func(g *gen) string { return strconv.FormatInt(g.r.Int64N(1e10), 10) })
	add("sector", func(g *gen) string { return strconv.FormatInt(g.r.Int64N(2e9), 10) })
	add("inode", func(g *gen) string { return strconv.Itoa(2 + g.r.IntN(50000000)) })
	add("tty", func(g *gen) string { return g.pick([]string{"pts/0", "pts/1", "pts/3", "tty1", "ssh"}) })
	add("cmd", func(g *gen) string {
		return g.pick([]string{"/usr/bin/systemctl restart nginx", "/usr/bin/apt-get update", "/bin/cat /var/log/auth.log", "/usr/bin/docker ps", "/bin/bash", "/usr/sbin/reboot", "/usr/bin/journalctl -u kubelet", "/usr/bin/vim /etc/hosts"})
	})
	add("winuser", func(g *gen) string {
		return strings.ToUpper(g.pick([]string{"corp", "acme", "ad"})) + `\` + g.pick(userNames)
	})
	add("eventid", func(g *gen) string { return strconv.Itoa(1000 + g.r.IntN(9000)) })
	add("key", func(g *gen) string {
		return g.pick([]string{"max_connections", "listen_port", "log_level", "timeout", "replicas", "cache.size", "db.url", "tls.cert_file", "worker_processes", "retention.ms"})
	})
	add("sig", func(g *gen) string {
		return g.pick([]string{"SIGTERM", "SIGKILL", "SIGSEGV", "SIGHUP", "SIGINT", "SIGABRT"})
	})
	add("keyfp", func(g *gen) string {
		const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		b := make([]byte, 43)
		for i := range b {
			b[i] = b64[g.r.IntN(64)]
		}
		return "SHA256:" + string(b)
	})
}

func (g *gen) ip() string {
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
	case 1:
		return fmt.Sprintf("192.168.%d.%d", g.r.IntN(256), 1+g.r.IntN(254))
	}
	return fmt.Sprintf("%d.%d.%d.%d", 11+g.r.IntN(200), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

func (g *gen) uuid() string {
	a, b := g.r.Uint64(), g.r.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

// expand fills {id}, {user} and {hex} inside list entries.
func (g *gen) expand(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	s = strings.ReplaceAll(s, "{id}", strconv.Itoa(1+g.r.IntN(99999)))
	s = strings.ReplaceAll(s, "{user}", g.pick(userNames))
	return strings.ReplaceAll(s, "{hex}", fmt.Sprintf("%x", g.r.Uint32()))
}
