package synth

// Kubernetes: the kubelet and containerd under systemd (syslog header naming
// the program, klog or logrus body with its own level), and control-plane
// components logging bare klog lines, whose component is the source file's
// name as the header spells it ("scheduler" in "scheduler.go:123]"). Pods,
// containers, scheduling and leases are scheduler; probes and CNI are
// network; image pulls and volumes storage; evictions and OOM resource.
func init() {
	klogLevels := map[string][]string{"info": {"I"}, "warning": {"W"}, "error": {"E"}, "critical": {"F"}}
	logrusLevels := map[string][]string{"debug": {"debug"}, "info": {"info"}, "warning": {"warning"}, "error": {"error"}, "critical": {"fatal"}}
	register(&system{
		name:   "kubelet",
		comps:  []string{"kubelet"},
		levels: klogLevels,
		format: fmtKubelet,
		tmpls: []tmpl{
			t("info", "scheduler", `"SyncLoop ADD" source="api" pods=["{ns}/{pod}"]`),
			t("info", "scheduler", `"SyncLoop DELETE" source="api" pods=["{ns}/{pod}"]`),
			t("info", "scheduler", `"Killing container with a grace period" pod="{ns}/{pod}" podUID={uuid} containerName="{app}" containerID="containerd://{cid}" gracePeriod=30`),
			t("info", "scheduler", `"RemoveContainer" containerID="{cid}"`),
			t("info", "storage", `"MountVolume.SetUp succeeded for volume \"kube-api-access-{hex}\" (UniqueName: \"kubernetes.io/projected/{uuid}-kube-api-access\") pod \"{pod}\" (UID: \"{uuid}\") " pod="{ns}/{pod}"`),
			t("info", "network", `"Probe failed" probeType="Readiness" pod="{ns}/{pod}" podUID={uuid} containerName="{app}" probeResult="failure" output="Get \"http://{ip}:8080/healthz\": dial tcp {ip}:8080: connect: connection refused"`),
			t("info", "resource", `"Eviction manager: attempting to reclaim" resourceName="{memory|ephemeral-storage|nodefs.available}"`),
			t("warning", "resource", `"Eviction manager: pods evicted, waiting for pod to be cleaned up" pods=["{ns}/{pod}"]`),
			t("warning", "network", `"Failed to get status for pod" podUID={uuid} pod="{ns}/{pod}" err="Get \"https://{ip}:6443/api/v1/namespaces/{ns}/pods/{pod}\": net/http: TLS handshake timeout"`),
			t("warning", "resource", `"Unable to fetch pod metrics" pod="{ns}/{pod}" err="failed to get cgroup stats for \"/kubepods/burstable/pod{uuid}\""`),
			t("warning", "config", `"Flag --{pod-infra-container-image|cgroup-driver|network-plugin} has been deprecated, will be removed in a future release. Please use the config file instead"`),
			t("error", "scheduler", `"Error syncing pod, skipping" err="failed to \"StartContainer\" for \"{app}\" with CrashLoopBackOff: \"back-off 5m0s restarting failed container={app} pod={pod}_{ns}({uuid})\"" pod="{ns}/{pod}" podUID={uuid}`),
			t("error", "storage", `"Error syncing pod, skipping" err="failed to \"StartContainer\" for \"{app}\" with ImagePullBackOff: \"Back-off pulling image \\\"{image}\\\"\"" pod="{ns}/{pod}"`),
			t("error", "storage", `"Unable to attach or mount volumes for pod; skipping pod" err="unmounted volumes=[data], unattached volumes=[data kube-api-access-{hex}]: timed out waiting for the condition" pod="{ns}/{pod}"`),
			t("error", "network", `"Failed to create sandbox for pod" err="rpc error: code = Unknown desc = failed to setup network for sandbox \"{cid}\": plugin type=\"calico\" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized" pod="{ns}/{pod}"`),
			t("error", "network", `"Unable to register node with API server" err="Post \"https://{ip}:6443/api/v1/nodes\": dial tcp {ip}:6443: connect: connection refused" node="{host}"`),
			t("error", "auth", `"Unable to authenticate the request" err="[invalid bearer token, service account token has expired]"`),
			t("critical", "config", `"Failed to run kubelet" err="failed to run Kubelet: misconfiguration: kubelet cgroup driver: \"cgroupfs\" is different from docker cgroup driver: \"systemd\""`),
			t("critical", "system", `"Failed to start ContainerManager" err="system validation failed - Following Cgroup subsystem not mounted: [memory]"`),
		},
	})
	register(&system{
		name:   "containerd",
		comps:  []string{"containerd", "dockerd"},
		levels: logrusLevels,
		format: fmtKubelet,
		tmpls: []tmpl{
			t("info", "scheduler", `StartContainer for "{cid}" returns successfully`),
			t("info", "scheduler", `RunPodSandbox for &PodSandboxMetadata⟨Name:{pod},Uid:{uuid},Namespace:{ns},Attempt:0,⟩ returns sandbox id "{cid}"`),
			t("info", "scheduler", `shim disconnected id={cid} namespace=k8s.io`),
			t("info", "storage", `ImageCreate event name:"{image}" labels:⟨key:"io.cri-containerd.image" value:"managed"⟩`),
			t("info", "storage", `PullImage "{image}" returns image reference "sha256:{cid}"`),
			t("warning", "scheduler", `cleaning up after shim disconnected id={cid} namespace=k8s.io`),
			t("warning", "network", `failed to read from stream: read unix /run/containerd/s/{cid}->@: use of closed network connection`),
			t("error", "storage", `PullImage "{image}" failed error="failed to pull and unpack image \"{image}\": failed to resolve reference: unexpected status from HEAD request: 401 Unauthorized"`),
			t("error", "storage", `failed to prepare extraction snapshot: no space left on device`),
			t("error", "scheduler", `StopContainer for "{cid}" failed error="rpc error: code = DeadlineExceeded desc = an error occurs during waiting for container to be killed"`),
			t("error", "resource", `OOM event for container "{cid}" in pod {ns}/{pod}`),
			t("critical", "config", `failed to load TOML: /etc/containerd/config.toml: (5, 1): unexpected token`),
			t("debug", "scheduler", `Container exec "{cid}" stdin closed`),
			t("debug", "network", `sandbox {cid} uses network namespace /var/run/netns/cni-{uuid}`),
		},
	})
	register(&system{
		name:   "kube-control-plane",
		levels: klogLevels,
		format: fmtKlog,
		tmpls: []tmpl{
			tc("info", "scheduler", "schedule_one", `"Successfully bound pod to node" pod="{ns}/{pod}" node="{host}" evaluatedNodes={1-50} feasibleNodes={1-50}`),
			tc("info", "scheduler", "schedule_one", `"Unable to schedule pod; no fit; waiting" pod="{ns}/{pod}" err="0/{3-50} nodes are available: {1-9} Insufficient cpu, {1-9} node(s) had untolerated taint ⟨node-role.kubernetes.io/control-plane: ⟩."`),
			tc("info", "scheduler", "leaderelection", `successfully acquired lease kube-system/{kube-scheduler|kube-controller-manager}`),
			tc("error", "scheduler", "leaderelection", `error retrieving resource lock kube-system/{kube-scheduler|kube-controller-manager}: Get "https://{ip}:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler?timeout=5s": context deadline exceeded`),
			tc("critical", "scheduler", "leaderelection", `failed to renew lease kube-system/{kube-scheduler|kube-controller-manager}: timed out waiting for the condition`),
			tc("info", "scheduler", "replica_set", `"Too few replicas" replicaSet="{ns}/{app}-{hex}" need={2-20} creating={1-5}`),
			tc("info", "scheduler", "deployment_controller", `"Deployment has been updated" deployment="{ns}/{app}"`),
			tc("info", "scheduler", "event", `"Event occurred" object="{ns}/{pod}" fieldPath="" kind="Pod" apiVersion="v1" type="Normal" reason="{Scheduled|Pulled|Created|Started}" message="{Successfully assigned pod|Container image already present on machine|Created container|Started container}"`),
			tc("warning", "scheduler", "event", `"Event occurred" object="{ns}/{pod}" fieldPath="spec.containers⟨{app}⟩" kind="Pod" apiVersion="v1" type="Warning" reason="BackOff" message="Back-off restarting failed container"`),
			tc("warning", "resource", "controller", `"Horizontal pod autoscaler failed to get metrics" hpa="{ns}/{app}" err="unable to get metrics for resource cpu: no metrics returned from resource metrics API"`),
			tc("info", "network", "httplog", `"HTTP" verb="{GET|LIST|WATCH|PATCH}" URI="/api/v1/namespaces/{ns}/pods?limit=500" latency="{1-900}.{100-999}ms" userAgent="kubectl/v1.{26-30}.{0-9}" audit-ID="{uuid}" srcIP="{ip}:{eport}" resp={200|201}`),
			tc("warning", "resource", "httplog", `"HTTP" verb="LIST" URI="/api/v1/pods" latency="{5-60}.{100-999}s" userAgent="{app}/v1.0" audit-ID="{uuid}" srcIP="{ip}:{eport}" resp=200 statusStack="slow request"`),
			tc("error", "auth", "authentication", `"Unable to authenticate the request" err="[x509: certificate has expired or is not yet valid: current time 2024-0{1-9}-1{0-9}T0{1-9}:00:00Z is after 2024-01-0{1-9}T00:00:00Z]"`),
			tc("error", "database", "watcher", `"etcd watch error" key="/registry/pods/{ns}" err="rpc error: code = Unavailable desc = error reading from server: EOF"`),
			tc("warning", "database", "trace", `"Trace[{count}]: \"GuaranteedUpdate etcd3\" audit-id:{uuid},key:/leases/kube-system/{kube-scheduler|kube-controller-manager},type:*coordination.Lease (total time: {500-5000}ms)"`),
			tc("info", "config", "server", `"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""`),
			tc("critical", "network", "server", `"Failed to listen" err="listen tcp 0.0.0.0:{6443|10259}: bind: address already in use"`),
			tc("warning", "auth", "authorization", `"Forbidden" user="system:serviceaccount:{ns}:{app}" verb="{list|get|watch}" resource="{secrets|pods|configmaps}" reason="RBAC: clusterrole.rbac.authorization.k8s.io \"{app}-reader\" not found"`),
		},
	})
}
