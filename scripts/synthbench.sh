#!/usr/bin/env bash
# synthbench.sh times flaggen vet against plain go vet on a synthetic module
# of PKGS packages (default 300) and FLAGS flags (default 100), written by
# scripts/synthmod (see its package comment), and prints the ratio.
#
#   bash scripts/synthbench.sh            # from anywhere in the repository
#   PKGS=1000 FLAGS=300 RUNS=10 bash scripts/synthbench.sh
#
# It times four commands in the module:
#
#   go vet          go vet ./...
#   flaggen vet     flaggen vet -now 2026-12-01 ./... (loads and type-checks
#                   every package from source, dependencies included, runs
#                   the analyzer on all of them, then the whole-program
#                   checks; it keeps no cache)
#   vettool         go vet -vettool=flaggen-vet -flaggen.now=2026-12-01 ./...
#   go vet cached   go vet ./... again, every result from go's cache (CI
#                   with a warm cache and no change), for scale
#
# go vet caches each package's results, so before each timed run of the
# first and third (hyperfine's --prepare, untimed) GOCACHE is reset to a
# copy of a cache that holds every compiled package but none of their
# results: the go vet commands analyse everything, as after a change to
# the generated flag package, with compilation cached, as in an edit-vet
# loop.
#
# It uses hyperfine when it is installed (apt-get install hyperfine), else
# a loop around bash's time. flaggen vet and the vettool exit 1, as the
# synthetic module has findings of every category; that is expected.
# SYNTH_DIR=DIR keeps the module, the caches and the results (times.csv)
# in DIR.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
pkgs=${PKGS:-300}
flags=${FLAGS:-100}
runs=${RUNS:-5}
work=${SYNTH_DIR:-$(mktemp -d)}
mkdir -p "$work"
mod=$work/mod
rm -rf "$mod"

cd "$repo"
go run ./scripts/synthmod -o "$mod" -pkgs "$pkgs" -flags "$flags" -repo "$repo"
go build -o "$work/bin/flaggen" ./cmd/flaggen
go build -o "$work/bin/flaggen-vet" ./cmd/flaggen-vet

cd "$mod"
echo "synthetic module: $mod ($pkgs packages, $flags flags, $(find . -name '*.go' | wc -l) Go files)"
go build ./... && go vet ./... # warm the user's cache, for "go vet cached"
"$work/bin/flaggen" vet -now 2026-12-01 ./... | awk '{ n[$NF]++ } END { printf "flaggen vet findings:"; for (c in n) printf " %s %d", c, n[c]; print "" }' || true

# A cache with every compiled package and only results that no timed
# command asks for (vet with a -printf.funcs of its own).
warm=$work/gocache.warm
rm -rf "$warm" "$work/gocache"
GOCACHE=$warm go vet -printf.funcs=synthbenchwarmup ./...
reset="rm -rf $work/gocache && cp -a $warm $work/gocache"

plain="GOCACHE=$work/gocache go vet ./..."
flaggen="GOCACHE=$work/gocache $work/bin/flaggen vet -now 2026-12-01 ./..."
vettool="GOCACHE=$work/gocache go vet -vettool=$work/bin/flaggen-vet -flaggen.now=2026-12-01 ./..."
cached="go vet ./..."
csv=$work/times.csv

if command -v hyperfine >/dev/null; then
  hyperfine --ignore-failure --warmup 1 --runs "$runs" --export-csv "$csv" --prepare "$reset" \
    -n "go vet" "$plain" -n "flaggen vet" "$flaggen" -n "vettool" "$vettool" -n "go vet cached" "$cached"
else
  echo "hyperfine not found (apt-get install hyperfine); timing $runs runs of each with bash's time"
  echo "command,mean,stddev,median,user,system,min,max" >"$csv"
  for name in "go vet" "flaggen vet" "vettool" "go vet cached"; do
    case $name in
      "go vet") cmd=$plain ;;
      "flaggen vet") cmd=$flaggen ;;
      "vettool") cmd=$vettool ;;
      *) cmd=$cached ;;
    esac
    times=()
    for i in $(seq 0 "$runs"); do # run 0 is a warm-up
      bash -c "$reset"
      start=$(date +%s.%N)
      bash -c "$cmd" >/dev/null 2>&1 || true
      end=$(date +%s.%N)
      if [ "$i" -gt 0 ]; then times+=("$(echo "$start $end" | awk '{ printf "%.4f", $2 - $1 }')"); fi
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" '
      { t[NR] = $1; sum += $1 }
      END { mid = int((NR + 1) / 2); printf "%s,%.4f,0,%.4f,0,0,%.4f,%.4f\n", name, sum / NR, t[mid], t[1], t[NR] }' >>"$csv"
    echo "$name: $(tail -1 "$csv" | cut -d, -f2)s mean of $runs"
  done
fi

awk -F, '
  NR > 1 { mean[$1] = $2; median[$1] = $4 }
  END {
    printf "\nmean wall time: go vet %.2fs, flaggen vet %.2fs, go vet -vettool=flaggen-vet %.2fs\n", mean["go vet"], mean["flaggen vet"], mean["vettool"]
    printf "ratio flaggen vet / go vet: %.2f (medians: %.2f)\n", mean["flaggen vet"] / mean["go vet"], median["flaggen vet"] / median["go vet"]
    printf "ratio go vet -vettool=flaggen-vet / go vet: %.2f\n", mean["vettool"] / mean["go vet"]
    printf "ratio flaggen vet / go vet with every result cached (%.2fs): %.2f\n", mean["go vet cached"], mean["flaggen vet"] / mean["go vet cached"]
  }' "$csv"
