package synth

import "fmt"

// Data platforms on the JVM: Elasticsearch/OpenSearch
// ("[date][LEVEL][o.e.c.r.a.AllocationService] [node] msg", the abbreviated
// logger is the component), Cassandra ("LEVEL  [thread] date File.java:line
// - msg", the source class is the component), HBase and Flink in log4j
// layouts with their class names. Conventions: shards, segments,
// snapshots, SSTables, memtable flushes, regions and WAL files are storage
// (routine flushes and compactions at info included); queries and their
// timeouts are database; GC pauses, circuit breakers, disk watermarks and
// backpressure are resource; Flink job and task lifecycle and checkpoints
// as scheduling of work are scheduler. Severity is the line's level.
func init() {
	register(&system{
		name:   "elasticsearch",
		comps:  []string{"o.e.c.r.a.AllocationService"},
		levels: map[string][]string{"debug": {"DEBUG", "TRACE"}, "info": {"INFO "}, "warning": {"WARN "}, "error": {"ERROR"}, "critical": {"FATAL"}},
		format: func(g *gen, l *line) string {
			return fmt.Sprintf("[%s][%s][%s] [%s] %s", l.ts.Format("2006-01-02T15:04:05,000"), l.level, l.comp,
				g.pick([]string{"es-data-0", "es-data-1", "es-master-2", "node-1", "opensearch-node3", "es-hot-04"}), l.msg)
		},
		tmpls: []tmpl{
			tc("info", "storage", "o.e.c.r.a.AllocationService", "current.health=\"GREEN\" message=\"Cluster health status changed from [YELLOW] to [GREEN] (reason: [shards started [[{word}-{2024|2025}.{01-12}.{10-28}][{0-9}]]]).\" previous.health=\"YELLOW\""),
			tc("info", "storage", "o.e.c.m.MetadataCreateIndexService", "[{word}-logs-{2024|2025}.{01-12}.{10-28}] creating index, cause [auto(bulk api)], templates [{word}-template], shards [{1-6}]/[1]"),
			tc("info", "storage", "o.e.c.m.MetadataDeleteIndexService", "[{word}-{2023|2024}.{01-12}.{10-28}/{hex}{hex}] deleting index"),
			tc("info", "storage", "o.e.s.SnapshotsService", "snapshot [{word}-backups:nightly-{id}/{hex}] completed with state [SUCCESS]"),
			tc("info", "storage", "o.e.x.i.IndexLifecycleRunner", "policy [{word}-ilm] for index [{word}-{id}] on an error step, moving from warm to delete"),
			tc("info", "storage", "o.e.i.r.PeerRecoveryTargetService", "[{word}-{id}][{0-9}] recovery of {size} from [{host}] completed in {1-900}s"),
			tc("warning", "storage", "o.e.c.r.a.AllocationService", "current.health=\"YELLOW\" message=\"Cluster health status changed from [GREEN] to [YELLOW] (reason: [{host} left]).\" previous.health=\"GREEN\""),
			tc("warning", "resource", "o.e.c.r.a.DiskThresholdMonitor", "high disk watermark [90%] exceeded on [{hex}][{host}][/usr/share/elasticsearch/data] free: {1-50}gb[{5-10}%], shards will be relocated away from this node"),
			tc("warning", "resource", "o.e.m.j.JvmGcMonitorService", "[gc][{count}] overhead, spent [{1-20}.{0-9}s] collecting in the last [{1-30}.{0-9}s]"),
			tc("info", "resource", "o.e.m.j.JvmGcMonitorService", "[gc][young][{count}][{count}] duration [{100-900}ms], collections [1]/[1s], total [{100-900}ms]/[{1-9}h], memory [{1-30}gb]->[{1-30}gb]/[31gb]"),
			tc("error", "resource", "o.e.i.b.HierarchyCircuitBreakerService", "[parent] Data too large, data for [indices:data/write/bulk[s]] would be [{count}mb], which is larger than the limit of [{count}mb]"),
			tc("warning", "resource", "o.e.i.s.IndexingStats|o.e.i.IndexingPressure", "rejected execution of bulk request on write thread pool: queue capacity [{200-10000}], active threads [{4-64}]"),
			tc("warning", "database", "o.e.a.s.TransportSearchAction", "[{word}-*] took [{5-60}s] for query, exceeding slowlog threshold [5s], source [⟨\"query\":⟨\"match\":⟨\"message\":\"{word}\"⟩⟩⟩]"),
			tc("debug", "database", "o.e.a.s.TransportSearchAction", "[{word}-{id}][{0-9}], node[{hex}], [P], s[STARTED]: Failed to execute [SearchRequest⟨searchType=QUERY_THEN_FETCH, indices=[{word}-*]⟩]"),
			tc("info", "network", "o.e.c.s.ClusterApplierService", "added ⟨⟨{host}⟩⟨{hex}⟩⟨{ip}⟩⟨{ip}:9300⟩⟨dimr⟩⟩, term: {1-90}, version: {count}, reason: ApplyCommitRequest⟨term={1-90}⟩"),
			tc("warning", "network", "o.e.t.TransportService|o.e.t.InboundHandler", "handling inbound transport message [InboundMessage⟨requestId={count}⟩] took [{5000-30000}ms] which is above the warn threshold of [5000ms]"),
			tc("error", "network", "o.e.d.PeerFinder", "address [{ip}:9300], node [null], requesting [false] connection failed: [{host}][{ip}:9300] connect_exception: Connection refused"),
			tc("info", "application", "o.e.n.Node", "version[8.{0-15}.{0-5}], pid[{pid}], build[default/docker/{sha}], OS[Linux/{5|6}.{1-15}.0/amd64], JVM[Oracle Corporation/OpenJDK 64-Bit Server VM/{17|21}]"),
			tc("info", "application", "o.e.n.Node", "started ⟨{host}⟩⟨{hex}⟩⟨{ip}:9300⟩"),
			tc("info", "auth", "o.e.x.s.a.RealmsAuthenticator|o.e.x.s.a.AuthenticationService", "Authentication of [{user}] was terminated by realm [reserved] - failed to authenticate user [{user}]"),
			tc("warning", "auth", "o.e.x.s.a.ApiKeyService", "Authentication using apikey failed - api key [{hex}] has expired"),
			tc("error", "config", "o.e.b.Elasticsearch|o.e.b.BootstrapChecks", "node validation exception: bootstrap check failure [1] of [1]: max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]"),
			tc("info", "config", "o.e.c.s.ClusterSettings", "updating [cluster.routing.allocation.{enable|disk.watermark.low|awareness.attributes}] from [{all|85%}] to [{primaries|80%|zone}]"),
			tc("critical", "storage", "o.e.i.e.Engine", "[{word}-{id}][{0-9}] fatal error in engine: CorruptIndexException[checksum failed (hardware problem?) : expected={hex} actual={hex}]"),
			tc("critical", "resource", "o.e.b.ElasticsearchUncaughtExceptionHandler", "fatal error in thread [elasticsearch[{host}][write][T#{1-16}]], exiting java.lang.OutOfMemoryError: Java heap space"),
			tc("debug", "scheduler", "o.e.x.m.j.p.a.AutodetectProcessManager|o.e.p.PersistentTasksNodeService", "[{word}-job] Opening job on node [{host}], task id [{count}]"),
		},
	})

	register(&system{
		name:   "cassandra",
		comps:  []string{"StorageService"},
		levels: map[string][]string{"debug": {"DEBUG", "TRACE"}, "info": {"INFO "}, "warning": {"WARN "}, "error": {"ERROR"}},
		format: func(g *gen, l *line) string {
			th := g.pick([]string{"main", "CompactionExecutor:3", "MemtableFlushWriter:7", "GossipStage:1", "Native-Transport-Requests-12", "ScheduledTasks:1", "MutationStage-4", "HintsDispatcher:2", "StorageServiceShutdownHook"})
			return fmt.Sprintf("%s [%s] %s %s.java:%d - %s", l.level, th, l.ts.Format("2006-01-02 15:04:05,000"), l.comp, 50+g.r.IntN(3000), l.msg)
		},
		tmpls: []tmpl{
			tc("info", "storage", "CompactionTask", "Compacted ({uuid}) {2-32} sstables to [/var/lib/cassandra/data/{db}/{table}-{hex}/nb-{count}-big,] to level=0.  {size} to {size} (~{20-99}% of original) in {count}ms.  Read Throughput = {size}/s, Write Throughput = {size}/s"),
			tc("info", "storage", "Flushing|ColumnFamilyStore", "Enqueuing flush of {table}: {size} ({0-30}%) on-heap, {size} ({0-30}%) off-heap"),
			tc("info", "storage", "Memtable", "Completed flushing /var/lib/cassandra/data/{db}/{table}-{hex}/nb-{count}-big-Data.db ({size}) for commitlog position CommitLogPosition(segmentId={offset}, position={count})"),
			tc("info", "storage", "StreamResultFuture", "[Stream #{uuid}] All sessions completed, {count} files received, {size}"),
			tc("info", "storage", "RepairSession", "[repair #{uuid}] {table} is fully synced"),
			tc("debug", "storage", "CommitLogSegmentManagerStandard|AbstractCommitLogSegmentManager", "No segments in reserve; creating a fresh one"),
			tc("warning", "storage", "CompactionManager|LeveledManifest", "Not enough space for compaction of {db}.{table}, estimated sstables = {1-900}, expected write size = {size}"),
			tc("error", "storage", "CassandraDaemon|DefaultFSErrorHandler", "Exiting forcefully due to file system exception on startup, disk failure policy \"stop\": Corrupted: /var/lib/cassandra/data/{db}/{table}-{hex}/nb-{count}-big-Data.db"),
			tc("warning", "resource", "GCInspector", "G1 Old Generation GC in {1000-20000}ms.  G1 Old Gen: {count} -> {count}; Metaspace: {count} -> {count}"),
			tc("info", "resource", "GCInspector", "G1 Young Generation GC in {200-999}ms.  G1 Eden Space: {count} -> 0; G1 Survivor Space: {count} -> {count}"),
			tc("warning", "resource", "NoSpamLogger", "Maximum memory usage reached ({512|1024|2048}MiB), cannot allocate chunk of 1.000MiB"),
			tc("info", "resource", "StatusLogger", "Pool Name                    Active   Pending      Completed   Blocked  All Time Blocked"),
			tc("warning", "database", "ReadCommand|MonitoringTask", "{1-90} operations were slow in the last {5000|10000} msecs: <SELECT * FROM {db}.{table} WHERE id = ? LIMIT {10-5000}>, time {500-9000} msec - slow timeout 500 msec"),
			tc("warning", "database", "ReadCommand", "Read {count} live rows and {100001-900000} tombstone cells for query SELECT * FROM {db}.{table} WHERE key = ? (see tombstone_warn_threshold)"),
			tc("error", "database", "StorageProxy|ReadCallback", "Operation timed out - received only {0-1} responses for a QUORUM read on {db}.{table}"),
			tc("info", "database", "MigrationManager|Schema", "Create new table: {db}.{table} with {2-40} columns"),
			tc("info", "network", "Gossiper", "Node /{ip}:7000 is now part of the cluster"),
			tc("info", "network", "Gossiper", "InetAddress /{ip}:7000 is now UP"),
			tc("warning", "network", "FailureDetector|Gossiper", "Not marking nodes down due to local pause of {5000-60000}ms > 5000ms"),
			tc("info", "network", "OutboundConnection", "{ip}:7000->{ip}:7000-SMALL_MESSAGES-{hex} successfully connected, version = 12, framing = CRC, encryption = unencrypted"),
			tc("error", "network", "OutboundConnectionInitiator", "Failed to connect to peer {ip}:7000: io.netty.channel.ConnectTimeoutException: connection timed out"),
			tc("info", "application", "StorageService", "Node /{ip}:7000 state jump to NORMAL"),
			tc("info", "application", "CassandraDaemon", "Startup complete"),
			tc("info", "auth", "AuthCache|PasswordAuthenticator", "Cleared cached credentials for role {user}"),
			tc("warning", "auth", "PasswordAuthenticator", "Provided username {user} and/or password are incorrect"),
			tc("warning", "config", "DatabaseDescriptor", "Only {1-9}.{0-9}GiB free across all data volumes. Consider adding more capacity to your cluster or removing obsolete snapshots"),
			tc("info", "config", "Config|YamlConfigurationLoader", "Node configuration:[allocate_tokens_for_local_replication_factor=3; authenticator=PasswordAuthenticator; num_tokens={16|256}; ...]"),
			tc("error", "config", "CassandraDaemon", "Exception encountered during startup: Invalid yaml. Please remove properties [{word}_timeout] from your cassandra.yaml"),
			tc("info", "system", "StorageService", "Received SIGTERM, draining node before shutdown"),
			tc("debug", "scheduler", "ActiveRepairService|CompactionStrategyManager", "Scheduling repair task {uuid} for {db}.{table} in {1-3600}s"),
		},
	})

	const (
		hregion = "org.apache.hadoop.hbase.regionserver.HRegion|regionserver.HRegion|HRegion"
		hmaster = "org.apache.hadoop.hbase.master.HMaster|master.HMaster"
		assign  = "org.apache.hadoop.hbase.master.assignment.AssignmentManager|assignment.AssignmentManager"
	)
	register(&system{
		name:   "hbase",
		levels: log4jLevels,
		format: fmtLog4j,
		tmpls: []tmpl{
			tc("info", "storage", hregion, "Flushing {hex}{hex} {1-9}/{1-9} column families, dataSize={size} heapSize={size}"),
			tc("info", "storage", hregion, "Finished flush of dataSize ~{size}/{count}, heapSize ~{size}/{count}, currentSize={size}/{count} for {hex}{hex} in {1-900}ms, sequenceid={count}, compaction requested=true"),
			tc("info", "storage", "org.apache.hadoop.hbase.regionserver.HStore|regionserver.HStore", "Completed major compaction of {2-30} file(s) in cf of {table},{hex},{count}.{hex}. into {hex}(size={size}), total size for store is {size}. This selection was in queue for 0sec, and took {1-300}sec to execute."),
			tc("info", "storage", "org.apache.hadoop.hbase.regionserver.wal.AbstractFSWAL|wal.AbstractFSWAL", "Rolled WAL /hbase/WALs/{host},16020,{offset}/{host}%2C16020%2C{offset}.{offset} with entries={count}, filesize={size}; new WAL /hbase/WALs/{host},16020,{offset}/{host}%2C16020%2C{offset}.{offset}"),
			tc("info", "storage", "org.apache.hadoop.hbase.regionserver.SplitRequest|regionserver.SplitRequest", "Region split, hbase:meta updated, and report to master. Parent={table},,{offset}.{hex}., new regions: {table},,{offset}.{hex}., {table},{id},{offset}.{hex}."),
			tc("warning", "storage", "org.apache.hadoop.hbase.regionserver.wal.AbstractFSWAL|wal.AbstractFSWAL", "Too many WALs; count={33-90}, max=32; forcing flush of {1-9} region(s): {hex}{hex}"),
			tc("warning", "resource", "org.apache.hadoop.hbase.regionserver.MemStoreFlusher|regionserver.MemStoreFlusher", "Blocking updates on {host},16020,{offset}: global memstore heapsize {size} is >= blocking {size}"),
			tc("warning", "resource", "org.apache.hadoop.hbase.ipc.RpcServer|ipc.RpcServer", "(responseTooSlow): ⟨\"call\":\"Multi(org.apache.hadoop.hbase.shaded.protobuf.generated.ClientProtos$MultiRequest)\",\"processingtimems\":{10000-90000},\"client\":\"{ip}:{eport}\",\"queuetimems\":{0-900}⟩"),
			tc("info", "scheduler", assign, "Assigning {table},{hex},{offset}.{hex}. to {host},16020,{offset}"),
			tc("warning", "scheduler", assign, "STUCK Region-In-Transition rit=OPENING, location={host},16020,{offset}, table={table}, region={hex}{hex}"),
			tc("info", "application", hmaster, "Master has completed initialization {1-300}.{100-999}sec"),
			tc("error", "network", "org.apache.hadoop.hbase.client.RpcRetryingCallerImpl|client.RpcRetryingCallerImpl", "Call exception, tries={6-35}, retries=35, started={count} ms ago, cancelled=false, msg=Call to address={host}:16020 failed on connection exception: Connection refused"),
			tc("critical", "application", "org.apache.hadoop.hbase.regionserver.HRegionServer|regionserver.HRegionServer", "***** ABORTING region server {host},16020,{offset}: Replay of WAL required. Forcing server shutdown *****"),
			tc("error", "network", "org.apache.hadoop.hbase.zookeeper.ZKWatcher|zookeeper.ZKWatcher", "regionserver:16020-0x{hex}, quorum={host}:2181, baseZNode=/hbase Received unexpected KeeperException, re-throwing exception"),
			tc("debug", "storage", "org.apache.hadoop.hbase.io.hfile.LruBlockCache|hfile.LruBlockCache", "totalSize={size}, usedSize={size}, freeSize={size}, max={size}, blockCount={count}, accesses={count}, hits={count}, hitRatio={10-99}.{0-99}%"),
			tc("info", "database", "org.apache.hadoop.hbase.master.procedure.CreateTableProcedure|procedure.CreateTableProcedure", "Create table {db}:{table} with {1-9} column families, pid={count}"),
			tc("warning", "config", "org.apache.hadoop.hbase.util.CommonFSUtils|util.CommonFSUtils", "hbase.wal.dir points to the same filesystem as hbase.rootdir; consider a separate WAL location"),
		},
	})

	const (
		exg = "org.apache.flink.runtime.executiongraph.ExecutionGraph|executiongraph.ExecutionGraph|ExecutionGraph"
		ckp = "org.apache.flink.runtime.checkpoint.CheckpointCoordinator|checkpoint.CheckpointCoordinator"
		tm  = "org.apache.flink.runtime.taskmanager.Task|taskmanager.Task"
	)
	register(&system{
		name:   "flink",
		levels: log4jLevels,
		format: fmtLog4j,
		tmpls: []tmpl{
			tc("info", "scheduler", exg, "Source: {word}-kafka -> Map -> Sink: {word}-sink ({1-64}/{1-64}) (attempt #{0-5}) switched from DEPLOYING to INITIALIZING."),
			tc("info", "scheduler", exg, "Job {word}-pipeline ({hex}{hex}{hex}{hex}) switched from state RUNNING to {FINISHED|CANCELLING}."),
			tc("warning", "scheduler", exg, "Window(TumblingEventTimeWindows({60000|300000}), EventTimeTrigger, {word}Aggregate) ({1-64}/{1-64}) switched from RUNNING to FAILED on {ip}:{eport}-{hex} @ {host} (dataPort={eport})."),
			tc("error", "scheduler", "org.apache.flink.runtime.jobmaster.JobMaster|jobmaster.JobMaster", "Job {word}-pipeline reached the restart attempts limit ({3-10}) of FixedDelayRestartStrategy; failing the job"),
			tc("info", "scheduler", "org.apache.flink.runtime.resourcemanager.slotmanager.DeclarativeSlotManager|slotmanager.DeclarativeSlotManager", "Received resource requirements from job {hex}{hex}: [ResourceRequirement⟨resourceProfile=ResourceProfile⟨UNKNOWN⟩, numberOfRequiredSlots={1-64}⟩]"),
			tc("info", "scheduler", ckp, "Completed checkpoint {count} for job {hex}{hex} ({bytes} bytes, checkpointDuration={count} ms, finalizationTime={1-90} ms)."),
			tc("info", "scheduler", ckp, "Triggering checkpoint {count} (type=CheckpointType⟨name='Checkpoint'⟩) @ {offset} for job {hex}{hex}."),
			tc("warning", "scheduler", ckp, "Checkpoint {count} of job {hex}{hex} expired before completing."),
			tc("info", "storage", "org.apache.flink.runtime.state.filesystem.FsCheckpointStorageAccess|filesystem.FsCheckpointStorageAccess", "Checkpoint storage is set to 's3://{word}-checkpoints/{word}/chk-{count}'"),
			tc("info", "scheduler", tm, "Freeing task resources for Map ({1-64}/{1-64})#{0-5} ({hex}{hex})."),
			tc("warning", "resource", "org.apache.flink.runtime.taskmanager.Task|org.apache.flink.streaming.runtime.tasks.StreamTask", "Task did not exit gracefully within 180 + 30 seconds; backpressure on output gate kept {1-64} buffers busy"),
			tc("error", "resource", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner|taskexecutor.TaskManagerRunner", "Fatal error occurred while executing the TaskManager: java.lang.OutOfMemoryError: Direct buffer memory"),
			tc("info", "network", "org.apache.flink.runtime.io.network.netty.NettyServer|netty.NettyServer", "Successful initialization (took {10-900} ms). Listening on SocketAddress /{ip}:{eport}."),
			tc("error", "network", "org.apache.flink.runtime.taskexecutor.TaskExecutor|taskexecutor.TaskExecutor", "Heartbeat of JobManager at akka.tcp://flink@{ip}:6123/user/rpc/jobmanager_{1-9} timed out; closing connection"),
			tc("info", "config", "org.apache.flink.configuration.GlobalConfiguration|configuration.GlobalConfiguration", "Loading configuration property: taskmanager.{numberOfTaskSlots|memory.process.size|network.memory.fraction}, {4|4096m|0.1}"),
			tc("warning", "config", "org.apache.flink.configuration.Configuration|configuration.Configuration", "Config uses deprecated configuration key 'state.backend' instead of proper key 'state.backend.type'"),
			tc("debug", "scheduler", "org.apache.flink.runtime.scheduler.adaptive.AdaptiveScheduler|adaptive.AdaptiveScheduler", "Desired parallelism for job {hex}{hex} is {1-64}, {1-64} slots available, waiting {1-30}s for more resources"),
			tc("critical", "application", "org.apache.flink.runtime.entrypoint.ClusterEntrypoint|entrypoint.ClusterEntrypoint", "Fatal error occurred in the cluster entrypoint: JobManager leader lost and could not be recovered"),
		},
	})
}
