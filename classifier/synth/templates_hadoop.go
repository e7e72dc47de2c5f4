package synth

// Hadoop (HDFS, YARN, MapReduce) and Spark, in their log4j layouts. Following
// the taxonomy's conventions: HDFS block and replica work is storage; task,
// job, container and application lifecycle is scheduler; JVM pauses and
// memory limits are resource.
func init() {
	const (
		dn   = "org.apache.hadoop.hdfs.server.datanode.DataNode|datanode.DataNode|DataNode"
		nn   = "org.apache.hadoop.hdfs.server.namenode.FSNamesystem|namenode.FSNamesystem|FSNamesystem"
		rm   = "org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMAppImpl|rmapp.RMAppImpl|RMAppImpl"
		cs   = "org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler|capacity.CapacityScheduler"
		nm   = "org.apache.hadoop.yarn.server.nodemanager.containermanager.monitor.ContainersMonitorImpl|monitor.ContainersMonitorImpl"
		cimp = "org.apache.hadoop.yarn.server.nodemanager.containermanager.container.ContainerImpl|container.ContainerImpl"
	)
	register(&system{
		name:   "hadoop",
		levels: log4jLevels,
		format: fmtHadoop,
		tmpls: []tmpl{
			tc("info", "storage", dn, "Successfully sent block report 0x{hex} to namenode: {host}/{ip}:8020,  containing 1 storage report(s), of which we sent 1. The reports had {count} total blocks and used 1 RPC(s). This took {1-90} msec to generate and {1-900} msecs for RPC and NN processing."),
			tc("info", "network", dn, "Block pool {bpid} (Datanode Uuid {uuid}) service to {host}/{ip}:8020 beginning handshake with NN"),
			tc("info", "storage", dn, "Scheduling a check for [DISK]file:/data/{1-12}/dfs/dn"),
			tc("info", "storage", "org.apache.hadoop.hdfs.server.datanode.DataNode.clienttrace|DataNode.clienttrace", "src: /{ip}:{eport}, dest: /{ip}:50010, bytes: {bytes}, op: HDFS_{READ|WRITE}, cliID: DFSClient_NONMAPREDUCE_{id}_1, offset: 0, srvID: {uuid}, blockid: {bpid}:{blk}_{1000-9999}, duration(ns): {count}00"),
			tc("warning", "resource", "org.apache.hadoop.hdfs.server.datanode.BlockReceiver|datanode.BlockReceiver", "Slow BlockReceiver write packet to mirror took {300-9000}ms (threshold=300ms), downstream DNs=[{ip}:50010], replyPipeline={0-9}"),
			tc("warning", "resource", "org.apache.hadoop.hdfs.server.datanode.BlockReceiver|datanode.BlockReceiver", "Slow flushOrSync took {300-9000}ms (threshold=300ms), isSync:false, flushTotalNanos={count}000ns, volume=file:/data/{1-12}/dfs/dn/"),
			tc("warning", "network", dn, "IOException in offerService"),
			tc("error", "storage", dn, "Volume failure on /data/{1-12}/dfs/dn: java.io.IOException: Input/output error"),
			tc("warning", "storage", "org.apache.hadoop.hdfs.server.datanode.fsdataset.impl.FsDatasetImpl|impl.FsDatasetImpl", "Removed volume: /data/{1-12}/dfs/dn/current"),
			tc("critical", "storage", dn, "Too many failed volumes - current valid volumes: {1-3}, volumes configured: {4-12}, volumes failed: {2-8}, volume failures tolerated: 0"),
			tc("info", "storage", nn, "STATE* Safe mode is ON. The reported blocks {count} needs additional {count} blocks to reach the threshold 0.9990 of total blocks {count}."),
			tc("info", "storage", nn, "STATE* Leaving safe mode after {1-900} secs"),
			tc("info", "storage", nn, "Roll Edit Log from {ip}"),
			tc("info", "storage", "org.apache.hadoop.hdfs.server.namenode.FSEditLog|namenode.FSEditLog", "Number of transactions: {count} Total time for transactions(ms): {count} Number of transactions batched in Syncs: {count} Number of syncs: {count} SyncTimes(ms): {count}"),
			tc("warning", "storage", "org.apache.hadoop.hdfs.server.blockmanagement.BlockPlacementPolicy|BlockPlacementPolicy", "Failed to place enough replicas, still in need of {1-2} to reach 3 (unavailableStorages=[DISK], storagePolicy=HOT, newBlock={true|false})"),
			tc("error", "storage", "org.apache.hadoop.hdfs.server.namenode.FSEditLogLoader|namenode.FSEditLogLoader", "Error replaying edit log at offset {offset}.  Expected transaction ID was {offset}"),
			tc("critical", "storage", "org.apache.hadoop.hdfs.server.namenode.NameNode|namenode.NameNode", "Failed to start namenode. java.io.IOException: NameNode is not formatted."),
			tc("warning", "auth", "org.apache.hadoop.ipc.Server|ipc.Server", "IPC Server handler {0-99} on 8020, call Call#{count} Retry#0 org.apache.hadoop.hdfs.protocol.ClientProtocol.mkdirs from {ip}:{eport}: org.apache.hadoop.security.AccessControlException: Permission denied: user={user}, access=WRITE, inode=\"/user\":hdfs:supergroup:drwxr-xr-x"),
			tc("info", "auth", "org.apache.hadoop.security.authorize.ServiceAuthorizationManager|ServiceAuthorizationManager", "Authorization successful for {user} (auth:KERBEROS) for protocol=interface org.apache.hadoop.hdfs.protocol.ClientProtocol"),
			tc("error", "auth", "org.apache.hadoop.security.UserGroupInformation|security.UserGroupInformation", "PriviledgedActionException as:{user} (auth:KERBEROS) cause:javax.security.sasl.SaslException: GSS initiate failed"),
			tc("warning", "resource", "org.apache.hadoop.util.JvmPauseMonitor|util.JvmPauseMonitor", "Detected pause in JVM or host machine (eg GC): pause of approximately {1000-60000}ms"),
			tc("info", "config", "org.apache.hadoop.conf.Configuration.deprecation|Configuration.deprecation", "{io.bytes.per.checksum|dfs.umaskmode|mapred.job.tracker} is deprecated. Instead, use {dfs.bytes-per-checksum|fs.permissions.umask-mode|mapreduce.jobtracker.address}"),
			tc("warning", "config", "org.apache.hadoop.util.NativeCodeLoader|util.NativeCodeLoader", "Unable to load native-hadoop library for your platform... using builtin-java classes where applicable"),
			tc("info", "scheduler", rm, "{appid} State change from {NEW_SAVING|SUBMITTED|ACCEPTED|RUNNING} to {SUBMITTED|ACCEPTED|RUNNING|FINISHED} on event = {APP_NEW_SAVED|APP_ACCEPTED|ATTEMPT_REGISTERED|ATTEMPT_FINISHED}"),
			tc("info", "scheduler", "org.apache.hadoop.yarn.server.resourcemanager.ClientRMService|resourcemanager.ClientRMService", "Allocated new applicationId: {1-9999}"),
			tc("info", "scheduler", cs, "Application added - appId: {appid} user: {user} leaf-queue of parent: root #applications: {1-40}"),
			tc("info", "scheduler", "org.apache.hadoop.yarn.server.resourcemanager.rmcontainer.RMContainerImpl|rmcontainer.RMContainerImpl", "{container} Container Transitioned from {NEW|ALLOCATED|ACQUIRED|RUNNING} to {ALLOCATED|ACQUIRED|RUNNING|COMPLETED}"),
			tc("info", "scheduler", "org.apache.hadoop.yarn.server.resourcemanager.scheduler.SchedulerNode|scheduler.SchedulerNode", "Assigned container {container} of capacity <memory:{1024|2048|4096}, vCores:{1-4}> on host {host}:45454, which has {1-30} containers, <memory:{mb}, vCores:{1-30}> used and <memory:{mb}, vCores:{1-30}> available after allocation"),
			tc("warning", "resource", "org.apache.hadoop.yarn.server.resourcemanager.rmnode.RMNodeImpl|rmnode.RMNodeImpl", "Node {host}:45454 reported UNHEALTHY with details: 1/1 local-dirs usable space is below configured utilization percentage/no more usable space [ /data/yarn/local : used space above threshold of 90.0% ]"),
			tc("warning", "scheduler", "org.apache.hadoop.yarn.server.resourcemanager.rmnode.RMNodeImpl|rmnode.RMNodeImpl", "Deactivating Node {host}:45454 as it is now LOST"),
			tc("error", "scheduler", rm, "Application {appid} failed 2 times due to AM Container for appattempt_{1500000000000-1800000000000}_{1000-9999}_000002 exited with  exitCode: {1|-104|-103|143}"),
			tc("warning", "resource", nm, "Container [pid={pid},containerID={container}] is running {count}MB beyond the 'PHYSICAL' memory limit. Current usage: {2-9}.{0-9} GB of {2-8} GB physical memory used; {2-20}.{0-9} GB of {4-16}.8 GB virtual memory used. Killing container."),
			tc("info", "scheduler", cimp, "Container {container} transitioned from {NEW|LOCALIZING|SCHEDULED|RUNNING} to {LOCALIZING|SCHEDULED|RUNNING|EXITED_WITH_SUCCESS}"),
			tc("info", "scheduler", nm, "Starting resource-monitoring for {container}"),
			tc("warning", "scheduler", "org.apache.hadoop.yarn.server.nodemanager.containermanager.launcher.ContainerLaunch|launcher.ContainerLaunch", "Container launch failed for {container} : Exit code from container {container} is : {1|137|143}"),
			tc("info", "scheduler", "org.apache.hadoop.mapreduce.Job|mapreduce.Job", " map {pct}% reduce {pct}%"),
			tc("info", "scheduler", "org.apache.hadoop.mapreduce.Job|mapreduce.Job", "Job job_{1500000000000-1800000000000}_{1000-9999} completed successfully"),
			tc("info", "scheduler", "org.apache.hadoop.mapred.Task|mapred.Task", "Task:{attempt} is done. And is in the process of committing"),
			tc("info", "scheduler", "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskImpl|impl.TaskImpl", "Task succeeded with attempt {attempt}"),
			tc("error", "scheduler", "org.apache.hadoop.mapred.YarnChild|mapred.YarnChild", "Exception running child : java.io.IOException: Spill failed"),
			tc("debug", "network", "org.apache.hadoop.ipc.Client|ipc.Client", "IPC Client ({count}) connection to {host}/{ip}:8020 from {user}: closed"),
			tc("debug", "storage", "org.apache.hadoop.hdfs.DFSClient|hdfs.DFSClient", "Connecting to datanode {ip}:50010"),
			tc("debug", "scheduler", cs, "Skipping scheduling since node {host}:45454 is reserved by application {appid}"),
			tc("critical", "scheduler", "org.apache.hadoop.yarn.server.resourcemanager.ResourceManager|resourcemanager.ResourceManager", "Error in handling event type {NODE_UPDATE|APP_ATTEMPT_REMOVED|CONTAINER_EXPIRED} to the scheduler"),
		},
	})

	const (
		tsm = "TaskSetManager|scheduler.TaskSetManager|org.apache.spark.scheduler.TaskSetManager"
		dag = "DAGScheduler|scheduler.DAGScheduler|org.apache.spark.scheduler.DAGScheduler"
		bmi = "BlockManagerInfo|storage.BlockManagerInfo|org.apache.spark.storage.BlockManagerInfo"
	)
	register(&system{
		name:   "spark",
		levels: log4jLevels,
		format: fmtSpark,
		tmpls: []tmpl{
			tc("info", "scheduler", dag, "Submitting {1-400} missing tasks from ResultStage {1-90} (MapPartitionsRDD[{1-300}] at {map|filter|collect} at {Etl|Report|Main}.scala:{10-400}) (first 15 tasks are for partitions Vector(0, 1, 2))"),
			tc("info", "scheduler", dag, "Job {0-300} finished: {collect|count|saveAsTable} at {Etl|Report|Main}.scala:{10-400}, took {sec} s"),
			tc("info", "scheduler", dag, "ShuffleMapStage {1-90} ({map|groupBy|join} at {Etl|Report}.scala:{10-400}) finished in {sec} s"),
			tc("info", "scheduler", tsm, "Starting task {0-400}.0 in stage {1-90}.0 (TID {count}) ({host}, executor {1-40}, partition {0-400}, {PROCESS_LOCAL|NODE_LOCAL|ANY}, {bytes} bytes)"),
			tc("info", "scheduler", "YarnClientImpl|impl.YarnClientImpl|org.apache.hadoop.yarn.client.api.impl.YarnClientImpl", "Submitted application {appid}"),
			tc("info", "storage", bmi, "Added broadcast_{1-400}_piece0 in memory on {host}:{eport} (size: {size}, free: {size})"),
			tc("info", "storage", bmi, "Removed broadcast_{1-400}_piece0 on {host}:{eport} in memory (size: {size}, free: {size})"),
			tc("info", "resource", "ExternalSorter|collection.ExternalSorter|org.apache.spark.util.collection.ExternalSorter", "Thread {40-400} spilling in-memory map of {size} to disk ({1-40} times so far)"),
			tc("info", "application", "SparkContext|spark.SparkContext|org.apache.spark.SparkContext", "Running Spark version {3.3.2|3.4.1|3.5.1}"),
			tc("info", "config", "SparkContext|spark.SparkContext", "Submitted application: {etl-daily|report-gen|sessionize}"),
			tc("info", "config", "ResourceUtils|resource.ResourceUtils", "Resources for spark.{driver|executor}:"),
			tc("warning", "resource", tsm, "Lost task {0-400}.0 in stage {1-90}.0 (TID {count}) ({host} executor {1-40}): java.lang.OutOfMemoryError: Java heap space"),
			tc("warning", "scheduler", tsm, "Lost task {0-400}.{1-3} in stage {1-90}.0 (TID {count}) ({host} executor {1-40}): org.apache.spark.shuffle.FetchFailedException: Failed to connect to {host}/{ip}:7337"),
			tc("warning", "network", "HeartbeatReceiver|spark.HeartbeatReceiver", "Removing executor {1-40} with no recent heartbeats: {120000-300000} ms exceeds timeout 120000 ms"),
			tc("warning", "network", "Utils|util.Utils|org.apache.spark.util.Utils", "Service 'SparkUI' could not bind on port {4040-4050}. Attempting port {4041-4051}."),
			tc("warning", "resource", tsm, "Stage {1-90} contains a task of very large size ({1001-90000} KiB). The maximum recommended task size is 1000 KiB."),
			tc("warning", "resource", "YarnScheduler|cluster.YarnScheduler|TaskSchedulerImpl", "Initial job has not accepted any resources; check your cluster UI to ensure that workers are registered and have sufficient resources"),
			tc("warning", "storage", "BlockManager|storage.BlockManager", "Block rdd_{1-400}_{0-400} could not be removed as it was not found on disk or in memory"),
			tc("warning", "config", "SparkConf|spark.SparkConf", "The configuration key '{spark.yarn.executor.memoryOverhead|spark.akka.frameSize}' has been deprecated as of Spark {2.3|3.0} and may be removed in the future."),
			tc("error", "resource", "YarnScheduler|cluster.YarnScheduler", "Lost executor {1-40} on {host}: Container killed by YARN for exceeding physical memory limits. {5-20}.{0-9} GB of {5-20}.{0-9} GB physical memory used. Consider boosting spark.executor.memoryOverhead."),
			tc("error", "scheduler", tsm, "Task {0-400} in stage {1-90}.0 failed 4 times; aborting job"),
			tc("error", "scheduler", "Executor|executor.Executor|org.apache.spark.executor.Executor", "Exception in task {0-400}.{0-3} in stage {1-90}.0 (TID {count})"),
			tc("error", "application", "SparkUncaughtExceptionHandler|util.SparkUncaughtExceptionHandler", "Uncaught exception in thread Thread[{Executor task launch worker for task 12|dispatcher-event-loop-3},5,main]"),
			tc("error", "resource", "AsyncEventQueue|scheduler.AsyncEventQueue", "Dropping event from queue {appStatus|eventLog|executorManagement}. This likely means one of the listeners is too slow and cannot keep up with the rate at which tasks are being started by the scheduler."),
			tc("error", "application", "SparkContext|spark.SparkContext", "Error initializing SparkContext."),
			tc("critical", "application", "ApplicationMaster|yarn.ApplicationMaster", "User class threw exception: java.lang.{IllegalStateException|RuntimeException}: {Input path does not exist|Job aborted}"),
			tc("debug", "storage", "BlockManager|storage.BlockManager", "Getting local block broadcast_{1-400}"),
			tc("debug", "resource", "TaskMemoryManager|memory.TaskMemoryManager", "Task {count} release {size} from org.apache.spark.util.collection.ExternalSorter@{hex}"),
			tc("debug", "scheduler", dag, "Checking if any dependencies of ShuffleMapStage {1-90} are now runnable"),
		},
	})
}
