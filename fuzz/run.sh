#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (or the targets named),
# on the nightly toolchain with cargo-fuzz:
#
#   fuzz/run.sh 600                  # all targets, ten minutes each
#   fuzz/run.sh 3600 geojson_load    # one target for an hour
#
# Each target starts from its committed seeds (fuzz/seeds/TARGET) and keeps
# what it learns in fuzz/corpus/TARGET (not committed). A crash, a hang
# (over 10 s for one input) or an allocation past the limits in src/lib.rs
# stops that target, leaves the input in fuzz/artifacts/TARGET, and makes
# the script exit non-zero once all targets have run. The counts of every
# run are appended to fuzz/counts.tsv: date, target, time limit (s), executions,
# corpus size, result.
#
# RUNS=N also stops each target after N executions (whichever comes first).
# JOBS=2 fuzzes each target in two processes (libFuzzer's -fork), one per
# core of this machine.
# SANITIZER=address builds with AddressSanitizer (slower; the code is safe
# Rust, so the default is none, with debug assertions on so that an
# arithmetic overflow is a crash).
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
all=(geojson_load nmea date coordinate_input tile_template mbtiles pmtiles
     shapefile kml gpx ledger_csv ledger_xlsx geopackage wkb prj
     checks_journal photo_exif tour)
targets=("${@:-${all[@]}}")
jobs=${JOBS:-1}
limits=(-max_total_time="$seconds")
[[ -n ${RUNS:-} ]] && limits+=(-runs="$RUNS")
parallel=()
[[ $jobs -gt 1 ]] && parallel=(-fork="$jobs")
sanitizer=${SANITIZER:-none}

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo +nightly fuzz build -s "$sanitizer" -a

max_len() {
  case $1 in
    geojson_load|kml|gpx|ledger_csv) echo 65536 ;;
    shapefile|mbtiles|pmtiles|geopackage|ledger_xlsx|checks_journal|photo_exif) echo 262144 ;;
    tour) echo 65536 ;;
    *) echo 4096 ;;
  esac
}

failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  dict=()
  if [[ $t == geojson_load ]]; then dict=(-dict=dicts/geojson.dict); fi
  log=$(mktemp)
  echo "== $t for ${seconds}s"
  set +e
  cargo +nightly fuzz run -s "$sanitizer" -a "$t" "corpus/$t" "seeds/$t" -- \
    "${limits[@]}" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$(max_len "$t")" -artifact_prefix="artifacts/$t/" \
    -print_final_stats=1 "${parallel[@]}" "${dict[@]}" >"$log" 2>&1
  rc=$?
  set -e
  stats=$(<"$log")
  # One process prints its final stats; -fork's parent only its status lines.
  execs=$( (grep -o 'stat::number_of_executed_units: *[0-9]*' <<<"$stats" || true) | awk '{s+=$2} END {print s+0}')
  if [[ $execs -eq 0 ]]; then
    execs=$( (grep -oE '^#[0-9]+' <<<"$stats" || true) | tail -1 | tr -d '#')
  fi
  units=$(find "corpus/$t" -type f | wc -l)
  result=ok
  if [[ $rc -ne 0 ]]; then
    result="FAILED (exit $rc): $(ls -t "artifacts/$t" | head -1)"
    failed=1
    # Lines only: cargo-fuzz also prints the whole input, which can be huge.
    (grep -v 'Output of `std::fmt::Debug`' <<<"$stats" | cut -c1-300 |
      grep -E 'panicked|binzhou-fuzz|ERROR|SUMMARY|Reproduce|cargo fuzz run|timeout' | head -20) || true
  fi
  rm -f "$log"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%F)" "$t" "$seconds" "$execs" "$units" "$result" | tee -a counts.tsv
done
exit $failed
