package synth

import "strconv"

// Other daemons through syslog: mail (postfix, dovecot), DNS and DHCP,
// NetworkManager (which writes its own level, "<info>"), time sync and the
// syslog daemon itself. Mail delivered is application; connections,
// addresses and name resolution network; logins auth.
func init() {
	register(&system{
		name:   "mail",
		comps:  []string{"postfix/smtpd"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			t("info", "network", "connect from unknown[{pubip}]"),
			t("info", "network", "disconnect from {fqdn}[{ip}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5"),
			t("warning", "auth", "NOQUEUE: reject: RCPT from unknown[{pubip}]: 554 5.7.1 <{email}>: Relay access denied; from=<{email}> to=<{email}> proto=ESMTP helo=<{fqdn}>"),
			t("warning", "auth", "warning: unknown[{pubip}]: SASL LOGIN authentication failed: authentication failure"),
			t("warning", "network", "warning: hostname {fqdn} does not resolve to address {pubip}: Name or service not known"),
			tc("info", "application", "postfix/smtp", "{hex}: to=<{email}>, relay={fqdn}[{ip}]:25, delay={0-9}.{1-9}, delays=0.{1-9}/0/0.{1-9}/0.{1-9}, dsn=2.0.0, status=sent (250 2.0.0 OK)"),
			tc("warning", "network", "postfix/smtp", "{hex}: to=<{email}>, relay=none, delay={1-9000}, delays={1-9000}/0/30/0, dsn=4.4.1, status=deferred (connect to {fqdn}[{ip}]:25: Connection timed out)"),
			tc("warning", "application", "postfix/smtp", "{hex}: to=<{email}>, relay={fqdn}[{ip}]:25, dsn=5.1.1, status=bounced (host {fqdn}[{ip}] said: 550 5.1.1 <{email}>: Recipient address rejected: User unknown)"),
			tc("info", "application", "postfix/qmgr", "{hex}: removed"),
			tc("info", "application", "postfix/qmgr", "{hex}: from=<{email}>, size={1000-90000}, nrcpt=1 (queue active)"),
			tc("warning", "storage", "postfix/cleanup", "warning: {hex}: write queue file: No space left on device"),
			tc("critical", "config", "postfix/smtpd", "fatal: in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify at least one working instance of: reject_unauth_destination, defer_unauth_destination, reject, defer, defer_if_permit or check_relay_domains"),
			// A file permission refusal is auth, as in the Loghub labels.
			tc("critical", "auth", "postfix/master", "fatal: open lock file /var/lib/postfix/master.lock: cannot open file: Permission denied"),
			tc("info", "auth", "dovecot", "imap-login: Login: user=<{user}>, method=PLAIN, rip={ip}, lip={ip}, mpid={pid}, TLS, session=<{hex}>"),
			tc("warning", "auth", "dovecot", "auth: pam({user},{pubip},<{hex}>): pam_authenticate() failed: Authentication failure (Password mismatch?)"),
			tc("warning", "auth", "dovecot", "imap-login: Disconnected: Too many invalid commands (auth failed, {1-9} attempts in {1-90} secs): user=<{user}>, method=PLAIN, rip={pubip}"),
		},
	})

	register(&system{
		name:   "netd",
		comps:  []string{"dhclient"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			t("info", "network", "DHCPREQUEST for {ip} on {iface} to {ip} port 67"),
			t("info", "network", "DHCPACK of {ip} from {ip}"),
			t("info", "network", "bound to {ip} -- renewal in {600-86400} seconds."),
			t("warning", "network", "No DHCPOFFERS received."),
			tc("info", "network", "dnsmasq-dhcp", "DHCPACK({iface}) {ip} {mac} {host}"),
			tc("warning", "network", "dnsmasq", "Maximum number of concurrent DNS queries reached (max: 150)"),
			tc("info", "network", "named", "client @0x{hex} {ip}#{eport} ({fqdn}): query: {fqdn} IN {A|AAAA|MX} + ({ip})"),
			tc("warning", "auth", "named", "client @0x{hex} {pubip}#{eport} ({fqdn}): query (cache) '{fqdn}/A/IN' denied"),
			tc("warning", "network", "named", "resolver priming query complete: timed out"),
			tc("error", "config", "named", "/etc/bind/named.conf.local:{1-90}: missing ';' before '⟩'"),
			tc("info", "config", "named", "zone {example.com|acme.io|internal.corp}/IN: loaded serial 20{24|25}0{1-9}1{0-9}0{1-9}"),
			tc("error", "network", "named", "zone {example.com|acme.io}/IN: refresh: failure trying master {ip}#53 (source 0.0.0.0#0): operation canceled"),
			tc("info", "system", "chronyd", "Selected source {ip} ({0-3}.pool.ntp.org)"),
			tc("warning", "system", "chronyd", "System clock wrong by {1-90}.{100000-999999} seconds"),
			tc("warning", "network", "chronyd", "Can't synchronise: no selectable sources"),
			tc("info", "system", "rsyslogd", "[origin software=\"rsyslogd\" swVersion=\"8.{2112|2302|2404}.0\" x-pid=\"{pid}\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed"),
			tc("warning", "network", "rsyslogd", "action 'action-{0-9}-builtin:omfwd' suspended (module 'builtin:omfwd'), retry 0. There should be messages before this one giving the reason for suspension. [v8.2302.0 try https://www.rsyslog.com/e/2007 ]"),
			tc("warning", "resource", "rsyslogd", "imjournal: {1000-90000} messages lost due to rate-limiting (20000 allowed within 600 seconds)"),
			tc("error", "config", "rsyslogd", "error during parsing file /etc/rsyslog.d/{50-default|60-remote}.conf, on or before line {1-90}: invalid character '⟨' in object definition - is there an invalid escape sequence somewhere? [v8.2302.0 try https://www.rsyslog.com/e/2207 ]"),
		},
	})

	// NetworkManager writes its own level inside the message.
	nmLevels := map[string][]string{"debug": {"<debug>", "<trace>"}, "info": {"<info>"}, "warning": {"<warn>"}, "error": {"<error>"}}
	register(&system{
		name:   "networkmanager",
		comps:  []string{"NetworkManager"},
		levels: nmLevels,
		daemon: true,
		format: func(g *gen, l *line) string {
			l.msg = l.level + "  [" + strconv.FormatInt(l.ts.Unix(), 10) + "." + strconv.Itoa(1000+g.r.IntN(9000)) + "] " + l.msg
			return fmtSyslog(g, l)
		},
		tmpls: []tmpl{
			t("info", "network", "device ({iface}): state change: {activated -> deactivating|config -> ip-config|ip-check -> secondaries} (reason '{none|carrier-changed|user-requested}', sys-iface-state: 'managed')"),
			t("info", "network", "dhcp4 ({iface}): state changed new lease, address={ip}"),
			t("info", "network", "manager: NetworkManager state is now CONNECTED_{GLOBAL|SITE|LOCAL}"),
			t("info", "config", "Read config: /etc/NetworkManager/NetworkManager.conf (lib: {10-dns-resolved.conf|no-mac-addr-change.conf})"),
			t("warning", "network", "dhcp4 ({iface}): request timed out"),
			t("warning", "config", "keyfile: load: \"/etc/NetworkManager/system-connections/{office|vpn|eth}.nmconnection\": failed to load connection: invalid connection: ipv4.addresses: this property cannot be empty for 'method=manual'"),
			t("error", "network", "device ({iface}): Activation: failed for connection '{Wired connection 1|vpn-office}'"),
			t("error", "auth", "device (wlan0): Activation: (wifi) association took too long, failing activation; secrets were required"),
			t("debug", "network", "platform: (ip-route) route add: {ip}/32 via {ip} dev {iface} metric 100"),
		},
	})
}
