package synth

import (
	"fmt"
	"strings"
)

// Cluster coordination services: Consul, Vault and Nomad in hclog's layout
// ("<date> [INFO]  agent.server.raft: msg: key=value", the named logger is
// the component) and etcd in zap JSON ("logger" and "caller" name the
// package). Conventions: Raft elections and leadership are network when
// they are about peers and heartbeats, and scheduler when a lease or
// allocation is granted or lost; Nomad allocations, evaluations and
// deployments are scheduler; Vault tokens, policies and seals are auth;
// snapshots, WAL and the backend database are storage; slow applies and
// "took too long" are resource. Severity is the line's level.
func init() {
	hclogLevels := map[string][]string{"debug": {"DEBUG", "TRACE"}, "info": {"INFO"}, "warning": {"WARN"}, "error": {"ERROR"}}
	hclog := func(g *gen, l *line) string {
		pad := strings.Repeat(" ", 6-len(l.level))
		return fmt.Sprintf("%s [%s]%s%s: %s", l.ts.Format("2006-01-02T15:04:05.000Z"), l.level, pad, l.comp, l.msg)
	}
	register(&system{
		name:   "consul",
		comps:  []string{"agent"},
		levels: hclogLevels,
		format: hclog,
		tmpls: []tmpl{
			tc("info", "network", "agent.server.raft", "entering follower state: follower=\"Node at {ip}:8300 [Follower]\" leader-address= leader-id="),
			tc("info", "network", "agent.server.raft", "election won: term={1-900} tally={2-5}"),
			tc("warning", "network", "agent.server.raft", "heartbeat timeout reached, starting election: last-leader-addr={ip}:8300 last-leader-id={uuid}"),
			tc("info", "network", "agent.server.serf.lan|agent.client.serf.lan", "serf: EventMemberJoin: {host} {ip}"),
			tc("info", "network", "agent.server.serf.lan|agent.client.serf.lan", "serf: EventMemberFailed: {host} {ip}"),
			tc("warning", "network", "agent.client.memberlist.lan", "memberlist: Refuting a suspect message (from: {host})"),
			tc("error", "network", "agent.client", "RPC failed to server: method=Catalog.Register server={ip}:8300 error=\"rpc error making call: EOF\""),
			tc("info", "application", "agent", "Synced service: service={app}-{1-9}"),
			tc("warning", "application", "agent", "Check is now critical: check=service:{app}-{1-9}"),
			tc("info", "application", "agent", "Check is now passing: check=service:{app}-{1-9}"),
			tc("debug", "application", "agent", "Node info in sync"),
			tc("error", "auth", "agent.http", "Request error: method=PUT url=/v1/kv/{word}/{word} from={ip}:{eport} error=\"Permission denied: token with AccessorID '{uuid}' lacks permission 'key:write'\""),
			tc("warning", "auth", "agent.auto_config", "ACL token for agent is missing or expired; using anonymous token"),
			tc("info", "storage", "agent.server.raft", "snapshot complete up to: index={count}"),
			tc("warning", "resource", "agent.server", "raft apply took too long: duration={500-9000}ms index={count}"),
			tc("error", "config", "agent", "Error parsing /etc/consul.d/{word}.hcl: At {1-90}:{1-40}: unknown key \"{retry_joins|datacentre|bootstrap_expct}\""),
			tc("info", "config", "agent", "Caught: signal=hangup; reloading configuration from /etc/consul.d"),
		},
	})
	register(&system{
		name:   "vault",
		comps:  []string{"core"},
		levels: hclogLevels,
		format: hclog,
		tmpls: []tmpl{
			tc("info", "auth", "core", "vault is unsealed"),
			tc("info", "auth", "core", "successful mount: namespace=\"\" path={secret|pki|transit|database}/ type={kv|pki|transit|database}"),
			tc("warning", "auth", "core", "vault is sealed"),
			tc("info", "auth", "auth.kubernetes.auth_kubernetes_4f1c2a9b|auth.approle.auth_approle_0d7e33c1", "login successful: role={app} entity_id={uuid}"),
			tc("error", "auth", "core", "failed to lookup token: error=\"bad token\" remote_address={ip}"),
			tc("warning", "auth", "expiration", "revoking lease failed: lease_id=database/creds/{app}/{hex}{hex} error=\"failed to revoke entry: connection refused\""),
			tc("info", "auth", "expiration", "revoked lease: lease_id=auth/token/create/{hex}{hex}"),
			tc("error", "auth", "core", "error checking health: error=\"Vault is sealed\""),
			tc("info", "storage", "storage.raft", "snapshot installed: index={count} term={1-90} size={bytes}"),
			tc("info", "storage", "storage.raft.snapshot", "creating new snapshot: path=/vault/data/raft/snapshots/{1-90}-{count}-{offset}.tmp"),
			tc("error", "storage", "core", "failed to persist keyring: error=\"failed to put in storage: context deadline exceeded\""),
			tc("info", "network", "core.cluster-listener.tcp", "starting listener: listener_address={ip}:8201"),
			tc("warning", "network", "storage.raft", "failed to contact quorum of nodes, stepping down"),
			tc("info", "application", "core", "post-unseal setup complete"),
			tc("critical", "application", "core", "barrier unseal failed, shutting down: error=\"cipher: message authentication failed\"").lv("ERROR"), // hclog has no level above ERROR; the server stops
			tc("debug", "database", "secrets.database.database_9a2b7c11|secrets.database.database_e04f6d2a", "creating credential: plugin=postgresql-database-plugin role={app}-ro ttl={3600|86400}"),
			tc("error", "database", "secrets.database.database_9a2b7c11|secrets.database.database_e04f6d2a", "error creating user: error=\"pq: role \\\"v-{app}-{hex}\\\" already exists\""),
			tc("warning", "config", "core", "no `api_addr` value specified in config or in VAULT_API_ADDR; falling back to detection if possible, but this value should be manually set"),
		},
	})
	register(&system{
		name:   "nomad",
		comps:  []string{"client"},
		levels: hclogLevels,
		format: hclog,
		tmpls: []tmpl{
			tc("info", "scheduler", "client.alloc_runner.task_runner", "Task event: alloc_id={uuid} task={app} type=Started msg=\"Task started by client\" failed=false"),
			tc("info", "scheduler", "client.alloc_runner.task_runner", "Task event: alloc_id={uuid} task={app} type=Received msg=\"Task received by client\" failed=false"),
			tc("warning", "scheduler", "client.alloc_runner.task_runner", "Task event: alloc_id={uuid} task={app} type=\"Restart Signaled\" msg=\"healthcheck: check \\\"{app}-http\\\" unhealthy\" failed=false"),
			tc("error", "scheduler", "client.alloc_runner.task_runner", "run failed: alloc_id={uuid} task={app} error=\"failed to launch command with executor: rpc error: code = Unknown desc = fork/exec /usr/local/bin/{app}: no such file or directory\""),
			tc("info", "scheduler", "worker", "dequeued evaluation: worker_id={uuid} eval_id={uuid} type=service namespace=default job_id={app} node_id=\"\" triggered_by=job-register"),
			tc("info", "scheduler", "worker.service_sched", "reconciled current state with desired state: eval_id={uuid} job_id={app} namespace=default desired_changes=\"(place {0-9}) (inplace 0) (destructive {0-9}) (stop {0-9})\""),
			tc("warning", "scheduler", "worker.service_sched", "failed to place all allocations, blocked eval created: eval_id={uuid} job_id={app} blocked_eval_id={uuid}"),
			tc("info", "scheduler", "client.gc", "marking allocation for GC: alloc_id={uuid}"),
			tc("debug", "scheduler", "client", "updated allocations: index={count} total={1-90} pulled={0-9} filtered={0-90}"),
			tc("warning", "resource", "client.alloc_runner.task_runner.task_hook.logmon", "plugin process exited: memory limit {256|512|1024} MiB reached for task {app}"),
			tc("warning", "resource", "worker.service_sched", "node exhausted: dimension=\"memory\" node_class={default|gpu|batch} exhausted_nodes={1-40}"),
			tc("info", "network", "client", "node registration complete"),
			tc("error", "network", "client.rpc", "error performing RPC to server: error=\"rpc error: EOF\" rpc=Node.UpdateStatus server={ip}:4647"),
			tc("info", "storage", "client.alloc_runner.task_runner.task_hook.artifacts", "downloaded artifact: alloc_id={uuid} task={app} artifact=https://{fqdn}/releases/{app}-{version}.tar.gz"),
			tc("error", "storage", "client.alloc_runner.task_runner.task_hook.volume_hook", "failed to mount host volume {word}-data: path /srv/{word} does not exist"),
			tc("error", "hardware", "client.device_mgr", "failed to fingerprint devices: plugin=nvidia-gpu error=\"nvml: GPU is lost\""),
		},
	})

	register(&system{
		name:   "etcd",
		comps:  []string{"etcdserver"},
		levels: map[string][]string{"debug": {"debug"}, "info": {"info"}, "warning": {"warn"}, "error": {"error"}, "critical": {"panic", "fatal"}},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf(`{"level":%q,"ts":%q,"logger":"raft","caller":"%s/%s.go:%d","msg":%s}`, l.level, l.ts.Format("2006-01-02T15:04:05.000000Z"), l.comp,
				g.pick([]string{"server", "raft", "v3_server", "util", "backend", "peer"}), 30+g.r.IntN(2500), jsonString(l.msg))
		},
		tmpls: []tmpl{
			tc("info", "network", "etcdserver|raft", "{hex16} became leader at term {1-900}"),
			tc("info", "network", "raft", "raft.node: {hex16} elected leader {hex16} at term {1-900}"),
			tc("warning", "network", "rafthttp", "lost TCP streaming connection with remote peer stream-writer={hex16} local-member-id={hex16}"),
			tc("warning", "network", "rafthttp", "prober detected unhealthy status round-tripper-name=ROUND_TRIPPER_RAFT_MESSAGE remote-peer-id={hex16} rtt={1-900}ms error=\"dial tcp {ip}:2380: i/o timeout\""),
			tc("warning", "resource", "etcdserver", "apply request took too long took={100-9000}ms expected-duration=100ms prefix=\"read-only range \" request=\"key:\\\"/registry/{pods|leases|events}/{ns}/\\\" \""),
			tc("warning", "resource", "wal", "slow fdatasync took={1-9}.{100-999}s expected-duration=1s"),
			tc("warning", "resource", "etcdserver", "server is likely overloaded, failed to send out heartbeat on time; took too long, leader is overloaded likely from slow disk"),
			tc("error", "resource", "etcdserver", "database space exceeded, alarm NOSPACE raised, quota-size-bytes={2147483648|8589934592}"),
			tc("info", "storage", "etcdserver", "saved snapshot snapshot-index={count}"),
			tc("info", "storage", "mvcc", "finished scheduled compaction compact-revision={count} took={1-900}ms"),
			tc("info", "storage", "backend", "defragmented db file current-db-size-bytes={bytes} took={1-20}.{100-999}s"),
			tc("info", "scheduler", "lease", "revoked expired leases count={1-900}"),
			tc("warning", "scheduler", "lease", "failed to revoke lease lease-id={hex16} error=\"etcdserver: request timed out\""),
			tc("info", "auth", "auth", "authorized user {user} issued simple token for revision {count}"),
			tc("error", "auth", "auth", "invalid password user-name={user}"),
			tc("info", "application", "embed", "serving client traffic securely address={ip}:2379"),
			tc("critical", "storage", "etcdserver|wal", "failed to open WAL error=\"wal: crc mismatch\""),
			tc("critical", "application", "etcdserver", "failed to start etcd error=\"member {hex16} has already been bootstrapped\""),
			tc("debug", "network", "rafthttp", "peer {hex16} became active"),
			tc("error", "config", "etcdmain|embed", "failed to verify flags error=\"--initial-cluster has {word}=https://{ip}:2380 but missing from --initial-advertise-peer-urls\""),
		},
	})
}
