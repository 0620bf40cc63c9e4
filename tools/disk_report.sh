#!/usr/bin/env bash
# Says how much disk the build has before `make test` starts, so that a run
# that dies of "No space left on device" shows why in its first lines. A full
# cold `make test` writes about NEED_GB into the target folder; below that
# this warns, it does not refuse: a warm target folder needs far less.
set -euo pipefail
target="${1:-target}"
need_gb="${KEYBOUND_DISK_NEED_GB:-9}"
dir="$target"
while [ ! -d "$dir" ]; do dir="$(dirname "$dir")"; done
avail_kb="$(df -Pk "$dir" | awk 'NR==2 {print $4}')"
used=""
if [ -d "$target" ]; then used=" (target folder: $(du -sh "$target" 2>/dev/null | cut -f1))"; fi
echo "== disk: $((avail_kb / 1024)) MiB free where $target lives$used"
if [ "$avail_kb" -lt $((need_gb * 1024 * 1024)) ]; then
  echo "!! disk: less than ${need_gb} GiB free; a cold build of every test may run out of space" >&2
fi
