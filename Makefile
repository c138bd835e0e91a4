# The two set-up commands: `make run` and `make test`. Everything else is a helper.
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data
CMAKE_FLAGS ?=
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
# Empty: every target scripts/fuzz lists.
FUZZ_TARGETS ?=

.PHONY: run test test-release deps build build-asan test-asan bench fuzz fuzz-seeds format clean

deps:
	@./scripts/install-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

PORT ?= 8080

# Provisions, seeds the spec's sample data, verifies, then serves the REST API in the
# foreground (docs/api.md) until Ctrl-C. It prints the URL and a first curl with a token.
run: build
	$(BUILD_DIR)/src/cli/issuetracker --data-dir $(DATA_DIR) provision
	$(BUILD_DIR)/src/cli/issuetracker --data-dir $(DATA_DIR) seed --sample
	$(BUILD_DIR)/src/cli/issuetracker --data-dir $(DATA_DIR) verify
	@echo
	@echo "The store is ready in $(DATA_DIR). The REST API starts below (Ctrl-C stops it). To serve the store over the DynamoDB API instead (docs/dynamodb-endpoint.md), after Ctrl-C run:"
	@echo "  $(BUILD_DIR)/src/cli/issuetracker --data-dir $(DATA_DIR) dynamodb --shared-db      # http://127.0.0.1:8000, Ctrl-C stops it"
	@echo "then, in another terminal, try:"
	@echo "  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws dynamodb list-tables --endpoint-url http://127.0.0.1:8000 --region us-east-1"
	$(BUILD_DIR)/src/cli/issuetracker --data-dir $(DATA_DIR) serve --port $(PORT)

# Every test, in the Release build and again under AddressSanitizer and
# UndefinedBehaviorSanitizer.
test: build build-asan
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS)

$(ASAN_DIR)/build.ninja:
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DIT_SANITIZE=ON -DIT_BUILD_BENCH=OFF

build-asan: deps $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS)

test-release: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD_DIR)/bench/engine_bench
	$(BUILD_DIR)/bench/pitr_bench
	$(BUILD_DIR)/bench/codec_bench
	$(BUILD_DIR)/bench/tracker_bench
	$(BUILD_DIR)/bench/client_bench
	$(BUILD_DIR)/bench/net_bench
	nice bench/endpoint_bench.py $(BUILD_DIR)/src/cli/issuetracker
	$(BUILD_DIR)/bench/api_bench

# The fuzz targets of fuzz/ (docs/fuzzing.md): clang's libFuzzer with ASan and UBSan, each
# run for FUZZ_SECONDS. Installs clang when missing. Not part of `make test`.
fuzz: deps
	@./scripts/install-fuzz-deps
	@test -f $(FUZZ_DIR)/build.ninja || cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DIT_FUZZ=ON -DIT_BUILD_TESTS=OFF -DIT_BUILD_BENCH=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	./scripts/fuzz $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Rewrites the committed seeds (fuzz/corpus/) from the inputs the tests give the decoders.
fuzz-seeds: build
	rm -rf fuzz/corpus
	for t in src/dynamo/dynamo_test src/engine/engine_test src/tenancy/tenancy_test; do \
	  IT_FUZZ_SEED_DIR=$(CURDIR)/fuzz/corpus $(BUILD_DIR)/$$t >/dev/null || exit 1; \
	done

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
