"""pytest plugin: MLflow's own REST integration tests, each against a fresh Edgeflow.

MLflow's tests get their server in two places, and this plugin replaces exactly those:

- ``tests/tracking/integration_test_utils._init_server`` (used by the ``mlflow_client`` fixture
  of test_rest_tracking.py and the ``client`` fixture of test_model_registry.py), which runs
  ``flask --app mlflow.server:app run`` on a free port and yields its URL;
- ``tests/tracking/test_mlflow_artifacts._launch_server``, which runs ``mlflow server`` on a
  given port for the module-scoped ``artifacts_server`` fixture. That fixture is made
  function-scoped here, so every test gets its own server there too.

Instead, each test starts ``EDGEFLOW_START_CMD`` (default ``npm start``) in the Edgeflow checkout
with its own ``PORT``/``INFERENCE_PORT`` pair and its own temporary ``EDGEFLOW_STATE_DIR``, waits
for ``GET /health``, hands the URL to the test, and stops the server (its whole process group)
afterwards. Everything else in the tests, fixtures and MLflow's client is unchanged.

The ``file`` and ``sqlalchemy`` variants of the two fixtures name MLflow's backend store; an
Edgeflow server has one backend, so only the ``sqlalchemy`` variant runs unless
``EDGEFLOW_SUITE_BOTH_BACKENDS=1``.

Loaded by run.sh as ``-p edgeflow_server`` (this folder on PYTHONPATH).
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = os.environ.get(
    "EDGEFLOW_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
)
START_CMD = os.environ.get("EDGEFLOW_START_CMD", "npm start")
HEALTH_TIMEOUT = float(os.environ.get("EDGEFLOW_HEALTH_TIMEOUT", "180"))
LOG_DIR = os.environ.get("EDGEFLOW_SUITE_LOG_DIR") or tempfile.mkdtemp(prefix="edgeflow-suite-logs-")
LOCALHOST = "127.0.0.1"
# The fixtures whose "file"/"sqlalchemy" parameter picks MLflow's backend store.
BACKEND_FIXTURES = ("mlflow_client", "client")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


class EdgeflowServer:
    """One `npm start`: own ports, own state dir, own process group (so stop() ends all of it)."""

    def __init__(self, port=None, name="server"):
        self.port = port or _free_port()
        self.inference_port = _free_port()
        self.url = f"http://{LOCALHOST}:{self.port}"
        self.state_dir = tempfile.mkdtemp(prefix="edgeflow-suite-state-")
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:150]
        self.log_path = os.path.join(LOG_DIR, f"{safe}-{self.port}.log")
        env = {
            **os.environ,
            "PORT": str(self.port),
            "INFERENCE_PORT": str(self.inference_port),
            "EDGEFLOW_STATE_DIR": self.state_dir,
        }
        # The suite's own tracking URI must not leak into the server's environment.
        env.pop("MLFLOW_TRACKING_URI", None)
        self._log = open(self.log_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            START_CMD,
            shell=True,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._await_health()
        except BaseException:
            self.stop()
            raise

    def _await_health(self):
        deadline = time.time() + HEALTH_TIMEOUT
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"`{START_CMD}` exited with {self.proc.returncode} before /health answered; "
                    f"see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.url}/health did not answer in {HEALTH_TIMEOUT}s; see {self.log_path}")

    def stop(self):
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        shutil.rmtree(self.state_dir, ignore_errors=True)

    # test_mlflow_artifacts.py's fixture calls process.kill() on teardown.
    kill = terminate = stop


_current_test = {"name": "server"}


@contextlib.contextmanager
def _init_server(backend_uri, root_artifact_uri, extra_env=None, app="mlflow.server:app"):
    """Stands in for integration_test_utils._init_server: yields a fresh Edgeflow's URL."""
    import mlflow

    mlflow.set_tracking_uri(None)
    server = EdgeflowServer(name=_current_test["name"])
    try:
        yield server.url
    finally:
        server.stop()


def _launch_server(host, port, backend_store_uri, default_artifact_root, artifacts_destination):
    """Stands in for test_mlflow_artifacts._launch_server (the port is chosen by the fixture)."""
    return EdgeflowServer(port=port, name=_current_test["name"])


def _unwrap_fixture(fn):
    wrapped = getattr(fn, "__pytest_wrapped__", None)  # pytest 7
    if wrapped is not None:
        return wrapped.obj
    if hasattr(fn, "_get_wrapped_function"):  # pytest 8
        return fn._get_wrapped_function()
    return fn


def _patch_module(mod):
    name = getattr(mod, "__name__", "")
    if name == "tests.tracking.integration_test_utils" or hasattr(mod, "_init_server"):
        if getattr(mod, "_init_server", None) is not None:
            mod._init_server = _init_server
    if name == "tests.tracking.test_mlflow_artifacts":
        mod._launch_server = _launch_server
        # A fresh server per test, not one per module.
        mod.artifacts_server = pytest.fixture(scope="function", name="artifacts_server")(
            _unwrap_fixture(mod.artifacts_server)
        )


def pytest_configure(config):
    # The markers MLflow's root conftest.py registers (only mlflow/ and tests/ are checked out).
    for marker in (
        "requires_ssh",
        "notrackingurimock",
        "allow_infer_pip_requirements_fallback",
        "do_not_disable_new_import_hook_firing_if_module_already_exists",
        "classification",
    ):
        config.addinivalue_line("markers", marker)
    import tests.tracking.integration_test_utils as utils

    _patch_module(utils)


@pytest.hookimpl(hookwrapper=True)
def pytest_pycollect_makemodule(module_path, parent):
    outcome = yield
    module = outcome.get_result()
    if module is not None and str(module_path).endswith(
        ("test_rest_tracking.py", "test_model_registry.py", "test_mlflow_artifacts.py")
    ):
        _patch_module(module.obj)  # imports the module now, before its fixtures are parsed


def pytest_collection_modifyitems(config, items):
    if os.environ.get("EDGEFLOW_SUITE_BOTH_BACKENDS") == "1":
        return
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if any(params.get(f) == "file" for f in BACKEND_FIXTURES):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _current_test["name"] = item.name


def pytest_report_header(config):
    return f"edgeflow: each test against a fresh `{START_CMD}` in {ROOT}; server logs in {LOG_DIR}"
