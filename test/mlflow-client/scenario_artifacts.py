#!/usr/bin/env python3
"""Artifact scenario for the official MLflow 2.12.2 Python client.

Usage (see README.md beside this file):
    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python3 test/mlflow-client/scenario_artifacts.py

Exercises log_artifact, log_artifacts, log_text, log_dict, list_artifacts,
download_artifacts, load_text/load_dict, mlflow.sklearn.log_model and
mlflow.pyfunc.load_model. Expects a server started with --serve-artifacts (so
new experiments get mlflow-artifacts:/ locations proxied through the server).
Also: a 3 MB random file round-trips byte-identical, and a SCENARIO_BIG_MB (default 300) file
uploads through presigned multipart URLs (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD) and comes back
identical. Prints "PASS <name>" / "FAIL <name>: <error>" per check, then "N passed, M failed".

Set SCENARIO_FAST_MODEL=1 to pass explicit pip_requirements to log_model and skip
MLflow's requirement-inference subprocess (which, in this environment, warns
when mlflow/pypi_package_index.json is absent, e.g. in a partial source checkout).
"""
import json
import os
import tempfile
import time

import mlflow
from mlflow import MlflowClient

from harness import SUFFIX, check, eq, finish

FAST_MODEL = os.environ.get("SCENARIO_FAST_MODEL") == "1"
PREFIX = f"scn2x_art_{SUFFIX}"

client = MlflowClient()
S = {}
TMP = tempfile.mkdtemp(prefix="scn2x_art_")


def listing(run_id, path=None):
    return {(f.path, f.is_dir): f.file_size for f in client.list_artifacts(run_id, path)}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


@check("setup_experiment_and_run")
def _():
    exp = mlflow.set_experiment(f"{PREFIX}_exp")
    S["exp_id"] = exp.experiment_id
    run = client.create_run(exp.experiment_id, run_name="artifacts-run")
    S["run"] = run.info.run_id
    S["artifact_uri"] = run.info.artifact_uri
    return f"artifact_location={exp.artifact_location} run.artifact_uri={run.info.artifact_uri}"


@check("log_artifact_root_and_with_artifact_path")
def _():
    f = write(os.path.join(TMP, "src", "hello.txt"), "hello world\n")
    client.log_artifact(S["run"], f)
    client.log_artifact(S["run"], f, artifact_path="sub/dir")
    root = listing(S["run"])
    assert ("hello.txt", False) in root, f"root listing {root}"
    eq(root[("hello.txt", False)], 12, "file_size")
    assert ("sub", True) in root, f"root listing {root}"
    eq(listing(S["run"], "sub"), {("sub/dir", True): None}, "sub listing")
    eq(listing(S["run"], "sub/dir"), {("sub/dir/hello.txt", False): 12}, "sub/dir listing")


@check("log_artifacts_directory")
def _():
    d = os.path.join(TMP, "tree")
    write(os.path.join(d, "a.txt"), "A")
    write(os.path.join(d, "nested", "b.txt"), "BB")
    write(os.path.join(d, "nested", "deeper", "c.bin"), "CCC")
    with mlflow.start_run(run_id=S["run"]):
        mlflow.log_artifacts(d, artifact_path="tree")
    eq(listing(S["run"], "tree"), {("tree/a.txt", False): 1, ("tree/nested", True): None}, "tree")
    eq(listing(S["run"], "tree/nested"),
       {("tree/nested/b.txt", False): 2, ("tree/nested/deeper", True): None}, "tree/nested")
    eq(listing(S["run"], "tree/nested/deeper"), {("tree/nested/deeper/c.bin", False): 3}, "deeper")


@check("log_text_and_load_text")
def _():
    text = "line one\nünïcödé ✓\n"
    client.log_text(S["run"], text, "notes/readme.md")
    eq(mlflow.artifacts.load_text(f"{S['artifact_uri']}/notes/readme.md"), text, "load_text")
    eq(listing(S["run"], "notes"), {("notes/readme.md", False): len(text.encode())}, "listing")


@check("log_dict_json_yaml_and_load_dict")
def _():
    data = {"a": 1, "b": [1, 2, 3], "c": {"d": "e"}}
    client.log_dict(S["run"], data, "cfg/data.json")
    client.log_dict(S["run"], data, "cfg/data.yaml")
    eq(mlflow.artifacts.load_dict(f"{S['artifact_uri']}/cfg/data.json"), data, "json")
    # mlflow.artifacts.load_dict only parses JSON in 2.12.2; read the YAML one back by hand.
    import yaml

    eq(yaml.safe_load(mlflow.artifacts.load_text(f"{S['artifact_uri']}/cfg/data.yaml")), data,
       "yaml")
    names = {p for p, _ in listing(S["run"], "cfg")}
    eq(names, {"cfg/data.json", "cfg/data.yaml"}, "cfg listing")


@check("list_artifacts_root")
def _():
    names = {(p, d) for p, d in listing(S["run"])}
    expected = {("hello.txt", False), ("sub", True), ("tree", True), ("notes", True), ("cfg", True)}
    eq(names, expected, "root listing")
    eq(client.list_artifacts(S["run"], "does/not/exist"), [], "missing dir lists empty")


@check("download_artifacts_file_and_dir")
def _():
    dst = os.path.join(TMP, "dl1")
    os.makedirs(dst)
    p = client.download_artifacts(S["run"], "hello.txt", dst)
    eq(open(p).read(), "hello world\n", "file content")
    dst2 = os.path.join(TMP, "dl2")
    os.makedirs(dst2)
    p = mlflow.artifacts.download_artifacts(run_id=S["run"], artifact_path="tree", dst_path=dst2)
    eq(open(os.path.join(p, "nested", "deeper", "c.bin")).read(), "CCC", "nested file")
    eq(open(os.path.join(p, "a.txt")).read(), "A", "a.txt")
    dst3 = os.path.join(TMP, "dl3")
    os.makedirs(dst3)
    p = mlflow.artifacts.download_artifacts(artifact_uri=S["artifact_uri"], dst_path=dst3)
    for rel in ("hello.txt", "sub/dir/hello.txt", "tree/nested/b.txt", "notes/readme.md",
                "cfg/data.json"):
        assert os.path.isfile(os.path.join(p, rel)), f"missing {rel} in full download"


def sha256_of(path):
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@check("binary_round_trip_byte_identical")
def _():
    src = os.path.join(TMP, "bin", "random.bin")
    os.makedirs(os.path.dirname(src), exist_ok=True)
    with open(src, "wb") as f:
        f.write(os.urandom(3 * 1024 * 1024 + 17))
    client.log_artifact(S["run"], src, artifact_path="binary")
    dst = os.path.join(TMP, "dl_bin")
    os.makedirs(dst)
    p = client.download_artifacts(S["run"], "binary/random.bin", dst)
    eq(sha256_of(p), sha256_of(src), "sha256 of 3 MB random file")


BIG_MB = int(os.environ.get("SCENARIO_BIG_MB", "300"))


@check(f"multipart_upload_{BIG_MB}MB_presigned")
def _():
    if BIG_MB <= 0:
        return "skipped (SCENARIO_BIG_MB=0)"
    src = os.path.join(TMP, "big", "big.bin")
    os.makedirs(os.path.dirname(src), exist_ok=True)
    with open(src, "wb") as f:
        block = os.urandom(1 << 20)
        for i in range(BIG_MB):
            f.write(block[: (1 << 20) - 8] + i.to_bytes(8, "big"))
    # Large files go straight to the bucket through presigned part URLs, never through the worker.
    os.environ["MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD"] = "true"
    os.environ["MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE"] = str(100 * 1024 * 1024)
    started = time.time()
    try:
        client.log_artifact(S["run"], src, artifact_path="big")
    finally:
        del os.environ["MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD"]
        del os.environ["MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE"]
    upload_s = time.time() - started
    dst = os.path.join(TMP, "dl_big")
    os.makedirs(dst)
    started = time.time()
    p = client.download_artifacts(S["run"], "big/big.bin", dst)
    download_s = time.time() - started
    eq(os.path.getsize(p), os.path.getsize(src), "size")
    eq(sha256_of(p), sha256_of(src), "sha256")
    return f"upload {BIG_MB / upload_s:.0f} MB/s, download {BIG_MB / download_s:.0f} MB/s"


@check("download_missing_artifact_fails")
def _():
    # The 2.12.2 reference server answers a missing proxied artifact with HTTP 500
    # INTERNAL_ERROR, which the client retries with backoff (~60 s with defaults), so
    # retries are switched off for this one check.
    dst = os.path.join(TMP, "dl_missing")
    os.makedirs(dst)
    old = os.environ.get("MLFLOW_HTTP_REQUEST_MAX_RETRIES")
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    try:
        client.download_artifacts(S["run"], "nope.txt", dst)
    except Exception as e:  # noqa: BLE001  (MlflowException or OSError, depending on version)
        return f"{type(e).__name__}: {str(e)[:120]}"
    finally:
        if old is None:
            os.environ.pop("MLFLOW_HTTP_REQUEST_MAX_RETRIES", None)
        else:
            os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = old
    raise AssertionError("downloading a missing artifact did not raise")


@check("sklearn_log_model_and_pyfunc_load_model")
def _():
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.8], [0.2, 0.9], [0.8, 0.3]])
    y = np.array([0, 1, 1, 0, 0, 1])
    model = LogisticRegression().fit(X, y)
    kw = {"pip_requirements": ["scikit-learn"]} if FAST_MODEL else {}
    with mlflow.start_run(run_name="model-run") as run:
        info = mlflow.sklearn.log_model(model, "model", input_example=X[:2], **kw)
    eq(info.run_id, run.info.run_id, "model_info.run_id")
    names = {p for p, _ in listing(run.info.run_id, "model")}
    for n in ("model/MLmodel", "model/model.pkl", "model/requirements.txt",
              "model/conda.yaml", "model/python_env.yaml"):
        assert n in names, f"{n} not in {sorted(names)}"
    r = client.get_run(run.info.run_id)
    hist = json.loads(r.data.tags.get("mlflow.log-model.history", "[]"))
    assert hist and hist[0]["artifact_path"] == "model", f"log-model.history tag: {hist}"
    loaded = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    pred = loaded.predict(X)
    eq(list(pred), list(model.predict(X)), "pyfunc predictions")
    sk = mlflow.sklearn.load_model(info.model_uri)
    eq(list(sk.predict(X)), list(model.predict(X)), "sklearn.load_model predictions")
    return f"model_uri={info.model_uri}"


finish()
