#!/usr/bin/env python3
"""Tracking-API scenario for the official MLflow Python client (written against 2.12.2).

It passes unmodified against MLflow's own 2.12.2 server except for the params IN / NOT IN check
(MLflow refuses those filters, Edgeflow accepts them), and entirely against Edgeflow.

Usage:
    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python3 test/mlflow-client/scenario_tracking.py
    (see README.md beside this file for getting the official client onto the machine)

Prints one line per check ("PASS <name>" or "FAIL <name>: <error>") and a final
summary line "N passed, M failed". Exit status is 0 only if nothing failed.
Every invocation uses fresh experiment names (suffixed with time + pid), so it
can be re-run against the same server. No artifact logging here (see
scenario_2x_artifacts.py).

Notes on reference (MLflow 2.12.2 server, SQL store) behaviour encoded here:
  * +/-inf metric values come back clamped to +/-1.7976931348623157e308 (the
    SQLAlchemy store stores them that way); the check accepts inf or the clamp
    and prints what was observed.
  * IN / NOT IN are only valid for string *attributes* (e.g. run_id) and
    datasets in 2.12.2; on params/tags they are rejected with
    INVALID_PARAMETER_VALUE. Both facts are checked.
  * MlflowClient.delete_experiment_tag does not exist in 2.12.2 (nor does a
    REST endpoint for it); the check records its presence/absence and, if the
    client has it, exercises it.
"""
import math
import os
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException

from harness import SUFFIX, check, eq, expect_mlflow_error, finish

PREFIX = f"scn2x_{SUFFIX}"
FLOAT_MAX = sys.float_info.max  # 1.7976931348623157e308

client = MlflowClient()
S = {}  # shared state between checks


def run_ids(runs):
    return {r.info.run_id for r in runs}


def search_ids(filter_string, exp_ids=None, **kw):
    runs = client.search_runs(exp_ids or [S["exp_id"]], filter_string=filter_string, **kw)
    return run_ids(runs)


# --------------------------------------------------------------------------- experiments
@check("tracking_uri_from_env")
def _():
    eq(mlflow.get_tracking_uri(), os.environ["MLFLOW_TRACKING_URI"], "tracking uri")


@check("set_experiment_new_name")
def _():
    name = f"{PREFIX}_main"
    exp = mlflow.set_experiment(name)
    eq(exp.name, name, "name")
    eq(exp.lifecycle_stage, "active", "lifecycle_stage")
    assert exp.experiment_id, "empty experiment_id"
    S["exp_name"], S["exp_id"] = name, exp.experiment_id
    return f"id={exp.experiment_id}"


@check("set_experiment_existing_name")
def _():
    exp = mlflow.set_experiment(S["exp_name"])
    eq(exp.experiment_id, S["exp_id"], "experiment_id")
    exp2 = mlflow.set_experiment(experiment_id=S["exp_id"])
    eq(exp2.name, S["exp_name"], "name via experiment_id")


# --------------------------------------------------------------------------- runs
@check("start_run_end_run_with_run_name")
def _():
    run = mlflow.start_run(run_name="alpha-one")
    try:
        eq(run.info.run_name, "alpha-one", "run.info.run_name")
        eq(run.info.status, "RUNNING", "status while active")
        eq(run.info.experiment_id, S["exp_id"], "experiment_id")
        eq(mlflow.active_run().info.run_id, run.info.run_id, "active_run")
    finally:
        mlflow.end_run()
    assert mlflow.active_run() is None, "run still active after end_run"
    r = client.get_run(run.info.run_id)
    eq(r.info.status, "FINISHED", "status after end_run")
    assert r.info.end_time and r.info.end_time >= r.info.start_time, "end_time not set"
    eq(r.info.run_name, "alpha-one", "get_run run_name")
    eq(r.data.tags.get("mlflow.runName"), "alpha-one", "mlflow.runName tag")
    S["A"] = run.info.run_id


@check("log_param")
def _():
    with mlflow.start_run(run_id=S["A"]):
        mlflow.log_param("p", "a")
        mlflow.log_param("model.type", "rf")  # key with a dot
        mlflow.log_param("n", 5)  # non-string value -> stringified
    params = client.get_run(S["A"]).data.params
    eq(params.get("p"), "a", "param p")
    eq(params.get("model.type"), "rf", "param model.type")
    eq(params.get("n"), "5", "param n")


@check("log_params")
def _():
    with mlflow.start_run(run_id=S["A"]):
        mlflow.log_params({"q": "1", "lr": 0.01, "p": "a"})  # re-logging same value is OK
    params = client.get_run(S["A"]).data.params
    eq(params.get("q"), "1", "q")
    eq(params.get("lr"), "0.01", "lr")
    eq(params.get("p"), "a", "p")


@check("log_param_changed_value_rejected")
def _():
    with mlflow.start_run(run_id=S["A"]):
        e = expect_mlflow_error(lambda: mlflow.log_param("p", "zzz"), "INVALID_PARAMETER_VALUE")
    eq(client.get_run(S["A"]).data.params.get("p"), "a", "param unchanged")
    # also through log_batch
    expect_mlflow_error(
        lambda: client.log_batch(S["A"], params=[Param("q", "2")]), "INVALID_PARAMETER_VALUE"
    )
    return f"http_status={e.get_http_status_code()}"


@check("log_metric_with_step")
def _():
    with mlflow.start_run(run_id=S["A"]):
        for step, v in enumerate([0.1, 0.5, 0.7, 0.8, 0.9]):
            mlflow.log_metric("x", v, step=step)
        mlflow.log_metric("val loss", 0.25)  # key with a space
    r = client.get_run(S["A"])
    eq(r.data.metrics.get("x"), 0.9, "latest x")
    eq(r.data.metrics.get("val loss"), 0.25, "val loss")


@check("get_metric_history")
def _():
    hist = client.get_metric_history(S["A"], "x")
    eq(len(hist), 5, "history length")
    hist = sorted(hist, key=lambda m: m.step)
    eq([m.step for m in hist], [0, 1, 2, 3, 4], "steps")
    eq([m.value for m in hist], [0.1, 0.5, 0.7, 0.8, 0.9], "values")
    assert all(isinstance(m.timestamp, int) and m.timestamp > 0 for m in hist), "timestamps"
    assert all(m.key == "x" for m in hist), "keys"
    eq(len(client.get_metric_history(S["A"], "never_logged")), 0, "history of unknown key")


@check("log_metric_nan_inf")
def _():
    with mlflow.start_run(run_name="special-values") as run:
        mlflow.log_metric("nan_m", float("nan"), step=0)
        mlflow.log_metric("pinf", float("inf"), step=0)
        mlflow.log_metric("ninf", float("-inf"), step=0)
        mlflow.log_metric("mixed", 1.0, step=0)
        mlflow.log_metric("mixed", float("nan"), step=1)
        mlflow.log_metric("mixed", float("inf"), step=2)
    S["special"] = run.info.run_id
    m = client.get_run(run.info.run_id).data.metrics
    assert math.isnan(m["nan_m"]), f"nan_m = {m['nan_m']!r}"
    assert m["pinf"] == math.inf or m["pinf"] == FLOAT_MAX, f"pinf = {m['pinf']!r}"
    assert m["ninf"] == -math.inf or m["ninf"] == -FLOAT_MAX, f"ninf = {m['ninf']!r}"
    h = sorted(client.get_metric_history(run.info.run_id, "mixed"), key=lambda x: x.step)
    eq(len(h), 3, "mixed history length")
    eq(h[0].value, 1.0, "mixed[0]")
    assert math.isnan(h[1].value), f"mixed[1] = {h[1].value!r}"
    assert h[2].value in (math.inf, FLOAT_MAX), f"mixed[2] = {h[2].value!r}"
    (hn,) = client.get_metric_history(run.info.run_id, "nan_m")
    assert math.isnan(hn.value), f"nan_m history = {hn.value!r}"
    (hp,) = client.get_metric_history(run.info.run_id, "pinf")
    (hm,) = client.get_metric_history(run.info.run_id, "ninf")
    assert hp.value in (math.inf, FLOAT_MAX) and hm.value in (-math.inf, -FLOAT_MAX)
    return f"inf came back as {m['pinf']!r}, -inf as {m['ninf']!r}"


@check("log_metrics")
def _():
    with mlflow.start_run(run_id=S["A"]):
        mlflow.log_metrics({"acc": 0.75, "f1": 0.5}, step=3)
    r = client.get_run(S["A"])
    eq(r.data.metrics.get("acc"), 0.75, "acc")
    eq(r.data.metrics.get("f1"), 0.5, "f1")
    (h,) = client.get_metric_history(S["A"], "acc")
    eq(h.step, 3, "acc step")


@check("log_batch_1500_metrics_split_by_client")
def _():
    run = client.create_run(S["exp_id"], run_name="batch-run")
    ts = int(time.time() * 1000)
    metrics = [Metric("bm", float(i), ts + i, i) for i in range(1500)]
    client.log_batch(
        run.info.run_id,
        metrics=metrics,
        params=[Param("bp", "v")],
        tags=[RunTag("bt", "w")],
    )
    client.set_terminated(run.info.run_id)
    hist = client.get_metric_history(run.info.run_id, "bm")
    eq(len(hist), 1500, "history count")
    eq(sorted(m.step for m in hist), list(range(1500)), "steps")
    r = client.get_run(run.info.run_id)
    eq(r.data.metrics.get("bm"), 1499.0, "latest value")
    eq(r.data.params.get("bp"), "v", "param")
    eq(r.data.tags.get("bt"), "w", "tag")
    S["batch_run"] = run.info.run_id


# --------------------------------------------------------------------------- tags
@check("set_tag")
def _():
    with mlflow.start_run(run_id=S["A"]):
        mlflow.set_tag("t", "xray")
        mlflow.set_tag("team name", "core")  # key with a space
    tags = client.get_run(S["A"]).data.tags
    eq(tags.get("t"), "xray", "t")
    eq(tags.get("team name"), "core", "team name")


@check("set_tags")
def _():
    with mlflow.start_run(run_id=S["A"]):
        mlflow.set_tags({"t2": "v2", "t3": 3, "t": "xray"})
    tags = client.get_run(S["A"]).data.tags
    eq(tags.get("t2"), "v2", "t2")
    eq(tags.get("t3"), "3", "t3")
    eq(tags.get("t"), "xray", "t")


@check("set_tag_overwrite")
def _():
    client.set_tag(S["A"], "t2", "v2b")  # tags (unlike params) may change
    eq(client.get_run(S["A"]).data.tags.get("t2"), "v2b", "t2")


@check("delete_tag")
def _():
    with mlflow.start_run(run_id=S["A"]):
        mlflow.delete_tag("t3")
    tags = client.get_run(S["A"]).data.tags
    assert "t3" not in tags, f"t3 still present: {tags.get('t3')!r}"
    expect_mlflow_error(lambda: client.delete_tag(S["A"], "no_such_tag"), "RESOURCE_DOES_NOT_EXIST")


# --------------------------------------------------------------------------- more runs for search
@check("create_search_fixture_runs")
def _():
    spec = [
        # name, p, x, t, extra params, status
        ("B", "alpha-two", "b", 0.3, "yankee", {}, "FINISHED"),
        ("C", "Beta-three", "c", 0.6, "xylophone", {"model.type": "rf"}, "FINISHED"),
        ("D", "gamma-four", "a", 0.1, "zulu", {}, "FAILED"),
    ]
    for key, name, p, x, t, extra, status in spec:
        time.sleep(0.02)  # distinct start_time values
        with mlflow.start_run(run_name=name) as run:
            mlflow.log_params({"p": p, **extra})
            mlflow.log_metric("x", x)
            mlflow.set_tag("t", t)
        if status != "FINISHED":
            client.set_terminated(run.info.run_id, status=status)
        S[key] = run.info.run_id
    # the main experiment now has A, special, batch-run, B, C, D
    S["ABCD"] = {S[k] for k in "ABCD"}
    got = search_ids("", max_results=1000)
    eq(got, S["ABCD"] | {S["special"], S["batch_run"]}, "all runs")


def _names(ids):
    inv = {S[k]: k for k in ("A", "B", "C", "D", "special", "batch_run") if k in S}
    return sorted(inv.get(i, i) for i in ids)


def search_check(name, filter_string, expected_keys):
    @check(f"search_runs[{name}]")
    def _():
        got = search_ids(filter_string)
        exp = {S[k] for k in expected_keys}
        if got != exp:
            raise AssertionError(
                f"filter {filter_string!r}: expected {sorted(expected_keys)}, got {_names(got)}"
            )


search_check("metrics.x > 0.5", "metrics.x > 0.5", ["A", "C"])
search_check("metrics.x <= 0.3", "metrics.x <= 0.3", ["B", "D"])
search_check("params.p = 'a'", "params.p = 'a'", ["A", "D"])
search_check("params.p != 'a'", "params.p != 'a'", ["B", "C"])
search_check("tags.t LIKE 'x%'", "tags.t LIKE 'x%'", ["A", "C"])
search_check("tags.t ILIKE 'X%'", "tags.t ILIKE 'X%'", ["A", "C"])
search_check("attributes.status = 'FINISHED'", "attributes.status = 'FINISHED'",
             ["A", "B", "C", "special", "batch_run"])
search_check("attributes.status = 'FAILED'", "attributes.status = 'FAILED'", ["D"])
search_check("attributes.run_name ILIKE 'ALPHA%'", "attributes.run_name ILIKE 'ALPHA%'", ["A", "B"])
search_check("run_name LIKE '%a-t%'", "run_name LIKE '%a-t%'", ["B", "C"])
search_check("metrics.x > 0.5 AND params.p = 'a'", "metrics.x > 0.5 AND params.p = 'a'", ["A"])
search_check("backticked metrics.`val loss`", "metrics.`val loss` < 1", ["A"])
search_check("backticked params.`model.type`", "params.`model.type` = 'rf'", ["A", "C"])
search_check("backticked tags.`team name`", "tags.`team name` = 'core'", ["A"])
search_check("double-quoted params.\"model.type\"", 'params."model.type" = \'rf\'', ["A", "C"])


@check("search_runs[attributes.run_id IN / NOT IN]")
def _():
    a, b = S["A"], S["B"]
    eq(_names(search_ids(f"attributes.run_id IN ('{a}', '{b}')")), ["A", "B"], "IN")
    got = search_ids(f"attributes.run_id NOT IN ('{a}', '{b}')")
    eq(_names(got), _names({S["C"], S["D"], S["special"], S["batch_run"]}), "NOT IN")


@check("search_runs[params IN / NOT IN]")
def _():
    # MLflow 2.12.2 refuses IN/NOT IN on params; Edgeflow accepts them (a documented superset).
    inside = set(search_ids("params.p IN ('a', 'b')"))
    outside = set(search_ids("params.p NOT IN ('a')"))
    assert inside, "IN matched nothing"
    assert not (inside & set(search_ids("params.p NOT IN ('a', 'b')"))), "IN and NOT IN overlap"
    return f"IN matched {len(inside)}, NOT IN ('a') matched {len(outside)}"


@check("search_runs[bad filter -> INVALID_PARAMETER_VALUE]")
def _():
    expect_mlflow_error(lambda: search_ids("metrics.x >> 1"), "INVALID_PARAMETER_VALUE")
    expect_mlflow_error(lambda: search_ids("foo.x = 1"), "INVALID_PARAMETER_VALUE")


def order_check(name, order_by, expected_keys):
    @check(f"search_runs_order_by[{name}]")
    def _():
        runs = client.search_runs(
            [S["exp_id"]], filter_string=f"attributes.run_id IN ({_quoted(expected_keys)})",
            order_by=order_by,
        )
        got = [{v: k for k, v in S.items() if isinstance(v, str)}.get(r.info.run_id) for r in runs]
        eq(got, expected_keys, f"order {order_by}")


def _quoted(keys):
    return ", ".join(f"'{S[k]}'" for k in keys)


order_check("metrics.x DESC", ["metrics.x DESC"], ["A", "C", "B", "D"])
order_check("metrics.x ASC", ["metrics.x ASC"], ["D", "B", "C", "A"])
order_check("params.p ASC, metrics.x DESC", ["params.p ASC", "metrics.x DESC"], ["A", "D", "B", "C"])
order_check("start_time ASC", ["start_time ASC"], ["A", "B", "C", "D"])
order_check("attributes.start_time DESC", ["attributes.start_time DESC"], ["D", "C", "B", "A"])
order_check("run_name ASC", ["attributes.run_name ASC"], ["C", "A", "B", "D"])


@check("search_runs_paging_max_results_page_token")
def _():
    exp_id = client.create_experiment(f"{PREFIX}_paging")
    S["paging_exp"] = exp_id
    created = []
    for i in range(7):
        time.sleep(0.01)  # distinct start_time values
        created.append(client.create_run(exp_id, run_name=f"page-{i}").info.run_id)
    seen, pages, token = [], [], None
    while True:
        page = client.search_runs([exp_id], max_results=3, page_token=token)
        pages.append(len(page))
        seen.extend(r.info.run_id for r in page)
        token = page.token
        if not token:
            break
        if len(pages) > 10:
            raise AssertionError("too many pages")
    eq(pages, [3, 3, 1], "page sizes")
    eq(len(seen), len(set(seen)), "no duplicates across pages")
    eq(set(seen), set(created), "all runs seen")
    # default order is start_time DESC
    eq(seen, list(reversed(created)), "default order (start_time DESC)")
    return f"pages={pages}"


@check("mlflow.search_runs_pandas")
def _():
    import pandas as pd

    df = mlflow.search_runs(
        experiment_ids=[S["exp_id"]],
        filter_string=f"attributes.run_id IN ({_quoted('ABCD')})",
        order_by=["metrics.x DESC"],
    )
    assert isinstance(df, pd.DataFrame), type(df)
    eq(len(df), 4, "rows")
    for col in ("run_id", "experiment_id", "status", "start_time", "end_time", "artifact_uri",
                "metrics.x", "params.p", "tags.t", "tags.mlflow.runName"):
        assert col in df.columns, f"missing column {col!r}; have {sorted(df.columns)}"
    eq(list(df["run_id"]), [S[k] for k in "ACBD"], "run_id order")
    eq(list(df["metrics.x"]), [0.9, 0.6, 0.3, 0.1], "metrics.x")
    eq(list(df["params.p"]), ["a", "c", "b", "a"], "params.p")
    eq(list(df["tags.t"]), ["xray", "xylophone", "yankee", "zulu"], "tags.t")
    eq(list(df["status"]), ["FINISHED", "FINISHED", "FINISHED", "FAILED"], "status")
    eq(list(df["tags.mlflow.runName"]), ["alpha-one", "Beta-three", "alpha-two", "gamma-four"],
       "runName")
    runs = mlflow.search_runs(experiment_names=[S["exp_name"]], output_format="list",
                              filter_string="params.p = 'a'")
    eq(run_ids(runs), {S["A"], S["D"]}, "output_format=list via experiment_names")


# --------------------------------------------------------------------------- lifecycle
@check("delete_run_restore_run_view_type")
def _():
    d = S["D"]
    client.delete_run(d)
    eq(client.get_run(d).info.lifecycle_stage, "deleted", "lifecycle after delete")
    active = search_ids("", run_view_type=ViewType.ACTIVE_ONLY)
    deleted = search_ids("", run_view_type=ViewType.DELETED_ONLY)
    everything = search_ids("", run_view_type=ViewType.ALL)
    assert d not in active, "deleted run in ACTIVE_ONLY"
    eq(deleted, {d}, "DELETED_ONLY")
    assert d in everything and S["A"] in everything, "ALL"
    df = mlflow.search_runs([S["exp_id"]], run_view_type=ViewType.DELETED_ONLY)
    eq(list(df["run_id"]), [d], "fluent DELETED_ONLY")
    client.restore_run(d)
    eq(client.get_run(d).info.lifecycle_stage, "active", "lifecycle after restore")
    assert d in search_ids("", run_view_type=ViewType.ACTIVE_ONLY), "restored run not ACTIVE"
    eq(search_ids("", run_view_type=ViewType.DELETED_ONLY), set(), "DELETED_ONLY after restore")


@check("get_run_missing_id")
def _():
    e = expect_mlflow_error(lambda: client.get_run("0" * 32), "RESOURCE_DOES_NOT_EXIST")
    return f"http_status={e.get_http_status_code()}"


@check("nested_runs_parent_tag")
def _():
    with mlflow.start_run(run_name="parent") as parent:
        with mlflow.start_run(run_name="child", nested=True) as child:
            eq(mlflow.active_run().info.run_id, child.info.run_id, "active is child")
        eq(mlflow.active_run().info.run_id, parent.info.run_id, "active back to parent")
    c = client.get_run(child.info.run_id)
    eq(c.data.tags.get("mlflow.parentRunId"), parent.info.run_id, "mlflow.parentRunId")
    assert "mlflow.parentRunId" not in client.get_run(parent.info.run_id).data.tags
    got = search_ids(f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    eq(got, {child.info.run_id}, "search by parentRunId")
    try:  # starting a second top-level run while one is active must fail client-side
        with mlflow.start_run(run_name="outer"):
            # (2.12.2 raises a plain Exception here, not an MlflowException)
            try:
                mlflow.start_run(run_name="not-nested")
            except Exception:  # noqa: BLE001
                pass
            else:
                raise AssertionError("non-nested start_run inside active run did not raise")
    finally:
        while mlflow.active_run():
            mlflow.end_run()


@check("update_run_status_and_name")
def _():
    run = client.create_run(S["exp_id"], run_name="to-update")
    rid = run.info.run_id
    eq(run.info.status, "RUNNING", "initial status")
    client.update_run(rid, status="FAILED")
    r = client.get_run(rid)
    eq(r.info.status, "FAILED", "status")
    client.update_run(rid, name="renamed-run")
    r = client.get_run(rid)
    eq(r.info.run_name, "renamed-run", "run_name")
    eq(r.data.tags.get("mlflow.runName"), "renamed-run", "mlflow.runName tag follows rename")
    eq(r.info.status, "FAILED", "status kept after rename")
    S["updated_run"] = rid


@check("set_terminated_failed_with_end_time")
def _():
    run = client.create_run(S["exp_id"], run_name="to-terminate")
    end = int(time.time() * 1000) + 12345
    client.set_terminated(run.info.run_id, status="FAILED", end_time=end)
    r = client.get_run(run.info.run_id)
    eq(r.info.status, "FAILED", "status")
    eq(r.info.end_time, end, "end_time")
    run2 = client.create_run(S["exp_id"], run_name="to-terminate-default")
    client.set_terminated(run2.info.run_id)
    r2 = client.get_run(run2.info.run_id)
    eq(r2.info.status, "FINISHED", "default status")
    assert r2.info.end_time, "default end_time"


# --------------------------------------------------------------------------- datasets
@check("log_input_from_pandas_dataset")
def _():
    import pandas as pd

    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.5, 1.5, 2.5], "y": [0.0, 1.0, 0.0]})
    # Unique name: the 2.12.2 SQL store dedups datasets by (name, digest) across ALL
    # experiments, so a re-run would otherwise get back the first run's stored source.
    ds_name = f"train_ds_{SUFFIX}"
    ds = mlflow.data.from_pandas(df, name=ds_name, targets="y")
    with mlflow.start_run(run_name="with-dataset") as run:
        mlflow.log_input(ds, context="training")
        # what the client actually sent (the CodeDatasetSource tags dict can be updated in place
        # by start_run's tag resolution, e.g. mlflow.source.name made absolute)
        sent = ds._to_mlflow_entity()
    r = client.get_run(run.info.run_id)
    dis = r.inputs.dataset_inputs
    eq(len(dis), 1, "dataset_inputs count")
    d = dis[0].dataset
    eq(d.name, ds_name, "name")
    eq(d.digest, ds.digest, "digest")
    eq(d.source_type, ds.source._get_source_type(), "source_type")
    eq(d.source, sent.source, "source")
    eq(d.schema, sent.schema, "schema")
    eq(d.profile, sent.profile, "profile")
    assert d.schema and "mlflow_colspec" in d.schema, f"schema: {d.schema!r}"
    tags = {t.key: t.value for t in dis[0].tags}
    eq(tags.get("mlflow.data.context"), "training", "context tag")
    return f"digest={d.digest} source_type={d.source_type}"


# --------------------------------------------------------------------------- experiments API
@check("create_experiment_with_tags_no_artifact_location")
def _():
    name = f"{PREFIX}_created"
    exp_id = client.create_experiment(name, tags={"team": "ml", "stage": "dev"})
    assert isinstance(exp_id, str) and exp_id, f"bad id {exp_id!r}"
    S["created_id"], S["created_name"] = exp_id, name
    e = client.get_experiment(exp_id)
    eq(e.name, name, "name")
    eq(e.lifecycle_stage, "active", "lifecycle_stage")
    eq(e.tags.get("team"), "ml", "tag team")
    eq(e.tags.get("stage"), "dev", "tag stage")
    assert e.artifact_location, "artifact_location empty"
    assert e.creation_time and e.last_update_time, "creation/last_update time"
    expect_mlflow_error(lambda: client.create_experiment(name), "RESOURCE_ALREADY_EXISTS")
    return f"artifact_location={e.artifact_location}"


@check("get_experiment")
def _():
    e = client.get_experiment(S["exp_id"])
    eq(e.name, S["exp_name"], "name")
    eq(e.experiment_id, S["exp_id"], "id")
    expect_mlflow_error(lambda: client.get_experiment("987654321"), "RESOURCE_DOES_NOT_EXIST")
    d = client.get_experiment("0")
    eq(d.name, "Default", "experiment 0")


@check("get_experiment_by_name_existing_and_missing")
def _():
    e = client.get_experiment_by_name(S["created_name"])
    assert e is not None, "existing returned None"
    eq(e.experiment_id, S["created_id"], "id")
    eq(client.get_experiment_by_name(f"{PREFIX}_does_not_exist"), None, "missing")
    eq(mlflow.get_experiment_by_name(f"{PREFIX}_does_not_exist"), None, "fluent missing")


@check("set_experiment_tag")
def _():
    client.set_experiment_tag(S["created_id"], "owner", "alice")
    client.set_experiment_tag(S["created_id"], "stage", "prod")  # overwrite
    tags = client.get_experiment(S["created_id"]).tags
    eq(tags.get("owner"), "alice", "owner")
    eq(tags.get("stage"), "prod", "stage overwritten")
    mlflow.set_experiment(S["exp_name"])
    mlflow.set_experiment_tag("fluent_tag", "yes")
    eq(client.get_experiment(S["exp_id"]).tags.get("fluent_tag"), "yes", "fluent tag")


@check("delete_experiment_tag_availability")
def _():
    if not hasattr(client, "delete_experiment_tag"):
        return "MlflowClient.delete_experiment_tag not present in this client version (expected for 2.12.2)"
    client.delete_experiment_tag(S["created_id"], "owner")
    assert "owner" not in client.get_experiment(S["created_id"]).tags
    return "present and works"


@check("search_experiments")
def _():
    other = client.create_experiment(f"{PREFIX}_zzz_other", tags={"team": "web"})
    S["other_id"] = other
    exps = client.search_experiments(filter_string=f"name LIKE '{PREFIX}_%'")
    names = {e.name for e in exps}
    for n in (S["exp_name"], S["created_name"], f"{PREFIX}_paging", f"{PREFIX}_zzz_other"):
        assert n in names, f"{n} missing from LIKE search: {sorted(names)}"
    exps = client.search_experiments(filter_string=f"name LIKE '{PREFIX}_%' AND tags.team = 'ml'")
    eq([e.experiment_id for e in exps], [S["created_id"]], "tags.team = 'ml'")
    exps = client.search_experiments(filter_string=f"name ILIKE '{PREFIX.upper()}_%CREATED'")
    eq([e.experiment_id for e in exps], [S["created_id"]], "name ILIKE")
    exps = client.search_experiments(filter_string=f"name LIKE '{PREFIX}_%'", order_by=["name DESC"])
    got = [e.name for e in exps]
    eq(got, sorted(got, reverse=True), "order_by name DESC")
    exps = client.search_experiments(filter_string=f"name LIKE '{PREFIX}_%'",
                                     order_by=["creation_time ASC"])
    eq(exps[0].name, S["exp_name"], "order_by creation_time ASC first")
    page = client.search_experiments(filter_string=f"name LIKE '{PREFIX}_%'", max_results=2)
    eq(len(page), 2, "page 1 size")
    assert page.token, "missing next page token"
    page2 = client.search_experiments(filter_string=f"name LIKE '{PREFIX}_%'", max_results=2,
                                      page_token=page.token)
    assert not ({e.experiment_id for e in page} & {e.experiment_id for e in page2}), "overlap"
    fl = mlflow.search_experiments(filter_string=f"name = '{S['exp_name']}'")
    eq([e.experiment_id for e in fl], [S["exp_id"]], "fluent search_experiments")


@check("rename_experiment")
def _():
    new = f"{PREFIX}_renamed"
    client.rename_experiment(S["other_id"], new)
    eq(client.get_experiment(S["other_id"]).name, new, "new name")
    eq(client.get_experiment_by_name(f"{PREFIX}_zzz_other"), None, "old name gone")
    eq(client.get_experiment_by_name(new).experiment_id, S["other_id"], "lookup by new name")
    # Renaming onto an existing name must fail. The 2.12.2 SQL store surfaces the sqlite
    # IntegrityError as error_code BAD_REQUEST (HTTP 400); accept any 4xx MlflowException.
    try:
        client.rename_experiment(S["other_id"], S["exp_name"])
    except MlflowException as e:
        assert 400 <= e.get_http_status_code() < 500, f"status {e.get_http_status_code()}"
        eq(client.get_experiment(S["other_id"]).name, new, "name unchanged after failed rename")
        return f"rename onto existing name -> {e.error_code}/{e.get_http_status_code()}"
    raise AssertionError("rename onto an existing name did not raise")


@check("delete_experiment_restore_experiment")
def _():
    name = f"{PREFIX}_to_delete"
    exp_id = client.create_experiment(name)
    run = client.create_run(exp_id)
    client.delete_experiment(exp_id)
    e = client.get_experiment(exp_id)
    eq(e.lifecycle_stage, "deleted", "lifecycle after delete")
    eq(client.get_experiment_by_name(name).lifecycle_stage, "deleted", "by-name after delete")
    eq(client.get_run(run.info.run_id).info.lifecycle_stage, "deleted", "run cascades to deleted")
    active = {x.experiment_id for x in client.search_experiments(view_type=ViewType.ACTIVE_ONLY,
                                                                 filter_string=f"name = '{name}'")}
    deleted = {x.experiment_id for x in client.search_experiments(view_type=ViewType.DELETED_ONLY,
                                                                  filter_string=f"name = '{name}'")}
    eq(active, set(), "ACTIVE_ONLY excludes deleted")
    eq(deleted, {exp_id}, "DELETED_ONLY includes deleted")
    expect_mlflow_error(lambda: mlflow.set_experiment(name), "INVALID_PARAMETER_VALUE")
    client.restore_experiment(exp_id)
    eq(client.get_experiment(exp_id).lifecycle_stage, "active", "lifecycle after restore")
    eq(client.get_run(run.info.run_id).info.lifecycle_stage, "active", "run restored too")
    eq(mlflow.set_experiment(name).experiment_id, exp_id, "set_experiment after restore")
    mlflow.set_experiment(S["exp_name"])


finish()
