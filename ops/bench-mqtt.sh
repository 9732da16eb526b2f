#!/usr/bin/env bash
# The MQTT ingest benchmark of issue 4: messages through a real mosquitto on loopback (started here,
# with set_tcp_nodelay), mapped and validated into the signal registry; QoS 0 for 60 s, QoS 1 for 20 s.
#   ops/bench-mqtt.sh [--json]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet build Energy.Scheduler -c Release -nologo -clp:ErrorsOnly >/dev/null
dir=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nuser root\nmax_queued_messages 100000\n' "$port" > "$dir/mosquitto.conf"
/usr/sbin/mosquitto -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
app=Energy.Scheduler/bin/Release/net10.0/Energy.Scheduler.dll
dotnet "$app" bench mqtt --broker "mqtt://127.0.0.1:$port" --qos 0 --seconds 60 "$@"
dotnet "$app" bench mqtt --broker "mqtt://127.0.0.1:$port" --qos 1 --seconds 20 "$@"
