// Package health serves the liveness and readiness endpoints every logsift
// command exposes for Kubernetes probes.
//
// /healthz (liveness) answers 200 as long as the process can serve HTTP: it
// never looks at dependencies, so a Kafka outage does not get pods restarted.
// /readyz (readiness) runs every registered check (Kafka, PostgreSQL, model
// loaded) concurrently under a timeout and answers 503 with each failing
// check's error while any fails, so traffic moves to healthy replicas. During
// shutdown, SetDraining makes /readyz fail first so the load balancer stops
// sending requests before the server closes.
package health
