package synth

// Machine hardware: the BMC's event log (ipmitool sel elist rows: no level,
// no component, judged from the sensor event), ipmievd, UPS daemons, sensors
// and MCE tools through syslog, and disk health (smartd, mdadm), which is
// storage: disks and volumes belong there, whatever breaks inside them.
func init() {
	sel := func(g *gen, l *line) string {
		return "   " + g.hexID() + " | " + l.ts.Format("01/02/2006") + " | " + l.ts.Format("15:04:05") + " | " + l.msg
	}
	register(&system{
		name:   "ipmi-sel",
		format: sel,
		tmpls: []tmpl{
			t("critical", "hardware", "Temperature #0x{10-3f} | Upper Critical going high | Asserted"),
			t("warning", "hardware", "Temperature #0x{10-3f} | Upper Non-critical going high | Asserted"),
			t("info", "hardware", "Temperature #0x{10-3f} | Upper Non-critical going high | Deasserted"),
			t("critical", "hardware", "Fan #0x{40-4f} | Lower Critical going low | Asserted"),
			t("info", "hardware", "Fan #0x{40-4f} | Lower Critical going low | Deasserted"),
			t("critical", "hardware", "Voltage #0x{50-5f} | Lower Critical going low | Asserted"),
			t("error", "hardware", "Power Supply #0x{60-6f} | Failure detected | Asserted"),
			t("error", "hardware", "Power Supply #0x{60-6f} | Power Supply AC lost | Asserted"),
			t("info", "hardware", "Power Supply #0x{60-6f} | Presence detected | Asserted"),
			t("warning", "hardware", "Power Supply #0x{60-6f} | Redundancy Lost | Asserted"),
			t("warning", "hardware", "Memory #0x{70-7f} | Correctable ECC | Asserted"),
			t("critical", "hardware", "Memory #0x{70-7f} | Uncorrectable ECC | Asserted"),
			t("critical", "hardware", "Processor #0x{80-8f} | IERR | Asserted"),
			t("critical", "hardware", "Processor #0x{80-8f} | Thermal Trip | Asserted"),
			t("error", "storage", "Drive Slot / Bay #0x{90-9f} | Drive Fault | Asserted"),
			t("info", "storage", "Drive Slot / Bay #0x{90-9f} | Drive Present | Asserted"),
			t("warning", "hardware", "Physical Security #0x{a0-af} | General Chassis intrusion | Asserted"),
			t("error", "hardware", "Watchdog2 #0x{b0-bf} | Hard reset | Asserted"),
			t("info", "system", "System Boot Initiated #0x{c0-cf} | Initiated by power up | Asserted"),
			t("info", "hardware", "Event Logging Disabled #0x{d0-df} | Log area reset/cleared | Asserted"),
		},
	})

	register(&system{
		name:   "hw-daemons",
		comps:  []string{"ipmievd"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			t("critical", "hardware", "{fan} Lower Critical going low Asserted (Reading {0-500} < Threshold {600|900} RPM)"),
			t("warning", "hardware", "{sensor} Upper Non-critical going high Asserted (Reading {temp} > Threshold {70|75|80} degrees C)"),
			t("critical", "hardware", "{sensor} Upper Critical going high Asserted (Reading {95-110} > Threshold {90|95} degrees C)"),
			t("error", "hardware", "{psu} Power Supply Failure detected Asserted"),
			t("warning", "hardware", "{dimm} Memory Correctable ECC Asserted"),
			tc("warning", "hardware", "mcelog", "Hardware event. This is not a software error."),
			tc("warning", "hardware", "mcelog", "Corrected memory errors on page {hex} exceed threshold 10 in 24h: {11-200} in 24h"),
			tc("critical", "hardware", "mcelog", "Uncorrected error detected on CPU {cpu} BANK {0-22}: processor context corrupt"),
			tc("warning", "hardware", "rasdaemon", "rasdaemon: mc_event: {1-40} Corrected error: memory read error on {dimm} (mc:{mc} location:{0-3}:{0-1}:-1 grain:32)"),
			tc("warning", "hardware", "sensord", "Sensor alarm: Chip coretemp-isa-0000: Core {0-31}: +{90-99}.0 C (high = +80.0 C, crit = +100.0 C)"),
			tc("warning", "hardware", "apcupsd", "Power failure."),
			tc("warning", "hardware", "apcupsd", "Running on UPS batteries."),
			tc("info", "hardware", "apcupsd", "Mains returned. No longer on UPS batteries."),
			tc("critical", "hardware", "apcupsd", "Battery power exhausted."),
			tc("error", "hardware", "apcupsd", "UPS Self Test failed: Battery capacity low."),
			tc("warning", "hardware", "upsmon", "UPS {ups|apc}@localhost on battery"),
			tc("critical", "hardware", "kernel", "NVRM: Xid (PCI:0000:{3b|5e|af}:00): {79|48|63}, pid={pid}, {GPU has fallen off the bus.|An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer.}"),
			tc("info", "hardware", "fwupd", "Successfully installed firmware {version} on {Dell UEFI BIOS|Samsung SSD 980 PRO|Thunderbolt Controller}"),
			tc("error", "hardware", "fwupd", "failed to update {Samsung SSD 980 PRO|Intel ME}: device version not updated on success, {version} != {version}"),
			tc("info", "storage", "smartd", "Device: /dev/{sda|sdb|nvme0}, SMART Usage Attribute: 194 Temperature_Celsius changed from {30-40} to {41-50}"),
			tc("warning", "storage", "smartd", "Device: /dev/{sda|sdb} [SAT], {1-90} Currently unreadable (pending) sectors"),
			tc("warning", "storage", "smartd", "Device: /dev/{sda|sdb} [SAT], {1-90} Offline uncorrectable sectors"),
			tc("critical", "storage", "smartd", "Device: /dev/{sda|sdb} [SAT], FAILED SMART self-check. BACK UP DATA NOW!"),
			tc("critical", "storage", "smartd", "Device: /dev/nvme{0-3}, Critical Warning (0x04): Reliability"),
			tc("info", "storage", "smartd", "Device: /dev/{sda|sdb} [SAT], opened"),
			tc("error", "storage", "mdadm", "Fail event detected on md device /dev/md{0-3}, component device /dev/{sdb1|sdc1|nvme1n1p2}"),
			tc("error", "storage", "mdadm", "DegradedArray event detected on md device /dev/md{0-3}"),
			tc("info", "storage", "mdadm", "RebuildFinished event detected on md device /dev/md{0-3}, component device mismatches found: 0"),
			tc("info", "storage", "mdadm", "SpareActive event detected on md device /dev/md{0-3}, component device /dev/{sdd1|sde1}"),
			tc("warning", "storage", "multipathd", "{mpatha|mpathb}: remaining active paths: {0-1}"),
			tc("error", "storage", "iscsid", "Kernel reported iSCSI connection {1-9}:0 error (1020 - ISCSI_ERR_TCP_CONN_CLOSE: TCP connection closed) state (3)"),
		},
	})
}

func (g *gen) hexID() string {
	const digits = "0123456789abcdef"
	b := []byte{digits[g.r.IntN(16)], digits[g.r.IntN(16)], digits[g.r.IntN(16)]}
	return string(b)
}
