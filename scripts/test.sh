#!/usr/bin/env bash
# Runs every test: provisions RabbitMQ and PostgreSQL (or uses the ones named by environment variables) and
# Prometheus, the Python training toolchain from Debian packages, then the Prometheus rule checks, the .NET suites, the
# README's stack commands (scripts/readme-check.sh) and the training suite.
# Usage: scripts/test.sh            (CI=true makes a missing service a failure, never a skip)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

log "services"
# shellcheck source=scripts/start-services.sh
source scripts/start-services.sh

log "python toolchain (training tests)"
scripts/install-python-deps.sh

log "prometheus rules"
# promtool check config/rules and the alert rules' unit tests (deploy/prometheus/*.test.yml); one PASS/FAIL/SKIP line
# per test file, counted below.
prometheus_status=0
scripts/check-prometheus-rules.sh 2>&1 | tee /tmp/pipeline-prometheus.log || prometheus_status=$?

log "dotnet tests"
dotnet_status=0
# Unit suites in parallel first, then the real-service integration suite on its own: it runs several worker
# processes with deadlines, and on a 2-core machine sharing the CPU with the other assemblies made it 5x slower.
dotnet test Pipeline.sln --nologo -c Release -v minimal --filter 'FullyQualifiedName!~Pipeline.IntegrationTests' \
  -- RunConfiguration.TreatNoTestsAsError=false 2>&1 | tee /tmp/pipeline-dotnet-test.log || dotnet_status=$?
dotnet test tests/Pipeline.IntegrationTests --nologo -c Release -v minimal --no-build \
  2>&1 | tee -a /tmp/pipeline-dotnet-test.log || dotnet_status=$?

log "readme check"
# The README's "Run the stack" commands, verbatim, on a stack of their own (after the .NET tests: the hosts are built in
# Release already). One PASS/FAIL/SKIP line, counted below as one test.
readme_status=0
scripts/readme-check.sh 2>&1 | tee /tmp/pipeline-readme-check.log || readme_status=$?

log "training tests"
python_status=0
PYTHONPATH=training /usr/bin/python3 -m pytest training/tests -q -p no:cacheprovider \
  2>&1 | tee /tmp/pipeline-pytest.log || python_status=$?

# One closing line over every runner, in the 'N passed, N failed' form. (grep finds nothing when a count is
# zero; `|| true` keeps pipefail from ending the script there.)
count() { { grep -Eo "$1" "$2" || true; } | awk '{s+=$NF} END {print s+0}'; }
dotnet_passed=$(count 'Passed: +[0-9]+' /tmp/pipeline-dotnet-test.log)
dotnet_failed=$(count 'Failed: +[0-9]+' /tmp/pipeline-dotnet-test.log)
dotnet_skipped=$(count 'Skipped: +[0-9]+' /tmp/pipeline-dotnet-test.log)
last_count() { { grep -Eo "[0-9]+ $1" /tmp/pipeline-pytest.log || true; } | tail -1 | awk '{print $1+0}'; }
py_passed=$(last_count passed)
py_failed=$(last_count failed)
py_skipped=$(last_count skipped)
prom_count() { { grep -c "^prometheus-rules: $1 " /tmp/pipeline-prometheus.log || true; } | awk '{print $1+0}'; }
prom_passed=$(prom_count PASS)
prom_failed=$(prom_count FAIL)
prom_skipped=$(prom_count SKIP)
readme_count() { { grep -c "^readme-check: $1 " /tmp/pipeline-readme-check.log || true; } | awk '{print $1+0}'; }
readme_passed=$(readme_count PASS)
readme_failed=$(readme_count FAIL)
readme_skipped=$(readme_count SKIP)
# A check that died before printing its line still counts as a failure.
if [[ $readme_status -ne 0 && $readme_failed -eq 0 ]]; then readme_failed=1; fi
passed=$(( dotnet_passed + ${py_passed:-0} + prom_passed + readme_passed ))
failed=$(( dotnet_failed + ${py_failed:-0} + prom_failed + readme_failed ))
skipped=$(( dotnet_skipped + ${py_skipped:-0} + prom_skipped + readme_skipped ))
echo
echo "prometheus rules: ${prom_passed} passed, ${prom_failed} failed, ${prom_skipped} skipped (exit ${prometheus_status})"
echo "dotnet: ${dotnet_passed} passed, ${dotnet_failed} failed, ${dotnet_skipped} skipped (exit ${dotnet_status})"
echo "readme check: ${readme_passed} passed, ${readme_failed} failed, ${readme_skipped} skipped (exit ${readme_status})"
echo "pytest: ${py_passed:-0} passed, ${py_failed:-0} failed, ${py_skipped:-0} skipped (exit ${python_status})"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ $prometheus_status -ne 0 || $dotnet_status -ne 0 || $readme_status -ne 0 || $python_status -ne 0 || $failed -ne 0 ]]; then exit 1; fi
