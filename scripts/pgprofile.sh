#!/usr/bin/env bash
# pgprofile.sh FILE: where PostgreSQL spent its CPU in a system-wide
# `perf record -g` profile (scripts/loadtest.sh takes one with PERF=1): each
# phase of a backend's work as a share of all samples in processes named
# postgres, inclusive of what it calls. The phases are PostgreSQL's own
# functions, which its binary exports by name (no debug symbols needed);
# they overlap where one calls another (planning happens inside the bind
# message, the WAL flush inside the commit).
set -euo pipefail
file=${1:?usage: $0 perf.data}
[[ -r $file ]] || { echo "cannot read $file" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf not found (Debian: apt-get install linux-perf)" >&2; exit 1; }
report=$(perf report -i "$file" --comm postgres --children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' || true)
all=$(perf report -i "$file" --sort comm --stdio -g none 2>/dev/null | awk '$NF == "postgres" { sub("%", "", $1); print $1 }' || true)
[[ -n $all ]] || { echo "no samples of postgres in $file" >&2; exit 1; }
echo "PostgreSQL: $all % of the machine's samples; by phase (share of PostgreSQL's):"
while read -r sym label; do
	awk -v sym="$sym" -v label="$label" -v all="$all" '$NF == sym {
		sub("%", "", $1); printf "  %-52s %5.1f %%\n", label, 100 * $1 / all; exit
	}' <<<"$report"
done <<'PHASES'
PostgresMain a backend's work, all of it
pq_getbyte reading the next message (socket reads)
GetCachedPlan choosing or making its plan
pg_plan_query planning
standard_ExecutorStart starting the executor (plan nodes, locks)
standard_ExecutorRun running the plan
ExecInsertIndexTuples inserting index entries (inserts, non-HOT updates)
standard_ExecutorEnd ending the executor
CommitTransactionCommand committing
XLogFlush flushing the WAL at commit
BackgroundWriterMain background writer
WalWriterMain WAL writer
CheckpointerMain checkpointer
AutoVacWorkerMain autovacuum
PHASES
