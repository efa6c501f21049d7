"""The scenarios' shared harness: PASS/FAIL checks that run as they are declared, and a summary.

Each scenario script imports it (it sits beside them, so Python finds it on the script's path).
"""
import os
import sys
import time
import traceback

from mlflow.exceptions import MlflowException

if not os.environ.get("MLFLOW_TRACKING_URI"):
    print("MLFLOW_TRACKING_URI must be set (e.g. http://127.0.0.1:5000)", file=sys.stderr)
    sys.exit(2)

VERBOSE = os.environ.get("SCENARIO_VERBOSE") == "1"
# Fresh names per invocation, so a scenario can run again against the same server.
SUFFIX = f"{int(time.time() * 1000)}_{os.getpid()}"
_results = []


def check(name):
    """Decorator: runs the check at once and prints PASS (with the check's note) or FAIL."""

    def deco(fn):
        started = time.time()
        try:
            note = fn()
            msg = f"PASS {name}" + (f" ({note})" if note else "")
            _results.append(True)
        except Exception as e:  # noqa: BLE001
            err = f"{type(e).__name__}: {e}".replace("\n", " ")
            if len(err) > 400:
                err = err[:400] + "..."
            msg = f"FAIL {name}: {err}"
            _results.append(False)
            if VERBOSE:
                traceback.print_exc()
        if VERBOSE:
            msg += f"  [{time.time() - started:.1f}s]"
        print(msg, flush=True)
        return fn

    return deco


def eq(actual, expected, what=""):
    if actual != expected:
        raise AssertionError(f"{what} expected {expected!r}, got {actual!r}")


def expect_mlflow_error(fn, code):
    try:
        fn()
    except MlflowException as e:
        if e.error_code != code:
            raise AssertionError(f"expected error_code {code}, got {e.error_code}: {e.message}")
        return e
    raise AssertionError(f"expected MlflowException({code}), but no exception was raised")


def finish():
    """Prints the closing 'N passed, M failed' line and exits non-zero on any failure."""
    passed = sum(_results)
    failed = len(_results) - passed
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)
