package synth

import "fmt"

// Operating-system services and machine health under syslog (no level, so
// severity is judged from the content): rsyslog, logrotate, package
// updates, udev, auditd, fwupd, rasdaemon, the NVIDIA driver's Xid reports
// via the kernel, and a server's out-of-band controller (an iDRAC/iLO-style
// lifecycle log, "<date> <SEVERITY> <MSGID> msg", the message id shown but
// the component named by none; its three levels Informational, Warning
// and Critical are info, warning and critical). Conventions: OS daemons, package updates,
// log rotation and boot are system; firmware, DIMMs, GPUs, fans, power and
// disks' physical state are hardware; audit records of logins and
// privileges are auth.
func init() {
	register(&system{
		name:   "os-services",
		comps:  []string{"rsyslogd"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			tc("info", "system", "rsyslogd", "[origin software=\"rsyslogd\" swVersion=\"8.{2100-2400}.0\" x-pid=\"{pid}\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed"),
			tc("warning", "resource", "rsyslogd", "imjournal: {count} messages lost due to rate-limiting (20000 allowed within 600 seconds)"),
			tc("error", "network", "rsyslogd", "omfwd: remote server at {ip}:514 seems to have closed connection. This often happens when the remote peer (or an interim system like a load balancer or firewall) shuts down or aborts a connection."),
			tc("error", "config", "rsyslogd", "invalid or yet-unknown config file command '{$ModLoad2|$ActionQueueSize}' - have you forgotten to load a module? [v8.{2100-2400}.0 try https://www.rsyslog.com/e/3003 ]"),
			tc("info", "system", "logrotate", "rotating pattern: /var/log/{nginx|apache2|mysql}/*.log  after 1 days (14 rotations)"),
			tc("error", "storage", "logrotate", "error: failed to rename /var/log/{app}/{app}.log to /var/log/{app}/{app}.log.1: Read-only file system"),
			tc("info", "system", "unattended-upgrade|apt.systemd.daily", "Packages that will be upgraded: {openssl|libc6|linux-image-generic|curl} {libssl3|tzdata|sudo}"),
			tc("info", "system", "unattended-upgrade", "All upgrades installed"),
			tc("warning", "system", "unattended-upgrade", "Package {linux-image-generic|docker-ce} is kept back because a related package is kept back or due to local apt_preferences(5)."),
			tc("error", "system", "unattended-upgrade", "dpkg returned an error! See /var/log/unattended-upgrades/unattended-upgrades-dpkg.log for details"),
			tc("info", "system", "dbus-daemon", "[system] Successfully activated service 'org.freedesktop.{hostname1|timedate1|locale1}'"),
			tc("warning", "system", "dbus-daemon", "[system] Activation via systemd failed for unit 'dbus-org.freedesktop.{nm-dispatcher|resolve1}.service': Unit not found."),
			tc("info", "hardware", "systemd-udevd", "{disk}: Process '/usr/bin/{sg_inq|multipath} /dev/{disk}' succeeded."),
			tc("warning", "hardware", "systemd-udevd", "{iface}: Could not generate persistent MAC address: No data available"),
			tc("info", "auth", "auditd|audispd", "type=USER_LOGIN msg=audit({offset}.{100-999}:{count}): pid={pid} uid=0 auid={uid} ses={1-900} msg='op=login id={uid} exe=\"/usr/sbin/sshd\" hostname={ip} addr={ip} terminal=ssh res=success'"),
			tc("warning", "auth", "auditd|audispd", "type=USER_AUTH msg=audit({offset}.{100-999}:{count}): pid={pid} uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"{user}\" exe=\"/usr/sbin/sshd\" hostname={ip} addr={ip} terminal=ssh res=failed'"),
			tc("info", "auth", "auditd", "type=USER_ROLE_CHANGE msg=audit({offset}.{100-999}:{count}): pid={pid} uid=0 auid={uid} msg='op=newrole old-context=user_u new-context=sysadm_u res=success'"),
			tc("warning", "resource", "auditd", "Audit daemon is low on disk space for logging"),
			tc("critical", "system", "auditd", "Audit daemon has no space left on logging partition; suspending logging"),
			tc("info", "hardware", "fwupd", "Device {Dell System Firmware|Intel Management Engine|Samsung SSD 980 PRO} updated from {1-9}.{0-20}.{0-9} to {1-9}.{0-20}.{0-9}"),
			tc("error", "hardware", "fwupd", "failed to update {UEFI dbx|Thunderbolt controller}: device failed to reboot into update mode"),
			tc("info", "hardware", "rasdaemon", "rasdaemon: ras:mc_event event enabled"),
			tc("warning", "hardware", "rasdaemon", "{1-90} Corrected error(s): memory read error on CPU_SrcID#{0-1}_Ha#{0-1}_Chan#{0-3}_DIMM#{0-1} (channel:{0-3} slot:{0-1} page:0x{hex} offset:0x{0-fff} grain:32 syndrome:0x0)"),
			tc("error", "hardware", "rasdaemon", "Uncorrected error: memory scrubbing error on CPU_SrcID#{0-1}_MC#{0-3}_Chan#{0-3}_DIMM#{0-1} (physical address {addr})"),
			tc("error", "hardware", "rasdaemon", "aer_event: {0000|0001}:{00-ff}:{00-1f}.{0-7} Uncorrected (Non-Fatal) error: Completion Timeout"),
			tc("error", "hardware", "kernel", "NVRM: Xid (PCI:0000:{00-ff}:00): {13|31|43|48|79}, pid={pid}, name={python3|cuda-app}, Graphics SM Exception on (GPC {0-7}, TPC {0-8})"),
			tc("critical", "hardware", "kernel", "NVRM: GPU at PCI:0000:{00-ff}:00: GPU-{uuid} has fallen off the bus."),
			tc("info", "hardware", "nvidia-persistenced", "Started (pid {pid}), {1-8} GPUs in persistence mode"),
			tc("debug", "system", "systemd-tmpfiles", "Cleaning up {count} stale files in /tmp older than 10d"),
			tc("info", "system", "snapd", "storehelpers.go:{100-900}: cannot refresh: snap has no updates available: \"{core22|lxd|snapd}\""),
			tc("debug", "system", "anacron", "Job `cron.{daily|weekly}' started"),
			tc("info", "system", "anacron", "Normal exit ({1-3} jobs run)"),
		},
	})

	register(&system{
		name:   "bmc-lifecycle",
		levels: map[string][]string{"info": {"Informational", "Ok"}, "warning": {"Warning"}, "critical": {"Critical"}},
		format: func(g *gen, l *line) string {
			pfx := g.pick([]string{"PSU", "FAN", "TMP", "MEM", "PDR", "SYS", "RAC", "CPU", "LC", "USR"})
			return fmt.Sprintf("%s %s %s%04d %s", l.ts.Format("2006-01-02T15:04:05-0700"), l.level, pfx, g.r.IntN(9000), l.msg)
		},
		tmpls: []tmpl{
			tc("info", "hardware", "-", "The power supply {psu} is present and operating normally."),
			tc("info", "hardware", "-", "{fan} RPM is within the normal operating range."),
			tc("info", "hardware", "-", "Correctable memory error logging enabled for {dimm}."),
			tc("info", "hardware", "-", "Physical disk {0-23} in backplane 1 is online."),
			tc("info", "system", "-", "The system BIOS has completed POST and the server has booted."),
			tc("info", "system", "-", "Server power restored after AC loss; automated restart performed."),
			tc("info", "config", "-", "Successfully exported the server configuration profile to {share|local}."),
			tc("info", "auth", "-", "Successfully logged in using {user}, from {ip} and {GUI|REDFISH|SSH}."),
			tc("warning", "auth", "-", "Login failed from {user}: {ip}: invalid username or password; session limit {1-6} of 6."),
			tc("warning", "hardware", "-", "The {sensor} is greater than the upper warning threshold."),
			tc("warning", "hardware", "-", "Fan redundancy is degraded; {fan} is operating below the lower warning threshold."),
			tc("warning", "hardware", "-", "Power supply redundancy is lost; {psu} input voltage is out of range."),
			tc("warning", "hardware", "-", "Correctable memory error rate exceeded for {dimm}."),
			tc("warning", "storage", "-", "Predictive failure reported for physical disk {0-23} in backplane 1; replace before failure."),
			tc("critical", "storage", "-", "Virtual disk {0-3} on RAID controller in slot {1-8} has failed."),
			tc("critical", "hardware", "-", "Multi-bit memory errors detected on {dimm}; the memory module must be reseated or replaced."),
			tc("critical", "hardware", "-", "CPU {1|2} has an internal error (IERR)."),
			tc("critical", "hardware", "-", "The {psu} has failed; no output power detected."),
			tc("critical", "hardware", "-", "The {sensor} is greater than the upper critical threshold."),
			tc("critical", "network", "-", "The network link is down on NIC.Integrated.1-{1-4}-1."),
			tc("warning", "config", "-", "Unable to apply the server configuration profile: attribute BIOS.SysProfile has a pending job."),
			tc("info", "hardware", "-", "Sensor scan completed: {1-200} sensors, 0 threshold crossings."),
			tc("info", "network", "-", "The network link is up on NIC.Integrated.1-{1-4}-1 at {1|10|25} Gbps."),
		},
	})
}
