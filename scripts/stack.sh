#!/usr/bin/env bash
# The whole stack on this machine, for trying it out and for development: RabbitMQ and PostgreSQL (scripts/start-services.sh),
# then the API, one worker and the Scheduler, built once (Release) and run in the background on loopback.
#
#   scripts/stack.sh up       start what is not running; wait until each host is ready (/healthz); print the URLs
#   scripts/stack.sh status   each host: pid, alive, readiness
#   scripts/stack.sh env      `export` lines for PIPELINE_API_URL and PIPELINE_API_KEY (eval "$(scripts/stack.sh env)")
#   scripts/stack.sh logs [api|worker|scheduler] [-f]   the last lines of the hosts' logs (or follow them)
#   scripts/stack.sh down     stop the hosts (SIGTERM, then SIGKILL after a bound); RabbitMQ and PostgreSQL keep running
#
# What it sets up: the three hosts share one data root and one database (start-services.sh's `pipeline` user and database);
# the API forwards /v1/schedules to the Scheduler; a development API key is generated once (random), kept in the state
# dir, printed on the first `up` and configured on both the API and the Scheduler. Pid files, logs and the key live in
# the state dir. The services are left running by `down`; stop them with `rabbitmqctl stop` and `pg_ctlcluster 15 main stop`.
#
# Environment (all optional):
#   PIPELINE_STACK_DIR             state dir (default ${XDG_STATE_HOME:-~/.local/state}/pipeline/stack)
#   PIPELINE_STACK_API_PORT        8080    \
#   PIPELINE_STACK_WORKER_PORT     8081     } ports on 127.0.0.1, fixed at `up` (status, env and down read them from the state dir)
#   PIPELINE_STACK_SCHEDULER_PORT  5238    /
#   PIPELINE_STACK_START_TIMEOUT   seconds each host gets to become ready (default 180)
#   Pipeline__Storage__Files__RootPath   the data root (default ${XDG_DATA_HOME:-~/.local/share}/pipeline, the hosts' own default)
#   and any other Pipeline__* setting (.env.example), which the hosts inherit, e.g. Pipeline__Storage__Jobs__Schema or
#   Pipeline__RabbitMq__VirtualHost to keep a second stack apart from the first.
set -euo pipefail

repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
state=${PIPELINE_STACK_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/pipeline/stack}
hosts=(api worker scheduler)

log() { echo "stack: $*" >&2; }
die() { log "$*"; exit 1; }

project_of() { case $1 in api) echo Api ;; worker) echo Worker ;; scheduler) echo Scheduler ;; esac; }
default_port() { case $1 in api) echo "${PIPELINE_STACK_API_PORT:-8080}" ;; worker) echo "${PIPELINE_STACK_WORKER_PORT:-8081}" ;;
    scheduler) echo "${PIPELINE_STACK_SCHEDULER_PORT:-5238}" ;; esac; }

# The URL a host was started on (kept in the state dir, so later commands need no environment), else the one it would get.
url_of() { if [[ -f $state/$1.url ]]; then cat "$state/$1.url"; else echo "http://127.0.0.1:$(default_port "$1")"; fi; }

# The pid of a running host of ours, else nothing: the pid file's process must be alive and be that host's dll (a reused
# pid belongs to someone else).
pid_of() {
    local pid
    pid=$(cat "$state/$1.pid" 2>/dev/null) || return 0
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "Pipeline.$(project_of "$1").dll"; then
        echo "$pid"
    fi
}

# The readiness status code of a host ("000" when it does not answer).
readiness() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$(url_of "$1")/healthz" || true; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The development API key: 24 random bytes in hex, made once and kept (readable by this user only) in the state dir.
ensure_api_key() {
    if [[ ! -s $state/api-key ]]; then
        (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$state/api-key")
        fresh_key=1
    fi
}

start_host() {
    local name=$1 key=$2 project dll port url
    project=$(project_of "$name")
    port=$(default_port "$name")
    url="http://127.0.0.1:$port"
    if port_open "$port"; then
        die "port $port ($name) is taken by another process; choose another with PIPELINE_STACK_$(tr '[:lower:]' '[:upper:]' <<<"$name")_PORT"
    fi
    dll=$(find "$repo/src/Pipeline.$project/bin/Release" -maxdepth 3 -name "Pipeline.$project.dll" -print -quit 2>/dev/null)
    [[ -n $dll ]] || die "no Release build of Pipeline.$project under src/Pipeline.$project/bin/Release"
    local -a settings=()
    case $name in
        api) settings=("Pipeline__Api__ApiKeys__0=$key" "Pipeline__Api__AdminKeys__0=$key" "Pipeline__Api__SchedulerUrl=$(url_of scheduler)") ;;
        scheduler) settings=("Pipeline__Scheduler__ApiKeys__0=$key" "Pipeline__Scheduler__AdminKeys__0=$key") ;;
    esac
    if [[ -f $state/$name.log ]]; then mv "$state/$name.log" "$state/$name.log.1"; fi
    rm -f "$state/$name.pid"
    echo "$url" >"$state/$name.url"
    # Started in its build folder (its appsettings.json is the content root's), in a session of its own, so that closing
    # the terminal or a Ctrl-C there does not stop it. Every step execs into the next, so no shell of this script stays
    # behind as its parent holding this script's output open; the host writes its own pid (in case setsid forks).
    (cd "$(dirname "$dll")" && exec env "${settings[@]}" setsid bash -c 'echo $$ >"$0"; exec "$@"' "$state/$name.pid" \
        dotnet "$dll" --urls "$url") >"$state/$name.log" 2>&1 </dev/null &
    local deadline=$((SECONDS + 10))
    until [[ -s $state/$name.pid ]]; do
        ((SECONDS < deadline)) || die "$name did not start (log: $state/$name.log)"
        sleep 0.1
    done
    log "started $name (pid $(cat "$state/$name.pid"), $url, log $state/$name.log)"
}

wait_ready() {
    local name=$1 deadline=$((SECONDS + ${PIPELINE_STACK_START_TIMEOUT:-180})) code
    until [[ $(readiness "$name") == 200 ]]; do
        if [[ -z $(pid_of "$name") ]]; then
            tail -n 30 "$state/$name.log" >&2 || true
            die "$name exited while starting (log above: $state/$name.log)"
        fi
        if ((SECONDS >= deadline)); then
            code=$(readiness "$name")
            curl -s -m 5 "$(url_of "$name")/healthz" >&2 || true
            echo >&2
            die "$name not ready within ${PIPELINE_STACK_START_TIMEOUT:-180} s (/healthz: $code; log: $state/$name.log)"
        fi
        sleep 0.5
    done
}

cmd_up() {
    local tool
    for tool in dotnet curl setsid; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool is needed (dotnet: the .NET 10 SDK; curl; setsid: util-linux)"
    done
    mkdir -p "$state"
    local name missing=() fresh_key=0
    for name in "${hosts[@]}"; do
        if [[ -n $(pid_of "$name") ]]; then log "$name already running (pid $(pid_of "$name"))"; else missing+=("$name"); fi
    done
    if ((${#missing[@]} > 0)); then
        # shellcheck source=scripts/start-services.sh
        source "$repo/scripts/start-services.sh" || die "RabbitMQ or PostgreSQL could not be provided (see above)"
        [[ -n ${Pipeline__Storage__Jobs__ConnectionString:-} && -n ${Pipeline__RabbitMq__Host:-} ]] ||
            die "no PostgreSQL or RabbitMQ: start-services.sh provided neither Pipeline__Storage__Jobs__ConnectionString nor Pipeline__RabbitMq__Host"
        export Pipeline__Storage__Files__RootPath=${Pipeline__Storage__Files__RootPath:-${XDG_DATA_HOME:-$HOME/.local/share}/pipeline}
        log "building the hosts (Release)"
        dotnet build "$repo/scripts/stack-hosts.slnf" -c Release -v q -nologo >"$state/build.log" 2>&1 ||
            { tail -n 40 "$state/build.log" >&2; die "build failed (log: $state/build.log)"; }
        echo "$Pipeline__Storage__Files__RootPath" >"$state/data-root"
        ensure_api_key
        # The Scheduler first: the API forwards /v1/schedules to it.
        for name in scheduler worker api; do
            if [[ " ${missing[*]} " == *" $name "* ]]; then start_host "$name" "$(cat "$state/api-key")"; fi
        done
    fi
    for name in "${hosts[@]}"; do wait_ready "$name"; done
    echo "API        $(url_of api)   (POST /v1/jobs, /v1/batches, /v1/inputs, /v1/schedules; /openapi/v1.json)"
    echo "worker     $(url_of worker)   (/healthz, /alive)"
    echo "Scheduler  $(url_of scheduler)   (/hangfire: user admin, the API key as password)"
    echo "data root  $(cat "$state/data-root")   (state, pid files and logs: $state)"
    if ((fresh_key == 1)); then
        echo "API key    $(cat "$state/api-key")   (generated now, kept in $state/api-key; read it again with: scripts/stack.sh env)"
    else
        echo "API key    in $state/api-key (scripts/stack.sh env prints it)"
    fi
}

cmd_status() {
    local name pid any=1
    printf '%-10s %-8s %-6s %-10s %s\n' host pid alive readiness url
    for name in "${hosts[@]}"; do
        pid=$(pid_of "$name")
        if [[ -n $pid ]]; then
            printf '%-10s %-8s %-6s %-10s %s\n' "$name" "$pid" yes "$(readiness "$name")" "$(url_of "$name")"
        else
            any=0
            printf '%-10s %-8s %-6s %-10s %s\n' "$name" "$(cat "$state/$name.pid" 2>/dev/null || echo -)" no - "$(url_of "$name")"
        fi
    done
    ((any == 1))
}

cmd_env() {
    [[ -s $state/api-key ]] || die "no API key yet: run scripts/stack.sh up first"
    echo "export PIPELINE_API_URL='$(url_of api)'"
    echo "export PIPELINE_API_KEY='$(cat "$state/api-key")'"
}

cmd_logs() {
    local follow=() files=() arg
    for arg in "$@"; do
        case $arg in
            -f) follow=(-f) ;;
            api | worker | scheduler) files+=("$state/$arg.log") ;;
            *) die "logs: unknown argument '$arg' (api, worker, scheduler, -f)" ;;
        esac
    done
    ((${#files[@]} > 0)) || files=("$state/api.log" "$state/worker.log" "$state/scheduler.log")
    tail -n 50 "${follow[@]}" "${files[@]}"
}

# SIGTERM, then up to $2 seconds for a graceful stop (a worker finishes its jobs in flight: ShutdownTimeout, 30 s by
# default, plus the bus and host stop), then SIGKILL.
stop_host() {
    local name=$1 bound=$2 pid deadline
    pid=$(pid_of "$name")
    if [[ -z $pid ]]; then
        log "$name not running"
    else
        kill -TERM "$pid"
        deadline=$((SECONDS + bound))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            log "$name (pid $pid) still running after ${bound} s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        else
            log "stopped $name (pid $pid)"
        fi
    fi
    rm -f "$state/$name.pid"
}

cmd_down() {
    # The API first (no new jobs), the worker last (it drains what it holds).
    stop_host api 30
    stop_host scheduler 30
    stop_host worker 60
    log "RabbitMQ and PostgreSQL keep running (rabbitmqctl stop; pg_ctlcluster 15 main stop)"
}

case ${1:-} in
    up) cmd_up ;;
    status) cmd_status ;;
    env) cmd_env ;;
    logs) shift; cmd_logs "$@" ;;
    down) cmd_down ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
