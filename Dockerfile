# logsift: one image for every command (ingest, classify, gateway, ...).
# Stage 1 builds a static binary; stage 2 is that binary alone on scratch,
# running as a non-root user. Build from the repository root:
#   docker build -t logsift:dev .
# The final image is the binary plus CA certificates: about the size of
# bin/logsift from `make build`.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Module files first, so dependency downloads are cached until they change.
COPY go.work go.work.sum ./
COPY schemas/go.mod schemas/go.sum* schemas/
COPY inference/go.mod inference/go.sum* inference/
COPY platform/go.mod platform/go.sum* platform/
COPY classifier/go.mod classifier/go.sum* classifier/
COPY ingest/go.mod ingest/go.sum* ingest/
COPY stream/go.mod stream/go.sum* stream/
COPY services/go.mod services/go.sum* services/
RUN --mount=type=cache,target=/root/go/pkg/mod cd services && go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    cd services && CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/logsift/logsift/services/cli.Version=${VERSION}" \
      -o /out/logsift ./cmd/logsift
# An unprivileged account for the final stage, which has no useradd.
RUN echo 'logsift:x:65532:65532:logsift:/:/sbin/nologin' > /out/passwd \
 && echo 'logsift:x:65532:' > /out/group

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/passwd /etc/passwd
COPY --from=build /out/group /etc/group
COPY --from=build /out/logsift /logsift
USER 65532:65532
# ingest, gateway, classify (metrics and health)
EXPOSE 8080 8081 9090
ENTRYPOINT ["/logsift"]
CMD ["--help"]
