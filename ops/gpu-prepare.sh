#!/usr/bin/env bash
# Prepares .devrt for ops/gpu-check.sh on the lent GPU machine (it has CUDA but no .NET):
#   ops/gpu-prepare.sh
# Runs ../shared/tools/gpu-pack: publish Energy.Scheduler framework-dependent into .devrt/app and
# pack this machine's .NET runtime into .devrt/dotnet-rt.tar.xz. In a git worktree .git is a file
# and gpu-pack stops at its .git/info/exclude line (/.devrt/ is in .gitignore anyway), so the same
# two steps are done here instead. The published app (≈ 86 MB, mostly OR-Tools and SkiaSharp) is
# then packed into .devrt/app.tar.xz (≈ 25 MB) so that runtime, app and working tree stay under the
# device tool's 64 MiB; gpu-check.sh unpacks it there.
set -euo pipefail
root="$(git rev-parse --show-toplevel)"
cd "$root"

publish() {
  mkdir -p .devrt
  if [ ! -s .devrt/dotnet-rt.tar.xz ]; then
    local dn parts
    dn="$(dirname "$(readlink -f "$(command -v dotnet)")")"
    parts=(dotnet host shared/Microsoft.NETCore.App)
    [ -d "$dn/shared/Microsoft.AspNetCore.App" ] && parts+=(shared/Microsoft.AspNetCore.App)
    tar -C "$dn" -cf - "${parts[@]}" | xz -T2 -6 > .devrt/dotnet-rt.tar.xz
  fi
  rm -rf .devrt/app
  dotnet publish Energy.Scheduler -c Release -o .devrt/app --no-self-contained -p:UseAppHost=false >/dev/null
}

pack="$root/../shared/tools/gpu-pack"
if [ -d .git ] && [ -x "$pack" ]; then
  "$pack" Energy.Scheduler
else
  publish
fi

rm -f .devrt/app.tar.xz
tar -C .devrt -cf - app | xz -T2 -6 > .devrt/app.tar.xz
rm -rf .devrt/app

tree_bytes=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 -r stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
devrt_bytes=$(du -cb .devrt/dotnet-rt.tar.xz .devrt/app.tar.xz | tail -1 | cut -f1)
total=$((tree_bytes + devrt_bytes))
printf 'runtime %s, app %s, working tree %s bytes: %d MiB of 64\n' \
  "$(du -h .devrt/dotnet-rt.tar.xz | cut -f1)" "$(du -h .devrt/app.tar.xz | cut -f1)" "$tree_bytes" $((total / 1048576))
[ "$total" -lt $((64 * 1048576)) ] || { echo "too large to carry" >&2; exit 1; }
echo 'carry [".devrt"]; command: bash ops/gpu-check.sh  (timeout_s 420)'
