#!/usr/bin/env bash
# The Modbus benchmark of issue 3: read rate on one connection (ours vs a raw socket loop, against the
# in-process simulator and a real pymodbus server) and the CPU of polling 50 devices x 20 points at 1 Hz.
#   ops/bench-modbus.sh [--json]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build Energy.Scheduler -c Release -nologo -clp:ErrorsOnly >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
manifest=$(mktemp)
/usr/bin/python3 tests/Energy.IntegrationTests/Modbus/pymodbus_server.py --port "$port" --manifest "$manifest" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$manifest"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
dotnet Energy.Scheduler/bin/Release/net10.0/Energy.Scheduler.dll bench modbus --pymodbus "127.0.0.1:$port" "$@"
