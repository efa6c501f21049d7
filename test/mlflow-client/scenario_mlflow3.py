#!/usr/bin/env python3
"""MLflow 3 scenario for the official MLflow 3.x Python client (written against 3.5.1).

Covers what MLflow 3 added on top of the 2.x scenarios, as the unmodified client uses it:
  * LoggedModels: mlflow.sklearn.log_model(name=...) creating a LoggedModel (not run artifacts),
    its tags and params, search_logged_models (filters, order_by, paging, pandas),
    initialize_logged_model + finalize_logged_model, create_external_model, set_active_model;
  * the registry on top of them: register_model("models:/<model_id>") and from "runs:/",
    aliases, and pyfunc.load_model by alias, by version and by "models:/<model_id>";
  * tracing: @mlflow.trace spans read back with get_trace (names, types, parents, inputs,
    outputs), search_traces (filters, order, paging, by model), trace tags, log_feedback and
    delete_traces. The client sends finished spans over OTLP (POST /v1/traces, protobuf) only to
    servers whose GET /version is >= 3.4, and always logs the trace itself with StartTraceV3 and
    a traces.json artifact; get_trace reads spans back from that artifact.

Usage:
    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python3 test/mlflow-client/scenario_mlflow3.py
    (see README.md beside this file for getting the official 3.x client onto the machine)

Prints one line per check ("PASS <name>" or "FAIL <name>: <error>") and a final summary line
"N passed, M failed". Exit status is 0 only if nothing failed. Every invocation uses fresh names
(suffixed with time + pid), so it can be re-run against the same server. SCENARIO_FAST_MODEL=1
passes explicit pip_requirements to log_model, skipping MLflow's requirement inference.
"""
import json
import os
import tempfile
import time

import mlflow
import numpy as np
from mlflow import MlflowClient
from mlflow.entities import AssessmentSource, LoggedModelStatus, SpanType

from harness import SUFFIX, check, eq, expect_mlflow_error, finish

FAST_MODEL = os.environ.get("SCENARIO_FAST_MODEL") == "1"
PREFIX = f"scn3_{SUFFIX}"

client = MlflowClient()
S = {}  # shared state between checks
TMP = tempfile.mkdtemp(prefix="scn3_")
X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 3.0], [0.5, 0.5]])


def ids(models):
    return [m.model_id for m in models]


def model_kwargs():
    return {"pip_requirements": ["scikit-learn"]} if FAST_MODEL else {}


# --------------------------------------------------------------------------- tracking basics
@check("set_experiment_and_run_with_params_and_metrics")
def _():
    exp = mlflow.set_experiment(f"{PREFIX}_exp")
    eq(exp.name, f"{PREFIX}_exp", "experiment name")
    S["exp_id"] = exp.experiment_id
    with mlflow.start_run(run_name="basics") as run:
        mlflow.log_param("alpha", 0.5)
        mlflow.log_metric("loss", 0.75, step=0)
        mlflow.log_metric("loss", 0.25, step=1)
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8})
    r = client.get_run(run.info.run_id)
    eq(r.data.params, {"alpha": "0.5"}, "params")
    eq(r.data.metrics, {"loss": 0.25, "acc": 0.9, "f1": 0.8}, "latest metrics")
    eq([(m.step, m.value) for m in client.get_metric_history(run.info.run_id, "loss")],
       [(0, 0.75), (1, 0.25)], "loss history")
    eq(r.info.status, "FINISHED", "status")
    S["basics_run"] = run.info.run_id


@check("log_artifact_list_and_download")
def _():
    src = os.path.join(TMP, "notes.txt")
    with open(src, "w") as f:
        f.write("edgeflow mlflow 3\n")
    with mlflow.start_run(run_id=S["basics_run"]):
        mlflow.log_artifact(src)
        mlflow.log_artifact(src, artifact_path="sub/dir")
    top = {(f.path, f.is_dir) for f in client.list_artifacts(S["basics_run"])}
    eq(top, {("notes.txt", False), ("sub", True)}, "top-level listing")
    eq([f.path for f in client.list_artifacts(S["basics_run"], "sub/dir")], ["sub/dir/notes.txt"], "nested")
    got = mlflow.artifacts.download_artifacts(run_id=S["basics_run"], artifact_path="sub/dir/notes.txt",
                                              dst_path=tempfile.mkdtemp(dir=TMP))
    with open(got) as f:
        eq(f.read(), "edgeflow mlflow 3\n", "downloaded content")


# --------------------------------------------------------------------------- logged models
@check("sklearn_log_model_creates_a_logged_model")
def _():
    from sklearn.linear_model import LinearRegression

    y = X @ np.array([2.0, -1.0]) + 0.5
    S["sk"] = LinearRegression().fit(X, y)
    with mlflow.start_run(run_name="trainer") as run:
        info = mlflow.sklearn.log_model(S["sk"], name="model", params={"alpha": "0.1", "solver": "lsq"},
                                        input_example=X[:2], **model_kwargs())
    S["run_id"], S["model_id"] = run.info.run_id, info.model_id
    assert info.model_id.startswith("m-"), f"model_id {info.model_id}"
    eq(info.model_uri, f"models:/{info.model_id}", "model_uri")
    m = mlflow.get_logged_model(info.model_id)
    eq((m.name, m.experiment_id, m.source_run_id), ("model", S["exp_id"], run.info.run_id), "name/exp/run")
    eq(m.status, LoggedModelStatus.READY, "status")
    eq(m.params, {"alpha": "0.1", "solver": "lsq"}, "params")
    assert m.artifact_location.endswith(f"/models/{info.model_id}/artifacts"), m.artifact_location
    names = {f.path for f in client.list_logged_model_artifacts(info.model_id)}
    for n in ("MLmodel", "model.pkl", "requirements.txt", "conda.yaml", "python_env.yaml"):
        assert n in names, f"{n} not in {sorted(names)}"
    outputs = client.get_run(run.info.run_id).outputs
    eq([o.model_id for o in outputs.model_outputs], [info.model_id], "run outputs")
    return f"model_id={info.model_id}"


@check("logged_model_tags_and_params")
def _():
    mid = S["model_id"]
    mlflow.set_logged_model_tags(mid, {"stage": "dev", "team": "vision"})
    mlflow.log_model_params({"lr": "0.01", "layers": "3"}, model_id=mid)
    mlflow.delete_logged_model_tag(mid, "team")
    m = mlflow.get_logged_model(mid)
    eq(m.tags.get("stage"), "dev", "tag stage")
    assert "team" not in m.tags, f"deleted tag still there: {m.tags}"
    eq(m.params, {"alpha": "0.1", "solver": "lsq", "lr": "0.01", "layers": "3"}, "params")
    expect_mlflow_error(lambda: mlflow.get_logged_model("m-00000000000000000000000000000000"),
                        "RESOURCE_DOES_NOT_EXIST")


@check("initialize_and_finalize_external_model")
def _():
    m = mlflow.initialize_logged_model(name="agent", tags={"kind": "external"}, params={"p": "1"},
                                       model_type="agent", experiment_id=S["exp_id"])
    eq(m.status, LoggedModelStatus.PENDING, "initial status")
    eq((m.name, m.model_type, m.params, m.tags.get("kind")), ("agent", "agent", {"p": "1"}, "external"), "fields")
    done = mlflow.finalize_logged_model(m.model_id, LoggedModelStatus.READY)
    eq(done.status, LoggedModelStatus.READY, "finalized status")
    eq(mlflow.get_logged_model(m.model_id).status, LoggedModelStatus.READY, "stored status")
    ext = mlflow.create_external_model(name="external", experiment_id=S["exp_id"])
    eq(ext.status, LoggedModelStatus.READY, "external model status")
    eq(ext.tags.get("mlflow.model.isExternal"), "true", "isExternal tag")
    S["agent_id"], S["external_id"] = m.model_id, ext.model_id


@check("search_logged_models")
def _():
    exps = [S["exp_id"]]
    by_param = mlflow.search_logged_models(experiment_ids=exps, filter_string="params.alpha = '0.1'",
                                           output_format="list")
    eq(ids(by_param), [S["model_id"]], "filter on params")
    by_name = mlflow.search_logged_models(experiment_ids=exps, filter_string="name = 'agent'", output_format="list")
    eq(ids(by_name), [S["agent_id"]], "filter on name")
    by_tag = mlflow.search_logged_models(experiment_ids=exps, filter_string="tags.stage = 'dev'", output_format="list")
    eq(ids(by_tag), [S["model_id"]], "filter on tags")
    newest = mlflow.search_logged_models(experiment_ids=exps, output_format="list",
                                         order_by=[{"field_name": "creation_time", "ascending": False}])
    eq(ids(newest), [S["external_id"], S["agent_id"], S["model_id"]], "newest first")
    page1 = client.search_logged_models(exps, max_results=2,
                                        order_by=[{"field_name": "creation_time", "ascending": True}])
    assert page1.token, "expected a next page token"
    page2 = client.search_logged_models(exps, max_results=2, page_token=page1.token,
                                        order_by=[{"field_name": "creation_time", "ascending": True}])
    eq(ids(page1) + ids(page2), [S["model_id"], S["agent_id"], S["external_id"]], "pages")
    eq(page2.token, None, "last page token")
    df = mlflow.search_logged_models(experiment_ids=exps)
    eq(sorted(df["model_id"]), sorted([S["model_id"], S["agent_id"], S["external_id"]]), "pandas model_id column")


@check("set_active_model_by_name_and_id")
def _():
    am = mlflow.set_active_model(name=f"{PREFIX}_active")
    eq(mlflow.get_active_model_id(), am.model_id, "active by name")
    eq(mlflow.get_logged_model(am.model_id).name, f"{PREFIX}_active", "created by name")
    again = mlflow.set_active_model(name=f"{PREFIX}_active")
    eq(again.model_id, am.model_id, "same name reuses the model")
    mlflow.set_active_model(model_id=S["agent_id"])
    eq(mlflow.get_active_model_id(), S["agent_id"], "active by id")
    S["active_name_id"] = am.model_id


# --------------------------------------------------------------------------- registry
@check("register_model_from_models_uri")
def _():
    name = f"{PREFIX}_reg"
    mv = mlflow.register_model(f"models:/{S['model_id']}", name)
    eq((mv.name, mv.version, mv.status), (name, "1", "READY"), "version")
    eq(mv.source, f"models:/{S['model_id']}", "source")
    eq(client.get_model_version(name, "1").run_id, S["run_id"], "run_id from the logged model")
    tag = json.loads(mlflow.get_logged_model(S["model_id"]).tags["mlflow.modelVersions"])
    assert {"name": name, "version": "1"} in [{k: str(v) for k, v in e.items()} for e in tag], tag
    S["reg"] = name


@check("register_model_from_runs_uri_resolves_the_logged_model")
def _():
    mv = mlflow.register_model(f"runs:/{S['run_id']}/model", S["reg"])
    eq(mv.version, "2", "version")
    # 3.x log_model writes under the logged model, not the run: the client registers models:/<id>.
    eq(mv.source, f"models:/{S['model_id']}", "source")
    eq(mv.run_id, S["run_id"], "run_id")


@check("alias_and_load_model_by_alias_version_and_model_id")
def _():
    client.set_registered_model_alias(S["reg"], "champion", "2")
    eq(client.get_model_version_by_alias(S["reg"], "champion").version, "2", "alias resolves")
    eq(client.get_registered_model(S["reg"]).aliases, {"champion": "2"}, "aliases")
    want = S["sk"].predict(X)
    for uri in (f"models:/{S['reg']}@champion", f"models:/{S['reg']}/1", f"models:/{S['model_id']}"):
        got = mlflow.pyfunc.load_model(uri).predict(X)
        np.testing.assert_allclose(got, want, err_msg=uri)
    sk = mlflow.sklearn.load_model(f"models:/{S['model_id']}")
    np.testing.assert_allclose(sk.predict(X), want, err_msg="sklearn.load_model")


# --------------------------------------------------------------------------- tracing
@mlflow.trace(name="retrieve", span_type=SpanType.RETRIEVER)
def retrieve(query):
    return [f"doc about {query}", "another doc"]


@mlflow.trace(span_type=SpanType.CHAIN)
def answer(question, top_k=2):
    docs = retrieve(question)[:top_k]
    with mlflow.start_span(name="generate", span_type=SpanType.LLM) as span:
        span.set_inputs({"prompt": question, "docs": docs})
        out = f"{question}: {len(docs)} docs"
        span.set_outputs(out)
        span.set_attribute("temperature", 0.2)
    return out


@check("trace_decorator_then_get_trace")
def _():
    mlflow.set_active_model(model_id=S["agent_id"])
    eq(answer("what is edgeflow", top_k=1), "what is edgeflow: 1 docs", "traced function result")
    tid = mlflow.get_last_active_trace_id()
    trace = mlflow.get_trace(tid)
    info = trace.info
    eq((info.trace_id, info.state.value, info.experiment_id), (tid, "OK", S["exp_id"]), "trace info")
    eq(info.trace_metadata.get("mlflow.modelId"), S["agent_id"], "linked to the active model")
    eq(json.loads(info.request_preview), {"question": "what is edgeflow", "top_k": 1}, "request preview")
    eq(info.response_preview, '"what is edgeflow: 1 docs"', "response preview")
    spans = {s.name: s for s in trace.data.spans}
    eq(sorted(spans), ["answer", "generate", "retrieve"], "span names")
    root, ret, gen = spans["answer"], spans["retrieve"], spans["generate"]
    eq(root.parent_id, None, "root parent")
    eq((ret.parent_id, gen.parent_id), (root.span_id, root.span_id), "children's parent")
    eq({s.trace_id for s in trace.data.spans}, {tid}, "spans' trace id")
    eq((root.span_type, ret.span_type, gen.span_type), ("CHAIN", "RETRIEVER", "LLM"), "span types")
    eq(root.inputs, {"question": "what is edgeflow", "top_k": 1}, "root inputs")
    eq(root.outputs, "what is edgeflow: 1 docs", "root outputs")
    eq(ret.inputs, {"query": "what is edgeflow"}, "retrieve inputs")
    eq(ret.outputs, ["doc about what is edgeflow", "another doc"], "retrieve outputs")
    eq(gen.inputs, {"prompt": "what is edgeflow", "docs": ["doc about what is edgeflow"]}, "generate inputs")
    eq(gen.get_attribute("temperature"), 0.2, "custom attribute")
    assert root.start_time_ns <= ret.start_time_ns <= ret.end_time_ns <= root.end_time_ns, "span times"
    eq(root.status.status_code.value, "OK", "root status")
    S["trace_id"] = tid
    return f"trace_id={tid}"


@check("trace_of_a_failing_function")
def _():
    @mlflow.trace
    def broken(x):
        raise ValueError(f"bad {x}")

    try:
        broken(7)
    except ValueError:
        pass
    trace = mlflow.get_trace(mlflow.get_last_active_trace_id())
    eq(trace.info.state.value, "ERROR", "state")
    (span,) = trace.data.spans
    eq((span.name, span.status.status_code.value, span.inputs), ("broken", "ERROR", {"x": 7}), "span")
    eq([e.name for e in span.events], ["exception"], "exception event")
    S["error_trace_id"] = trace.info.trace_id


@check("search_traces")
def _():
    exps = [S["exp_id"]]
    mlflow.set_active_model(model_id=S["external_id"])
    for i in range(3):
        answer(f"q{i}")
    ts = mlflow.search_traces(locations=exps, return_type="list", order_by=["timestamp_ms DESC"])
    eq(len(ts), 5, "all traces")
    eq(ts[-1].info.trace_id, S["trace_id"], "oldest last")
    assert all(len(t.data.spans) >= 1 for t in ts), "spans included"
    ok = mlflow.search_traces(locations=exps, return_type="list", filter_string="trace.status = 'OK'")
    eq(len(ok), 4, "status filter")
    err = mlflow.search_traces(locations=exps, return_type="list", filter_string="trace.status = 'ERROR'")
    eq([t.info.trace_id for t in err], [S["error_trace_id"]], "error traces")
    # search_traces(model_id=...) is refused by the 3.5.1 client itself for REST servers (no
    # request is sent); the filter it would build is what users write instead.
    by_model = mlflow.search_traces(locations=exps, return_type="list",
                                    filter_string=f"request_metadata.`mlflow.modelId` = '{S['agent_id']}'")
    eq(sorted(t.info.trace_id for t in by_model), sorted([S["trace_id"], S["error_trace_id"]]), "by model")
    page1 = client.search_traces(locations=exps, max_results=2, order_by=["timestamp_ms ASC"])
    page2 = client.search_traces(locations=exps, max_results=10, order_by=["timestamp_ms ASC"], page_token=page1.token)
    eq(len(page1) + len(page2), 5, "pages")
    eq(page1[0].info.trace_id, S["trace_id"], "oldest first")
    df = mlflow.search_traces(locations=exps)
    assert S["trace_id"] in set(df["trace_id"]), "pandas trace_id column"


@check("trace_tags_set_and_delete")
def _():
    tid = S["trace_id"]
    mlflow.set_trace_tag(tid, "reviewed", "yes")
    eq(mlflow.get_trace(tid).info.tags.get("reviewed"), "yes", "tag set")
    found = mlflow.search_traces(locations=[S["exp_id"]], return_type="list", filter_string="tags.reviewed = 'yes'")
    eq([t.info.trace_id for t in found], [tid], "search by tag")
    mlflow.delete_trace_tag(tid, "reviewed")
    assert "reviewed" not in mlflow.get_trace(tid).info.tags, "tag deleted"


@check("log_feedback")
def _():
    tid = S["trace_id"]
    a = mlflow.log_feedback(trace_id=tid, name="quality", value=0.9, rationale="grounded",
                            source=AssessmentSource(source_type="HUMAN", source_id="alice"))
    assert a.assessment_id, "assessment id"
    (got,) = mlflow.get_trace(tid).info.assessments
    eq((got.name, got.value, got.rationale), ("quality", 0.9, "grounded"), "feedback")
    eq((got.source.source_type, got.source.source_id), ("HUMAN", "alice"), "source")
    eq(got.assessment_id, a.assessment_id, "id")


@check("delete_traces")
def _():
    exp = S["exp_id"]
    eq(client.delete_traces(experiment_id=exp, trace_ids=[S["error_trace_id"]]), 1, "deleted by id")
    expect_mlflow_error(lambda: client.get_trace(S["error_trace_id"]), "RESOURCE_DOES_NOT_EXIST")
    eq(mlflow.get_trace(S["error_trace_id"]), None, "fluent get_trace of a deleted trace")
    left = client.delete_traces(experiment_id=exp, max_timestamp_millis=int(time.time() * 1000) + 1000, max_traces=100)
    eq(left, 4, "deleted by timestamp")
    eq(mlflow.search_traces(locations=[exp], return_type="list"), [], "none left")


finish()
