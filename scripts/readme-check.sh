#!/usr/bin/env bash
# Runs the README's "Run the stack" commands exactly as written, from a clean state, and checks that they downloaded a
# PNG: so the README's quick start cannot break unnoticed. scripts/test.sh runs it after the .NET tests (which built the
# hosts in Release, so the stack's build has nothing left to compile).
#
#   scripts/readme-check.sh
#
# The commands are the fenced ```bash blocks that follow a `<!-- readme-check: stack -->` line in README.md, run in that
# order as one bash script (set -e, pipefail) in a fresh scratch folder that holds only a link to scripts/. Around them:
#   - a state dir, data root, RabbitMQ virtual host, job-store and Hangfire schemas and free loopback ports of the check's
#     own (PIPELINE_STACK_*, Pipeline__* variables), so a stack already running here, or other test runs, are untouched;
#   - afterwards: every *.png the commands wrote must start with the PNG signature, and there must be one;
#   - always: `scripts/stack.sh down` on the check's stack, the virtual host and schemas dropped, the folder removed
#     (kept, with the hosts' logs printed, when the check fails).
# Needs RabbitMQ with its management API and PostgreSQL (scripts/start-services.sh provides them). Without them it skips
# (exit 0), except under CI=true, where that is a failure.
#
# One line for scripts/test.sh to count:  readme-check: PASS|FAIL|SKIP stack
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$repo"

log() { echo "readme-check: $*" >&2; }
result() { echo "readme-check: $1 stack${2:+ ($2)}"; }

# The marked blocks of README.md, in order.
block=$(awk '
    /^<!-- readme-check: stack -->$/ { marked = 1; next }
    marked && /^```bash$/ { inside = 1; marked = 0; next }
    inside && /^```$/ { inside = 0; next }
    inside { print }
    { marked = 0 }' README.md)
if [[ -z $block ]]; then
    result FAIL "README.md has no \`\`\`bash block after <!-- readme-check: stack -->"
    exit 1
fi

# The README's commands use curl; a bare CI image may lack it (installed as start-services.sh installs the services).
if ! command -v curl >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
    log "curl not found: installing it"
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl; } >&2 || true
fi
command -v curl >/dev/null 2>&1 || { result FAIL "curl is not installed"; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/pipeline-readme-check.XXXXXX")
export PIPELINE_SERVICES_ENV=$scratch/services.env
# shellcheck source=scripts/start-services.sh
if ! source scripts/start-services.sh >/dev/null || [[ -z ${RABBITMQ_MANAGEMENT_URL:-} || -z ${PIPELINE_TEST_POSTGRES:-} ]]; then
    rm -rf "$scratch"
    if [[ ${CI:-false} == true ]]; then result FAIL "RabbitMQ (with management) or PostgreSQL missing under CI=true"; exit 1; fi
    result SKIP "RabbitMQ (with management) or PostgreSQL missing: run scripts/start-services.sh"
    exit 0
fi

# Names of this run: a virtual host and schemas nobody else uses.
run=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
vhost=readme-check-$run
schema=readme_check_$run
export PIPELINE_STACK_DIR=$scratch/state
export Pipeline__Storage__Files__RootPath=$scratch/data
export Pipeline__RabbitMq__VirtualHost=$vhost
export Pipeline__Storage__Jobs__Schema=$schema
export Pipeline__Scheduler__HangfireSchema=${schema}_hf

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 20000))
        if ! port_open "$port" && [[ " $taken " != *" $port "* ]]; then echo "$port"; return; fi
    done
    return 1
}
taken=""
PIPELINE_STACK_API_PORT=$(free_port); taken+=" $PIPELINE_STACK_API_PORT"
PIPELINE_STACK_WORKER_PORT=$(free_port); taken+=" $PIPELINE_STACK_WORKER_PORT"
PIPELINE_STACK_SCHEDULER_PORT=$(free_port)
export PIPELINE_STACK_API_PORT PIPELINE_STACK_WORKER_PORT PIPELINE_STACK_SCHEDULER_PORT

# The management API as the broker user of RABBITMQ_URL (amqp://user:pass@host:port/vhost; guest when it names none).
credentials=guest:guest
if [[ $RABBITMQ_URL == *@* ]]; then credentials=${RABBITMQ_URL#*://}; credentials=${credentials%%@*}; fi
management() { curl -fsS -u "$(printf '%b' "${credentials//%/\\x}")" -H 'content-type: application/json' "$@"; }
vhost_url=${RABBITMQ_MANAGEMENT_URL%/}/api/vhosts/$vhost

# psql on the hosts' database (an Npgsql connection string: Host=…;Port=…;Username=…;Password=…;Database=…).
psql_test_db() {
    local pair key value host=localhost port=5432 user="" password="" database=""
    IFS=';' read -ra pairs <<<"${Pipeline__Storage__Jobs__ConnectionString:-$PIPELINE_TEST_POSTGRES}"
    for pair in "${pairs[@]}"; do
        key=$(tr '[:upper:]' '[:lower:]' <<<"${pair%%=*}" | tr -d ' '); value=${pair#*=}
        case $key in
            host | server) host=$value ;; port) port=$value ;; username | userid | "user id" | user) user=$value ;;
            password) password=$value ;; database) database=$value ;;
        esac
    done
    PGPASSWORD=$password psql -h "$host" -p "$port" -U "$user" -d "$database" -v ON_ERROR_STOP=1 -qtAX "$@"
}

status=0
cleanup() {
    set +e
    scripts/stack.sh down >/dev/null 2>&1
    management -X DELETE "$vhost_url" >/dev/null 2>&1 || log "warning: virtual host $vhost not deleted"
    psql_test_db -c "DROP SCHEMA IF EXISTS \"$schema\" CASCADE; DROP SCHEMA IF EXISTS \"${schema}_hf\" CASCADE" >/dev/null 2>&1 ||
        log "warning: schemas $schema and ${schema}_hf not dropped"
    if [[ $status -eq 0 ]]; then
        rm -rf "$scratch"
    else
        for f in "$scratch"/state/*.log; do
            [[ -f $f ]] && { log "--- last lines of $f"; tail -n 40 "$f" >&2; }
        done
        log "kept $scratch for inspection"
    fi
}
trap cleanup EXIT

management -X PUT -d '{}' "$vhost_url" >/dev/null
management -X PUT -d '{"configure":".*","write":".*","read":".*"}' \
    "${RABBITMQ_MANAGEMENT_URL%/}/api/permissions/$vhost/${credentials%%:*}" >/dev/null

ln -s "$repo/scripts" "$scratch/scripts"
printf '%s\n' "$block" >"$scratch/readme-stack.sh"
log "running the README's stack commands in $scratch (ports $PIPELINE_STACK_API_PORT, $PIPELINE_STACK_WORKER_PORT, $PIPELINE_STACK_SCHEDULER_PORT):"
sed 's/^/    /' "$scratch/readme-stack.sh" >&2
# A bound in case a documented wait never ends (a job that never finishes); the hosts have their own start deadline.
if ! (cd "$scratch" && timeout "${README_CHECK_TIMEOUT:-300}" bash -e -o pipefail readme-stack.sh); then
    status=1
    result FAIL "a README command failed"
    exit 1
fi

shopt -s nullglob
pngs=("$scratch"/*.png)
shopt -u nullglob
if ((${#pngs[@]} == 0)); then
    status=1
    result FAIL "the README's commands downloaded no .png"
    exit 1
fi
for png in "${pngs[@]}"; do
    if [[ $(head -c 8 "$png" | od -An -tx1 | tr -d ' \n') != 89504e470d0a1a0a ]]; then
        status=1
        result FAIL "$(basename "$png") is not a PNG: $(head -c 200 "$png" | tr -cd '[:print:]')"
        exit 1
    fi
done
log "$(basename "${pngs[0]}"): $(wc -c <"${pngs[0]}") bytes, PNG signature"
result PASS
