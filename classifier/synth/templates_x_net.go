package synth

import "fmt"

// Network services: HAProxy and the infrastructure daemons (dnsmasq,
// ISC dhcpd, BIND named, chronyd, keepalived) under syslog, which carry no
// level, so severity is judged from the content; and Envoy
// ("[date][thread][level][logger] [source.cc:line] msg", the logger in
// brackets is the component). Conventions: proxying, health checks of
// backends, DNS and DHCP leases on the wire are network; a backend that
// goes down is a warning and no backend left is critical; DHCP address
// leases are network, not scheduler (the taxonomy's "leases" are cluster
// leases); clock synchronisation is system; rate limits and queue overflow
// are resource; TLS handshake failures are network, certificate or key
// files that do not load are config.
func init() {
	register(&system{
		name:   "haproxy",
		comps:  []string{"haproxy"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			t("info", "application", "{ip}:{eport} [{10-28}/Nov/2025:{10-23}:{10-59}:{10-59}.{100-999}] {http-in|fe_https~|fe_api} {be_app|be_api|be_static}/{web-01|web-02|api-3} {0-20}/{0-5}/{0-50}/{1-900}/{1-999} {status2} {count} - - ---- {1-900}/{1-900}/{0-90}/{0-20}/0 0/0 \"{method} {url} HTTP/1.1\""),
			t("warning", "application", "{ip}:{eport} [{10-28}/Nov/2025:{10-23}:{10-59}:{10-59}.{100-999}] fe_https~ be_api/api-3 {0-20}/0/{0-50}/-1/{30000-60000} {gw5} {100-300} - - sH-- {1-900}/{1-900}/{0-90}/{0-20}/0 0/0 \"{method} {url} HTTP/1.1\""),
			t("info", "network", "Server {be_app|be_api|be_static}/{web-01|web-02|api-3} is UP, reason: Layer7 check passed, code: 200, check duration: {1-90}ms. {1-9} active and 0 backup servers online. 0 sessions requeued, 0 total in queue."),
			t("warning", "network", "Server {be_app|be_api|be_static}/{web-01|web-02|api-3} is DOWN, reason: Layer4 timeout, check duration: {2000-5000}ms. {1-9} active and 0 backup servers left. {0-90} sessions active, 0 requeued, 0 remaining in queue."),
			t("warning", "network", "Server {be_app|be_api}/{web-01|web-02} is DOWN, reason: Layer7 wrong status, code: {status5}, info: \"Internal Server Error\", check duration: {1-900}ms."),
			t("critical", "network", "backend {be_app|be_api|be_static} has no server available!"),
			t("info", "network", "Health check for server {be_app|be_api}/{web-01|web-02} succeeded, reason: Layer7 check passed, code: 200, info: \"OK\""),
			t("error", "network", "{ip}:{eport} [{10-28}/Nov/2025:{10-23}:{10-59}:{10-59}.{100-999}] fe_https/1: SSL handshake failure"),
			t("warning", "resource", "Server {be_app|be_api}/{web-01|web-02} reached maxconn {100-2000}; {1-900} requests queued"),
			t("warning", "resource", "{ip}:{eport} [{10-28}/Nov/2025:{10-23}:{10-59}:{10-59}.{100-999}] fe_api be_api/<NOSRV> -1/-1/-1/-1/0 429 {100-300} - - PR-- {1-900}/{1-900}/0/0/0 0/0 \"{method} {url} HTTP/1.1\""),
			t("info", "system", "Proxy {fe_https|fe_api|stats} started."),
			t("info", "system", "Loading success."),
			t("warning", "system", "Stopping proxy {fe_https|fe_api} in 0 ms."),
			t("info", "config", "Reexecuting Master process"),
			t("error", "config", "[ALERT] config : parsing [/etc/haproxy/haproxy.cfg:{1-300}] : 'server {web-01|api-3}' : unknown keyword '{chek|weigth|maxcon}'."),
			t("error", "config", "[ALERT] config : parsing [/etc/haproxy/haproxy.cfg:{1-300}] : 'bind *:443' in section 'frontend': unable to load SSL certificate file '/etc/haproxy/certs/{word}.pem'."),
			t("warning", "config", "[WARNING] config : missing timeouts for frontend '{fe_https|fe_api}'."),
			t("debug", "network", "{ip}:{eport} [{10-28}/Nov/2025:{10-23}:{10-59}:{10-59}.{100-999}] fe_tcp be_db/{db-prod-1|db-replica-2} 1/0/{1-900} {bytes} -- {1-90}/{1-90}/{0-9}/{0-9}/0 0/0"),
		},
	})

	register(&system{
		name:   "net-daemons",
		comps:  []string{"dnsmasq"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			tc("info", "network", "dnsmasq-dhcp", "DHCPACK({iface}) {ip} {mac} {host}"),
			tc("info", "network", "dnsmasq-dhcp", "DHCPDISCOVER({iface}) {mac}"),
			tc("info", "network", "dnsmasq-dhcp", "DHCPOFFER({iface}) {ip} {mac}"),
			tc("warning", "network", "dnsmasq-dhcp", "DHCPDISCOVER({iface}) {mac} no address available"),
			tc("info", "network", "dnsmasq", "using nameserver {ip}#53"),
			tc("debug", "network", "dnsmasq", "query[{A|AAAA|PTR|SRV}] {fqdn} from {ip}"),
			tc("debug", "network", "dnsmasq", "cached {fqdn} is {ip}"),
			tc("warning", "resource", "dnsmasq", "Maximum number of concurrent DNS queries reached (max: 150)"),
			tc("info", "config", "dnsmasq", "read /etc/hosts - {1-90} names"),
			tc("error", "config", "dnsmasq", "bad option at line {1-90} of /etc/dnsmasq.d/{word}.conf"),
			tc("info", "network", "dhcpd", "DHCPREQUEST for {ip} from {mac} ({host}) via {iface}"),
			tc("info", "network", "dhcpd", "DHCPRELEASE of {ip} from {mac} via {iface} (found)"),
			tc("error", "network", "dhcpd", "DHCPDISCOVER from {mac} via {iface}: network {ip}/24: no free leases"),
			tc("warning", "network", "dhcpd", "failover peer {word}-peer: I move from normal to communications-interrupted"),
			tc("error", "config", "dhcpd", "/etc/dhcp/dhcpd.conf line {1-300}: expecting a parameter or declaration"),
			tc("info", "storage", "dhcpd", "Wrote {1-5000} leases to leases file."),
			tc("info", "network", "named", "client @0x{hex} {ip}#{eport} ({fqdn}): query: {fqdn} IN {A|AAAA|MX|TXT} +E(0)K ({ip})"),
			tc("info", "network", "named", "zone {word}.{example.com|internal.corp}/IN: transferred serial {2025010101-2026123199}"),
			tc("info", "network", "named", "transfer of '{word}.example.com/IN' from {ip}#53: Transfer completed: {1-90} messages, {count} records, {bytes} bytes"),
			tc("warning", "network", "named", "client @0x{hex} {ip}#{eport}: zone transfer '{word}.example.com/AXFR/IN' denied"),
			tc("warning", "network", "named", "lame server resolving '{fqdn}' (in '{word}.example.com'?): {ip}#53"),
			tc("error", "network", "named", "network unreachable resolving '{fqdn}/A/IN': {ip6}#53"),
			tc("error", "config", "named", "zone {word}.example.com/IN: loading from master file db.{word} failed: file not found"),
			tc("warning", "auth", "named", "client @0x{hex} {ip}#{eport}: request has invalid signature: TSIG {word}-key: tsig verify failure (BADKEY)"),
			tc("critical", "system", "named", "exiting (due to fatal error in library)"),
			tc("info", "system", "named", "running"),
			tc("info", "system", "chronyd", "Selected source {ip} ({fqdn})"),
			tc("info", "system", "chronyd", "System clock wrong by {0-9}.{000000-999999} seconds, adjustment started"),
			tc("warning", "system", "chronyd", "System clock wrong by {60-9000}.{100-999} seconds"),
			tc("warning", "network", "chronyd", "Can't synchronise: no selectable sources"),
			tc("info", "network", "chronyd", "Source {ip} online"),
			tc("debug", "network", "chronyd", "Source {ip} replaced with {ip} ({fqdn})"),
			tc("info", "network", "Keepalived_vrrp", "(VI_{1-9}) Entering MASTER STATE"),
			tc("warning", "network", "Keepalived_vrrp", "(VI_{1-9}) Entering FAULT STATE"),
			tc("info", "network", "Keepalived_vrrp", "(VI_{1-9}) received lower priority advert, forcing new election"),
			tc("error", "network", "Keepalived_healthcheckers", "TCP connection to [{ip}]:tcp:{port} failed."),
			tc("error", "auth", "Keepalived_vrrp", "(VI_{1-9}) received an invalid passwd!"),
		},
	})

	register(&system{
		name:   "envoy",
		comps:  []string{"upstream"},
		levels: map[string][]string{"debug": {"debug", "trace"}, "info": {"info"}, "warning": {"warning"}, "error": {"error"}, "critical": {"critical"}},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf("[%s][%d][%s][%s] [%s:%d] %s", l.ts.Format("2006-01-02 15:04:05.000"), 1+g.r.IntN(60), l.level, l.comp,
				g.pick([]string{"source/common/upstream/cluster_manager_impl.cc", "source/server/server.cc", "source/common/router/router.cc", "source/extensions/transport_sockets/tls/ssl_socket.cc", "source/common/config/grpc_stream.h", "source/common/http/conn_manager_impl.cc"}), 50+g.r.IntN(2000), l.msg)
		},
		tmpls: []tmpl{
			tc("info", "network", "upstream", "cds: add {1-90} cluster(s), remove {0-9} cluster(s)"),
			tc("info", "network", "upstream", "cm init: all clusters initialized"),
			tc("info", "config", "config", "loading {0-9} static secret(s)"),
			tc("warning", "config", "config", "StreamAggregatedResources gRPC config stream to xds-grpc closed since {1-900}s ago: 14, connection error: desc = \"transport: Error while dialing: dial tcp {ip}:15012: connect: connection refused\""),
			tc("warning", "config", "config", "gRPC config for type.googleapis.com/envoy.config.listener.v3.Listener rejected: Error adding/updating listener(s) 0.0.0.0_{port}: duplicate listener"),
			tc("info", "application", "main", "starting main dispatch loop"),
			tc("info", "application", "main", "all dependencies initialized. starting workers"),
			tc("critical", "application", "main", "error initializing configuration '/etc/envoy/envoy.yaml': Protobuf message (type envoy.config.bootstrap.v3.Bootstrap) has unknown fields"),
			tc("debug", "network", "router", "[C{count}][S{count}] upstream headers complete: end_stream=false"),
			tc("debug", "network", "http", "[C{count}] new stream"),
			tc("debug", "network", "connection", "[C{count}] remote close"),
			tc("warning", "network", "upstream", "health check failed for host {ip}:{port} in cluster outbound|{port}||{app}.{ns}.svc.cluster.local"),
			tc("error", "network", "connection", "[C{count}] TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED"),
			tc("warning", "resource", "upstream", "cluster outbound|{port}||{app}.{ns}.svc.cluster.local: circuit breaker max_pending_requests overflow"),
			tc("warning", "resource", "main", "shutting down admin due to memory {90-99}% of heap limit; overload manager action envoy.overload_actions.stop_accepting_requests triggered"),
			tc("info", "auth", "rbac", "enforced allowed, matched policy ns[{ns}]-policy[{app}-allow]-rule[0]"),
			tc("warning", "auth", "rbac", "enforced denied, matched policy none for principal spiffe://cluster.local/ns/{ns}/sa/{app}"),
			tc("error", "auth", "jwt", "Jwt verification fails: Jwt is expired for issuer https://{fqdn}"),
		},
	})
}
