# logsift — build, run and test the whole workspace.
# `make run` starts the pipeline in one process; `make test` runs every module's tests with -race.

MODULES     := schemas inference platform classifier ingest stream services
GO          ?= go
BIN         := bin/logsift
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
VERSION     ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -s -w -X github.com/logsift/logsift/services/cli.Version=$(VERSION)
# The test timeout is per package; the whole suite is kept under 15 minutes on 2 cores.
TEST_FLAGS  ?= -race -count=1 -timeout 10m

.PHONY: build run test bench lint fmt clean tidy model

build:
	cd services && CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o ../$(BIN) ./cmd/logsift

run: build
	./$(BIN) dev

test:
	@set -e; for m in $(MODULES); do \
		echo "== $$m"; \
		(cd $$m && $(GO) test $(TEST_FLAGS) ./...); \
	done
	@# The race detector slows the speculation exactness tests, which then run
	@# a fifth of their cases; run them once more at full size without it.
	@echo "== inference (speculation exactness, full size, no -race)"
	@cd inference && $(GO) test -count=1 -run 'TestSpeculateExactMatrix|TestSamplingDistributionExact' ./engine ./sched

bench: build
	./scripts/bench.sh

# The default models (inference/models), retrained from scratch, seeded: the
# target, then the draft with the same data and tokenizer (same --seed,
# --examples, --vocab and --hold-out), each trained in F32 and stored as Q8_0.
# About 46 minutes on 2 quiet cores. Run `make build` afterwards to embed them.
MODEL_DIR   ?= .model-build
MODEL_EXAMPLES := 300000
MODEL_SEED  := 2
MODEL_TRAIN := --seed $(MODEL_SEED) --examples $(MODEL_EXAMPLES) --vocab 3072 --hold-out 0.1 --progress 30s
model: build
	mkdir -p $(MODEL_DIR)
	./$(BIN) model train $(MODEL_TRAIN) --dims target --steps 3700 --lr 2e-3 --ema 0.999 --out $(MODEL_DIR)/target-f32.gguf
	./$(BIN) model train $(MODEL_TRAIN) --dims draft --steps 1500 --lr 3e-3 --out $(MODEL_DIR)/draft-f32.gguf
	./$(BIN) model quantize --type q8_0 $(MODEL_DIR)/target-f32.gguf inference/models/target.gguf
	./$(BIN) model quantize --type q8_0 $(MODEL_DIR)/draft-f32.gguf inference/models/draft.gguf
	if [ -d ../shared/data/loghub ]; then ./$(BIN) model eval --model inference/models/target.gguf --held-out 2000 --seed $(MODEL_SEED) --examples $(MODEL_EXAMPLES) ../shared/data/loghub/*.jsonl; fi

lint:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...); done

fmt:
	gofmt -w $(MODULES)

tidy:
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) mod tidy); done

clean:
	rm -rf bin $(MODEL_DIR)
