package synth

import "strings"

// Firewalls: netfilter logs from the kernel (ufw, custom iptables prefixes),
// firewalld, pfSense's filterlog CSV, and Cisco ASA messages whose
// "%ASA-<level>-<id>" carries the level (0 emergencies ... 7 debugging).
// Routine blocks and permits are network info; rule and zone errors config.
func init() {
	register(&system{
		name:   "netfilter",
		comps:  []string{"kernel"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			t("info", "network", "[{10-9999}.{100000-999999}] [UFW BLOCK] IN={iface} OUT= MAC={mac}:{mac}:08:00 SRC={pubip} DST={ip} LEN={40-1500} TOS=0x00 PREC=0x00 TTL={30-250} ID={id} PROTO={TCP|UDP} SPT={eport} DPT={port} WINDOW={1024|65535} RES=0x00 SYN URGP=0"),
			t("info", "network", "[{10-9999}.{100000-999999}] [UFW ALLOW] IN={iface} OUT= MAC={mac}:{mac}:08:00 SRC={ip} DST={ip} LEN={40-1500} TTL=64 PROTO=TCP SPT={eport} DPT={port}"),
			t("info", "network", "[{10-9999}.{100000-999999}] [UFW AUDIT] IN= OUT={iface} SRC={ip} DST={pubip} LEN={40-1500} TTL=64 PROTO=UDP SPT={eport} DPT=53 LEN={20-500}"),
			t("warning", "network", "[{10-9999}.{100000-999999}] [UFW LIMIT BLOCK] IN={iface} OUT= SRC={pubip} DST={ip} LEN=60 TTL=52 PROTO=TCP SPT={eport} DPT=22 SYN URGP=0"),
			t("info", "network", "[{10-9999}.{100000-999999}] {IPTABLES-DROPPED|DROP-INPUT|FW-REJECT}: IN={iface} OUT= SRC={pubip} DST={ip} LEN={40-1500} PROTO={TCP|UDP|ICMP} SPT={eport} DPT={port}"),
			tc("warning", "config", "firewalld", "WARNING: ALREADY_ENABLED: '{http|https|ssh}' already in '{public|internal}'"),
			tc("error", "config", "firewalld", "ERROR: INVALID_ZONE: {dmz2|trusted-lan|office}"),
			tc("warning", "network", "firewalld", "WARNING: COMMAND_FAILED: '/usr/sbin/iptables -w10 -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j DOCKER' failed: iptables: No chain/target/match by that name."),
			tc("info", "network", "filterlog", "{5|9|70},,,1000000{103|104|105},{em0|igb1|vtnet0},match,{block|pass},in,4,0x0,,{64|128},{id},0,DF,6,tcp,60,{pubip},{ip},{eport},{port},0,S,{id},,64240,,mss"),
		},
	})

	asaLevels := map[string][]string{"debug": {"7"}, "info": {"6", "5"}, "warning": {"4"}, "error": {"3"}, "critical": {"2", "1"}}
	register(&system{
		name:   "cisco-asa",
		comps:  []string{"ASA"},
		levels: asaLevels,
		format: func(g *gen, l *line) string {
			msg := "%ASA-" + l.level + "-" + l.t.tag + ": " + l.msg
			if g.r.IntN(2) == 0 {
				return l.ts.Format("Jan _2 2006 15:04:05") + " " + strings.ToUpper(g.pick([]string{"fw01", "asa-edge", "fw-dc2"})) + " : " + msg
			}
			return l.ts.Format("Jan _2 15:04:05") + " " + g.ip() + " " + msg
		},
		tmpls: []tmpl{
			t("warning", "network", "Deny tcp src outside:{pubip}/{eport} dst inside:{ip}/{port} by access-group \"outside_access_in\" [0x0, 0x0]").tg("106023"),
			t("info", "network", "Built inbound TCP connection {count} for outside:{pubip}/{eport} ({pubip}/{eport}) to inside:{ip}/{port} ({pubip}/{port})").tg("302013"),
			t("info", "network", "Teardown TCP connection {count} for outside:{pubip}/{eport} to inside:{ip}/{port} duration 0:{00-59}:{10-59} bytes {bytes} TCP FINs").tg("302014"),
			t("info", "network", "Built outbound UDP connection {count} for outside:{pubip}/53 ({pubip}/53) to inside:{ip}/{eport} ({pubip}/{eport})").tg("302015"),
			t("warning", "network", "[Scanning] drop rate-1 exceeded. Current burst rate is {10-90} per second, max configured rate is 10; Current average rate is {5-40} per second, max configured rate is 5; Cumulative total count is {count}").tg("733100"),
			// ASA logs these at informational (6): the level stands.
			t("info", "auth", "AAA user authentication Rejected : reason = Invalid password : server = {ip} : user = {user}").lv("6").tg("113005"),
			t("info", "auth", "Login permitted from {ip}/{eport} to inside:{ip}/ssh for user \"{user}\"").lv("6").tg("605005"),
			t("info", "config", "User '{user}' executed the '{configure terminal|write memory|no access-list test}' command.").lv("5").tg("111008"),
			t("critical", "network", "(Primary) Lost Failover communications with mate on interface {outside|inside|failover}").tg("105005"),
			t("warning", "network", "Line protocol on Interface GigabitEthernet0/{0-7}, changed state to {up|down}").tg("411002"),
			t("error", "resource", "NAT pool exhausted. Unable to create TCP connection from inside:{ip}/{eport} to outside:{pubip}/{port}").tg("202010"),
			t("error", "network", "TCP access denied by ACL from {pubip}/{eport} to outside:{pubip}/{22|23}").tg("710003"),
			t("warning", "network", "Duplicate TCP SYN from outside:{pubip}/{eport} to inside:{ip}/{port} with different initial sequence number").tg("419002"),
			t("error", "resource", "Disallowing new connections.").tg("201008"),
			t("debug", "network", "Pre-allocate {H323|SIP} UDP backconnection for faddr {pubip}/{eport} to laddr {ip}/{port}").tg("702307"),
			t("debug", "auth", "AAA retrieved default group policy (DfltGrpPolicy) for user = {user}").tg("113009"),
		},
	})
}
