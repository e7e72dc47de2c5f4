package schemas

// Severities of the default taxonomy, lowest first. The order is the order a
// "minimum severity" filter uses.
var Severities = []string{"debug", "info", "warning", "error", "critical"}

// Category is one label of the default taxonomy with the meaning the model and
// the people reading the dashboard share.
type Category struct {
	Name    string
	Meaning string
}

// Categories of the default taxonomy (DESIGN.md).
var Categories = []Category{
	{"auth", "logins, sessions, credentials, permissions, invalid users, PAM, su/sudo"},
	{"network", "connections, sockets, DNS, proxies, packets, RPC transport, peer timeouts"},
	{"storage", "disks, filesystems, blocks and replicas, files, I/O errors, volumes"},
	{"database", "SQL/NoSQL databases, queries, transactions, DB connections and pools"},
	{"hardware", "CPU, memory/ECC, temperature, fans, power, NICs, device faults, firmware"},
	{"system", "OS and kernel, boot/shutdown, drivers, system daemons, cron, OS services"},
	{"application", "application logic and lifecycle, requests served, app state, business events"},
	{"resource", "resource pressure and performance: limits, OOM, quotas, slowness, GC, throttling"},
	{"scheduler", "jobs, tasks, containers, workflows, cluster scheduling, leases"},
	{"config", "configuration loading, settings, invalid or missing configuration, flags"},
}

// MaxComponentLen is the longest component the default schema accepts.
const MaxComponentLen = 48

// CategoryNames returns the category names in taxonomy order.
func CategoryNames() []string {
	out := make([]string, len(Categories))
	for i, c := range Categories {
		out[i] = c.Name
	}
	return out
}

// SeverityRank returns the position of s in Severities, or -1 if s is not a
// severity of the default taxonomy.
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return -1
}

// IsCategory reports whether c is a category of the default taxonomy.
func IsCategory(c string) bool {
	for _, v := range Categories {
		if v.Name == c {
			return true
		}
	}
	return false
}
