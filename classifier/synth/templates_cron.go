package synth

// cron and anacron through syslog. Cron is a system daemon (taxonomy: system);
// a job's failure is an error of the system.
func init() {
	register(&system{
		name:   "cron",
		comps:  []string{"CRON", "cron", "crond"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			t("info", "system", "({user}) CMD ({cd / && run-parts --report /etc/cron.hourly|/usr/local/bin/backup.sh >/dev/null 2>&1|[ -x /usr/lib/php/sessionclean ] && /usr/lib/php/sessionclean|/opt/app/bin/cleanup --older-than 7d})"),
			t("info", "system", "pam_unix(cron:session): session opened for user {user}(uid={uid}) by (uid=0)"),
			t("info", "system", "pam_unix(cron:session): session closed for user {user}"),
			t("info", "system", "(CRON) INFO (pidfile fd = 3)"),
			t("info", "system", "(CRON) INFO (Running @reboot jobs)"),
			t("info", "system", "({user}) RELOAD (crontabs/{user})"),
			t("info", "system", "({user}) REPLACE ({user})"),
			t("warning", "system", "({user}) MAIL (mailed {1-400} bytes of output but got status 0x{0001|00ff|004b} from MTA)"),
			t("error", "config", "({user}) ERROR (Syntax error, this crontab file will be ignored)"),
			t("warning", "config", "(*system*{backup|certbot|}) WRONG FILE OWNER (/etc/cron.d/{backup|certbot|sysstat})"),
			t("error", "system", "({user}) ERROR (getpwnam() failed)"),
			t("error", "auth", "({user}) FAILED to authorize user with PAM (Authentication token is no longer valid; new one required)"),
			t("error", "system", "(CRON) error (grandchild #{pid} failed with exit status {1|2|126|127})"),
			t("error", "storage", "(CRON) error (can't write to /var/spool/cron/crontabs/tmp.{pid}: No space left on device)"),
			tc("info", "system", "anacron", "Job `cron.{daily|weekly|monthly}' started"),
			tc("info", "system", "anacron", "Job `cron.{daily|weekly|monthly}' terminated"),
			tc("info", "system", "anacron", "Normal exit ({0-3} jobs run)"),
			tc("warning", "system", "anacron", "Job `cron.daily' terminated (exit status: {1|2}) (mailing output)"),
			tc("error", "config", "logrotate", "error: {nginx|rsyslog|apt}:{1-20} lines must begin with a keyword or a filename (possibly in double quotes)"),
			tc("error", "storage", "logrotate", "error: error renaming /var/log/{nginx/access.log|syslog|app/app.log}.{1-9}.gz: Read-only file system"),
		},
	})
}
