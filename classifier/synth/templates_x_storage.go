package synth

import (
	"fmt"
	"strings"
)

// Storage systems: a Ceph cluster log ("<date> mon.a (mon.0) N : cluster
// [INF] msg", the daemon that reports being the component), GlusterFS
// ("[date] I [MSGID: n] [file.c:line:func] 0-<xlator>: msg"), the Linux
// storage daemons under syslog (mdadm, lvm, smartd, zed, autofs, nfs
// server) and MinIO's JSON log. Conventions: placement groups, OSDs,
// replicas, bricks, volumes, scrubs and healing are storage, also routine
// successful work at info; full or nearly full pools and slow ops are
// resource; a disk's own SMART health is hardware; daemons' start and stop
// is system. Ceph and GlusterFS severities are their levels; the syslog
// daemons carry none, so severity is judged from the content.
func init() {
	register(&system{
		name:   "ceph",
		comps:  []string{"mon.a"},
		levels: map[string][]string{"debug": {"DBG"}, "info": {"INF"}, "warning": {"WRN"}, "error": {"ERR"}},
		format: func(g *gen, l *line) string {
			rank := l.comp
			if strings.HasPrefix(rank, "mon.") {
				rank = g.pick([]string{"mon.0", "mon.1", "mon.2"})
			}
			return fmt.Sprintf("%s %s (%s) %d : cluster [%s] %s", l.ts.Format("2006-01-02T15:04:05.000000+0000"), l.comp,
				rank, 1000+g.r.IntN(900000), l.level, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "storage", "mon.a|mon.b|mon.c", "pgmap v{count}: {128-8192} pgs: {128-8192} active+clean; {1-900} TiB data, {1-900} TiB used, {1-900} TiB / {1-999} TiB avail; {count} KiB/s rd, {count} KiB/s wr, {count} op/s"),
			tc("info", "storage", "osd.3|osd.12|osd.41|osd.107|osd.0", "{1-9}.{0-9a}s{0-5} scrub ok"),
			tc("info", "storage", "osd.3|osd.12|osd.41|osd.107|osd.0", "{1-9}.{0-9a} deep-scrub starts"),
			tc("info", "storage", "mon.a|mon.b", "osd.{0-199} [v2:{ip}:6800/{count},v1:{ip}:6801/{count}] boot"),
			tc("info", "storage", "mon.a|mon.b", "Health check cleared: PG_DEGRADED (was: Degraded data redundancy: {count}/{count} objects degraded)"),
			tc("info", "storage", "mon.a|mon.b", "osdmap e{count}: {3-200} total, {3-200} up, {3-200} in"),
			tc("warning", "storage", "mon.a|mon.b", "Health check failed: Degraded data redundancy: {count}/{count} objects degraded ({0-40}.{0-999}%), {1-300} pgs degraded (PG_DEGRADED)"),
			tc("warning", "storage", "mon.a|mon.b", "Health check failed: 1 osds down (OSD_DOWN)"),
			tc("warning", "storage", "mon.a|mon.b", "osd.{0-199} marked down after no beacon for {600-1200}.{0-9} seconds"),
			tc("warning", "resource", "mon.a|mon.b", "Health check failed: {1-5} nearfull osd(s) (OSD_NEARFULL)"),
			tc("warning", "resource", "mon.a|mon.b", "Health check update: {1-90} slow ops, oldest one blocked for {32-900} sec, osd.{0-199} has slow ops (SLOW_OPS)"),
			tc("warning", "resource", "mds.a|mds.b|mds.cephfs-1", "1 MDSs report oversized cache (MDS_CACHE_OVERSIZED)"),
			tc("warning", "network", "mon.a|mon.b", "Health check failed: 1/3 mons down, quorum a,b (MON_DOWN)"),
			tc("warning", "system", "mon.a|mon.b", "Health check failed: clock skew detected on mon.c (MON_CLOCK_SKEW)"),
			tc("error", "storage", "osd.3|osd.12|osd.41|osd.107|osd.0", "{1-9}.{0-9a} shard {0-199} soid {1-9}:{hex}:::rbd_data.{hex}{hex}.{hex16}:head : candidate had a read error"),
			tc("error", "storage", "osd.3|osd.12|osd.41|osd.107|osd.0", "{1-9}.{0-9a} deep-scrub {1-9} errors"),
			tc("error", "storage", "mon.a|mon.b", "Health check failed: Possible data damage: {1-4} pgs inconsistent (PG_DAMAGED)"),
			tc("error", "resource", "mon.a|mon.b", "Health check failed: 1 full osd(s) (OSD_FULL)"),
			tc("error", "auth", "mon.a|mon.b", "client.{admin|rgw.gw1|cinder|glance} from {ip}:0/{count} denied: key mismatch"),
			tc("debug", "storage", "mgr.ceph-mon-1|mgr.ceph-mon-2|mgr.a", "pgmap v{count}: {128-8192} pgs: {1-9} active+recovering, {128-8192} active+clean; recovering {1-900} MiB/s, {1-200} objects/s"),
			tc("debug", "application", "mgr.ceph-mon-1|mgr.ceph-mon-2|mgr.a", "from='client.{count} -' entity='client.admin' cmd=[⟨\"prefix\": \"{osd tree|df|status|pg dump}\", \"format\": \"json\"⟩]: dispatch"),
			// Ceph has no level above ERR: a whole-cluster outage is critical.
			tc("critical", "storage", "mon.a|mon.b", "Health check failed: Reduced data availability: {1-300} pgs inactive, {1-300} pgs down (PG_AVAILABILITY)").lv("ERR"),
			tc("critical", "storage", "mon.a|mon.b", "Health check failed: {1-40} unfound objects ({count} unfound) (OBJECT_UNFOUND)").lv("ERR"),
		},
	})

	glusterLevels := map[string][]string{"debug": {"D", "T"}, "info": {"I"}, "warning": {"W"}, "error": {"E"}, "critical": {"C"}}
	register(&system{
		name:   "glusterfs",
		comps:  []string{"0-management"},
		levels: glusterLevels,
		format: func(g *gen, l *line) string {
			src := g.pick([]string{"glusterd-handler.c", "afr-self-heal-common.c", "client-handshake.c", "posix-helpers.c", "dht-rebalance.c", "glusterd-utils.c", "rpc-clnt.c"})
			fn := strings.TrimSuffix(src, ".c")
			fn = strings.ReplaceAll(fn, "-", "_")
			return fmt.Sprintf("[%s] %s [MSGID: %d] [%s:%d:%s] %s: %s", l.ts.Format("2006-01-02 15:04:05.000000 +0000"), l.level,
				100000+g.r.IntN(9000), src, 10+g.r.IntN(5000), fn, l.comp, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "storage", "0-management", "Received start vol req for volume gv{0-9}"),
			tc("info", "storage", "0-gv0-replicate-0|0-gv1-replicate-2|0-data-replicate-1", "Completed data selfheal on {uuid}. sources=[{0-2}]  sinks={0-2} "),
			tc("info", "storage", "0-gv0-dht|0-gv1-dht|0-data-dht", "Rebalance completed: {count} files migrated, {size} in {count} secs"),
			tc("info", "storage", "0-management", "brick {host}:/bricks/brick{1-9}/gv{0-9} has disconnected from glusterd, restarting"),
			tc("info", "network", "0-gv0-client-3|0-gv1-client-0|0-data-client-7", "Connected, attached to remote volume /bricks/brick{1-9}/gv{0-9}"),
			tc("warning", "network", "0-gv0-client-3|0-gv1-client-0|0-data-client-7", "disconnected from {host}:/bricks/brick{1-9}/gv{0-9}. Client process will keep trying to connect to glusterd until brick's port is available"),
			tc("warning", "storage", "0-gv0-replicate-0|0-gv1-replicate-2|0-data-replicate-1", "Gfid mismatch detected for <gfid:{uuid}>/{word}.dat, {uuid} on gv{0-9}-client-{0-11}; marking for heal"),
			tc("error", "storage", "0-gv0-replicate-0|0-gv1-replicate-2|0-data-replicate-1", "Failing READ on gfid {uuid}: split-brain observed"),
			tc("error", "storage", "0-gv0-posix|0-gv1-posix|0-data-posix", "write failed: offset {offset}, No space left on device"),
			tc("error", "network", "0-gv0-client-3|0-gv1-client-0|0-data-client-7", "remote operation failed. Path: /{word}/{id}.log ({uuid}) [Transport endpoint is not connected]"),
			tc("critical", "storage", "0-gv0-posix|0-gv1-posix|0-data-posix", "health-check failed, going down"),
			tc("critical", "storage", "0-gv0-replicate-0|0-gv1-replicate-2|0-data-replicate-1", "All subvolumes are down. Going offline until at least one of them comes back up."),
			tc("debug", "storage", "0-gv0-dht|0-gv1-dht|0-data-dht", "layout for /{word}/{word} is incomplete, triggering fix-layout"),
			tc("info", "config", "0-management", "Volume option cluster.{quorum-type|self-heal-daemon|min-free-disk} set to {auto|on|10%} for gv{0-9}"),
			tc("error", "auth", "0-gv0-server|0-data-server", "Authentication failed for client {ip}: auth.allow rejects this address"),
		},
	})

	register(&system{
		name:   "linux-storage",
		comps:  []string{"mdadm"},
		format: fmtSyslog,
		daemon: true,
		tmpls: []tmpl{
			tc("info", "storage", "mdadm", "RebuildFinished event detected on md device /dev/md{0-9}, component device  mismatches found: 0"),
			tc("info", "storage", "mdadm", "CheckArray on /dev/md{0-9} started, speed limit {1000-200000}K/sec"),
			tc("warning", "storage", "mdadm", "DegradedArray event detected on md device /dev/md{0-9}"),
			tc("error", "storage", "mdadm", "Fail event detected on md device /dev/md{0-9}, component device /dev/{sd|nvme}{b|c|d}1"),
			tc("critical", "storage", "mdadm", "/dev/md{0-9} has failed: {2-4} of {4-8} devices faulty, array stopped"),
			tc("info", "storage", "lvm", "Logical volume vg{0-3}/lv_{word} extended to {1-900}.00 GiB"),
			tc("info", "storage", "lvm", "Monitoring thin pool vg{0-3}-pool{0-3}-tpool"),
			tc("warning", "resource", "lvm", "WARNING: Thin pool vg{0-3}-pool{0-3}-tpool data is now {80-95}.{00-99}% full."),
			tc("error", "storage", "lvm", "Volume group \"vg{0-3}\" not found; cannot activate lv_{word}"),
			tc("info", "hardware", "smartd", "Device: /dev/{disk} [SAT], SMART Usage Attribute: 194 Temperature_Celsius changed from {30-50} to {30-55}"),
			tc("warning", "hardware", "smartd", "Device: /dev/{disk} [SAT], {1-200} Currently unreadable (pending) sectors"),
			tc("warning", "hardware", "smartd", "Device: /dev/{disk} [SAT], SMART Prefailure Attribute: 5 Reallocated_Sector_Ct changed from {90-100} to {1-89}"),
			tc("critical", "hardware", "smartd", "Device: /dev/{disk} [SAT], FAILED SMART self-check. BACK UP DATA NOW!"),
			tc("info", "storage", "zed", "eid={1-9999} class=scrub_finish pool='{tank|data|rpool}' state=ONLINE"),
			tc("info", "storage", "zed", "eid={1-9999} class=history_event pool='{tank|data|rpool}' snapshot created {tank|data}/{word}@auto-{id}"),
			tc("warning", "storage", "zed", "eid={1-9999} class=statechange pool='{tank|data|rpool}' vdev=/dev/disk/by-id/ata-{word}-{hex} vdev_state=DEGRADED"),
			tc("error", "storage", "zed", "eid={1-9999} class=checksum pool='{tank|data|rpool}' vdev={disk} algorithm=fletcher4 bad_ranges={1-20}"),
			tc("error", "storage", "zed", "eid={1-9999} class=io pool='{tank|data|rpool}' vdev={disk} size={4096|131072} offset={offset} priority=async err=5"),
			tc("info", "storage", "automount", "mounted /net/{host}/{home|export|scratch} from {host}:/{export|srv}/{word}"),
			tc("info", "storage", "automount", "expired /home/{user}"),
			tc("warning", "network", "automount", "lookup(program): lookup for {word} failed: mount server {host} not responding"),
			tc("error", "storage", "automount", "mount(nfs): nfs: mount failure {host}:/export/{word} on /home/{user}"),
			tc("info", "storage", "rpc.mountd", "authenticated mount request from {ip}:{600-1023} for /export/{word} (/export/{word})"),
			tc("warning", "auth", "rpc.mountd", "refused mount request from {ip} for /export/{word} (/export): unmatched host"),
			tc("info", "system", "nfsdcld|rpc.statd", "Version {1-2}.{0-9}.{0-9} starting"),
			tc("warning", "network", "kernel", "nfs: server {host} not responding, still trying"),
			tc("info", "network", "kernel", "nfs: server {host} OK"),
			tc("error", "storage", "kernel", "NFS: state manager: check lease failed on NFSv4 server {host} with error 10052"),
			tc("debug", "storage", "multipathd", "mpath{a-f}: sd{b|c|d|e} - tur checker reports path is up"),
			tc("error", "storage", "multipathd", "mpath{a-f}: remaining active paths: 0"),
			tc("warning", "storage", "multipathd", "checker failed path 8:{16-240} in map mpath{a-f}"),
			tc("info", "system", "smartd|mdadm|zed", "{smartd|mdadm|zed} started, monitoring {1-24} devices"),
			tc("debug", "storage", "lvm", "dmeventd: Monitoring RAID device vg{0-3}-lv_{word} for events."),
		},
	})

	register(&system{
		name:   "minio",
		comps:  []string{"minio"},
		levels: map[string][]string{"debug": {"DEBUG"}, "info": {"INFO"}, "warning": {"WARNING"}, "error": {"ERROR"}, "critical": {"FATAL"}},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf(`{"level":%q,"errKind":"","time":%q,"api":{"name":%q},"message":%s,"source":%q}`, l.level, l.ts.Format("2006-01-02T15:04:05.000000000Z"), l.comp, jsonString(l.msg), g.pick([]string{"cmd/erasure-object.go:512", "cmd/xl-storage.go:2211", "internal/logger/logger.go:259", "cmd/server-main.go:780"}))
		},
		tmpls: []tmpl{
			tc("info", "storage", "healObject|SYSTEM.heal", "Healed object {word}/{id}.parquet in bucket {word}: {1-4} drives restored"),
			tc("info", "storage", "SYSTEM.scanner", "Data usage crawl completed: {count} objects, {size} across {1-90} buckets"),
			tc("warning", "storage", "SYSTEM.storage", "Drive https://{host}:9000/mnt/disk{1-16} is offline, {1-4} of {4-16} drives in the set are online"),
			tc("error", "storage", "PutObject", "Storage reached its minimum free drive threshold: write quorum not available for {word}/{id}.bin"),
			tc("error", "auth", "ListObjectsV2|GetObject", "Access Denied. Signature does not match for access key {hex}{hex}"),
			tc("warning", "resource", "SYSTEM.scanner", "Scanner is running slow: {1-900}s for {count} objects, consider lowering scanner speed"),
			tc("critical", "storage", "SYSTEM.server", "Unable to initialize backend: erasure set {1-16} has only {1-3} drives, read quorum lost"),
			tc("info", "application", "SYSTEM.server", "MinIO Object Storage Server, release RELEASE.{2023|2024|2025}-{01-12}-{10-28}T{10-23}-{10-59}-{10-59}Z, {1-16} drives online"),
			tc("debug", "network", "SYSTEM.internode", "Peer https://{host}:9000 returned to service after {1-300}s"),
			tc("error", "config", "SYSTEM.config", "Invalid storage class configuration: parity EC:{5-9} greater than half of set drive count {4-8}"),
		},
	})
}
