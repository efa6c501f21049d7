#!/usr/bin/env bash
# MLflow's own REST integration tests against Edgeflow, as MLflow runs them: each test against a
# fresh `npm start` (own ports, own state dir), through the pytest plugin edgeflow_server.py.
#
#   MLFLOW_SOURCE=/path/to/mlflow-2.12.2 npm run test:mlflow-rest [-- pytest args, e.g. -k alias]
#
# MLFLOW_SOURCE  a checkout of MLflow's source (the folder holding mlflow/ and tests/); required
# PYTHON         the interpreter (default: Debian's /usr/bin/python3, else python3)
# EDGEFLOW_SUITE_JOBS  parallel workers (pytest-xdist), default 1
# EDGEFLOW_SUITE_OUT   where junit.xml, failures.txt and the server logs go (default .edgeflow/rest-suite)
# MLFLOW_REST_TESTS    the test files (default: test_rest_tracking, test_model_registry, test_mlflow_artifacts)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

skip() {
  echo "test:mlflow-rest skipped: $*" >&2
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
}

[ -n "${MLFLOW_SOURCE:-}" ] || skip "set MLFLOW_SOURCE to a checkout of MLflow's source at v2.12.2 (the folder holding mlflow/ and tests/); see test/mlflow-client/README.md"
[ -d "$MLFLOW_SOURCE/mlflow" ] && [ -d "$MLFLOW_SOURCE/tests/tracking" ] ||
  skip "MLFLOW_SOURCE=$MLFLOW_SOURCE has no mlflow/ and tests/tracking/ folders"
MLFLOW_SOURCE="$(cd "$MLFLOW_SOURCE" && pwd)"
if [ -z "${PYTHON:-}" ]; then
  if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
command -v "$PYTHON" >/dev/null || skip "no Python interpreter '$PYTHON'"
export PYTHONPATH="$MLFLOW_SOURCE:$here${PYTHONPATH:+:$PYTHONPATH}"
missing="$("$PYTHON" - <<'PY' 2>&1 || true
import importlib
bad = []
for name in ("pytest", "mlflow", "flask", "sqlalchemy", "pandas", "sklearn", "requests"):
    try:
        importlib.import_module(name)
    except Exception as e:  # noqa: BLE001
        bad.append(f"{name} ({type(e).__name__}: {e})")
print(", ".join(bad))
PY
)"
[ -z "$missing" ] || skip "$PYTHON cannot import: $missing (see test/mlflow-client/README.md for the packages)"

out="${EDGEFLOW_SUITE_OUT:-$root/.edgeflow/rest-suite}"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"
export EDGEFLOW_ROOT="$root" EDGEFLOW_SUITE_LOG_DIR="$out/logs"
unset MLFLOW_TRACKING_URI
files=()
for f in ${MLFLOW_REST_TESTS:-test_rest_tracking test_model_registry test_mlflow_artifacts}; do
  files+=("$MLFLOW_SOURCE/tests/tracking/$f.py")
done
jobs=()
if [ "${EDGEFLOW_SUITE_JOBS:-1}" != 1 ]; then jobs=(-n "$EDGEFLOW_SUITE_JOBS" -p xdist); fi

# Outside any git checkout: MLflow tags runs with the enclosing repository's commit.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
set +e
"$PYTHON" -m pytest -p edgeflow_server -p no:cacheprovider --rootdir "$MLFLOW_SOURCE" \
  -o addopts="" -o timeout=0 -q -rfE --tb=short --junitxml="$out/junit.xml" \
  "${jobs[@]}" "${files[@]}" "$@" 2>&1 | tee "$out/pytest.log"
status=${PIPESTATUS[0]}
set -e
"$PYTHON" "$here/summarize.py" "$out/junit.xml" "$out/failures.txt"
# pytest: 0 all passed, 1 some failed; anything else is the harness's own trouble.
exit "$status"
