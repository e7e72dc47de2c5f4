package synth

// The Linux kernel through syslog ("kernel:"), with dmesg's uptime stamp in
// the message. No level in the line: judged from content. Hardware detection
// at boot is hardware, subsystem and driver banners are system (the Loghub
// convention); link state is network; OOM kills are resource.
func init() {
	register(&system{
		name:   "kernel",
		comps:  []string{"kernel"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			t("info", "system", "[    0.000000] Linux version {5.15.0-91|6.1.0-17|6.8.0-45}-generic (buildd@lcy02-amd64-{001-099}) (gcc (Ubuntu 12.3.0-1ubuntu1) 12.3.0) #{1-99}-Ubuntu SMP PREEMPT_DYNAMIC"),
			t("info", "system", "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=UUID={uuid} ro quiet splash"),
			t("info", "hardware", "[    0.000000] BIOS-e820: [mem 0x{hex16}-0x{hex16}] {usable|reserved|ACPI data}"),
			t("info", "hardware", "[    0.{100000-999999}] smpboot: CPU0: {Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz|AMD EPYC 7763 64-Core Processor} (family: 0x{6|19}, model: 0x{55|1}, stepping: 0x{1-7})"),
			t("info", "hardware", "[    1.{100000-999999}] pci 0000:{00-ff}:{00-1f}.0: [{8086|10de|15b3}:{1000-9fff}] type 00 class 0x{020000|030200|010802}"),
			t("info", "hardware", "[    2.{100000-999999}] nvme nvme{0-3}: {8|16|32}/0/0 default/read/poll queues"),
			t("info", "hardware", "[{10-9999}.{100000-999999}] usb {1-4}-{1-6}: new {high|super}-speed USB device number {2-30} using xhci_hcd"),
			t("info", "system", "[    0.{100000-999999}] NET: Registered PF_{INET6|PACKET|NETLINK} protocol family"),
			t("info", "system", "[    1.{100000-999999}] EXT4-fs ({disk}): mounted filesystem {uuid} r/w with ordered data mode. Quota mode: none."),
			t("info", "storage", "[{10-9999}.{100000-999999}] sd 0:0:0:0: [{sda|sdb}] {1000215216|3907029168} 512-byte logical blocks: ({500|2000} GB/{466|1863} GiB)"),
			t("info", "network", "[{10-9999}.{100000-999999}] {e1000e|igb|ixgbe|mlx5_core} {0000:00:1f.6|0000:3b:00.0}: {iface}: NIC Link is Up {1000|10000} Mbps Full Duplex, Flow Control: Rx/Tx"),
			t("warning", "network", "[{10-9999}.{100000-999999}] {e1000e|igb|ixgbe} {0000:00:1f.6|0000:3b:00.0}: {iface}: NIC Link is Down"),
			t("info", "network", "[{10-9999}.{100000-999999}] IPv6: ADDRCONF(NETDEV_CHANGE): {iface}: link becomes ready"),
			t("warning", "network", "[{10-9999}.{100000-999999}] TCP: request_sock_TCP: Possible SYN flooding on port {80|443|8080}. Sending cookies.  Check SNMP counters."),
			t("warning", "resource", "[{10-9999}.{100000-999999}] nf_conntrack: nf_conntrack: table full, dropping packet"),
			t("warning", "network", "[{10-9999}.{100000-999999}] {iface}: renamed from {veth1a2b3c|eth0|tmp8821}"),
			t("error", "resource", "[{10-9999}.{100000-999999}] Out of memory: Killed process {pid} ({java|python3|postgres|node|chrome}) total-vm:{kb}kB, anon-rss:{kb}kB, file-rss:0kB, shmem-rss:0kB, UID:{uid} pgtables:{kb}kB oom_score_adj:0"),
			t("warning", "resource", "[{10-9999}.{100000-999999}] {java|python3|mysqld|nginx} invoked oom-killer: gfp_mask=0x{hex}(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"),
			t("error", "resource", "[{10-9999}.{100000-999999}] Memory cgroup out of memory: Killed process {pid} ({java|node|ruby}) total-vm:{kb}kB, anon-rss:{kb}kB"),
			t("warning", "resource", "[{10-9999}.{100000-999999}] INFO: task {kworker/u16:2|jbd2/sda1-8|java}:{pid} blocked for more than {120|240|480} seconds."),
			t("error", "system", "[{10-9999}.{100000-999999}] watchdog: BUG: soft lockup - CPU#{cpu} stuck for {22-99}s! [{java|kworker/3:1|swapper/0}:{pid}]"),
			t("critical", "system", "[{10-9999}.{100000-999999}] Kernel panic - not syncing: {Fatal exception|Attempted to kill init! exitcode=0x0000000b|VFS: Unable to mount root fs on unknown-block(0,0)}"),
			t("critical", "system", "[{10-9999}.{100000-999999}] BUG: unable to handle page fault for address: {addr}"),
			t("error", "system", "[{10-9999}.{100000-999999}] {python3|node|nginx}[{pid}]: segfault at {hex} ip {addr} sp {addr} error {4|6|14} in {libc.so.6|libssl.so.3}[{hex}+{hex}]"),
			t("error", "storage", "[{10-9999}.{100000-999999}] EXT4-fs error (device {disk}): ext4_find_entry:{1400-1600}: inode #{inode}: comm {ls|rsync|java}: reading directory lblock 0"),
			t("error", "storage", "[{10-9999}.{100000-999999}] blk_update_request: I/O error, dev {sda|sdb|vdb}, sector {sector} op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0"),
			t("error", "storage", "[{10-9999}.{100000-999999}] Buffer I/O error on dev {disk}, logical block {sector}, async page read"),
			t("critical", "storage", "[{10-9999}.{100000-999999}] EXT4-fs ({disk}): Remounting filesystem read-only"),
			t("warning", "storage", "[{10-9999}.{100000-999999}] XFS ({disk}): Metadata corruption detected at xfs_buf_ioend+0x{hex}, xfs_inode block 0x{hex}"),
			t("error", "storage", "[{10-9999}.{100000-999999}] ata{1-8}.00: failed command: READ FPDMA QUEUED"),
			t("error", "hardware", "[{10-9999}.{100000-999999}] {e1000e|igb} {0000:00:1f.6|0000:3b:00.0}: {iface}: Detected Hardware Unit Hang"),
			t("warning", "hardware", "[{10-9999}.{100000-999999}] CPU{cpu}: Core temperature above threshold, cpu clock throttled (total events = {count})"),
			t("info", "hardware", "[{10-9999}.{100000-999999}] CPU{cpu}: Core temperature/speed normal"),
			t("critical", "hardware", "[{10-9999}.{100000-999999}] mce: [Hardware Error]: CPU {cpu}: Machine Check Exception: {4|5} Bank {0-22}: {hex16}"),
			t("warning", "hardware", "[{10-9999}.{100000-999999}] mce: [Hardware Error]: Machine check events logged"),
			t("error", "hardware", "[{10-9999}.{100000-999999}] EDAC MC{mc}: {1-40} UE memory read error on CPU_SrcID#{0-1}_Ha#0_Chan#{0-3}_DIMM#{0-1} (channel:{0-3} slot:{0-1} page:0x{hex} offset:0x0 grain:32)"),
			t("warning", "hardware", "[{10-9999}.{100000-999999}] EDAC MC{mc}: {1-500} CE memory read error on CPU_SrcID#{0-1}_Ha#0_Chan#{0-3}_DIMM#{0-1} (channel:{0-3} slot:{0-1} page:0x{hex} offset:0x0 grain:32)"),
			t("warning", "auth", "[{10-9999}.{100000-999999}] audit: type=1400 audit({1600000000-1800000000}.{100-999}:{100-9999}): apparmor=\"DENIED\" operation=\"{open|exec|capable}\" profile=\"{/usr/sbin/mysqld|snap.firefox.firefox|docker-default}\" name=\"{path}\" pid={pid} comm=\"{mysqld|firefox|sh}\""),
			t("info", "system", "[{10-9999}.{100000-999999}] systemd[1]: systemd {249.11|252.22|255.4} running in system mode"),
			t("info", "system", "[{10-9999}.{100000-999999}] loop{0-9}: detected capacity change from 0 to {100000-900000}"),
			t("warning", "system", "[{10-9999}.{100000-999999}] {nvidia|zfs|vboxdrv}: module verification failed: signature and/or required key missing - tainting kernel"),
			t("info", "system", "[{10-9999}.{100000-999999}] PM: suspend entry (deep)"),
			t("info", "hardware", "[{10-9999}.{100000-999999}] pcieport 0000:00:{01-1c}.0: PME: Spurious native interrupt!"),
		},
	})
}
