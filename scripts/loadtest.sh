#!/usr/bin/env bash
# Load tests of bookapp on a seeded catalogue, with k6; `make loadtest` and
# `make bench-http` run this after building bin/bookapp and bin/k6.
#
#   scripts/loadtest.sh scenario     the shop's scenario (scripts/k6/scenario.js)
#   scripts/loadtest.sh bench-http   one endpoint at a time, hammered
#                                    (scripts/k6/hammer.js), then pgbench on
#                                    the list's SELECT
#
# k6 measures the requests; what k6 cannot see, the server's CPU, this
# script reads from /proc before and after each run: the bookapp process's
# user and system time, and PostgreSQL's (the cluster's postmaster, its
# running backends and the ones it reaped), divided by the requests k6 sent.
#
# Without DATABASE_URL the data lives in a persistent PostgreSQL cluster in
# $LOAD_DATA (.loaddata/), started by bookapp itself and kept between runs,
# so the catalogue is seeded once. With DATABASE_URL that database is used
# (and seeded), and PostgreSQL's CPU is not measured. Each run starts
# `bookapp serve` on $LOAD_ADDR, measures, and stops it (which stops the
# cluster too).
#
# With PPROF=1 bookapp also serves Go's profiler (-debug-addr $LOAD_DEBUG_ADDR)
# and each measured run saves a CPU profile of bookapp taken over it (the
# first PPROF_SECONDS, default BENCH_SECONDS) to $LOAD_DATA/profiles/, and
# prints its top functions; read one with `go tool pprof -top FILE`. The
# profiler costs a few per cent of the CPU it measures.
#
# With PERF=1 each measured run also records a system-wide profile with
# Linux perf (Debian: linux-perf; as root) over the same seconds, to
# $LOAD_DATA/profiles/NAME.perf.data, and prints where PostgreSQL spent its
# CPU, by phase (scripts/pgprofile.sh): what pg_stat_statements cannot show,
# since its times include waiting for locks and for a core.
#
# Settings (environment): PROFILE (smoke | load | DURATION:USERS,...),
# PAGE_SIZE (100), LOAD_BOOKS (100000), LOAD_ADDR (127.0.0.1:8089),
# LOAD_DATA (.loaddata), BENCH_CONNS (50), BENCH_SECONDS (20), PPROF (empty),
# PPROF_SECONDS, PERF (empty), LOAD_DEBUG_ADDR (127.0.0.1:8090), PGBENCH, K6
# (bin/k6), BOOKAPP_ADMIN_EMAIL and BOOKAPP_ADMIN_PASSWORD (the app's admin).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case $mode in
scenario | bench-http) ;;
*)
	echo "usage: $0 scenario|bench-http" >&2
	exit 2
	;;
esac

: "${PROFILE:=smoke}" "${PAGE_SIZE:=100}" "${LOAD_BOOKS:=100000}"
: "${LOAD_ADDR:=127.0.0.1:8089}" "${LOAD_DATA:=.loaddata}"
: "${BENCH_CONNS:=50}" "${BENCH_SECONDS:=20}" "${K6:=bin/k6}"
: "${PPROF:=}" "${PPROF_SECONDS:=$BENCH_SECONDS}" "${PERF:=}" "${LOAD_DEBUG_ADDR:=127.0.0.1:8090}"
: "${BOOKAPP_ADMIN_EMAIL:=loadtest-admin@example.com}" "${BOOKAPP_ADMIN_PASSWORD:=loadtest-admin-password}"
export BOOKAPP_ADMIN_EMAIL BOOKAPP_ADMIN_PASSWORD
export BOOKAPP_DEV_DATA=$LOAD_DATA
mkdir -p "$LOAD_DATA"
LOAD_DATA=$(cd "$LOAD_DATA" && pwd) # k6 opens files relative to its script
url=http://$LOAD_ADDR
if [[ -n $PERF ]] && ! command -v perf >/dev/null; then
	echo "PERF=1 needs Linux perf (Debian: apt-get install linux-perf)" >&2
	exit 1
fi
if [[ ! -x $K6 ]]; then
	echo "no k6 at $K6: make k6 builds it" >&2
	exit 1
fi

where="the cluster in $LOAD_DATA/"
[[ -z ${DATABASE_URL:-} ]] || where=DATABASE_URL
echo "== seeding $LOAD_BOOKS books in $where (a catalogue seeded before is kept)"
./bin/bookapp seed --books "$LOAD_BOOKS"

echo "== starting bookapp on $url (log: $LOAD_DATA/serve.log)"
debug=()
[[ -z $PPROF ]] || debug=(-debug-addr "$LOAD_DEBUG_ADDR")
./bin/bookapp serve -addr "$LOAD_ADDR" "${debug[@]}" >"$LOAD_DATA/serve.log" 2>&1 &
app=$!
# Ctrl-C reaches bookapp as well, which then shuts down by itself; a second
# signal would cut its shutdown short.
interrupted=
stop_app() {
	if kill -0 "$app" 2>/dev/null; then
		[[ -n $interrupted ]] || kill -TERM "$app"
		wait "$app" || echo "bookapp exited with status $?; see $LOAD_DATA/serve.log" >&2
	fi
}
trap stop_app EXIT
trap 'interrupted=1; exit 130' INT
trap 'exit 143' TERM

ready=
for _ in $(seq 120); do
	curl -sf "$url/readyz" >/dev/null 2>&1 && ready=1 && break
	kill -0 "$app" 2>/dev/null || { echo "bookapp exited; see $LOAD_DATA/serve.log" >&2; exit 1; }
	sleep 1
done
[[ -n $ready ]] || { echo "bookapp was not ready within 120 s; see $LOAD_DATA/serve.log" >&2; exit 1; }

# cpu prints the CPU ticks (1/100 s) used so far by bookapp and by
# PostgreSQL (0 for a database of DATABASE_URL's).
cpu() {
	local a p=0 pm
	a=$(awk '{print $14 + $15}' "/proc/$app/stat")
	if [[ -z ${DATABASE_URL:-} && -f $LOAD_DATA/data/postmaster.pid ]]; then
		pm=$(head -1 "$LOAD_DATA/data/postmaster.pid")
		for pid in $pm $(pgrep -P "$pm"); do
			p=$((p + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
		done
	fi
	echo "$a $p"
}

# measure runs k6 with the arguments after its first (the run's name)
# between two readings of cpu, then prints the CPU per request; it returns
# k6's status (99: a missed threshold). With PPROF set it profiles bookapp
# over the run, into $LOAD_DATA/profiles/NAME.pprof; with PERF set, the
# whole machine, into $LOAD_DATA/profiles/NAME.perf.data.
measure() {
	local name=$1 a0 p0 a1 p1 n status=0 profiler= profile= perfer= perfdata=
	shift
	rm -f "$LOAD_DATA/summary.json"
	if [[ -n $PPROF || -n $PERF ]]; then
		mkdir -p "$LOAD_DATA/profiles"
	fi
	if [[ -n $PPROF ]]; then
		profile=$LOAD_DATA/profiles/$name.pprof
		curl -sf -o "$profile" "http://$LOAD_DEBUG_ADDR/debug/pprof/profile?seconds=$PPROF_SECONDS" &
		profiler=$!
	fi
	if [[ -n $PERF ]]; then
		perfdata=$LOAD_DATA/profiles/$name.perf.data
		perf record -q -F 499 -g -a -o "$perfdata" -- sleep "$PPROF_SECONDS" >/dev/null 2>&1 &
		perfer=$!
	fi
	read -r a0 p0 < <(cpu)
	"$K6" run --quiet -e SUMMARY="$LOAD_DATA/summary.json" "$@" || status=$?
	read -r a1 p1 < <(cpu)
	if [[ -n $profiler ]]; then
		if wait "$profiler"; then
			echo "CPU profile of bookapp: $profile (go tool pprof -top $profile)"
			go tool pprof -top -nodecount 12 "$profile" 2>/dev/null | sed -n '/flat%/,$p'
		else
			echo "no CPU profile (is PPROF_SECONDS longer than the run?)" >&2
		fi
	fi
	if [[ -n $perfer ]]; then
		if wait "$perfer"; then
			echo "perf profile of the machine: $perfdata"
			scripts/pgprofile.sh "$perfdata" || true
		else
			echo "no perf profile (perf record failed: as root? kernel.perf_event_paranoid?)" >&2
		fi
	fi
	[[ -f $LOAD_DATA/summary.json ]] || { echo "k6 wrote no summary (status $status)" >&2; return 1; }
	n=$(sed -E 's/.*"requests":([0-9]+).*/\1/' "$LOAD_DATA/summary.json")
	awk -v a=$((a1 - a0)) -v p=$((p1 - p0)) -v n="$n" -v ext="${DATABASE_URL:-}" 'BEGIN {
		if (n == 0) exit
		pg = ext == "" ? sprintf("%.0f µs", p * 10000 / n) : "not measured (DATABASE_URL)"
		printf "CPU per request: bookapp %.0f µs, PostgreSQL %s (%d requests)\n", a * 10000 / n, pg, n
	}'
	return $status
}

if [[ $mode == scenario ]]; then
	users=$(case $PROFILE in smoke) echo 5 ;; load) echo 80 ;; *) tr ',' '\n' <<<"$PROFILE" | cut -d: -f2 | sort -n | tail -1 ;; esac)
	echo "== $users accounts (not measured)"
	"$K6" run --quiet -e BASE_URL="$url" -e USERS="$users" -e TOKENS="$LOAD_DATA/tokens.json" scripts/k6/accounts.js
	echo "== the shop's scenario, profile $PROFILE, pages of $PAGE_SIZE"
	measure scenario -e BASE_URL="$url" -e PROFILE="$PROFILE" -e PAGE_SIZE="$PAGE_SIZE" -e TOKENS="$LOAD_DATA/tokens.json" scripts/k6/scenario.js
	exit
fi

# bench-http: each endpoint alone at BENCH_CONNS connections, then pgbench
# with as many clients on the page's SELECT, while the app idles. The
# database is vacuumed first: the dead rows an earlier scenario run left
# would otherwise be vacuumed by autovacuum during the runs, and its CPU
# counted as the requests'.
db=${DATABASE_URL:-postgres://postgres@127.0.0.1:$(cat "$LOAD_DATA/port")/bookapp}
pgbench=${PGBENCH:-$(command -v pgbench || ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)}
if [[ -z $pgbench ]]; then
	echo "pgbench not found: install PostgreSQL's client tools or set PGBENCH" >&2
	exit 1
fi
echo "== VACUUM ANALYZE (not measured)"
"$(dirname "$pgbench")/psql" -qX -c "VACUUM ANALYZE" "$db"
status=0 i=0
for path in /healthz "/api/books?sort=votes&pageSize=100" "/api/books?sort=votes&pageSize=10" "/api/books/{bookId}" /api/tags; do
	echo
	i=$((i + 1))
	echo "== GET $path at $BENCH_CONNS connections for ${BENCH_SECONDS}s"
	measure "bench-$i" -e URL="$url$path" -e NAME="GET $path" -e CONNS="$BENCH_CONNS" -e SECONDS="$BENCH_SECONDS" scripts/k6/hammer.js |
		tee "$LOAD_DATA/bench-$i.txt" || status=1
done

echo
echo "== pgbench on the page's SELECT (scripts/pgbench/list-votes.sql), $BENCH_CONNS clients"
"$pgbench" -n -M prepared -c "$BENCH_CONNS" -j 2 -T "$BENCH_SECONDS" \
	-f scripts/pgbench/list-votes.sql "$db" | tee "$LOAD_DATA/bench-pgbench.txt"

rate=$(awk '/^throughput:/ {print $2; exit}' "$LOAD_DATA/bench-2.txt") # the page of 100
tps=$(awk '/^tps = / {print $3; exit}' "$LOAD_DATA/bench-pgbench.txt")
echo
awk -v r="$rate" -v t="$tps" 'BEGIN {
	printf "== the page endpoint: %.1f req/s, %.0f %% of pgbench'"'"'s %.1f tps on its SELECT\n", r, 100 * r / t, t
}'
exit $status
