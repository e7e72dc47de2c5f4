package deploytest

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// pinned: a tag with a version number (not latest, not a bare major) or a
// digest.
var pinned = regexp.MustCompile(`^[a-z0-9./_-]+(:[0-9]+\.[0-9]+(\.[0-9]+)?[a-zA-Z0-9._-]*)?(@sha256:[0-9a-f]{64})?$`)

func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", ".."))
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "docker-compose.yml")}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName("logsift", true) })
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func TestCompose(t *testing.T) {
	p := loadCompose(t)
	for _, want := range []string{"kafka", "kafka-init", "postgres", "ingest", "classify", "gateway"} {
		if _, ok := p.Services[want]; !ok {
			t.Errorf("no service %q", want)
		}
	}
	// The host ports the README and the issue promise.
	wantPublished := map[string]string{"ingest": "8080", "gateway": "8081"}

	for name, s := range p.Services {
		if s.Build == nil {
			img := s.Image
			if !pinned.MatchString(img) || !strings.Contains(img, ":") && !strings.Contains(img, "@") {
				t.Errorf("%s: image %q is not pinned to an exact version", name, img)
			}
		} else if df := s.Build.Dockerfile; df != "Dockerfile" {
			t.Errorf("%s: built from %q, want the one Dockerfile", name, df)
		}

		if len(s.Command) == 0 || s.Build == nil {
			continue
		}
		// A logsift service: every LOGSIFT_* it sets is read by its command.
		command := s.Command[0]
		reads := binaryEnv(t, command)
		set := map[string]string{}
		for k, v := range s.Environment {
			if !strings.HasPrefix(k, "LOGSIFT_") {
				t.Errorf("%s: sets %s, which logsift does not read", name, k)
				continue
			}
			if _, ok := reads[k]; !ok {
				t.Errorf("%s: sets %s, which `logsift %s` does not read", name, k, command)
			}
			if v != nil {
				set[k] = *v
			}
		}
		if b := set["LOGSIFT_KAFKA_BROKERS"]; b != "kafka:9092" {
			t.Errorf("%s: LOGSIFT_KAFKA_BROKERS %q, want the compose broker kafka:9092", name, b)
		}
		port := servicePort(t, command, set)
		found := false
		for _, pc := range s.Ports {
			if int(pc.Target) == port {
				found = true
				if w, ok := wantPublished[name]; ok && pc.Published != w {
					t.Errorf("%s: port %d published on %s, want %s", name, port, pc.Published, w)
				}
			}
		}
		if !found {
			t.Errorf("%s: listens on %d (its LOGSIFT_ADDR or default) but publishes %v", name, port, s.Ports)
		}
		if _, ok := s.DependsOn["kafka-init"]; !ok {
			t.Errorf("%s: does not wait for the topics (kafka-init)", name)
		}
		// The healthcheck runs the binary's own client against the
		// service's port and a health path it serves.
		wantHC := []string{"CMD", "/logsift", "healthcheck", "--url", fmt.Sprintf("http://127.0.0.1:%d/readyz", port)}
		if s.HealthCheck == nil || !slices.Equal(s.HealthCheck.Test, wantHC) {
			var got []string
			if s.HealthCheck != nil {
				got = s.HealthCheck.Test
			}
			t.Errorf("%s: healthcheck %q, want %q", name, got, wantHC)
		}
	}

	for _, name := range []string{"kafka", "postgres"} {
		s := p.Services[name]
		if s.HealthCheck == nil || len(s.HealthCheck.Test) < 2 {
			t.Errorf("%s: no healthcheck", name)
		}
		if len(s.Volumes) == 0 || s.Volumes[0].Type != types.VolumeTypeVolume {
			t.Errorf("%s: no named volume for its data", name)
		}
	}
	if s := p.Services["kafka"]; s.Environment["KAFKA_PROCESS_ROLES"] == nil || *s.Environment["KAFKA_PROCESS_ROLES"] != "broker,controller" {
		t.Errorf("kafka: not a KRaft combined node: %v", s.Environment["KAFKA_PROCESS_ROLES"])
	}
	init := strings.Join(p.Services["kafka-init"].Command, " ")
	for _, topic := range []string{"logs.raw", "logs.classified", "logs.dlq"} {
		if !strings.Contains(init, topic) {
			t.Errorf("kafka-init does not create %s", topic)
		}
	}

	// classify runs the embedded default model unless LOGSIFT_MODEL names a
	// file, which must then be on a read-only volume.
	cl := p.Services["classify"]
	if model := cl.Environment["LOGSIFT_MODEL"]; model != nil && *model != "" && *model != "default" {
		if !slices.ContainsFunc(cl.Volumes, func(v types.ServiceVolumeConfig) bool {
			return strings.HasPrefix(*model, strings.TrimSuffix(v.Target, "/")+"/") && v.ReadOnly
		}) {
			t.Errorf("classify: model %s is on no read-only volume (%v)", *model, cl.Volumes)
		}
	}
	for _, dep := range []string{"postgres", "kafka-init"} {
		if _, ok := cl.DependsOn[dep]; !ok {
			t.Errorf("classify: does not depend on %s", dep)
		}
	}
}
