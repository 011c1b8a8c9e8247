#!/usr/bin/env bash
# Batch ingest over HTTP: the seed articles as NDJSON, posted to `POST /v1/ingest/batch` of a
# release build serving a fresh database, one request after another, as a crawler would.
#
#   bench/batch.sh                          # 20,000 articles, 5,000 a request
#   ARTICLES=100000 PER_REQUEST=10000 bench/batch.sh
#   BACKEND=postgres bench/batch.sh         # into a new PostgreSQL database (PG_URL: the server)
#   NDJSON=seed.ndjson BIN=old/newsdesk bench/batch.sh   # the same input for builds compared
#   PERF=perf.data bench/batch.sh           # the server under `perf record -g` from its start
#                                           # (perf -p would miss threads started later)
#
# Prints articles stored per second (from the first request sent to the last answer read), the
# answers counted by result, the server's peak RSS and its CPU time per article; on PostgreSQL
# also the database's CPU time per article: the backends serving the run's database, and the
# server-wide background processes (WAL writer, checkpointer, background writer; another client
# of the same server writing meanwhile would count there too). Rate limits are off for the run.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES=${ARTICLES:-20000}
PER_REQUEST=${PER_REQUEST:-5000}
PORT=${PORT:-18182}
WORK=${WORK:-/tmp/newsdesk-batch}
BASE="http://127.0.0.1:$PORT"
BIN=${BIN:-target/release/newsdesk}
[ -x "$BIN" ] || cargo build --release --bin newsdesk

rm -rf "$WORK" && mkdir -p "$WORK"
if [ -n "${NDJSON:-}" ]; then
    split -l "$PER_REQUEST" "$NDJSON" "$WORK/part-"
else
    "$BIN" seed --ndjson --articles "$ARTICLES" | split -l "$PER_REQUEST" - "$WORK/part-"
fi
export DATABASE_URL="sqlite://$WORK/batch.db?mode=rwc"
PG_RUN=""
if [ "${BACKEND:-sqlite}" = postgres ]; then
    PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
    PG_RUN="newsdesk_batch_$$"
    psql "$PG_URL" -qc "CREATE DATABASE $PG_RUN" >&2
    export DATABASE_URL="${PG_URL%/*}/$PG_RUN"
fi
TOKEN=$("$BIN" token create --name batch --role editor 2>/dev/null)

WRAP=()
[ -n "${PERF:-}" ] && WRAP=(perf record -F 499 -g -o "$PERF" --)
NEWSDESK_BIND="127.0.0.1:$PORT" NEWSDESK_WRITE_RATE=0 NEWSDESK_READ_RATE=0 RUST_LOG=warn \
    "${WRAP[@]}" "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
cleanup() {
    kill $SERVER 2>/dev/null || true
    if [ -n "$PG_RUN" ]; then
        sleep 1
        psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $PG_RUN WITH (FORCE)" >&2 || true
    fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
# Under perf, the server is perf's child: its counters are the ones read below.
[ -n "${PERF:-}" ] && SERVER=$(pgrep -P "$SERVER" | head -1)

# CPU clock ticks of the PostgreSQL processes: "<the run's backends> <background processes>".
pg_ticks() {
    local backends=0 background=0 pid cmd ticks
    for pid in $(pgrep -u postgres); do
        cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
        ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || continue
        case "$cmd" in
        *" $PG_RUN "*) backends=$((backends + ticks)) ;;
        *checkpointer* | *"background writer"* | *walwriter*) background=$((background + ticks)) ;;
        esac
    done
    echo "$backends $background"
}
[ -n "$PG_RUN" ] && read -r pg_backends pg_background < <(pg_ticks)

started=$(date +%s.%N)
for part in "$WORK"/part-*; do
    curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/x-ndjson' \
        --data-binary "@$part" "$BASE/v1/ingest/batch" >"$part.out"
done
finished=$(date +%s.%N)
[ -n "$PG_RUN" ] && read -r pg_backends_after pg_background_after < <(pg_ticks)

created=$(cat "$WORK"/part-*.out | grep -c '"result":"created"' || true)
echo "answers: $(cat "$WORK"/part-*.out | grep -o '"result":"[a-z]*"' | sort | uniq -c | tr -s ' ' | paste -sd,)"
awk -v c="$created" -v s="$started" -v f="$finished" \
    'BEGIN { printf "stored %d articles in %.1f s: %.0f articles/s\n", c, f - s, c / (f - s) }'
echo "server peak RSS: $(awk '/VmHWM/ {print $2 " KiB"}' "/proc/$SERVER/status")"
# utime and stime of the server (fields 14 and 15, in clock ticks): CPU it spent per article.
awk -v c="$created" -v hz="$(getconf CLK_TCK)" \
    '{ cpu = ($14 + $15) / hz; printf "server CPU: %.1f s, %.0f us/article\n", cpu, cpu * 1e6 / c }' \
    "/proc/$SERVER/stat"
if [ -n "$PG_RUN" ]; then
    awk -v c="$created" -v hz="$(getconf CLK_TCK)" \
        -v be=$((pg_backends_after - pg_backends)) -v bg=$((pg_background_after - pg_background)) \
        'BEGIN { printf "PostgreSQL CPU: %.1f s, %.0f us/article (backends %.0f, background %.0f)\n", (be + bg) / hz, (be + bg) * 1e6 / hz / c, be * 1e6 / hz / c, bg * 1e6 / hz / c }'
fi
