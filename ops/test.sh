#!/usr/bin/env bash
# HeatGrid's whole test suite, as a newcomer or CI runs it on a fresh Debian machine:
#   ops/test.sh
# Installs what the tests need (idempotent: installed packages are skipped), builds the solution in
# Release with warnings as errors, runs every test project, and ends with one line:
#   N passed, N failed, N skipped
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/artifacts/test-results"

# Debian packages the integration tests start as real peers.
# postgresql: the HA tests make their own clusters with its initdb and run its postgres binary on free ports
# (never its service; the package's default cluster on 5432 is left stopped).
# gcc and libc6-dev build the CUDA kernels' CPU harness (Energy.Gpu.Tests, Kernels/).
# victoria-metrics takes InfluxDB's /api/v2/write (the history tests start their own on free ports).
# chromium runs the dashboard's browser tests. Node.js and npm build the dashboard (dashboard/, during dotnet build):
# the machine's own when it has them (a Node.js from another source ships its npm, and Debian's npm package would
# conflict with it), else Debian's.
apt_packages=(procps tzdata python3-pymodbus mbpoll mosquitto mosquitto-clients gcc libc6-dev victoria-metrics chromium postgresql)
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)

log() { printf '==> %s\n' "$*"; }

install_packages() {
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt packages present: ${apt_packages[*]}"
    return 0
  fi
  log "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Packages with a service (victoria-metrics, mosquitto, postgresql) start it from their postinst through invoke-rc.d
  # where there is no systemd; policy-rc.d answering 101 forbids that for this install only, so no stray
  # instance holds its default port (8428, 5432) and a failed start fails nothing.
  local policy=/usr/sbin/policy-rc.d ours=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && ours=1
  fi
  local rc=0
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || rc=$?
  [ -z "$ours" ] || $sudo rm -f "$policy"
  stop_stray_services
  return "$rc"
}

# A service started anyway (an image whose policy allowed it) is stopped: the tests start their own.
stop_stray_services() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -x /etc/init.d/victoria-metrics ] && $sudo /etc/init.d/victoria-metrics status >/dev/null 2>&1; then
    log "stopping the victoria-metrics service the package started"
    $sudo /etc/init.d/victoria-metrics stop >/dev/null 2>&1 || true
  fi
  # postgresql's postinst makes a cluster "main" on 5432; one running is stopped (pg_lsclusters: version, name, port, status).
  if command -v pg_lsclusters >/dev/null 2>&1; then
    local version name port state
    while read -r version name port state _; do
      case "$state" in
        online*)
          log "stopping the PostgreSQL cluster $version/$name (port $port) the package started"
          $sudo pg_ctlcluster "$version" "$name" stop >/dev/null 2>&1 || true
          ;;
      esac
    done < <(pg_lsclusters -h 2>/dev/null)
  fi
}

finish() {
  echo "$1 passed, $2 failed, $3 skipped"
  exit "$4"
}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is needed: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  finish 0 0 0 1
fi

install_packages || { echo "installing apt packages failed" >&2; finish 0 0 0 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log "dotnet build HeatGrid.sln -c Release"
if ! dotnet build HeatGrid.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed" >&2
  finish 0 0 0 1
fi

rm -rf "$results"
status=0
for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  grep -q "<IsTestProject>true</IsTestProject>" "$project" || continue
  log "dotnet test $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=1
done

passed=0; failed=0; skipped=0; reports=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  reports=$((reports + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  attr() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(attr total); executed=$(attr executed); p=$(attr passed); f=$(attr failed)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - executed))
done

if [ "$reports" -eq 0 ]; then
  echo "no test results were written" >&2
  finish 0 0 0 1
fi
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && code=0 || code=1
finish "$passed" "$failed" "$skipped" "$code"
