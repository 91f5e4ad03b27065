#!/usr/bin/env bash
# scalebench.sh times flaggen generate, and go build of the package it
# generates, at 10, 1,000 and 10,000 flags, and prints a table of the
# minimum and median wall times of RUNS runs (default 5) of each.
#
#   bash scripts/scalebench.sh            # from anywhere in the repository
#   SIZES="100 5000" RUNS=3 bash scripts/scalebench.sh
#
# For each size N it writes a synthetic module with scripts/synthmod
# (-pkgs 1 -flags N: a flags.toml of N flags of every kind, see its
# package comment) and times, in that module:
#
#   generate   flaggen generate (writes internal/flags/flags_gen.go, which
#              is deleted before each run, so that every run writes it)
#   build      go build ./internal/flags, with every dependency compiled
#              and cached and the generated package not: before each run
#              (untimed) GOCACHE is reset to a copy of a cache that holds
#              the flaggen runtime and its dependencies
#
# It uses hyperfine when it is installed (apt-get install hyperfine), else
# a loop around bash's time; either way the figures are whole-process wall
# times. The table also gives the generated file's size and, when GNU time
# is installed (/usr/bin/time), the peak memory of one more go build.
# Timings on a shared machine are noisy: compare minimums, and medians of
# several runs. SCALE_DIR=DIR keeps the modules, caches and results in DIR.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-10 1000 10000}
runs=${RUNS:-5}
work=${SCALE_DIR:-$(mktemp -d)}
mkdir -p "$work"
csv=$work/times.csv
echo "flags,command,median,min,size,peak_kb" >"$csv"

cd "$repo"
go build -o "$work/bin/flaggen" ./cmd/flaggen
flaggen=$work/bin/flaggen

# timeit NAME PREPARE COMMAND: RUNS timed runs of COMMAND (bash -c), each
# after an untimed PREPARE; prints "median,min" in seconds.
timeit() {
  local name=$1 prepare=$2 cmd=$3
  if command -v hyperfine >/dev/null; then
    hyperfine --style none --warmup 1 --runs "$runs" --prepare "$prepare" \
      --export-csv "$work/hyperfine.csv" -n "$name" "$cmd" >&2
    awk -F, 'NR == 2 { printf "%.3f,%.3f\n", $4, $7 }' "$work/hyperfine.csv"
    return
  fi
  local times=() i start end
  for i in $(seq 0 "$runs"); do # run 0 is a warm-up
    bash -c "$prepare"
    start=$(date +%s.%N)
    bash -c "$cmd" >/dev/null
    end=$(date +%s.%N)
    if [ "$i" -gt 0 ]; then times+=("$(echo "$start $end" | awk '{ printf "%.4f", $2 - $1 }')"); fi
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '
    { t[NR] = $1 }
    END { printf "%.3f,%.3f\n", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), t[1] }'
}

for n in $sizes; do
  mod=$work/mod$n
  rm -rf "$mod"
  go run ./scripts/synthmod -o "$mod" -pkgs 1 -flags "$n" -repo "$repo"
  gen=$mod/internal/flags/flags_gen.go
  (
    cd "$mod"
    # A cache with the runtime and its dependencies compiled, and not the
    # generated package.
    warm=$work/gocache.warm$n
    rm -rf "$warm"
    GOCACHE=$warm go build github.com/flaggen/flaggen/runtime
    reset="rm -rf $work/gocache && cp -a $warm $work/gocache"

    echo "== $n flags" >&2
    g=$(timeit "generate $n" "rm -f $gen" "$flaggen generate")
    size=$(wc -c <"$gen")
    b=$(timeit "build $n" "$reset" "GOCACHE=$work/gocache go build ./internal/flags")
    peak=""
    if [ -x /usr/bin/time ]; then
      bash -c "$reset"
      peak=$(GOCACHE=$work/gocache /usr/bin/time -f %M go build ./internal/flags 2>&1 >/dev/null | tail -1)
    fi
    echo "$n,generate,$g,$size," >>"$csv"
    echo "$n,build,$b,$size,$peak" >>"$csv"
  )
done

echo
awk -F, '
  NR == 1 { next }
  $2 == "generate" { gmed[$1] = $3; gmin[$1] = $4; size[$1] = $5; order[++k] = $1 }
  $2 == "build" { bmed[$1] = $3; bmin[$1] = $4; peak[$1] = $6 }
  END {
    printf "%8s  %22s  %22s  %10s  %10s\n", "flags", "generate min / median", "go build min / median", "file", "build peak"
    for (i = 1; i <= k; i++) {
      n = order[i]
      printf "%8d  %9.2fs / %8.2fs  %9.2fs / %8.2fs  %8.1fMB  %s\n", n, gmin[n], gmed[n], bmin[n], bmed[n], size[n] / 1e6,
        (peak[n] == "" ? "" : sprintf("%8.0fMB", peak[n] / 1024))
    }
  }' "$csv"
echo "(wall seconds over $runs runs each; results in $csv)"
