#!/usr/bin/env bash
# Provisions the services the tests and the hosts need: PostgreSQL 15 and RabbitMQ 3.10 (Debian packages; no
# Docker on these machines), and installs Prometheus (Debian's package) without starting it: the tests that
# need it start an instance of their own. Idempotent and fast when all are there.
#
#   source scripts/start-services.sh     # exports the variables below into this shell
#   bash scripts/start-services.sh       # only writes them to $PIPELINE_SERVICES_ENV
#
# Variables (already set ones are used as they are, and nothing is installed for that service):
#   PIPELINE_TEST_POSTGRES    Npgsql connection string of a database the tests may create schemas in
#   RABBITMQ_URL              amqp://user:pass@host:port/vhost
#   RABBITMQ_MANAGEMENT_URL   http://host:15672/ (queue lengths over the management API)
#   PIPELINE_TEST_PROMETHEUS  path of a prometheus binary (promtool is expected beside it); not started here
# and, for the hosts (`dotnet run --project src/Pipeline.Api` etc. in the same shell), the same services under the
# names the hosts read (already set ones are kept):
#   Pipeline__Storage__Jobs__ConnectionString   = PIPELINE_TEST_POSTGRES
#   Pipeline__RabbitMq__Host, __Port, __VirtualHost, __Username, __Password   from RABBITMQ_URL
# The database it creates is the hosts' default (user, password and database `pipeline`), so hosts started without
# these variables find it too. Everything is also written to $PIPELINE_SERVICES_ENV (default
# /tmp/pipeline-services.env), which the tests read when a variable is absent from their environment.
#
# Under CI=true a service that cannot be provided is an error (non-zero status); elsewhere it is a warning and
# its variable stays unset, so the tests that need it skip with a message.

_pipeline_services_main() (
    set -euo pipefail
    local env_file="${PIPELINE_SERVICES_ENV:-/tmp/pipeline-services.env}"
    local ci="${CI:-false}"
    local failed=0
    # The hosts' default connection string (JobStoreOptions.DefaultConnectionString) names this user and database.
    local pg_user=pipeline pg_password=pipeline pg_db=pipeline pg_port=5432

    log() { echo "start-services: $*" >&2; }
    need_fail() { log "ERROR: $*"; failed=1; }

    # apt-get update only once, and only when something must be installed.
    local apt_updated=0
    apt_install() {
        if [[ $apt_updated -eq 0 ]]; then
            log "apt-get update"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
            apt_updated=1
        fi
        log "apt-get install $*"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
    }

    # Polls "$@" until it succeeds or $1 seconds pass.
    wait_for() {
        local seconds=$1; shift
        local deadline=$((SECONDS + seconds))
        until "$@" >/dev/null 2>&1; do
            if ((SECONDS >= deadline)); then return 1; fi
            sleep 0.5
        done
    }

    port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

    local postgres="${PIPELINE_TEST_POSTGRES:-}"
    if [[ -z "$postgres" ]]; then
        if ! { command -v pg_ctlcluster && [[ -d /etc/postgresql/15/main ]]; } >/dev/null 2>&1; then
            apt_install postgresql-15 postgresql-client-15 || true
        fi
        if [[ -d /etc/postgresql/15/main ]]; then
            if ! pg_lsclusters -h 2>/dev/null | awk '$1=="15" && $2=="main" {print $4}' | grep -q online; then
                log "starting PostgreSQL 15"
                pg_ctlcluster 15 main start >&2 || true
            fi
            pg_port=$(pg_lsclusters -h | awk '$1=="15" && $2=="main" {print $3}')
            if wait_for 60 pg_isready -q -h 127.0.0.1 -p "$pg_port"; then
                local psql=(runuser -u postgres -- psql -p "$pg_port" -v ON_ERROR_STOP=1 -qtAX)
                if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$pg_user'")" ]]; then
                    "${psql[@]}" -c "CREATE ROLE $pg_user LOGIN PASSWORD '$pg_password'" >&2
                fi
                if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$pg_db'")" ]]; then
                    "${psql[@]}" -c "CREATE DATABASE $pg_db OWNER $pg_user" >&2
                fi
                postgres="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Password=$pg_password;Database=$pg_db"
            else
                need_fail "PostgreSQL 15 did not accept connections on port $pg_port within 60 s"
            fi
        else
            need_fail "PostgreSQL 15 is not installed and could not be installed"
        fi
    fi

    local rabbit="${RABBITMQ_URL:-}" rabbit_management="${RABBITMQ_MANAGEMENT_URL:-}"
    if [[ -z "$rabbit" ]]; then
        if ! command -v rabbitmq-server >/dev/null 2>&1; then
            apt_install rabbitmq-server || true
        fi
        if command -v rabbitmq-server >/dev/null 2>&1; then
            # The management plugin serves queue lengths (KEDA reads them); enabling it is idempotent, and
            # done before start-up when the node is down so no second restart is needed.
            if ! grep -qs rabbitmq_management /etc/rabbitmq/enabled_plugins; then
                rabbitmq-plugins enable --offline rabbitmq_management >&2 || true
            fi
            # An open AMQP port is the fast check: the Erlang CLI tools take seconds just to start.
            if ! port_open 5672; then
                log "starting RabbitMQ"
                rabbitmq-server -detached >&2 || true
                timeout 120 rabbitmqctl await_startup >&2 || true
            fi
            if wait_for 30 port_open 5672; then
                rabbit="amqp://guest:guest@127.0.0.1:5672/"
                if wait_for 30 port_open 15672; then
                    rabbit_management="http://127.0.0.1:15672/"
                else
                    log "warning: the RabbitMQ management API is not listening on 15672"
                fi
            else
                need_fail "RabbitMQ did not start"
            fi
        else
            need_fail "RabbitMQ is not installed and could not be installed"
        fi
    fi

    # Prometheus is only installed: a test starts its own instance with its own configuration and port. (On a host
    # running systemd the package also enables its own service on :9090; nothing here relies on it.)
    local prometheus="${PIPELINE_TEST_PROMETHEUS:-}"
    if [[ -z "$prometheus" ]]; then
        if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
            apt_install prometheus || true
        fi
        if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
            prometheus=$(command -v prometheus)
        else
            need_fail "Prometheus (prometheus, promtool) is not installed and could not be installed"
        fi
    fi

    # amqp://user:pass@host:port/vhost -> the hosts' Pipeline__RabbitMq__* settings, one `export` line each. An empty
    # path is the default vhost "/"; %XX escapes (%2F) in user, password and vhost are decoded.
    url_decode() { printf '%b' "${1//%/\\x}"; }
    rabbit_host_settings() {
        local rest=${1#*://} userinfo="" hostport vhost=""
        if [[ $rest == *@* ]]; then userinfo=${rest%%@*}; rest=${rest#*@}; fi
        hostport=${rest%%/*}
        if [[ $rest == */* ]]; then vhost=${rest#*/}; fi
        local user=guest password=guest host=${hostport%%:*} port=5672
        if [[ -n $userinfo ]]; then user=$(url_decode "${userinfo%%:*}"); fi
        if [[ $userinfo == *:* ]]; then password=$(url_decode "${userinfo#*:}"); fi
        if [[ $hostport == *:* ]]; then port=${hostport##*:}; fi
        vhost=$(url_decode "$vhost")
        local name value
        for name in Host Port VirtualHost Username Password; do
            local variable="Pipeline__RabbitMq__$name"
            case $name in
                Host) value=$host ;; Port) value=$port ;; VirtualHost) value=${vhost:-/} ;;
                Username) value=$user ;; Password) value=$password ;;
            esac
            echo "export $variable='${!variable:-$value}'"
        done
    }

    {
        echo "# written by scripts/start-services.sh"
        if [[ -n "$postgres" ]]; then
            echo "export PIPELINE_TEST_POSTGRES='$postgres'"
            echo "export Pipeline__Storage__Jobs__ConnectionString='${Pipeline__Storage__Jobs__ConnectionString:-$postgres}'"
        fi
        if [[ -n "$rabbit" ]]; then
            echo "export RABBITMQ_URL='$rabbit'"
            rabbit_host_settings "$rabbit"
        fi
        [[ -n "$rabbit_management" ]] && echo "export RABBITMQ_MANAGEMENT_URL='$rabbit_management'"
        [[ -n "$prometheus" ]] && echo "export PIPELINE_TEST_PROMETHEUS='$prometheus'"
        true
    } >"$env_file"
    log "wrote $env_file"
    cat "$env_file"

    if [[ $failed -ne 0 && "$ci" == "true" ]]; then
        log "a service could not be provided and CI=true: failing"
        return 1
    fi
    return 0
)

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    # Sourced: run, then export what was written into the caller's shell.
    if _pipeline_services_main >/dev/null; then
        # shellcheck disable=SC1090
        . "${PIPELINE_SERVICES_ENV:-/tmp/pipeline-services.env}"
        unset -f _pipeline_services_main
    else
        unset -f _pipeline_services_main
        return 1
    fi
else
    _pipeline_services_main
fi
