// Package deploytest checks the deployment files against the binary: the
// root docker-compose.yml (loaded with compose-go, the loader Docker Compose
// itself uses) and the kustomize overlays under deployments/ (built with
// sigs.k8s.io/kustomize/api and decoded strictly into the typed Kubernetes
// API structs). What the binary reads — environment variables, listen
// ports — is taken from its own --help, run in-process, so a renamed flag
// or a moved port fails here rather than in a cluster. No Docker engine or
// cluster is needed.
package deploytest
