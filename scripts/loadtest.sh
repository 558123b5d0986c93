#!/usr/bin/env bash
# Load tests of bookapp on a seeded catalogue; `make loadtest` and
# `make bench-http` run this after building bin/bookapp and bin/loadgen.
#
#   scripts/loadtest.sh scenario     the shop's scenario (loadgen scenario)
#   scripts/loadtest.sh bench-http   the book list and one book hammered, then
#                                    pgbench on the list's SELECT
#
# Without DATABASE_URL the data lives in a persistent PostgreSQL cluster in
# $LOAD_DATA (.loaddata/), started by bookapp itself and kept between runs,
# so the catalogue is seeded once. With DATABASE_URL that database is used
# (and seeded). Each run starts `bookapp serve` on $LOAD_ADDR, measures, and
# stops it (which stops the cluster too).
#
# Settings (environment): PROFILE (smoke | load | DURATION:USERS,...),
# PAGE_SIZE (100), LOAD_BOOKS (100000), LOAD_ADDR (127.0.0.1:8089),
# LOAD_DATA (.loaddata), BENCH_CONNS (50), BENCH_SECONDS (20), PGBENCH,
# BOOKAPP_ADMIN_EMAIL and BOOKAPP_ADMIN_PASSWORD (the app's admin).
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
: "${BENCH_CONNS:=50}" "${BENCH_SECONDS:=20}"
: "${BOOKAPP_ADMIN_EMAIL:=loadtest-admin@example.com}" "${BOOKAPP_ADMIN_PASSWORD:=loadtest-admin-password}"
export BOOKAPP_ADMIN_EMAIL BOOKAPP_ADMIN_PASSWORD
export BOOKAPP_DEV_DATA=$LOAD_DATA
mkdir -p "$LOAD_DATA"
url=http://$LOAD_ADDR

where="the cluster in $LOAD_DATA/"
[[ -z ${DATABASE_URL:-} ]] || where=DATABASE_URL
echo "== seeding $LOAD_BOOKS books in $where (a catalogue seeded before is kept)"
./bin/bookapp seed --books "$LOAD_BOOKS"

echo "== starting bookapp on $url (log: $LOAD_DATA/serve.log)"
./bin/bookapp serve -addr "$LOAD_ADDR" >"$LOAD_DATA/serve.log" 2>&1 &
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

if [[ $mode == scenario ]]; then
	./bin/loadgen scenario -url "$url" -pid "$app" -profile "$PROFILE" -page-size "$PAGE_SIZE"
	exit
fi

# bench-http: each endpoint alone at BENCH_CONNS connections, then pgbench
# with as many clients on the page's SELECT, while the app idles.
echo "== GET /api/books?sort=votes&pageSize=100 at $BENCH_CONNS connections"
./bin/loadgen hammer -pid "$app" -c "$BENCH_CONNS" -d "${BENCH_SECONDS}s" \
	"$url/api/books?sort=votes&pageSize=100" | tee "$LOAD_DATA/bench-list.txt"
echo
echo "== GET /api/books/{id} at $BENCH_CONNS connections"
./bin/loadgen hammer -pid "$app" -c "$BENCH_CONNS" -d "${BENCH_SECONDS}s" "$url/api/books/{bookId}"

db=${DATABASE_URL:-postgres://postgres@127.0.0.1:$(cat "$LOAD_DATA/port")/bookapp}
pgbench=${PGBENCH:-$(command -v pgbench || ls -d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)}
if [[ -z $pgbench ]]; then
	echo "pgbench not found: install PostgreSQL's client tools or set PGBENCH" >&2
	exit 1
fi
echo
echo "== pgbench on the page's SELECT (scripts/pgbench/list-votes.sql), $BENCH_CONNS clients"
"$pgbench" -n -M prepared -c "$BENCH_CONNS" -j 2 -T "$BENCH_SECONDS" \
	-f scripts/pgbench/list-votes.sql "$db" | tee "$LOAD_DATA/bench-pgbench.txt"

rate=$(awk '/^throughput:/ {print $2}' "$LOAD_DATA/bench-list.txt")
tps=$(awk '/^tps = / {print $3; exit}' "$LOAD_DATA/bench-pgbench.txt")
echo
awk -v r="$rate" -v t="$tps" 'BEGIN {
	printf "== the page endpoint: %.1f req/s, %.0f %% of pgbench'"'"'s %.1f tps on its SELECT\n", r, 100 * r / t, t
}'
