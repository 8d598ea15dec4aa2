#!/usr/bin/env bash
# Checks deploy/prometheus with promtool: the scrape configuration, the rule files, and every rule unit-test file
# (deploy/prometheus/*.test.yml). Exit status 0 when all pass, 1 otherwise.
#
#   scripts/check-prometheus-rules.sh
#
# promtool: $PROMTOOL, else the one beside $PIPELINE_TEST_PROMETHEUS (written by scripts/start-services.sh), else PATH;
# when none is found it installs Debian's `prometheus` package (root and apt-get needed). If that fails too, the
# checks are skipped with a warning (exit 0), except under CI=true, where a missing promtool is a failure.
#
# One line per rule-test file, for scripts/test.sh to count:  prometheus-rules: PASS|FAIL|SKIP <file>
set -euo pipefail
cd "$(dirname "$0")/.."

dir=deploy/prometheus
config="$dir/prometheus.yml"
log() { echo "check-prometheus-rules: $*" >&2; }

find_promtool() {
    if [[ -n "${PROMTOOL:-}" && -x "${PROMTOOL}" ]]; then echo "$PROMTOOL"; return; fi
    if [[ -n "${PIPELINE_TEST_PROMETHEUS:-}" && -x "$(dirname "$PIPELINE_TEST_PROMETHEUS")/promtool" ]]; then
        echo "$(dirname "$PIPELINE_TEST_PROMETHEUS")/promtool"; return
    fi
    command -v promtool || true
}

promtool=$(find_promtool)
if [[ -z "$promtool" ]] && command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
    log "promtool not found: installing Debian's prometheus package"
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } >&2 || true
    promtool=$(find_promtool)
fi

# Both *.test.yml lists come from the same glob, so a new test file is picked up without editing this script.
shopt -s nullglob
test_files=("$dir"/*.test.yml)
shopt -u nullglob
rule_files=()
for f in "$dir"/*.yml; do
    [[ "$f" == "$config" || "$f" == *.test.yml ]] || rule_files+=("$f")
done

if [[ -z "$promtool" ]]; then
    for f in "${test_files[@]}"; do echo "prometheus-rules: SKIP $f"; done
    if [[ "${CI:-false}" == "true" ]]; then
        log "ERROR: promtool is missing and could not be installed (apt-get install prometheus), and CI=true"
        exit 1
    fi
    log "warning: promtool is missing and could not be installed (apt-get install prometheus); checks skipped"
    exit 0
fi

log "using $promtool ($("$promtool" --version 2>&1 | head -1))"
status=0
"$promtool" check config "$config" || status=1
"$promtool" check rules "${rule_files[@]}" || status=1
for f in "${test_files[@]}"; do
    # promtool resolves rule_files relative to the test file's folder.
    if "$promtool" test rules "$f"; then
        echo "prometheus-rules: PASS $f"
    else
        echo "prometheus-rules: FAIL $f"
        status=1
    fi
done
if [[ ${#test_files[@]} -eq 0 ]]; then
    log "ERROR: no rule unit tests (*.test.yml) in $dir"
    status=1
fi
exit $status
