#!/usr/bin/env python3
"""Auth scenario for the official MLflow Python client (written against 2.12.2).

Start Edgeflow with auth on and an admin, then run this with the same admin credentials:

    EDGEFLOW_AUTH=on EDGEFLOW_ADMIN_USERNAME=admin EDGEFLOW_ADMIN_PASSWORD='a long password' npm start
    cd "$(mktemp -d)" && MLFLOW_TRACKING_URI=http://127.0.0.1:5000 EDGEFLOW_ADMIN_USERNAME=admin \
        EDGEFLOW_ADMIN_PASSWORD='a long password' python3 /path/to/test/mlflow-client/scenario_auth.py

It checks: username/password through MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (runs,
metrics, artifacts), 401 without or with wrong credentials, users and permissions through MLflow's
own AuthServiceClient, a READ-only user getting PERMISSION_DENIED on writes and seeing only the
experiments and models it may read, an EDIT user refused deletes, and API tokens through
MLFLOW_TRACKING_TOKEN. The client reads its credentials from the environment on every request,
so the script switches users by switching those variables.
"""
import contextlib
import os
import sys
import tempfile

import mlflow
import requests
from harness import SUFFIX, check, eq, expect_mlflow_error, finish
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.server.auth.client import AuthServiceClient

URI = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
ADMIN = (os.environ.get("EDGEFLOW_ADMIN_USERNAME", ""), os.environ.get("EDGEFLOW_ADMIN_PASSWORD", ""))
if not ADMIN[0] or not ADMIN[1]:
    print("EDGEFLOW_ADMIN_USERNAME and EDGEFLOW_ADMIN_PASSWORD must be set (the server's admin)", file=sys.stderr)
    sys.exit(2)

CREDENTIAL_VARS = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN")
READER = (f"reader_{SUFFIX}", f"reader-password-{SUFFIX}")
WRITER = (f"writer_{SUFFIX}", f"writer-password-{SUFFIX}")
S = {}


@contextlib.contextmanager
def as_user(user=None, token=None):
    """Runs the block with the client's credentials set to a user (or a token, or nothing)."""
    saved = {name: os.environ.pop(name, None) for name in CREDENTIAL_VARS}
    if user:
        os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"] = user
    if token:
        os.environ["MLFLOW_TRACKING_TOKEN"] = token
    try:
        yield
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


CODES = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}


def expect_status(fn, status):
    """An HTTP failure: the client raises RestException with Edgeflow's JSON error code, and the
    artifact repository raises requests' HTTPError with the status."""
    try:
        fn()
    except MlflowException as e:
        if e.error_code != CODES[status] and str(status) not in str(e):
            raise AssertionError(f"expected HTTP {status} ({CODES[status]}), got {e.error_code}: {e}")
        return e
    except requests.HTTPError as e:
        eq(e.response.status_code, status, "HTTP status")
        return e
    raise AssertionError(f"expected HTTP {status}, but the call succeeded")


client = MlflowClient()
auth = AuthServiceClient(URI)


@check("no_credentials_get_401_with_challenge")
def _():
    with as_user():
        expect_status(lambda: client.search_experiments(), 401)
        r = requests.post(f"{URI}/api/2.0/mlflow/experiments/search", json={})
        eq(r.status_code, 401, "status")
        eq(r.headers.get("WWW-Authenticate"), 'Basic realm="mlflow"', "WWW-Authenticate")
        eq(r.json()["error_code"], "UNAUTHENTICATED", "error_code")


@check("wrong_password_gets_401")
def _():
    with as_user((ADMIN[0], ADMIN[1] + "-wrong")):
        expect_status(lambda: client.search_experiments(), 401)


@check("admin_basic_auth_runs_metrics_artifacts")
def _():
    with as_user(ADMIN):
        exp = mlflow.set_experiment(f"auth_a_{SUFFIX}")
        S["A"] = exp.experiment_id
        S["B"] = client.create_experiment(f"auth_b_{SUFFIX}")
        with mlflow.start_run(run_name="admin-run") as run:
            mlflow.log_param("lr", 0.1)
            for step in range(5):
                mlflow.log_metric("loss", 1 / (step + 1), step=step)
            mlflow.log_text("hello from the admin", "notes/hello.txt")
        S["run"] = run.info.run_id
        got = client.get_run(S["run"])
        eq(got.data.params.get("lr"), "0.1", "param")
        eq(len(client.get_metric_history(S["run"], "loss")), 5, "metric history")
        with tempfile.TemporaryDirectory() as tmp:
            path = mlflow.artifacts.download_artifacts(run_id=S["run"], artifact_path="notes/hello.txt", dst_path=tmp)
            eq(open(path).read(), "hello from the admin", "artifact round trip")
        found = mlflow.search_runs([S["A"]], filter_string="metrics.loss < 0.5", output_format="list")
        eq([r.info.run_id for r in found], [S["run"]], "search_runs")
        return f"experiments {S['A']}, {S['B']}"


@check("unauthenticated_user_creation_refused_CVE_2023_6014")
def _():
    with as_user():
        expect_status(lambda: auth.create_user(f"intruder_{SUFFIX}", "intruder-password-123"), 401)


@check("auth_client_creates_users")
def _():
    with as_user(ADMIN):
        for name, password in (READER, WRITER):
            user = auth.create_user(name, password)
            eq(user.username, name, "username")
            eq(user.is_admin, False, "is_admin")
            eq(user.experiment_permissions, [], "experiment_permissions")
        return f"id={auth.get_user(READER[0]).id}"


@check("empty_and_short_passwords_refused_CVE_2025_11200")
def _():
    with as_user(ADMIN):
        expect_mlflow_error(lambda: auth.create_user(f"weak_{SUFFIX}", "short"), "INVALID_PARAMETER_VALUE")
        expect_mlflow_error(lambda: auth.create_user(f"empty_{SUFFIX}", ""), "INVALID_PARAMETER_VALUE")


@check("auth_client_grants_permissions")
def _():
    with as_user(ADMIN):
        perm = auth.create_experiment_permission(S["A"], READER[0], "READ")
        eq((perm.experiment_id, perm.permission), (S["A"], "READ"), "created")
        eq(auth.get_experiment_permission(S["A"], READER[0]).permission, "READ", "get")
        auth.create_experiment_permission(S["A"], WRITER[0], "READ")
        auth.update_experiment_permission(S["A"], WRITER[0], "EDIT")
        eq(auth.get_experiment_permission(S["A"], WRITER[0]).permission, "EDIT", "updated")
        expect_mlflow_error(lambda: auth.create_experiment_permission(S["A"], READER[0], "OWNER"), "INVALID_PARAMETER_VALUE")


@check("read_only_user_reads")
def _():
    with as_user(READER):
        eq(client.get_experiment(S["A"]).name, f"auth_a_{SUFFIX}", "get_experiment")
        eq(client.get_run(S["run"]).data.params.get("lr"), "0.1", "get_run")
        eq(len(client.get_metric_history(S["run"], "loss")), 5, "metric history")
        eq([f.path for f in client.list_artifacts(S["run"], "notes")], ["notes/hello.txt"], "list_artifacts")
        with tempfile.TemporaryDirectory() as tmp:
            path = client.download_artifacts(S["run"], "notes/hello.txt", tmp)
            eq(open(path).read(), "hello from the admin", "download")


@check("read_only_user_gets_PERMISSION_DENIED_on_writes")
def _():
    with as_user(READER):
        expect_mlflow_error(lambda: client.log_metric(S["run"], "loss", 0.0), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.log_param(S["run"], "reader", "x"), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.set_tag(S["run"], "reader", "x"), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.create_run(S["A"]), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.set_experiment_tag(S["A"], "k", "v"), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.delete_run(S["run"]), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.rename_experiment(S["A"], f"renamed_{SUFFIX}"), "PERMISSION_DENIED")
        with tempfile.TemporaryDirectory() as tmp:
            local = os.path.join(tmp, "evil.txt")
            open(local, "w").write("nope")
            expect_status(lambda: client.log_artifact(S["run"], local), 403)
        expect_mlflow_error(lambda: auth.create_experiment_permission(S["A"], READER[0], "MANAGE"), "PERMISSION_DENIED")


@check("read_only_user_sees_only_permitted_experiments")
def _():
    with as_user(READER):
        seen = {e.experiment_id for e in client.search_experiments()}
        eq(seen, {S["A"]}, "search_experiments")
        expect_mlflow_error(lambda: client.get_experiment(S["B"]), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.search_runs([S["B"]]), "PERMISSION_DENIED")
        eq([r.info.run_id for r in client.search_runs([S["A"]])], [S["run"]], "search_runs in A")
        eq(len(mlflow.search_runs(search_all_experiments=True, output_format="list")), 1, "search_all_experiments")
    with as_user(ADMIN):
        seen = {e.experiment_id for e in client.search_experiments()}
        assert {S["A"], S["B"]} <= seen, f"admin sees everything, got {seen}"


@check("users_own_experiments_are_theirs")
def _():
    with as_user(READER):
        exp = mlflow.set_experiment(f"auth_reader_own_{SUFFIX}")
        with mlflow.start_run():
            mlflow.log_metric("m", 1.0)
            mlflow.log_text("mine", "mine.txt")
        seen = {e.experiment_id for e in client.search_experiments()}
        eq(seen, {S["A"], exp.experiment_id}, "search_experiments after creating one")
        eq(auth.get_user(READER[0]).experiment_permissions[-1].permission, "MANAGE", "creator gets MANAGE")
    with as_user(WRITER):
        expect_mlflow_error(lambda: client.get_experiment(exp.experiment_id), "PERMISSION_DENIED")


@check("edit_user_writes_but_cannot_delete")
def _():
    with as_user(WRITER):
        client.log_metric(S["run"], "loss", 0.05, step=9)
        with mlflow.start_run(experiment_id=S["A"]) as run:
            mlflow.log_text("written by the editor", "editor.txt")
        expect_mlflow_error(lambda: client.delete_run(run.info.run_id), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.delete_experiment(S["A"]), "PERMISSION_DENIED")
        r = requests.delete(
            f"{URI}/api/2.0/mlflow-artifacts/artifacts/{S['A']}/{run.info.run_id}/artifacts/editor.txt",
            auth=WRITER,
        )
        eq(r.status_code, 403, "artifact delete by EDIT (CVE-2024-4263)")


@check("token_auth_via_MLFLOW_TRACKING_TOKEN")
def _():
    r = requests.post(f"{URI}/api/2.0/edgeflow/tokens/create", json={"name": "scenario"}, auth=READER)
    eq(r.status_code, 200, "tokens/create")
    token, token_id = r.json()["token"], r.json()["token_info"]["id"]
    with as_user(token=token):
        eq(client.get_run(S["run"]).info.run_id, S["run"], "get_run with a token")
        seen = {e.experiment_id for e in client.search_experiments()}
        assert S["A"] in seen and S["B"] not in seen, f"token search filtered, got {seen}"
        expect_mlflow_error(lambda: client.log_metric(S["run"], "loss", 0.0), "PERMISSION_DENIED")
        minted = requests.post(
            f"{URI}/api/2.0/edgeflow/tokens/create", json={}, headers={"Authorization": f"Bearer {token}"}
        )
        eq(minted.status_code, 403, "a token cannot mint tokens")
    revoked = requests.post(f"{URI}/api/2.0/edgeflow/tokens/revoke", json={"id": token_id}, auth=READER)
    eq(revoked.status_code, 200, "revoke")
    with as_user(token=token):
        expect_status(lambda: client.get_run(S["run"]), 401)
    return "created, used, revoked"


@check("registry_models_private_until_granted")
def _():
    name = f"auth_model_{SUFFIX}"
    with as_user(ADMIN):
        mlflow.register_model(f"runs:/{S['run']}/notes", name)
    with as_user(READER):
        eq([m.name for m in client.search_registered_models(f"name = '{name}'")], [], "hidden before grant")
        expect_mlflow_error(lambda: client.get_registered_model(name), "PERMISSION_DENIED")
    with as_user(ADMIN):
        auth.create_registered_model_permission(name, READER[0], "READ")
    with as_user(READER):
        eq([m.name for m in client.search_registered_models(f"name = '{name}'")], [name], "visible after grant")
        eq(client.get_model_version(name, "1").version, "1", "get_model_version")
        expect_mlflow_error(lambda: client.update_registered_model(name, "x"), "PERMISSION_DENIED")
        expect_mlflow_error(lambda: client.delete_registered_model(name), "PERMISSION_DENIED")


@check("admin_deletes_users")
def _():
    with as_user(ADMIN):
        auth.delete_user(WRITER[0])
    with as_user(WRITER):
        expect_status(lambda: client.search_experiments(), 401)


finish()
