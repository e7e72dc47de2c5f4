package synth

// OpenSSH's sshd and its PAM stack, through syslog. Lines carry no level:
// severity is judged from the content, and sshd's own "error:", "fatal:" and
// "debugN:" prefixes count as levels.
func init() {
	register(&system{
		name:   "sshd",
		comps:  []string{"sshd"},
		format: fmtSyslog,
		tmpls: []tmpl{
			t("info", "auth", "Accepted password for {user} from {ip} port {eport} ssh2"),
			t("info", "auth", "Accepted publickey for {user} from {ip} port {eport} ssh2: RSA {keyfp}"),
			t("info", "auth", "Accepted publickey for {user} from {ip} port {eport} ssh2: ED25519 {keyfp}"),
			t("info", "auth", "Accepted keyboard-interactive/pam for {user} from {ip} port {eport} ssh2"),
			t("info", "auth", "pam_unix(sshd:session): session opened for user {user}(uid={uid}) by (uid=0)"),
			t("info", "auth", "pam_unix(sshd:session): session closed for user {user}"),
			t("info", "auth", "Postponed publickey for {user} from {ip} port {eport} ssh2 [preauth]"),
			t("info", "network", "Received disconnect from {ip} port {eport}:11: disconnected by user"),
			t("info", "network", "Disconnected from user {user} {ip} port {eport}"),
			t("info", "network", "Connection closed by {ip} port {eport} [preauth]"),
			t("info", "network", "Connection reset by {ip} port {eport} [preauth]"),
			t("info", "system", "Server listening on {0.0.0.0|::} port {22|2222}."),
			t("info", "system", "Received signal 15; terminating."),
			t("info", "system", "Received SIGHUP; restarting."),
			t("warning", "auth", "Failed password for {user} from {ip} port {eport} ssh2"),
			t("warning", "auth", "Failed password for invalid user {user} from {ip} port {eport} ssh2"),
			t("warning", "auth", "Invalid user {user} from {ip} port {eport}"),
			t("warning", "auth", "Failed publickey for {user} from {ip} port {eport} ssh2: RSA {keyfp}"),
			t("warning", "auth", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}"),
			t("warning", "auth", "pam_unix(sshd:auth): check pass; user unknown"),
			t("warning", "auth", "PAM {2-5} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}"),
			t("warning", "auth", "User {user} from {ip} not allowed because not listed in AllowUsers"),
			t("warning", "auth", "ROOT LOGIN REFUSED FROM {ip} port {eport}"),
			t("warning", "network", "Did not receive identification string from {ip} port {eport}"),
			t("warning", "network", "Timeout before authentication for {ip} port {eport}"),
			t("warning", "network", "Bad protocol version identification '{GET / HTTP/1.1|\\x16\\x03\\x01|SSH-1.5-x}' from {ip} port {eport}"),
			t("error", "auth", "error: maximum authentication attempts exceeded for {user} from {ip} port {eport} ssh2 [preauth]"),
			t("error", "auth", "error: PAM: Authentication failure for {user} from {ip}"),
			t("error", "network", "error: kex_exchange_identification: Connection closed by remote host"),
			t("error", "network", "error: kex_exchange_identification: read: Connection reset by peer"),
			t("error", "network", "error: Bind to port {22|2222} on {0.0.0.0|::} failed: Address already in use."),
			t("error", "config", "error: Could not load host key: /etc/ssh/ssh_host_{ecdsa|ed25519|rsa}_key"),
			t("error", "config", "error: /etc/ssh/sshd_config line {5-140}: Bad configuration option: {PermitRootLogn|PasswordAuthentcation|AllowUser}"),
			t("warning", "config", "/etc/ssh/sshd_config line {5-140}: Deprecated option {UsePrivilegeSeparation|KeyRegenerationInterval|RSAAuthentication}"),
			t("critical", "network", "fatal: Cannot bind any address."),
			t("critical", "config", "fatal: /etc/ssh/sshd_config line {5-140}: missing argument."),
			t("critical", "storage", "fatal: Failed to create {/run/sshd|/var/empty/sshd}: No space left on device"),
			t("debug", "auth", "debug1: userauth-request for user {user} service ssh-connection method {publickey|password|none} [preauth]"),
			t("debug", "network", "debug1: Connection from {ip} port {eport} on {ip} port 22 rdomain \"\""),
			t("debug", "system", "debug1: sshd version OpenSSH_{8.9p1|9.6p1|9.2p1}, OpenSSL {3.0.13|3.0.2} 30 Jan 2024"),
			t("debug", "config", "debug2: load_server_config: filename /etc/ssh/sshd_config"),
			t("debug", "network", "debug1: KEX done [preauth]"),
			// Old PAM stacks named the module in the tag: "sshd(pam_unix)[pid]:".
			tc("warning", "auth", "sshd(pam_unix)", "bad username [{user}]"),
			tc("warning", "auth", "sshd(pam_unix)", "{1-5} more authentication failures; rhost={pubip} user={user}"),
		},
	})
}
