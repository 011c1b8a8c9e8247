#!/usr/bin/env bash
# The API contract, checked by a real client: Schemathesis (pinned, in a virtual environment of
# its own under the cargo target directory) runs every check it has, its stateful phase included,
# against a debug build serving a fresh SQLite database with an editor token. Any failure fails
# the script. `.ci/run` calls it after `cargo test`; it works the same locally:
#
#     tools/contract.sh                     # the whole run
#     CONTRACT_MAX_EXAMPLES=20 tools/contract.sh   # a quicker one
#     tools/contract.sh --include-path /v1/tags    # extra arguments go to `schemathesis run`
#
# The server runs with its rate limits off (they are per token, and a run makes thousands of
# writes; 429 is still in the document) and a short request timeout.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
# Test cases per operation and phase. Schemathesis' default is 100; 40 keeps the whole run to a
# few minutes on two cores while every phase still reaches every operation.
MAX_EXAMPLES="${CONTRACT_MAX_EXAMPLES:-40}"
SEED="${CONTRACT_SEED:-}"

target="${CARGO_TARGET_DIR:-target}"
work="$target/contract"
mkdir -p "$work"
venv="$work/venv-$SCHEMATHESIS_VERSION"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build --quiet --bin newsdesk
bin="$target/debug/newsdesk"

run_dir="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$run_dir"
}
trap cleanup EXIT
trap "exit 130" INT TERM

database="sqlite://$run_dir/contract.db?mode=rwc"
token="$("$bin" token create --name contract --role editor --database-url "$database" 2>/dev/null | tail -n 1)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

RUST_LOG="${RUST_LOG:-newsdesk=warn,warn}" "$bin" serve --bind "127.0.0.1:$port" \
    --database-url "$database" --write-rate 0 --read-rate 0 --request-timeout-secs 10 \
    >"$run_dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    if python3 -c "import urllib.request, sys; urllib.request.urlopen('$base/healthz', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        cat "$run_dir/server.log" >&2
        echo "contract: the server did not start" >&2
        exit 1
    fi
    sleep 0.1
done

# One worker: with two, Hypothesis parses lambda sources (`ast.parse`) in two threads at once, and
# CPython 3.11.7 (the machines' Python) once failed a run with "SystemError: AST constructor
# recursion depth mismatch", an interpreter fault reported under threads (python/cpython#106905
# and the reports around it), not a finding about the API. One worker took 2m15s here, as two did.
export SCHEMATHESIS_HOOKS=contract_hooks
export PYTHONPATH="$PWD/tools${PYTHONPATH:+:$PYTHONPATH}"
args=(--config-file tools/contract.toml run "$base/openapi.json" --checks all --header "Authorization: Bearer $token"
    --max-examples "$MAX_EXAMPLES" --workers 1 --request-timeout 30 --no-color --generation-database :memory:)
if [ -n "$SEED" ]; then
    args+=(--seed "$SEED")
fi
status=0
"$venv/bin/schemathesis" "${args[@]}" "$@" || status=$?
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "contract: the server died during the run" >&2
    tail -n 50 "$run_dir/server.log" >&2
    status=1
fi
if [ "$status" != 0 ]; then
    echo "contract: schemathesis found failures (exit $status); the server's log ends:" >&2
    tail -n 20 "$run_dir/server.log" >&2
fi
exit "$status"
