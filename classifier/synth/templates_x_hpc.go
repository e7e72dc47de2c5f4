package synth

import "fmt"

// HPC clusters: the Slurm daemons (slurmctld, slurmd, slurmdbd) in their own
// file layout "[date] error: msg" (info lines carry no prefix) or under
// syslog, and an invented RAS event log of the kind supercomputer service
// nodes keep: "<date> <location> <source> <SEVERITY> msg", where location
// is rack-chassis-board-node and the source (mce, memctl, fabric, bmc,
// nodecard, psu, cooling) is the component. Conventions: jobs, job steps,
// allocations, reservations and node drains are scheduler; ECC, machine
// checks, link hardware, voltages, fans and node cards are hardware; packet
// or message errors are network; cgroup memory kills and backfill slowness
// are resource. Severity is the line's level.
func init() {
	slurmLevels := map[string][]string{"debug": {"debug:", "debug2:", "debug3:"}, "info": {""}, "warning": {"warning:"}, "error": {"error:"}, "critical": {"fatal:"}}
	register(&system{
		name:   "slurm",
		comps:  []string{"slurmctld"},
		levels: slurmLevels,
		format: func(g *gen, l *line) string {
			msg := l.msg
			if l.level != "" {
				msg = l.level + " " + msg
			}
			if g.r.IntN(2) == 0 {
				return l.ts.Format("Jan _2 15:04:05") + " " + g.pick([]string{"hpc-head1", "cn0412", "gpu-node-03", "login2"}) + " " + l.comp + "[" + g.pid() + "]: " + msg
			}
			return "[" + l.ts.Format("2006-01-02T15:04:05.000") + "] " + l.comp + ": " + msg
		},
		tmpls: []tmpl{
			tc("info", "scheduler", "slurmctld", "_slurm_rpc_submit_batch_job: JobId={id} InitPrio={1000-90000} usec={10-9000}"),
			tc("info", "scheduler", "slurmctld", "sched: Allocate JobId={id} NodeList=cn[{0100-0400}-{0401-0999}] #CPUs={1-4096} Partition={compute|gpu|bigmem|debug}"),
			tc("info", "scheduler", "slurmctld", "_job_complete: JobId={id} WEXITSTATUS 0"),
			tc("info", "scheduler", "slurmctld", "_job_complete: JobId={id} done"),
			tc("info", "scheduler", "slurmctld", "backfill: Started JobId={id} in {compute|gpu|bigmem} on cn{0100-0999}"),
			tc("info", "scheduler", "slurmctld", "job_signal: {9|15} of running JobId={id} successful 0x{0-8}"),
			tc("info", "scheduler", "slurmctld", "update_node: node cn{0100-0999} reason set to: {maintenance|bad dimm|reboot requested}"),
			tc("info", "scheduler", "slurmctld", "update_node: node cn{0100-0999} state set to DRAINING"),
			tc("info", "scheduler", "slurmctld", "sched: Created reservation=maint_{id} accounts=root nodes=cn[{0100-0400}-{0401-0999}] start={2025|2026}-{01-12}-{10-28}T08:00:00 end={2025|2026}-{01-12}-{10-28}T18:00:00"),
			tc("info", "scheduler", "slurmd", "launch task StepId={id}.{0-9} request from UID:{uid} GID:{uid} HOST:{ip} PORT:{eport}"),
			tc("info", "scheduler", "slurmstepd", "done with job"),
			tc("warning", "scheduler", "slurmctld", "Killing JobId={id} on failed node cn{0100-0999}"),
			tc("warning", "scheduler", "slurmctld", "Time limit exhausted for JobId={id}"),
			tc("error", "scheduler", "slurmctld", "Nodes cn{0100-0999} not responding, setting DOWN"),
			tc("error", "scheduler", "slurmctld", "_job_complete: JobId={id} WTERMSIG 9"),
			tc("error", "scheduler", "slurmd", "Prolog failed for JobId={id}: exit status {1-255}, draining node"),
			tc("debug", "scheduler", "slurmctld", "sched/backfill: _attempt_backfill: {1-9000} jobs to backfill"),
			tc("debug", "scheduler", "slurmd", "_rpc_terminate_job: uid = {uid} JobId={id}"),
			tc("warning", "resource", "slurmstepd", "Detected {1-9} oom_kill event in StepId={id}.batch. Some of the step tasks have been OOM Killed."),
			tc("warning", "resource", "slurmctld", "backfill: continuing to yield locks, {1-90} RPCs pending"),
			tc("warning", "resource", "slurmctld", "Note very large processing time from _slurm_rpc_dump_jobs: usec={1000000-9000000} began={10-23}:{10-59}:{10-59}.{100-999}"),
			tc("error", "resource", "slurmstepd", "StepId={id}.{0-9} exceeded memory limit ({1000000-9000000} > {100000-999999}), being killed"),
			tc("info", "resource", "slurmctld", "_slurm_rpc_dump_jobs: processed {count} jobs in {1-900} usec"),
			tc("info", "database", "slurmdbd", "Accounting storage MYSQL plugin loaded, {1-9000} pending rpcs"),
			tc("error", "database", "slurmdbd", "mysql_query failed: 1213 Deadlock found when trying to get lock; try restarting transaction"),
			tc("error", "database", "slurmctld", "slurmdbd: Sending PersistInit msg: Connection refused"),
			tc("error", "auth", "slurmctld", "Munge decode failed: Expired credential"),
			tc("warning", "auth", "slurmctld", "_slurm_rpc_submit_batch_job: Invalid account or account/partition combination specified for uid={uid}"),
			tc("info", "network", "slurmctld", "Node cn{0100-0999} now responding"),
			tc("error", "network", "slurmd", "slurm_receive_msg: Socket timed out on send/recv operation"),
			tc("info", "config", "slurmctld", "Reconfigure request received; re-reading slurm.conf"),
			tc("error", "config", "slurmctld", "Node configuration differs from hardware: CPUs={1-128}:{1-128}(hw) Boards=1:1(hw) SocketsPerBoard={1-2}:{1-2}(hw)"),
			tc("critical", "config", "slurmctld", "Unable to process configuration file /etc/slurm/slurm.conf: unrecognized key \"{Nodename|MaxNodeCnt|SchedulerPorts}\""),
			tc("critical", "system", "slurmctld", "Unable to bind listen port (6817): Address already in use"),
			tc("info", "system", "slurmd", "slurmd version {20|22|23}.{02|05|11}.{0-9} started"),
			tc("critical", "storage", "slurmctld", "Failed to write state save file /var/spool/slurmctld/job_state.new: No space left on device"),
			tc("info", "storage", "slurmctld", "Saving all slurm state: {count} jobs written in {1-900} msec"),
			tc("info", "hardware", "slurmd", "CPUs={1-256} Boards=1 Sockets={1-2} Cores={4-64} Threads={1-2} Memory={64000-2048000} TmpDisk={1000-900000} Uptime={count}"),
			tc("warning", "hardware", "slurmd", "gpu/nvml: GPU {0-7} reports XID error {13|31|43|48|63|79}; marking GRES unavailable"),
		},
	})

	rasLevels := map[string][]string{"debug": {"DEBUG"}, "info": {"INFO"}, "warning": {"WARNING"}, "error": {"ERROR"}, "critical": {"FATAL", "FAILURE"}}
	register(&system{
		name:   "hpc-ras",
		comps:  []string{"mce"},
		levels: rasLevels,
		format: func(g *gen, l *line) string {
			loc := fmt.Sprintf("r%02d-c%d-b%02d-n%d", g.r.IntN(48), g.r.IntN(4), g.r.IntN(16), g.r.IntN(4))
			return fmt.Sprintf("%s %s %s %s %s", l.ts.Format("2006-01-02 15:04:05.000000"), loc, l.comp, l.level, l.msg)
		},
		tmpls: []tmpl{
			tc("info", "hardware", "memctl", "corrected memory error count {1-20} on channel {0-7} rank {0-3}, below reporting threshold"),
			tc("warning", "hardware", "memctl", "correctable ECC error rate {10-999}/hour on DIMM slot {0-15}, exceeds threshold 10/hour"),
			tc("error", "hardware", "memctl", "uncorrectable ECC error at physical address {addr}, channel {0-7}, rank {0-3}; page retired"),
			tc("critical", "hardware", "memctl", "memory controller {0-3} stopped: repeated uncorrectable errors on DIMM slot {0-15}"),
			tc("error", "hardware", "mce", "machine check bank {0-28} status 0x{hex16}: cache hierarchy error, level L{2|3}, processor {0-255}"),
			tc("critical", "hardware", "mce", "fatal machine check on CPU {0-255}: processor context corrupt, node halted"),
			tc("warning", "hardware", "mce", "thermal event on package {0-1}: core throttled to {800-2000} MHz for {1-900} ms"),
			tc("info", "hardware", "mce", "microcode revision 0x{hex} loaded on all {16-256} processors"),
			tc("error", "hardware", "fabric", "link {0-11} to neighbour {0-47}:{0-3} lane {0-3} degraded: bit error rate 1e-{5-9} above limit"),
			tc("warning", "hardware", "fabric", "link {0-11} retrained, {1-90} replay events in the last minute"),
			tc("critical", "hardware", "fabric", "link {0-11} down: loss of signal on all lanes, routing around node"),
			tc("info", "hardware", "fabric", "link {0-11} up at {100|200|400} Gb/s after {1-30} s training"),
			tc("error", "network", "fabric", "packet CRC error from port {0-63}, {1-900} packets dropped, header 0x{hex}"),
			tc("warning", "network", "fabric", "message sequence gap on virtual channel {0-7}: expected {count}, got {count}; retransmitting"),
			tc("warning", "network", "fabric", "congestion on route to node {0-4095}: {1-900} credits stalled for {1-900} us"),
			tc("info", "hardware", "bmc", "node power state changed to {on|off}, requested by {scheduler|operator}"),
			tc("warning", "hardware", "bmc", "inlet temperature {35-45} C above warning limit 35 C"),
			tc("error", "hardware", "bmc", "processor VRM {0-1} output {0.7|1.9|12.6} V out of range"),
			tc("error", "hardware", "nodecard", "node card {0-15} failed self-test: I2C bus {0-3} unresponsive"),
			tc("critical", "hardware", "nodecard", "node card {0-15} removed from service after {3-10} consecutive boot failures"),
			tc("info", "hardware", "nodecard", "node card {0-15} serial {hex} firmware {1-9}.{0-9}.{0-99} passed POST"),
			tc("warning", "hardware", "psu", "power module {0-5} input voltage {180-199} V below nominal"),
			tc("critical", "hardware", "psu", "chassis power budget lost: {2-3} of 6 modules failed, shedding blades"),
			tc("warning", "hardware", "cooling", "coolant flow {1-9}.{0-9} l/min below threshold on rack loop {0-1}"),
			tc("error", "hardware", "cooling", "fan tray {0-5} speed {0-900} rpm, fan failure assumed"),
			tc("debug", "hardware", "bmc", "sensor poll: {1-200} sensors read in {1-900} ms"),
			tc("debug", "hardware", "memctl", "patrol scrub pass {count} complete, {0-3} corrections"),
			tc("info", "system", "nodecard", "node kernel booted in {10-300} s, image {hex}"),
			tc("error", "system", "mce", "kernel panic on node: unable to handle paging request at {addr}"),
			tc("warning", "storage", "nodecard", "local scratch SSD wear level {80-99}%, spare blocks {1-10}%"),
			tc("error", "storage", "nodecard", "I/O node lost mount of /lustre/{scratch|home|project}: target OST{0000-0fff} unreachable"),
			tc("info", "scheduler", "bmc", "node reserved for job {id} by partition manager, {1-4096} nodes in block"),
			tc("error", "scheduler", "bmc", "job {id} block boot failed, {1-64} nodes did not report in"),
			tc("warning", "config", "bmc", "firmware configuration mismatch: expected {1-9}.{0-9}, found {1-9}.{0-9} on {1-64} nodes"),
			tc("info", "resource", "mce", "CPU utilisation {90-100}% sustained for {1-60} min on {1-256} cores"),
			tc("warning", "resource", "memctl", "memory bandwidth saturated: {90-99}% of peak for {1-900} s"),
		},
	})
}
