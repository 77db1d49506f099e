cd /work/main
export TARJAMA_DATA=/work/shared/data TARJAMA_HOME=/work/main/bench/job/home
waitload() { while [ "$(awk '{print ($1<1.5)}' /proc/loadavg)" != 1 ]; do sleep 10; done; }
run() { # label out args...
  label=$1; out=$2; shift 2; rm -rf "$out"; waitload; before=$(cut -d' ' -f1 /proc/loadavg)
  s=$(date +%s.%N)
  .venv/bin/tarjama job run bench/job/corpus --model bench-marian --json --quiet -o "$out" "$@" > "$out.json" 2> "$out.err"; rc=$?
  e=$(date +%s.%N)
  echo "$label rc=$rc wall_s=$(echo "$e - $s" | bc) docs_per_s=$(echo "scale=3; 2000 / ($e - $s)" | bc) load $before -> $(cut -d' ' -f1 /proc/loadavg) $(date +%T)"
}
echo "start $(date +%T) $(lscpu | grep 'Model name')"
run "(b) --workers 1 --threads 2" /tmp/st/bd-b --workers 1 --threads 2
run "(d) --ray local --workers 2 --threads 1" /tmp/st/bd-d --ray local --workers 2 --threads 1
