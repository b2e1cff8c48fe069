#!/usr/bin/env bash
# Times every benchmark program under lisp (interpreter and --jit) and the
# peers that are installed (guile 3, Chez Scheme, Chicken's csi, Gambit's
# gsi, CPython where a benches/py/ twin exists), with hyperfine; prints a
# markdown table of medians and each peer's time relative to lisp --jit,
# then peak memory of hello-world and closure-memory.
#
# Usage: benches/compare.sh [PROGRAM.scm ...]   (default: every benches/*.scm)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}

if ! command -v hyperfine >/dev/null || ! command -v guile >/dev/null; then
  echo "installing peers (hyperfine guile-3.0 chezscheme chicken-bin gambc)..." >&2
  apt-get install -y hyperfine guile-3.0 chezscheme chicken-bin gambc >/dev/null 2>&1 || true
fi
cargo build --release --quiet
LISP=target/release/lisp

programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then
  programs=(benches/fib.scm benches/tak.scm benches/fibfp.scm benches/loop.scm benches/mandelbrot.scm
            benches/nqueens.scm benches/deriv.scm benches/sieve.scm benches/closures.scm)
fi

declare -A peers=(
  [guile]="guile"
  [chez]="scheme --script"
  [csi]="csi -q -script"
  [gsi]="gsi"
)
out=$(mktemp -d)
median() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%.1f' % (r['median']*1000))" "$1"; }

echo "| program | lisp | lisp --jit | guile | chez | csi | gsi | python3 |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for p in "${programs[@]}"; do
  name=$(basename "$p" .scm)
  row="| $name"
  hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$out/i.json" "$LISP run $p" >/dev/null 2>&1 && row+=" | $(median "$out/i.json")" || row+=" | fail"
  hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$out/j.json" "$LISP run --jit $p" >/dev/null 2>&1 && jit=$(median "$out/j.json") && row+=" | $jit" || { jit=""; row+=" | fail"; }
  for peer in guile chez csi gsi; do
    cmd=${peers[$peer]}
    if command -v "${cmd%% *}" >/dev/null; then
      if hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$out/p.json" "$cmd $p" >/dev/null 2>&1; then
        t=$(median "$out/p.json")
        if [ -n "$jit" ]; then row+=" | $t ($(python3 -c "print('%.2fx' % ($t/$jit))"))"; else row+=" | $t"; fi
      else row+=" | fail"; fi
    else row+=" | n/a"; fi
  done
  if [ -f "benches/py/$name.py" ]; then
    hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$out/py.json" "python3 benches/py/$name.py" >/dev/null 2>&1 && row+=" | $(median "$out/py.json")" || row+=" | fail"
  else row+=" | -"; fi
  echo "$row |"
done
echo
echo "(ms, median of $RUNS runs; a peer's ratio is its time over lisp --jit: above 1 means lisp is faster)"
echo
for p in benches/hello.scm benches/closure-memory.scm; do
  for tier in "" "--jit"; do
    /usr/bin/time -f "%e s, peak RSS %M KB" "$LISP" run $tier "$p" >/dev/null 2>"$out/t.txt" || true
    echo "$(basename "$p") ${tier:-(interpreter)}: $(tail -1 "$out/t.txt")"
  done
done
rm -rf "$out"
