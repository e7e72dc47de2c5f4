package synth

// sudo, su and login through syslog: privilege changes and their failures.
func init() {
	register(&system{
		name:   "sudo",
		comps:  []string{"sudo"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			t("info", "auth", "{user} : TTY={tty} ; PWD=/home/{user} ; USER=root ; COMMAND={cmd}"),
			t("info", "auth", "pam_unix(sudo:session): session opened for user root(uid=0) by {user}(uid={uid})"),
			t("info", "auth", "pam_unix(sudo:session): session closed for user root"),
			t("warning", "auth", "{user} : user NOT in sudoers ; TTY={tty} ; PWD=/home/{user} ; USER=root ; COMMAND={cmd}"),
			t("warning", "auth", "{user} : {2|3} incorrect password attempts ; TTY={tty} ; PWD=/home/{user} ; USER=root ; COMMAND={cmd}"),
			t("warning", "auth", "pam_unix(sudo:auth): authentication failure; logname={user} uid={uid} euid=0 tty=/dev/{tty} ruser={user} rhost=  user={user}"),
			t("warning", "auth", "{user} : command not allowed ; TTY={tty} ; PWD=/tmp ; USER=root ; COMMAND={cmd}"),
			t("warning", "network", "unable to resolve host {host}: Name or service not known"),
			t("error", "config", "/etc/sudoers.d/{90-cloud-init-users|ops|deploy}:{1-40}:{1-30}: syntax error"),
			t("error", "auth", "unable to open /etc/sudoers: Permission denied"),
			t("critical", "config", "/etc/sudoers is world writable"),
			tc("info", "auth", "su", "(to {user}) root on {tty}"),
			tc("info", "auth", "su", "pam_unix(su:session): session opened for user {user}(uid={uid}) by root(uid=0)"),
			tc("warning", "auth", "su", "FAILED SU (to root) {user} on {tty}"),
			tc("warning", "auth", "su", "pam_unix(su:auth): authentication failure; logname={user} uid={uid} euid=0 tty={tty} ruser={user} rhost=  user=root"),
			tc("warning", "auth", "su(pam_unix)", "account {user} has expired (account expired)"),
			tc("info", "auth", "login", "ROOT LOGIN  ON {tty1|tty2|ttyS0}"),
			tc("warning", "auth", "login", "FAILED LOGIN {1|2|3} FROM {tty1|tty2|ttyS0} FOR {user}, Authentication failure"),
			tc("info", "auth", "systemd-logind", "New session {1-9999} of user {user}."),
			tc("info", "auth", "systemd-logind", "Removed session {1-9999}."),
			tc("info", "auth", "systemd-logind", "Session {1-9999} logged out. Waiting for processes to exit."),
			tc("warning", "auth", "polkitd", "Operator of unix-session:{1-99} FAILED to authenticate to gain authorization for action org.freedesktop.systemd1.manage-units for system-bus-name::1.{100-999} [systemctl restart {unit}] (owned by unix-user:{user})"),
			tc("info", "auth", "passwd", "pam_unix(passwd:chauthtok): password changed for {user}"),
			tc("info", "auth", "useradd", "new user: name={user}, UID={1001-1999}, GID={1001-1999}, home=/home/{user}, shell=/bin/bash, from=/dev/{tty}"),
			tc("warning", "auth", "pam_faillock", "Consecutive login failures for user {user} account temporarily locked"),
		},
	})
}
