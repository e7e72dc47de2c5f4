package deploytest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/logsift/logsift/classifier"
	"github.com/logsift/logsift/classifier/store"
	"github.com/logsift/logsift/ingest"
	"github.com/logsift/logsift/platform/broker"
	"github.com/logsift/logsift/stream"
)

var overlays = []string{"dev", "prod"}

func build(t *testing.T, overlay string) resmap.ResMap {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	dir, _ := filepath.Abs(filepath.Join("..", "..", "deployments", "overlays", overlay))
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", overlay, err)
	}
	return m
}

// strict decodes YAML into a typed struct, refusing unknown fields (a typo
// such as readinessProb would otherwise vanish silently).
func strict(t *testing.T, what string, y []byte, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(y, into); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

type objects struct {
	deployments map[string]*appsv1.Deployment
	services    map[string]*corev1.Service
	configMaps  map[string]*corev1.ConfigMap
	secrets     map[string]*corev1.Secret
	pdbs        map[string]*policyv1.PodDisruptionBudget
	custom      map[string]map[string]any // kind/name → object
}

func decode(t *testing.T, overlay string) objects {
	t.Helper()
	o := objects{map[string]*appsv1.Deployment{}, map[string]*corev1.Service{}, map[string]*corev1.ConfigMap{},
		map[string]*corev1.Secret{}, map[string]*policyv1.PodDisruptionBudget{}, map[string]map[string]any{}}
	for _, r := range build(t, overlay).Resources() {
		y, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("%s: %s %s", overlay, r.GetKind(), r.GetName())
		switch gvk := r.GetGvk(); gvk.ApiVersion() + "/" + gvk.Kind {
		case "apps/v1/Deployment":
			var d appsv1.Deployment
			strict(t, what, y, &d)
			o.deployments[d.Name] = &d
		case "v1/Service":
			var s corev1.Service
			strict(t, what, y, &s)
			o.services[s.Name] = &s
		case "v1/ConfigMap":
			var c corev1.ConfigMap
			strict(t, what, y, &c)
			o.configMaps[c.Name] = &c
		case "v1/Secret":
			var s corev1.Secret
			strict(t, what, y, &s)
			o.secrets[s.Name] = &s
		case "policy/v1/PodDisruptionBudget":
			var p policyv1.PodDisruptionBudget
			strict(t, what, y, &p)
			o.pdbs[p.Name] = &p
		case "keda.sh/v1alpha1/ScaledObject", "kafka.strimzi.io/v1beta2/KafkaTopic":
			var m map[string]any
			strict(t, what, y, &m)
			o.custom[gvk.Kind+"/"+r.GetName()] = m
		default:
			t.Errorf("%s: unexpected kind %s", what, gvk)
		}
		if overlay == "prod" && r.GetNamespace() != "logsift" || overlay == "dev" && r.GetNamespace() != "logsift-dev" {
			t.Errorf("%s: namespace %q", what, r.GetNamespace())
		}
	}
	return o
}

// path walks a decoded custom object; a missing field fails the test.
func path(t *testing.T, obj map[string]any, keys ...string) any {
	t.Helper()
	var cur any = obj
	for _, k := range keys {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[k]
		case []any:
			i, _ := strconv.Atoi(k)
			if i >= len(c) {
				t.Fatalf("%s: no element %d", strings.Join(keys, "."), i)
			}
			cur = c[i]
		default:
			cur = nil
		}
		if cur == nil {
			t.Fatalf("required field %s missing", strings.Join(keys, "."))
		}
	}
	return cur
}

func TestKustomizeOverlays(t *testing.T) {
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) { checkOverlay(t, overlay) })
	}
}

func checkOverlay(t *testing.T, overlay string) {
	o := decode(t, overlay)
	cfg := o.configMaps["logsift-config"]
	if cfg == nil {
		t.Fatal("no ConfigMap logsift-config")
	}
	partitions, err := strconv.Atoi(cfg.Data["LOGSIFT_PARTITIONS"])
	if err != nil {
		t.Fatalf("LOGSIFT_PARTITIONS: %v", err)
	}

	for _, name := range []string{"ingest", "classify", "gateway", "serve-model"} {
		d := o.deployments[name]
		if d == nil {
			t.Errorf("no Deployment %s", name)
			continue
		}
		checkDeployment(t, d, cfg, o)
		// A PodDisruptionBudget and a Service select its pods.
		pods := d.Spec.Template.Labels
		selects := func(sel map[string]string) bool {
			for k, v := range sel {
				if pods[k] != v {
					return false
				}
			}
			return len(sel) > 0
		}
		hasPDB, hasSvc := false, false
		for _, p := range o.pdbs {
			hasPDB = hasPDB || p.Spec.Selector != nil && selects(p.Spec.Selector.MatchLabels)
		}
		for _, s := range o.services {
			if !selects(s.Spec.Selector) {
				continue
			}
			hasSvc = true
			for _, sp := range s.Spec.Ports {
				if !hasPort(d, sp.TargetPort.String()) {
					t.Errorf("Service %s targets port %s, which %s does not declare", s.Name, sp.TargetPort.String(), name)
				}
			}
		}
		if !hasPDB || !hasSvc {
			t.Errorf("%s: PodDisruptionBudget %v, Service %v", name, hasPDB, hasSvc)
		}
	}

	// KEDA scales classify on the group's lag, up to one worker per partition.
	so := o.custom["ScaledObject/classify-lag"]
	if so == nil {
		t.Fatal("no ScaledObject classify-lag")
	}
	if n := path(t, so, "spec", "scaleTargetRef", "name"); n != "classify" {
		t.Errorf("ScaledObject targets %v", n)
	}
	if n := path(t, so, "spec", "maxReplicaCount"); n != float64(partitions) {
		t.Errorf("ScaledObject maxReplicaCount %v, want the %d partitions", n, partitions)
	}
	group := envOf(o.deployments["classify"])["LOGSIFT_GROUP"]
	if group == "" {
		group = binaryEnv(t, "classify")["LOGSIFT_GROUP"].def
	}
	trig := path(t, so, "spec", "triggers", "0").(map[string]any)
	if trig["type"] != "kafka" || path(t, trig, "metadata", "consumerGroup") != group ||
		path(t, trig, "metadata", "topic") != cfg.Data["LOGSIFT_RAW_TOPIC"] ||
		path(t, trig, "metadata", "bootstrapServers") != cfg.Data["LOGSIFT_KAFKA_BROKERS"] {
		t.Errorf("ScaledObject trigger %v: want kafka lag of group %q on %s", trig, group, cfg.Data["LOGSIFT_RAW_TOPIC"])
	}
	path(t, trig, "metadata", "lagThreshold")

	// Strimzi topics: the three the services use, with the configured partitions.
	for _, key := range []string{"LOGSIFT_RAW_TOPIC", "LOGSIFT_CLASSIFIED_TOPIC", "LOGSIFT_DLQ_TOPIC"} {
		kt := o.custom["KafkaTopic/"+cfg.Data[key]]
		if kt == nil {
			t.Errorf("no KafkaTopic %s", cfg.Data[key])
			continue
		}
		if path(t, kt, "metadata", "labels", "strimzi.io/cluster") == "" || path(t, kt, "spec", "partitions") != float64(partitions) {
			t.Errorf("KafkaTopic %s: %v", cfg.Data[key], kt["spec"])
		}
		path(t, kt, "spec", "replicas")
	}

	// Secrets are referenced; the dev overlay generates them, prod does not.
	if _, ok := o.secrets["logsift-secrets"]; ok != (overlay == "dev") {
		t.Errorf("Secret logsift-secrets generated: %v", ok)
	}
	if dash := o.configMaps["logsift-grafana-dashboard"]; dash == nil || dash.Labels["grafana_dashboard"] != "1" {
		t.Error("no labelled Grafana dashboard ConfigMap")
	}
}

func hasPort(d *appsv1.Deployment, p string) bool {
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == p || strconv.Itoa(int(cp.ContainerPort)) == p {
				return true
			}
		}
	}
	return false
}

// envOf is the environment the container gets from literal env values and
// the logsift-config ConfigMap; secret references are given as "secret".
func envOf(d *appsv1.Deployment) map[string]string {
	env := map[string]string{}
	for _, e := range d.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e.Value
		if e.ValueFrom != nil {
			env[e.Name] = "secret"
		}
	}
	return env
}

func checkDeployment(t *testing.T, d *appsv1.Deployment, cfg *corev1.ConfigMap, o objects) {
	t.Helper()
	spec := d.Spec.Template.Spec
	if len(spec.Containers) != 1 {
		t.Fatalf("%s: %d containers", d.Name, len(spec.Containers))
	}
	c := spec.Containers[0]
	if len(c.Args) == 0 {
		t.Fatalf("%s: no command in args", d.Name)
	}
	command := c.Args[0]
	reads := binaryEnv(t, command)
	set := map[string]string{}
	for k, v := range envOf(d) {
		set[k] = v
	}
	for _, ef := range c.EnvFrom {
		if ef.ConfigMapRef == nil || o.configMaps[ef.ConfigMapRef.Name] == nil {
			t.Errorf("%s: envFrom %v refers to no ConfigMap of the build", d.Name, ef)
			continue
		}
		for k, v := range o.configMaps[ef.ConfigMapRef.Name].Data {
			set[k] = v
		}
	}
	for k := range set {
		if _, ok := reads[k]; !ok {
			t.Errorf("%s: sets %s, which `logsift %s` does not read", d.Name, k, command)
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Name != "logsift-secrets" {
			t.Errorf("%s: %s from Secret %s", d.Name, e.Name, e.ValueFrom.SecretKeyRef.Name)
		}
	}
	port := servicePort(t, command, set)
	if len(c.Ports) != 1 || int(c.Ports[0].ContainerPort) != port {
		t.Errorf("%s: container ports %v, but logsift %s listens on %d", d.Name, c.Ports, command, port)
	}
	probe := func(kind string, p *corev1.Probe, wantPath string) {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("%s: no HTTP %s probe", d.Name, kind)
			return
		}
		if p.HTTPGet.Path != wantPath || !hasPort(d, p.HTTPGet.Port.String()) || (len(c.Ports) == 1 && p.HTTPGet.Port.String() != c.Ports[0].Name) {
			t.Errorf("%s: %s probe %s on %s, want %s on the service port", d.Name, kind, p.HTTPGet.Path, p.HTTPGet.Port.String(), wantPath)
		}
	}
	probe("readiness", c.ReadinessProbe, readinessPath)
	probe("liveness", c.LivenessProbe, livenessPath)
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("%s: resources %v: want CPU and memory requests and a memory limit", d.Name, c.Resources)
	}
	if sc := spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("%s: not runAsNonRoot", d.Name)
	}
	if !strings.HasPrefix(c.Image, "ghcr.io/logsift/logsift:") {
		t.Errorf("%s: image %q", d.Name, c.Image)
	}
	// classify runs the embedded model unless LOGSIFT_MODEL names a file,
	// which must then be on a read-only volume.
	if model := set["LOGSIFT_MODEL"]; command == "classify" && model != "" && model != "default" {
		mounted := false
		for _, m := range c.VolumeMounts {
			mounted = mounted || strings.HasPrefix(model, m.MountPath+"/") && m.ReadOnly
		}
		if !mounted {
			t.Errorf("classify: LOGSIFT_MODEL %q is on no read-only volume", model)
		}
	}
}

// capture records the metric names a component registers.
type capture struct{ names map[string]bool }

var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

func (c *capture) Register(col prometheus.Collector) error {
	ch := make(chan *prometheus.Desc, 64)
	go func() { col.Describe(ch); close(ch) }()
	for d := range ch {
		if m := fqName.FindStringSubmatch(d.String()); m != nil {
			c.names[m[1]] = true
		}
	}
	return nil
}
func (c *capture) MustRegister(cols ...prometheus.Collector) {
	for _, col := range cols {
		_ = c.Register(col)
	}
}
func (c *capture) Unregister(prometheus.Collector) bool { return true }

type nopLabeler struct{}

func (nopLabeler) Name() string { return "none" }
func (nopLabeler) Label(context.Context, []classifier.Input) ([]classifier.Output, error) {
	return nil, fmt.Errorf("not used")
}

// TestGrafanaDashboard checks every metric the dashboard queries is one the
// components register (names taken from the components themselves).
func TestGrafanaDashboard(t *testing.T) {
	c := &capture{names: map[string]bool{}}
	logger := slog.New(slog.DiscardHandler)
	if _, err := stream.New(stream.Config{Brokers: []string{"127.0.0.1:1"}}, logger, c); err != nil {
		t.Fatal(err)
	}
	w := broker.NewWriter(broker.Config{Brokers: []string{"127.0.0.1:1"}}, "logs.raw")
	defer w.Close()
	if _, err := ingest.New(ingest.Config{Topic: "logs.raw"}, w, logger, c); err != nil {
		t.Fatal(err)
	}
	if _, err := classifier.New(classifier.Config{Brokers: []string{"127.0.0.1:1"}}, nopLabeler{}, new(store.Store), logger, c); err != nil {
		t.Fatal(err)
	}
	if len(c.names) < 20 {
		t.Fatalf("only %d metrics registered: %v", len(c.names), c.names)
	}

	b, err := os.ReadFile(filepath.Join("..", "..", "deployments", "base", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	metric := regexp.MustCompile(`logsift_[a-z_]+`)
	used := map[string]bool{}
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, m := range metric.FindAllString(tg.Expr, -1) {
				base := m
				for _, suf := range []string{"_bucket", "_sum", "_count"} {
					if b, ok := strings.CutSuffix(m, suf); ok && c.names[b] {
						base = b
					}
				}
				if !c.names[base] {
					t.Errorf("panel %q queries %s, which no component registers", p.Title, m)
				}
				used[base] = true
			}
		}
	}
	// Every component's metrics are on the dashboard somewhere.
	for n := range c.names {
		if !used[n] {
			t.Errorf("metric %s is on no panel", n)
		}
	}
}
