#!/usr/bin/env bash
# Load suite: a release build serving a seeded database, measured with wrk on this machine.
#
#   bench/load.sh                      # 100,000 articles, 10 s per endpoint
#   ARTICLES=20000 DURATION=5s bench/load.sh
#   ONLY='healthz|random|tag' bench/load.sh   # only the cases whose name matches (healthz is the baseline)
#   SERVER_ENV='MALLOC_ARENA_MAX=8' bench/load.sh   # extra environment for the server
#   BACKEND=postgres bench/load.sh     # on PostgreSQL (PG_URL names a server to create databases on)
#   BACKEND=postgres SERVERS=2 ONLY='random' bench/load.sh   # two app servers, wrk spread over both
#
# Needs wrk (Debian: apt-get install wrk). Prints one markdown row per endpoint: requests/s, p50,
# p99, and the ratio to /healthz measured in the same run; RSS of the server before and after.
# Rate limits are turned off for the run (the load comes from one address).
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES=${ARTICLES:-100000}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
PORT=${PORT:-18181}
WORK=${WORK:-/tmp/newsdesk-bench}
BACKEND=${BACKEND:-sqlite}
SERVERS=${SERVERS:-1}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
DB="$WORK/newsdesk-$ARTICLES.db"
BASE="http://127.0.0.1:$PORT"
BIN=${BIN:-target/release/newsdesk}
mkdir -p "$WORK"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$BIN" ] || cargo build --release --bin newsdesk
export DATABASE_URL="sqlite://$DB?mode=rwc"

if [ ! -f "$DB" ]; then
    echo "seeding $ARTICLES articles into $DB" >&2
    "$BIN" seed --articles "$ARTICLES"
fi
# Each run works on a copy, so what the ingest case adds never skews the next run's lists and search.
RUN_DB="$WORK/run.db"
rm -f "$RUN_DB" "$RUN_DB-wal" "$RUN_DB-shm"
cp "$DB" "$RUN_DB"
export DATABASE_URL="sqlite://$RUN_DB?mode=rwc"
PG_RUN=""
if [ "$BACKEND" = postgres ]; then
    # The same seeded articles, copied into a new PostgreSQL database (dropped at the end).
    PG_RUN="newsdesk_load_$$"
    psql "$PG_URL" -qc "CREATE DATABASE $PG_RUN" >&2
    PG_DB_URL="${PG_URL%/*}/$PG_RUN"
    "$BIN" copy --from "$DATABASE_URL" --to "$PG_DB_URL" >&2
    psql "$PG_DB_URL" -qc "VACUUM ANALYZE" >&2
    export DATABASE_URL="$PG_DB_URL"
fi
TOKEN=$("$BIN" token create --name load --role editor 2>/dev/null)

SERVER_PIDS=()
for n in $(seq 0 $((SERVERS - 1))); do
    env ${SERVER_ENV:-} NEWSDESK_BIND="127.0.0.1:$((PORT + n))" NEWSDESK_READ_RATE=0 NEWSDESK_WRITE_RATE=0 RUST_LOG=warn \
        "$BIN" serve >"$WORK/server-$n.log" 2>&1 &
    SERVER_PIDS+=($!)
done
SERVER=${SERVER_PIDS[0]}
cleanup() {
    for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -f "$RUN_DB" "$RUN_DB-wal" "$RUN_DB-shm"
    if [ -n "$PG_RUN" ]; then
        sleep 1
        psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $PG_RUN WITH (FORCE)" >&2 || true
    fi
}
trap cleanup EXIT
for n in $(seq 0 $((SERVERS - 1))); do
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$((PORT + n))/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
done
rss() { awk '/VmRSS/ {print $2 " KiB"}' "/proc/$SERVER/status"; }
echo "RSS before: $(rss)" >&2

# Ids: a hot set of 100, and every article (walking the cursor).
python3 - "$BASE" "$WORK" <<'PY'
import json, sys, urllib.request
base, work = sys.argv[1], sys.argv[2]
ids, path = [], "/v1/articles?limit=100&fields=id"
while path:
    page = json.load(urllib.request.urlopen(base + path))
    ids += [a["id"] for a in page["data"]]
    path = page["next"]
with open(f"{work}/hot.txt", "w") as f:
    f.writelines(f"/v1/articles/{i}\n" for i in ids[:100])
with open(f"{work}/all.txt", "w") as f:
    f.writelines(f"/v1/articles/{i}\n" for i in ids)
# The tag and the entity named most often among 20 articles (listing tags or entities by
# article count reads every link: seconds on 100k articles, past the statement deadline when
# the machine is loaded).
seen = {}
for i in ids[:: max(1, len(ids) // 20)][:20]:
    art = json.load(urllib.request.urlopen(f"{base}/v1/articles/{i}"))
    for kind, items in (("entity", art["entities"]), ("tag", art["tags"])):
        for e in items:
            seen[(kind, e["slug"])] = seen.get((kind, e["slug"]), 0) + 1
ent = max(sorted(k for k in seen if k[0] == "entity"), key=lambda k: seen[k])[1]
tag = max(sorted(k for k in seen if k[0] == "tag"), key=lambda k: seen[k])[1]
with open(f"{work}/filters.txt", "w") as f:
    f.write(f"{tag}\n{ent}\n")
print(f"{len(ids)} ids", file=sys.stderr)
PY
TAG=$(sed -n 1p "$WORK/filters.txt"); ENTITY=$(sed -n 2p "$WORK/filters.txt")

# Distinct uncached queries drawn from the stored articles themselves (issue 23): words and word
# pairs of a sample of articles (Hindi and English, common and rare), the commonest words, and
# archive pages (a tag or an entity, one day's `until`, with `lang`, `source` or a search).
python3 - "$BASE" "$WORK" <<'PY'
import json, random, re, sys, urllib.parse, urllib.request
base, work = sys.argv[1], sys.argv[2]
rng = random.Random(23)
get = lambda path: json.load(urllib.request.urlopen(base + path))
ids = [l.rsplit("/", 1)[1].strip() for l in open(f"{work}/all.txt")]
def tokens(text):
    # Letters, digits and combining marks (Devanagari vowel signs), as the index splits words.
    return [t.lower() for t in re.findall(r"[\w\u0900-\u097f]+", text) if not t.isdigit()]
singles, pairs, counts, ents, tags = [], [], {}, set(), set()
for i in rng.sample(ids, min(60, len(ids))):
    art = get(f"/v1/articles/{i}")
    ents.update(e["slug"] for e in art["entities"])
    tags.update(t["slug"] for t in art["tags"])
    toks = tokens(art["title"] + "\n" + art["body_text"])
    if len(toks) < 2:
        continue
    for t in set(toks):
        counts[t] = counts.get(t, 0) + 1
    singles += rng.sample(toks, min(40, len(toks)))
    for _ in range(20):
        a, b = rng.sample(toks, 2)
        pairs.append(f"{a} {b}")
common = sorted(counts, key=lambda t: -counts[t])[:30]
q = lambda s: "/v1/articles?q=" + urllib.parse.quote(s)
for name, items in [("words", singles), ("pairs", pairs), ("common", common)]:
    with open(f"{work}/{name}.txt", "w") as f:
        f.writelines(q(s) + "\n" for s in items)
tags, ents = sorted(tags), sorted(ents)
days = lambda: f"{rng.randint(2020, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
arch = []
for _ in range(2000):
    kind = rng.choice(["tag", "entity"])
    path = f"/v1/articles?{kind}={rng.choice(tags if kind == 'tag' else ents)}&until={days()}"
    extra = rng.choice(["", "", f"&lang={rng.choice(['hi', 'en'])}", f"&source={rng.choice(['abplive.com', 'reuters.com', 'ctpost.com'])}"])
    arch.append(path + extra)
with open(f"{work}/archive.txt", "w") as f:
    f.writelines(p + "\n" for p in arch)
with open(f"{work}/filtered-search.txt", "w") as f:
    for _ in range(1000):
        kind = rng.choice(["tag", "entity"])
        slug = rng.choice(tags if kind == "tag" else ents)
        f.write(f"/v1/articles?{kind}={slug}&q={urllib.parse.quote(rng.choice(singles))}\n")
print(f"{len(singles)} words, {len(pairs)} pairs, {len(common)} common words", file=sys.stderr)
PY

cat >"$WORK/paths.lua" <<'LUA'
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.random(1000))
end
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
LUA
# With several servers, each wrk thread sends to one of them in turn (wrk's documented
# per-thread address setup).
if [ "$SERVERS" -gt 1 ]; then
    cat >>"$WORK/paths.lua" <<LUA
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  thread.addr = wrk.lookup("127.0.0.1", tostring($PORT + counter % $SERVERS))[1]
  counter = counter + 1
end
LUA
fi
cat >"$WORK/ingest.lua" <<'LUA'
local n = 0
local id = tostring(math.random(1e9))
request = function()
  n = n + 1
  local body = "Load test article " .. id .. "-" .. n .. "\nThe council met on Tuesday to discuss the budget for the harbour district, roads and schools in detail.\nMembers agreed to publish the full plan, number " .. n .. ", before the summer recess."
  return wrk.format("POST", "/v1/ingest", {["Content-Type"] = "text/plain", ["Authorization"] = "Bearer " .. wrk.token}, body)
end
LUA
sed -i "1i wrk.token = \"$TOKEN\"" "$WORK/ingest.lua"
# Every request a query never seen before, with the same answer as the cached case: measures the
# database path under the response cache. `q`: "word OR absent<n>"; lists: "until=<far future>".
cat >"$WORK/distinct.lua" <<'LUA'
local n = 0
init = function(args) prefix = args[1]; kind = args[2]; n = math.random(1e6) * 100000 end
request = function()
  n = n + 1
  if kind == "q" then return wrk.format("GET", prefix .. "%20OR%20absent" .. n) end
  local year, month, day = 2100 + n % 7000, 1 + math.floor(n / 7000) % 12, 1 + math.floor(n / 84000) % 28
  return wrk.format("GET", prefix .. string.format("&until=%04d-%02d-%02d", year, month, day))
end
LUA

# A random line of a file, made distinct for every request (so the response cache never
# answers): searches gain " OR absent<n>", lists a far-past `since` that changes each time.
cat >"$WORK/lines.lua" <<'LUA'
local lines, n = {}, 0
init = function(args)
  for line in io.lines(args[1]) do lines[#lines + 1] = line end
  kind = args[2]
  math.randomseed(os.time() + math.random(1000))
  n = math.random(1e6) * 100000
end
request = function()
  n = n + 1
  local path = lines[math.random(#lines)]
  if kind == "q" then return wrk.format("GET", path .. "%20OR%20absent" .. n) end
  return wrk.format("GET", path .. string.format("&since=%04d-%02d-%02d", 1000 + n % 900, 1 + math.floor(n / 900) % 12, 1 + math.floor(n / 10800) % 28))
end
LUA

# name|connections|url|wrk script|script argument
CASES=(
  "healthz|64|$BASE/healthz||"
  "article by id, hot set of 100|64|$BASE|$WORK/paths.lua|$WORK/hot.txt"
  "article by id, random over all|64|$BASE|$WORK/paths.lua|$WORK/all.txt"
  "list, tag filter|64|$BASE/v1/articles?tag=$TAG||"
  "list, entity filter|64|$BASE/v1/articles?entity=$ENTITY||"
  "search, Hindi (q=कोरोना)|16|$BASE/v1/articles?q=%E0%A4%95%E0%A5%8B%E0%A4%B0%E0%A5%8B%E0%A4%A8%E0%A4%BE||"
  "search, English (q=state)|16|$BASE/v1/articles?q=state||"
  "list, tag filter, uncached|64|$BASE|$WORK/distinct.lua|/v1/articles?tag=$TAG list"
  "list, entity filter, uncached|64|$BASE|$WORK/distinct.lua|/v1/articles?entity=$ENTITY list"
  "search, Hindi, uncached|16|$BASE|$WORK/distinct.lua|/v1/articles?q=%E0%A4%95%E0%A5%8B%E0%A4%B0%E0%A5%8B%E0%A4%A8%E0%A4%BE q"
  "search, English, uncached|16|$BASE|$WORK/distinct.lua|/v1/articles?q=state q"
  "search, random words of the articles, uncached|16|$BASE|$WORK/lines.lua|$WORK/words.txt q"
  "search, two words of one article, uncached|16|$BASE|$WORK/lines.lua|$WORK/pairs.txt q"
  "search, the commonest words, uncached|16|$BASE|$WORK/lines.lua|$WORK/common.txt q"
  "search with a tag or entity, uncached|16|$BASE|$WORK/lines.lua|$WORK/filtered-search.txt q"
  "list, archive by day (tag or entity, until, lang or source), uncached|64|$BASE|$WORK/lines.lua|$WORK/archive.txt list"
  "ingest (text/plain)|8|$BASE|$WORK/ingest.lua|"
)

echo "| endpoint | connections | requests/s | p50 | p99 | ratio to /healthz |"
echo "| --- | --- | --- | --- | --- | --- |"
HEALTH=""
for case in "${CASES[@]}"; do
    IFS='|' read -r name conns url script arg <<<"$case"
    [ -n "${ONLY:-}" ] && [ "$name" != healthz ] && ! grep -Eq "$ONLY" <<<"$name" && continue
    args=(-t"$THREADS" -c"$conns" -d"$DURATION" --latency)
    [ -n "$script" ] && args+=(-s "$script")
    args+=("$url")
    # shellcheck disable=SC2206
    [ -n "$arg" ] && args+=(-- $arg)
    out=$(wrk "${args[@]}")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [ -z "$HEALTH" ] && HEALTH=$rps
    ratio=$(python3 -c "print(f'{$rps / $HEALTH:.2f}')")
    echo "| $name | $conns | $rps | $p50 | $p99 | $ratio |${errors:+ non-2xx: $errors}"
done
echo "RSS after: $(rss)" >&2
