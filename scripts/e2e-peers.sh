#!/usr/bin/env bash
# Builds or installs the real programs the end-to-end suite (npm run test:e2e) runs:
#   - an OpenTelemetry Collector, built with the Collector Builder from the Go module proxy,
#   - Jaeger v2, built from its module source on the Go module proxy (in-memory storage at run time),
#   - Arize Phoenix, installed from PyPI into a virtual environment.
# Everything lands in one cache folder, with its own GOPATH/GOMODCACHE/GOCACHE and pip cache, so a
# first run is honestly cold and a second run is a no-op (binaries present + stamps of the pins).
#
#   scripts/e2e-peers.sh           build/install what is missing or out of date
#   scripts/e2e-peers.sh --check   build nothing; exit 1 unless every program is ready
#   scripts/e2e-peers.sh --paths   print the programs' paths as KEY=VALUE lines (after --check)
#
# AGENT_COAT_E2E_CACHE overrides the cache folder; PYTHON picks the interpreter for Phoenix.
# Only bin/, collector/build/, phoenix-venv/ and stamps/ are needed once built (about 1 GB); the
# Go caches (about 4 GB after a cold run) only speed up a rebuild after a pin changes.
set -euo pipefail

# --- pins -------------------------------------------------------------------------------------
# Components in scripts/e2e/collector-builder.yaml match it. Not the newest: v0.162.0 to v0.164.0
# pull in modules (internal/statusutil, contrib otlpencodingextension) that the Go module proxy
# reachable here does not serve.
COLLECTOR_BUILDER_VERSION=v0.161.0
# Jaeger v2 ships from the v1 module path; v1.76.0 is commit 63b27e1810a710ac54dc4522da0538e540bdc545
# (also tagged v2.13.0). Its go.mod has a replace directive, so it is built inside its own module
# rather than with `go install`.
JAEGER_MODULE=github.com/jaegertracing/jaeger
JAEGER_VERSION=v1.76.0
JAEGER_COMMIT=63b27e1810a710ac54dc4522da0538e540bdc545
JAEGER_V2_TAG=v2.13.0
PHOENIX_VERSION=20.26.1

# --- layout -----------------------------------------------------------------------------------
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
manifest="$here/e2e/collector-builder.yaml"
cache=${AGENT_COAT_E2E_CACHE:-$HOME/.cache/agent-coat-e2e}
collector_bin="$cache/collector/build/otelcol-coat-e2e"
jaeger_bin="$cache/bin/jaeger"
phoenix_venv="$cache/phoenix-venv"
phoenix_bin="$phoenix_venv/bin/phoenix"
stamps="$cache/stamps"

export GOPATH="$cache/go" GOMODCACHE="$cache/go/pkg/mod" GOCACHE="$cache/go-build"
export GOBIN="$cache/bin" GOTOOLCHAIN=local GOFLAGS=-modcacherw
export PIP_CACHE_DIR="$cache/pip-cache" PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '[e2e-peers] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

collector_stamp() { printf 'builder %s\nmanifest %s\n' "$COLLECTOR_BUILDER_VERSION" "$(sha256sum "$manifest" | cut -d' ' -f1)"; }
jaeger_stamp() { printf 'jaeger %s@%s (%s, %s)\n' "$JAEGER_MODULE" "$JAEGER_VERSION" "$JAEGER_COMMIT" "$JAEGER_V2_TAG"; }
phoenix_stamp() { printf 'arize-phoenix==%s\n' "$PHOENIX_VERSION"; }

# ready NAME BINARY: the binary is there and its stamp records the current pins.
ready() {
  local name=$1 bin=$2
  [[ -x $bin ]] || return 1
  [[ -f $stamps/$name ]] || return 1
  [[ "$(cat "$stamps/$name")" == "$("${name}_stamp")" ]]
}

mark_ready() { mkdir -p "$stamps"; "${1}_stamp" >"$stamps/$1"; }

timed() {
  local what=$1 start=$SECONDS
  shift
  log "$what ..."
  "$@"
  log "$what: done in $((SECONDS - start)) s"
}

build_collector() {
  command -v go >/dev/null || die "go is not installed (Go >= 1.25 is needed for the Collector Builder)"
  nice -n 19 go install "go.opentelemetry.io/collector/cmd/builder@$COLLECTOR_BUILDER_VERSION"
  mkdir -p "$cache/collector"
  # The builder resolves output_path (./build) against its working directory.
  (cd "$cache/collector" && nice -n 19 "$GOBIN/builder" --config="$manifest" --skip-strict-versioning=false)
  "$collector_bin" --version >&2
}

build_jaeger() {
  command -v go >/dev/null || die "go is not installed"
  local src
  src=$(nice -n 19 go mod download -json "$JAEGER_MODULE@$JAEGER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $src ]] || die "go mod download did not give a source folder for $JAEGER_MODULE@$JAEGER_VERSION"
  mkdir -p "$GOBIN"
  local buildinfo=github.com/jaegertracing/jaeger/internal/version
  (cd "$src" && nice -n 19 go build -trimpath -o "$jaeger_bin" \
    -ldflags "-s -w -X $buildinfo.commitSHA=$JAEGER_COMMIT -X $buildinfo.latestVersion=$JAEGER_V2_TAG" ./cmd/jaeger)
  "$jaeger_bin" version >&2
}

install_phoenix() {
  local python=${PYTHON:-python3}
  command -v "$python" >/dev/null || die "$python is not installed (Phoenix $PHOENIX_VERSION needs Python 3.11 to 3.14)"
  rm -rf "$phoenix_venv"
  "$python" -m venv "$phoenix_venv"
  nice -n 19 "$phoenix_venv/bin/pip" install --quiet "arize-phoenix==$PHOENIX_VERSION"
  "$phoenix_venv/bin/python" -c 'import phoenix; print("phoenix", phoenix.__version__)' >&2
}

print_paths() {
  printf 'COLLECTOR=%s\nJAEGER=%s\nPHOENIX=%s\n' "$collector_bin" "$jaeger_bin" "$phoenix_bin"
}

check_all() {
  local missing=0
  ready collector "$collector_bin" || { log "Collector not built (or pins changed): $collector_bin"; missing=1; }
  ready jaeger "$jaeger_bin" || { log "Jaeger not built (or pins changed): $jaeger_bin"; missing=1; }
  ready phoenix "$phoenix_bin" || { log "Phoenix not installed (or pins changed): $phoenix_bin"; missing=1; }
  return $missing
}

case "${1:-}" in
  --check) check_all || die "run scripts/e2e-peers.sh to build them (cache: $cache)"; exit 0 ;;
  --paths) check_all || die "run scripts/e2e-peers.sh to build them (cache: $cache)"; print_paths; exit 0 ;;
  "") ;;
  *) die "unknown argument: $1" ;;
esac

total_start=$SECONDS
log "cache folder: $cache"
mkdir -p "$cache"

if ready collector "$collector_bin"; then log "Collector $COLLECTOR_BUILDER_VERSION: up to date"
else timed "building the Collector ($COLLECTOR_BUILDER_VERSION, file exporter from contrib)" build_collector; mark_ready collector; fi

if ready jaeger "$jaeger_bin"; then log "Jaeger $JAEGER_VERSION ($JAEGER_COMMIT): up to date"
else timed "building Jaeger v2 from $JAEGER_MODULE@$JAEGER_VERSION ($JAEGER_COMMIT)" build_jaeger; mark_ready jaeger; fi

if ready phoenix "$phoenix_bin"; then log "Phoenix $PHOENIX_VERSION: up to date"
else timed "installing arize-phoenix==$PHOENIX_VERSION from PyPI" install_phoenix; mark_ready phoenix; fi

log "all programs ready in $((SECONDS - total_start)) s"
print_paths
