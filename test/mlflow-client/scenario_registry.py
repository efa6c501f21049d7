#!/usr/bin/env python3
"""Model-registry scenario for the official MLflow Python client (written against 2.12.2).

It passes unmodified against MLflow's own 2.12.2 server and against Edgeflow. Where the two
servers legitimately differ, the check accepts both answers and prints which one it saw:
  * get_model_version_download_uri for a version created from a runs:/ source: MLflow 2.12.2
    answers the source as given (runs:/<id>/model); Edgeflow resolves it at creation to the
    run's artifact location (mlflow-artifacts:/<exp>/<id>/artifacts/model).
  * deleting a version that has an alias: Edgeflow deletes the alias with it; MLflow 2.12.2 leaves
    it listed on the model, pointing at the deleted version (its store compares the alias' int
    version with the str it is given). Either way the alias no longer resolves.

Usage:
    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python3 test/mlflow-client/scenario_registry.py
    (see README.md beside this file for getting the official client onto the machine)

Prints one line per check ("PASS <name>" or "FAIL <name>: <error>") and a final summary line
"N passed, M failed". Exit status is 0 only if nothing failed. Every invocation uses fresh model
names (suffixed with time + pid), so it can be re-run against the same server. One check logs
a small sklearn model and loads it back by alias and by version through the artifact proxy.
"""
import warnings

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from harness import SUFFIX, check, eq, expect_mlflow_error, finish

# Stages are deprecated in MLflow 2.9+; the client warns on every stage call.
warnings.filterwarnings("ignore", category=FutureWarning)

PREFIX = f"scnreg_{SUFFIX}"

client = MlflowClient()
S = {}  # shared state between checks


def names(models):
    return [m.name for m in models]


def versions(mvs):
    return [(mv.name, mv.version) for mv in mvs]


# --------------------------------------------------------------------------- setup
@check("run_for_registration")
def _():
    mlflow.set_experiment(f"{PREFIX}_exp")
    with mlflow.start_run(run_name="trainer") as run:
        mlflow.log_param("alpha", "0.5")
    S["run_id"] = run.info.run_id
    S["artifact_uri"] = client.get_run(run.info.run_id).info.artifact_uri
    return f"artifact_uri={S['artifact_uri']}"


# --------------------------------------------------------------------------- register
@check("register_model_from_runs_uri")
def _():
    name = f"{PREFIX}_registered"
    mv = mlflow.register_model(f"runs:/{S['run_id']}/model", name)
    eq(mv.name, name, "name")
    eq(mv.version, "1", "version")
    eq(mv.status, "READY", "status")
    eq(mv.run_id, S["run_id"], "run_id")
    eq(mv.current_stage, "None", "stage")
    # The 2.12.2 client resolves runs:/ itself and sends the run's artifact location.
    eq(mv.source, f"{S['artifact_uri']}/model", "source")
    S["reg_name"] = name
    again = mlflow.register_model(f"runs:/{S['run_id']}/model", name)
    eq(again.version, "2", "second registration is version 2")
    return f"source={mv.source}"


@check("create_registered_model_with_tags_and_description")
def _():
    name = f"{PREFIX}_main"
    rm = client.create_registered_model(name, tags={"team": "vision", "tier": "gold"}, description="main model")
    eq(rm.name, name, "name")
    eq(rm.description, "main model", "description")
    eq(rm.tags, {"team": "vision", "tier": "gold"}, "tags")
    assert rm.creation_timestamp and rm.last_updated_timestamp, "timestamps"
    S["main"] = name
    expect_mlflow_error(lambda: client.create_registered_model(name), "RESOURCE_ALREADY_EXISTS")
    expect_mlflow_error(lambda: client.get_registered_model(f"{PREFIX}_nope"), "RESOURCE_DOES_NOT_EXIST")


@check("create_model_version_from_runs_uri")
def _():
    mv = client.create_model_version(
        S["main"],
        f"runs:/{S['run_id']}/model",
        run_id=S["run_id"],
        tags={"framework": "sklearn"},
        description="v1",
    )
    eq(mv.version, "1", "version")
    eq(mv.source, f"runs:/{S['run_id']}/model", "source kept as given")
    eq(mv.run_id, S["run_id"], "run_id")
    eq(mv.tags, {"framework": "sklearn"}, "tags")
    eq(mv.description, "v1", "description")
    for i in range(2, 5):
        v = client.create_model_version(S["main"], f"runs:/{S['run_id']}/model", run_id=S["run_id"])
        eq(v.version, str(i), f"version {i}")
    got = client.get_model_version(S["main"], "1")
    eq(got.tags, {"framework": "sklearn"}, "get tags")
    expect_mlflow_error(lambda: client.get_model_version(S["main"], "99"), "RESOURCE_DOES_NOT_EXIST")


@check("refuses_sources_outside_the_store")
def _():
    bad = [
        "file:///etc/passwd",
        "/etc/passwd",
        "mlflow-artifacts:/../../x",
        f"runs:/{S['run_id']}/../../../etc",
        "mlflow-artifacts:/%2e%2e/%2e%2e/etc",
    ]
    for source in bad:
        expect_mlflow_error(lambda s=source: client.create_model_version(S["main"], s), "INVALID_PARAMETER_VALUE")
    eq(client.get_registered_model(S["main"]).latest_versions[0].version, "4", "nothing created")


# --------------------------------------------------------------------------- updates and tags
@check("update_descriptions")
def _():
    rm = client.update_registered_model(S["main"], description="updated model")
    eq(rm.description, "updated model", "model description")
    mv = client.update_model_version(S["main"], "2", description="second")
    eq(mv.description, "second", "version description")
    eq(client.get_model_version(S["main"], "2").description, "second", "get description")


@check("registered_model_tags")
def _():
    client.set_registered_model_tag(S["main"], "owner", "alice")
    client.set_registered_model_tag(S["main"], "tier", "silver")
    tags = client.get_registered_model(S["main"]).tags
    eq(tags, {"team": "vision", "tier": "silver", "owner": "alice"}, "tags")
    client.delete_registered_model_tag(S["main"], "owner")
    eq(client.get_registered_model(S["main"]).tags, {"team": "vision", "tier": "silver"}, "after delete")


@check("model_version_tags")
def _():
    client.set_model_version_tag(S["main"], "2", "validated", "true")
    client.set_model_version_tag(S["main"], "2", "dataset", "v7")
    eq(client.get_model_version(S["main"], "2").tags, {"validated": "true", "dataset": "v7"}, "tags")
    client.delete_model_version_tag(S["main"], "2", "dataset")
    eq(client.get_model_version(S["main"], "2").tags, {"validated": "true"}, "after delete")


# --------------------------------------------------------------------------- aliases
@check("set_get_move_delete_alias")
def _():
    client.set_registered_model_alias(S["main"], "champion", "2")
    client.set_registered_model_alias(S["main"], "challenger", "3")
    mv = client.get_model_version_by_alias(S["main"], "champion")
    eq(mv.version, "2", "champion")
    eq(mv.aliases, ["champion"], "aliases on the version")
    eq(client.get_registered_model(S["main"]).aliases, {"champion": "2", "challenger": "3"}, "on the model")
    client.set_registered_model_alias(S["main"], "champion", "3")
    eq(client.get_model_version_by_alias(S["main"], "champion").version, "3", "moved")
    eq(sorted(client.get_model_version(S["main"], "3").aliases), ["challenger", "champion"], "both on 3")
    client.delete_registered_model_alias(S["main"], "challenger")
    eq(client.get_registered_model(S["main"]).aliases, {"champion": "3"}, "after delete")
    expect_mlflow_error(lambda: client.get_model_version_by_alias(S["main"], "challenger"), "INVALID_PARAMETER_VALUE")
    expect_mlflow_error(lambda: client.set_registered_model_alias(S["main"], "latest", "1"), "INVALID_PARAMETER_VALUE")
    expect_mlflow_error(lambda: client.set_registered_model_alias(S["main"], "v2", "1"), "INVALID_PARAMETER_VALUE")


# --------------------------------------------------------------------------- stages
@check("transition_stage_archive_existing_and_latest_versions")
def _():
    eq(client.transition_model_version_stage(S["main"], "1", "Production").current_stage, "Production", "v1")
    client.transition_model_version_stage(S["main"], "2", "staging")
    mv = client.transition_model_version_stage(S["main"], "3", "production", archive_existing_versions=True)
    eq(mv.current_stage, "Production", "v3 stage")
    eq(client.get_model_version(S["main"], "1").current_stage, "Archived", "v1 archived")
    eq(client.get_model_version(S["main"], "2").current_stage, "Staging", "v2 untouched")
    latest = {mv.current_stage: mv.version for mv in client.get_latest_versions(S["main"])}
    eq(latest, {"Archived": "1", "Staging": "2", "Production": "3", "None": "4"}, "latest per stage")
    eq(versions(client.get_latest_versions(S["main"], stages=["Production"])), [(S["main"], "3")], "Production")
    eq(versions(client.get_latest_versions(S["main"], stages=["staging", "None"])),
       [(S["main"], "2"), (S["main"], "4")], "Staging and None")
    rm_latest = {mv.current_stage: mv.version for mv in client.get_registered_model(S["main"]).latest_versions}
    eq(rm_latest, latest, "latest_versions on the model")
    expect_mlflow_error(lambda: client.transition_model_version_stage(S["main"], "4", "bogus"),
                        "INVALID_PARAMETER_VALUE")


# --------------------------------------------------------------------------- download uri
@check("get_model_version_download_uri")
def _():
    registered = client.get_model_version_download_uri(S["reg_name"], "1")
    eq(registered, f"{S['artifact_uri']}/model", "register_model version")
    uri = client.get_model_version_download_uri(S["main"], "1")
    resolved = f"{S['artifact_uri']}/model"
    as_given = f"runs:/{S['run_id']}/model"
    if uri not in (resolved, as_given):
        raise AssertionError(f"download uri {uri!r} is neither {resolved!r} nor {as_given!r}")
    return "resolved to the run's artifacts (Edgeflow)" if uri == resolved else "source as given (MLflow 2.12.2)"


# --------------------------------------------------------------------------- search
@check("load_model_by_alias_and_version_through_the_proxy")
def _():
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.8]])
    y = np.array([0, 1, 1, 0])
    name = f"served_{PREFIX}"  # outside PREFIX, so later searches by prefix don't see it
    with mlflow.start_run(run_name="model-run"):
        info = mlflow.sklearn.log_model(
            LogisticRegression().fit(X, y), "model", registered_model_name=name,
            pip_requirements=["scikit-learn"],
        )
    client.set_registered_model_alias(name, "champion", "1")
    expected = list(LogisticRegression().fit(X, y).predict(X))
    by_alias = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    eq(list(by_alias.predict(X)), expected, "predictions via models:/name@alias")
    by_version = mlflow.pyfunc.load_model(f"models:/{name}/1")
    eq(list(by_version.predict(X)), expected, "predictions via models:/name/1")
    client.delete_registered_model(name)
    return f"model_uri={info.model_uri}"


@check("search_registered_models")
def _():
    extra = client.create_registered_model(f"{PREFIX}_aux", tags={"team": "nlp"}).name
    S["aux"] = extra
    everything = client.search_registered_models(filter_string=f"name LIKE '{PREFIX}%'")
    eq(names(everything), sorted([S["main"], S["reg_name"], extra]), "LIKE, default order name ASC")
    eq(names(client.search_registered_models(filter_string=f"name = '{S['main']}'")), [S["main"]], "=")
    eq(names(client.search_registered_models(filter_string=f"name ILIKE '{PREFIX.upper()}%AUX'")), [extra], "ILIKE")
    eq(names(client.search_registered_models(
        filter_string=f"name LIKE '{PREFIX}%' AND name != '{S['main']}'")), sorted([S["reg_name"], extra]), "!=")
    eq(names(client.search_registered_models(
        filter_string=f"name LIKE '{PREFIX}%' AND tags.team = 'nlp'")), [extra], "tags.team")
    desc = client.search_registered_models(filter_string=f"name LIKE '{PREFIX}%'", order_by=["name DESC"])
    eq(names(desc), sorted(names(everything), reverse=True), "order_by name DESC")
    page = client.search_registered_models(filter_string=f"name LIKE '{PREFIX}%'", max_results=2)
    eq(len(page), 2, "page size")
    assert page.token, "missing next page token"
    rest = client.search_registered_models(filter_string=f"name LIKE '{PREFIX}%'", max_results=2,
                                           page_token=page.token)
    eq(names(page) + names(rest), names(everything), "pages cover everything once")
    assert not rest.token, f"token on the last page: {rest.token!r}"
    found = client.search_registered_models(filter_string=f"name = '{S['main']}'")[0]
    eq(found.aliases, {"champion": "3"}, "aliases in search results")
    eq(len(found.latest_versions), 4, "latest_versions in search results")


@check("search_model_versions")
def _():
    name = S["main"]
    eq(versions(client.search_model_versions(f"name = '{name}'", order_by=["version_number ASC"])),
       [(name, str(i)) for i in range(1, 5)], "name =, version_number ASC")
    eq(versions(client.search_model_versions(f"name = '{name}' AND version_number > 2",
                                             order_by=["version_number DESC"])),
       [(name, "4"), (name, "3")], "version_number >")
    by_run = client.search_model_versions(f"run_id = '{S['run_id']}' AND name LIKE '{PREFIX}%'",
                                          order_by=["name ASC", "version_number ASC"])
    eq(versions(by_run), [(name, str(i)) for i in range(1, 5)] + [(S["reg_name"], "1"), (S["reg_name"], "2")],
       "run_id =")
    in_list = client.search_model_versions(f"run_id IN ('{S['run_id']}', 'x') AND name = '{S['reg_name']}'")
    eq(sorted(versions(in_list)), [(S["reg_name"], "1"), (S["reg_name"], "2")], "run_id IN")
    eq(versions(client.search_model_versions(f"name = '{name}' AND tags.validated = 'true'")), [(name, "2")],
       "tags.validated")
    eq(versions(client.search_model_versions(f"name = '{S['reg_name']}' AND source_path LIKE '%/model'",
                                             order_by=["version_number ASC"])),
       [(S["reg_name"], "1"), (S["reg_name"], "2")], "source_path LIKE")
    page = client.search_model_versions(f"name = '{name}'", max_results=3, order_by=["version_number ASC"])
    eq([mv.version for mv in page], ["1", "2", "3"], "first page")
    assert page.token, "missing next page token"
    rest = client.search_model_versions(f"name = '{name}'", max_results=3, order_by=["version_number ASC"],
                                        page_token=page.token)
    eq([mv.version for mv in rest], ["4"], "second page")
    expect_mlflow_error(lambda: client.search_model_versions("version_number LIKE '1'"), "INVALID_PARAMETER_VALUE")


# --------------------------------------------------------------------------- rename and delete
@check("rename_carries_versions_tags_and_aliases")
def _():
    new = f"{PREFIX}_renamed"
    client.rename_registered_model(S["main"], new)  # returns None in the 2.12.2 client
    rm = client.get_registered_model(new)
    eq(rm.name, new, "new name")
    eq(rm.tags, {"team": "vision", "tier": "silver"}, "tags carried")
    eq(rm.aliases, {"champion": "3"}, "aliases carried")
    mv = client.get_model_version(new, "2")
    eq(mv.tags, {"validated": "true"}, "version tags carried")
    eq(mv.description, "second", "version description carried")
    eq(client.get_model_version_by_alias(new, "champion").version, "3", "alias lookup under new name")
    expect_mlflow_error(lambda: client.get_registered_model(S["main"]), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(lambda: client.rename_registered_model(new, S["aux"]), "RESOURCE_ALREADY_EXISTS")
    S["main"] = new


@check("delete_model_version_numbers_not_reused")
def _():
    client.delete_model_version(S["main"], "4")
    expect_mlflow_error(lambda: client.get_model_version(S["main"], "4"), "RESOURCE_DOES_NOT_EXIST")
    mv = client.create_model_version(S["main"], f"runs:/{S['run_id']}/model", run_id=S["run_id"])
    eq(mv.version, "5", "next version after deleting the last one")
    client.delete_model_version(S["main"], "3")
    try:
        client.get_model_version_by_alias(S["main"], "champion")
        raise AssertionError("the alias of a deleted version still resolves")
    except MlflowException as e:
        if e.error_code not in ("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST"):
            raise
    aliases = client.get_registered_model(S["main"]).aliases
    if aliases == {}:
        return "the deleted version's alias is gone (Edgeflow)"
    eq(aliases, {"champion": "3"}, "aliases")
    return "the deleted version's alias dangles (MLflow 2.12.2 compares the alias' int version to the str)"


@check("delete_registered_model")
def _():
    for name in (S["main"], S["aux"], S["reg_name"]):
        client.delete_registered_model(name)
        expect_mlflow_error(lambda n=name: client.get_registered_model(n), "RESOURCE_DOES_NOT_EXIST")
    eq(client.search_model_versions(f"name LIKE '{PREFIX}%'"), [], "no versions left")
    eq(client.search_registered_models(filter_string=f"name LIKE '{PREFIX}%'"), [], "no models left")


finish()
