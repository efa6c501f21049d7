#!/usr/bin/env python3
"""AI gateway scenario for the official MLflow 3.11.1 Python client.

It drives the client's own gateway store methods (`RestStore`, the store MLflow's client uses for
an http tracking URI: `/api/3.0/mlflow/gateway/...`) through secrets, model definitions,
endpoints (fallbacks, traffic split), model attachment, endpoint tags, bindings and budget
policies, and the errors the client raises as MlflowException with MLflow's error codes. Then it
calls the endpoints the ways MLflow 3.11 users do, over an OpenAI-compatible stand-in this
script serves on 127.0.0.1:

- the 3.11 deployments client's `predict` (POST /endpoints/<name>/invocations);
- MLflow 3's unified path, POST /gateway/<name>/mlflow/invocations (chat and embeddings);
- the OpenAI-compatible path MLflow 3.11 builds for `gateway:/<name>` models (its
  `mlflow.genai.utils.gateway_utils.get_gateway_config`: `<tracking URI>/gateway/mlflow/v1/`),
  POST .../chat/completions with `model` = the endpoint, through the `openai` package if it is
  installed, else `requests`;

and reads the usage-tracking traces back from the endpoint's `gateway/<name>` experiment with
`MlflowClient().search_traces`.

Usage (the worker may only call a loopback provider the operator names):
    EDGEFLOW_OUTBOUND_ALLOW=127.0.0.1:8765 npm start          # in one terminal
    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python3 test/mlflow-client/scenario_gateway3.py

GATEWAY_STANDIN_PORT moves the stand-in (8765 by default). Prints PASS/FAIL per check and
"N passed, M failed"; exit status 0 only if nothing failed.
"""
import importlib.util
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import mlflow
import requests
from mlflow.entities import (
    BudgetAction,
    BudgetDuration,
    BudgetDurationUnit,
    BudgetTargetScope,
    BudgetUnit,
    GatewayEndpointModelConfig,
    GatewayEndpointTag,
    GatewayModelLinkageType,
    GatewayResourceType,
    RoutingStrategy,
)
from mlflow.entities.gateway_endpoint import FallbackConfig, FallbackStrategy
from mlflow.store.tracking.rest_store import RestStore
from mlflow.client import MlflowClient  # a source checkout: `mlflow` exports it only when installed
from mlflow.tracking._tracking_service.utils import _get_store

from harness import SUFFIX, check, eq, expect_mlflow_error, finish

URI = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
PORT = int(os.environ.get("GATEWAY_STANDIN_PORT", "8765"))
OLD_KEY = "sk-old-scenario-key-0000"
KEY = "sk-test-scenario-0123456789"
FAILING_MODEL = "failing-model"
seen = []

PRIMARY = GatewayModelLinkageType.PRIMARY
FALLBACK = GatewayModelLinkageType.FALLBACK


class StandIn(BaseHTTPRequestHandler):
    """OpenAI's chat/completions and embeddings; the model `failing-model` always answers 500."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        status = 200
        if body.get("model") == FAILING_MODEL:
            status, answer = 500, {"error": {"message": "stand-in failure", "type": "server_error"}}
        elif self.path.endswith("/embeddings"):
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            answer = {
                "object": "list",
                "data": [{"object": "embedding", "index": i, "embedding": [len(t), i]} for i, t in enumerate(inputs)],
                "model": body["model"],
                "usage": {"prompt_tokens": len(inputs), "total_tokens": len(inputs)},
            }
        else:
            last = [m for m in body["messages"] if m["role"] == "user"][-1]["content"]
            answer = {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 1700000000,
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": f"echo: {last}"}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
            }
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", PORT), StandIn)
threading.Thread(target=server.serve_forever, daemon=True).start()

store = _get_store()
client = MlflowClient()
S = {}  # ids shared between checks
NAME = f"scn3-chat-{SUFFIX}"
SPLIT = f"scn3-split-{SUFFIX}"
GATEWAY = f"{URI}/api/3.0/mlflow/gateway"


def ids(items, attr):
    return {getattr(i, attr) for i in items}


@check(f"MLflow {mlflow.__version__} client: the tracking store is RestStore")
def _():
    assert isinstance(store, RestStore), type(store)
    assert isinstance(client._tracking_client.store, RestStore)
    return type(store).__name__


# ---------------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------------


@check("create_gateway_secret: masked value, provider and auth_config back, never the value")
def _():
    secret = store.create_gateway_secret(
        secret_name=f"scn3-key-{SUFFIX}",
        secret_value={"api_key": OLD_KEY},
        provider="openai",
        auth_config={"api_base": f"http://127.0.0.1:{PORT}/v1"},
    )
    assert secret.secret_id, "no secret_id"
    eq(secret.secret_name, f"scn3-key-{SUFFIX}", "secret_name")
    eq(secret.masked_values, {"api_key": "sk-...0000"}, "masked_values")
    eq(secret.provider, "openai", "provider")
    eq(secret.auth_config, {"api_base": f"http://127.0.0.1:{PORT}/v1"}, "auth_config")
    assert secret.created_at > 0 and secret.last_updated_at >= secret.created_at, "timestamps"
    assert OLD_KEY not in repr(secret), "the value came back"
    S["secret"] = secret.secret_id
    S["secret_name"] = secret.secret_name
    # A second secret for the provider filter.
    S["other_secret"] = store.create_gateway_secret(
        secret_name=f"scn3-other-{SUFFIX}", secret_value={"api_key": "ant-key-abcdefgh"}, provider="anthropic"
    ).secret_id
    return secret.secret_id


@check("get_secret_info / list_secret_infos (provider filter); no answer carries the value")
def _():
    got = store.get_secret_info(secret_id=S["secret"])
    eq(got.secret_name, S["secret_name"], "secret_name")
    eq(got.masked_values, {"api_key": "sk-...0000"}, "masked_values")
    eq(got.auth_config, {"api_base": f"http://127.0.0.1:{PORT}/v1"}, "auth_config")
    all_ids = ids(store.list_secret_infos(), "secret_id")
    assert {S["secret"], S["other_secret"]} <= all_ids, "list_secret_infos() misses the secrets"
    openai_ids = ids(store.list_secret_infos(provider="openai"), "secret_id")
    assert S["secret"] in openai_ids and S["other_secret"] not in openai_ids, "provider filter"
    for path in (f"secrets/get?secret_id={S['secret']}", "secrets/list"):
        text = requests.get(f"{GATEWAY}/{path}", timeout=30).text
        assert OLD_KEY not in text, f"{path} answered the value"


@check("update_gateway_secret: rotate the value (new mask), then auth_config alone keeps it")
def _():
    rotated = store.update_gateway_secret(S["secret"], secret_value={"api_key": KEY})
    eq(rotated.masked_values, {"api_key": "sk-...6789"}, "masked after rotation")
    eq(rotated.secret_name, S["secret_name"], "name unchanged")
    assert KEY not in repr(rotated), "the new value came back"
    config = {"api_base": f"http://127.0.0.1:{PORT}/v1", "organization": "scn3-org"}
    updated = store.update_gateway_secret(S["secret"], auth_config=config)
    eq(updated.masked_values, {"api_key": "sk-...6789"}, "value kept")
    eq(updated.auth_config, config, "auth_config replaced")
    eq(store.get_secret_info(secret_id=S["secret"]).auth_config, config, "auth_config read back")


@check("secret errors: duplicate name, unknown id (get, update, delete)")
def _():
    expect_mlflow_error(
        lambda: store.create_gateway_secret(secret_name=S["secret_name"], secret_value={"api_key": "x" * 12}),
        "RESOURCE_ALREADY_EXISTS",
    )
    expect_mlflow_error(lambda: store.get_secret_info(secret_id="s-doesnotexist"), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(
        lambda: store.update_gateway_secret("s-doesnotexist", secret_value={"api_key": "y" * 12}),
        "RESOURCE_DOES_NOT_EXIST",
    )
    expect_mlflow_error(lambda: store.delete_gateway_secret("s-doesnotexist"), "RESOURCE_DOES_NOT_EXIST")


# ---------------------------------------------------------------------------------------------
# Model definitions
# ---------------------------------------------------------------------------------------------


@check("create_gateway_model_definition (x4) / get: secret name joined in")
def _():
    def make(label, model_name):
        return store.create_gateway_model_definition(
            name=f"scn3-{label}-{SUFFIX}", secret_id=S["secret"], provider="openai", model_name=model_name
        )

    good = make("good", "stand-in-model")
    eq(good.secret_id, S["secret"], "secret_id")
    eq(good.secret_name, S["secret_name"], "secret_name")
    eq((good.provider, good.model_name), ("openai", "stand-in-model"), "provider, model_name")
    assert good.model_definition_id, "no id"
    S["def_good"] = good.model_definition_id
    S["def_failing"] = make("failing", FAILING_MODEL).model_definition_id
    S["def_a"] = make("split-a", "split-model-a").model_definition_id
    S["def_b"] = make("split-b", "split-model-b").model_definition_id
    got = store.get_gateway_model_definition(S["def_good"])
    eq((got.name, got.secret_name, got.model_name), (good.name, S["secret_name"], "stand-in-model"), "get")


@check("list_gateway_model_definitions: all, by provider, by secret_id")
def _():
    mine = {S["def_good"], S["def_failing"], S["def_a"], S["def_b"]}
    assert mine <= ids(store.list_gateway_model_definitions(), "model_definition_id"), "list()"
    assert mine <= ids(store.list_gateway_model_definitions(provider="openai"), "model_definition_id"), "provider"
    by_secret = ids(store.list_gateway_model_definitions(secret_id=S["secret"]), "model_definition_id")
    eq(by_secret, mine, "secret_id filter")
    eq(store.list_gateway_model_definitions(secret_id=S["other_secret"]), [], "other secret's definitions")


@check("update_gateway_model_definition: name and model_name, the rest kept")
def _():
    definition = store.create_gateway_model_definition(
        name=f"scn3-tmp-{SUFFIX}", secret_id=S["secret"], provider="openai", model_name="tmp-model"
    )
    updated = store.update_gateway_model_definition(
        definition.model_definition_id, name=f"scn3-renamed-{SUFFIX}", model_name="tmp-model-2"
    )
    eq((updated.name, updated.model_name), (f"scn3-renamed-{SUFFIX}", "tmp-model-2"), "updated fields")
    eq((updated.provider, updated.secret_id), ("openai", S["secret"]), "kept fields")
    got = store.get_gateway_model_definition(definition.model_definition_id)
    eq(got.name, f"scn3-renamed-{SUFFIX}", "read back")
    S["def_tmp"] = definition.model_definition_id


@check("delete_gateway_model_definition; then get/delete it: RESOURCE_DOES_NOT_EXIST")
def _():
    store.delete_gateway_model_definition(S["def_tmp"])
    expect_mlflow_error(lambda: store.get_gateway_model_definition(S["def_tmp"]), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(lambda: store.delete_gateway_model_definition(S["def_tmp"]), "RESOURCE_DOES_NOT_EXIST")


@check("model definition errors: unknown secret, duplicate name, unknown id on update")
def _():
    expect_mlflow_error(
        lambda: store.create_gateway_model_definition(
            name=f"scn3-nosecret-{SUFFIX}", secret_id="s-doesnotexist", provider="openai", model_name="m"
        ),
        "RESOURCE_DOES_NOT_EXIST",
    )
    expect_mlflow_error(
        lambda: store.create_gateway_model_definition(
            name=f"scn3-good-{SUFFIX}", secret_id=S["secret"], provider="openai", model_name="m"
        ),
        "RESOURCE_ALREADY_EXISTS",
    )
    expect_mlflow_error(
        lambda: store.update_gateway_model_definition("d-doesnotexist", name="x"), "RESOURCE_DOES_NOT_EXIST"
    )


# ---------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------


def mappings_by_definition(endpoint):
    return {m.model_definition_id: m for m in endpoint.model_mappings}


@check("create_gateway_endpoint: PRIMARY + FALLBACK, fallback_config, usage tracking experiment")
def _():
    endpoint = store.create_gateway_endpoint(
        name=NAME,
        model_configs=[
            GatewayEndpointModelConfig(S["def_failing"], PRIMARY),
            GatewayEndpointModelConfig(S["def_good"], FALLBACK, fallback_order=0),
        ],
        fallback_config=FallbackConfig(strategy=FallbackStrategy.SEQUENTIAL, max_attempts=2),
    )
    assert endpoint.endpoint_id, "no endpoint_id"
    eq(endpoint.name, NAME, "name")
    m = mappings_by_definition(endpoint)
    eq(set(m), {S["def_failing"], S["def_good"]}, "mapped definitions")
    eq(m[S["def_failing"]].linkage_type, PRIMARY, "primary linkage")
    eq((m[S["def_good"]].linkage_type, m[S["def_good"]].fallback_order), (FALLBACK, 0), "fallback linkage")
    assert m[S["def_good"]].model_definition is not None, "mapping without its model definition"
    eq(m[S["def_good"]].model_definition.model_name, "stand-in-model", "joined model definition")
    eq(endpoint.fallback_config, FallbackConfig(strategy=FallbackStrategy.SEQUENTIAL, max_attempts=2), "fallback_config")
    eq(endpoint.usage_tracking, True, "usage_tracking")
    assert endpoint.experiment_id, "no experiment_id for a tracked endpoint"
    S["endpoint"] = endpoint.endpoint_id
    S["experiment"] = endpoint.experiment_id
    experiment = client.get_experiment(endpoint.experiment_id)
    eq(experiment.name, f"gateway/{NAME}", "experiment name")
    eq(experiment.tags.get("mlflow.experiment.sourceType"), "GATEWAY", "sourceType tag")
    eq(experiment.tags.get("mlflow.experiment.sourceId"), endpoint.endpoint_id, "sourceId tag")
    return endpoint.endpoint_id


@check("create_gateway_endpoint: REQUEST_BASED_TRAFFIC_SPLIT with weights, no usage tracking")
def _():
    endpoint = store.create_gateway_endpoint(
        name=SPLIT,
        model_configs=[
            GatewayEndpointModelConfig(S["def_a"], PRIMARY, weight=0.75),
            GatewayEndpointModelConfig(S["def_b"], PRIMARY, weight=0.25),
        ],
        routing_strategy=RoutingStrategy.REQUEST_BASED_TRAFFIC_SPLIT,
        usage_tracking=False,
    )
    eq(endpoint.routing_strategy, RoutingStrategy.REQUEST_BASED_TRAFFIC_SPLIT, "routing_strategy")
    weights = {d: m.weight for d, m in mappings_by_definition(endpoint).items()}
    eq(weights, {S["def_a"]: 0.75, S["def_b"]: 0.25}, "weights")
    eq(endpoint.usage_tracking, False, "usage_tracking")
    eq(endpoint.experiment_id, None, "experiment_id")
    S["split"] = endpoint.endpoint_id


@check("get_gateway_endpoint by id and by name; list_gateway_endpoints (all, provider)")
def _():
    by_id = store.get_gateway_endpoint(endpoint_id=S["endpoint"])
    by_name = store.get_gateway_endpoint(name=NAME)
    eq(by_id.endpoint_id, by_name.endpoint_id, "same endpoint")
    eq(set(mappings_by_definition(by_name)), {S["def_failing"], S["def_good"]}, "mappings")
    eq(by_id.fallback_config.max_attempts, 2, "fallback_config.max_attempts")
    split = store.get_gateway_endpoint(endpoint_id=S["split"])
    eq(split.routing_strategy, RoutingStrategy.REQUEST_BASED_TRAFFIC_SPLIT, "split routing_strategy")
    listed = {e.endpoint_id: e for e in store.list_gateway_endpoints()}
    assert {S["endpoint"], S["split"]} <= set(listed), "list_gateway_endpoints() misses them"
    eq(len(listed[S["endpoint"]].model_mappings), 2, "listed endpoint's mappings")
    assert {S["endpoint"], S["split"]} <= ids(store.list_gateway_endpoints(provider="openai"), "endpoint_id")
    assert S["endpoint"] not in ids(store.list_gateway_endpoints(provider="anthropic"), "endpoint_id")


@check("update_gateway_endpoint: rename, fallback_config, model_configs replaced")
def _():
    renamed = f"{SPLIT}-renamed"
    updated = store.update_gateway_endpoint(
        S["split"],
        name=renamed,
        model_configs=[
            GatewayEndpointModelConfig(S["def_a"], PRIMARY, weight=0.5),
            GatewayEndpointModelConfig(S["def_b"], PRIMARY, weight=0.5),
            GatewayEndpointModelConfig(S["def_good"], FALLBACK, fallback_order=0),
        ],
        fallback_config=FallbackConfig(strategy=FallbackStrategy.SEQUENTIAL, max_attempts=1),
    )
    eq(updated.name, renamed, "name")
    m = mappings_by_definition(updated)
    eq({d: (x.linkage_type, x.weight) for d, x in m.items()},
       {S["def_a"]: (PRIMARY, 0.5), S["def_b"]: (PRIMARY, 0.5), S["def_good"]: (FALLBACK, 1.0)}, "mappings")
    eq(updated.fallback_config.max_attempts, 1, "fallback_config.max_attempts")
    eq(updated.routing_strategy, RoutingStrategy.REQUEST_BASED_TRAFFIC_SPLIT, "routing_strategy kept")
    got = store.get_gateway_endpoint(name=renamed)
    eq(got.endpoint_id, S["split"], "found by its new name")
    expect_mlflow_error(lambda: store.get_gateway_endpoint(name=SPLIT), "RESOURCE_DOES_NOT_EXIST")
    # fallback_config alone keeps the mappings
    again = store.update_gateway_endpoint(
        S["split"], fallback_config=FallbackConfig(strategy=FallbackStrategy.SEQUENTIAL, max_attempts=3)
    )
    eq(again.fallback_config.max_attempts, 3, "fallback_config alone")
    eq(len(again.model_mappings), 3, "mappings kept")


@check("attach_model_to_endpoint / detach_model_from_endpoint, twice each")
def _():
    mapping = store.attach_model_to_endpoint(
        S["endpoint"], GatewayEndpointModelConfig(S["def_a"], FALLBACK, fallback_order=1)
    )
    eq((mapping.endpoint_id, mapping.model_definition_id), (S["endpoint"], S["def_a"]), "mapping ids")
    eq((mapping.linkage_type, mapping.fallback_order), (FALLBACK, 1), "mapping linkage")
    assert mapping.mapping_id, "no mapping_id"
    eq(len(store.get_gateway_endpoint(endpoint_id=S["endpoint"]).model_mappings), 3, "attached")
    expect_mlflow_error(
        lambda: store.attach_model_to_endpoint(S["endpoint"], GatewayEndpointModelConfig(S["def_a"], FALLBACK)),
        "RESOURCE_ALREADY_EXISTS",
    )
    store.detach_model_from_endpoint(S["endpoint"], S["def_a"])
    eq(set(mappings_by_definition(store.get_gateway_endpoint(endpoint_id=S["endpoint"]))),
       {S["def_failing"], S["def_good"]}, "detached")
    expect_mlflow_error(lambda: store.detach_model_from_endpoint(S["endpoint"], S["def_a"]), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(
        lambda: store.attach_model_to_endpoint("e-doesnotexist", GatewayEndpointModelConfig(S["def_a"], PRIMARY)),
        "RESOURCE_DOES_NOT_EXIST",
    )
    expect_mlflow_error(
        lambda: store.attach_model_to_endpoint(S["endpoint"], GatewayEndpointModelConfig("d-doesnotexist", PRIMARY)),
        "RESOURCE_DOES_NOT_EXIST",
    )


@check("set_gateway_endpoint_tag (set, overwrite) / delete_gateway_endpoint_tag")
def _():
    store.set_gateway_endpoint_tag(S["endpoint"], GatewayEndpointTag("team", "ml"))
    store.set_gateway_endpoint_tag(S["endpoint"], GatewayEndpointTag("stage", "dev"))
    store.set_gateway_endpoint_tag(S["endpoint"], GatewayEndpointTag("stage", "prod"))
    tags = {t.key: t.value for t in store.get_gateway_endpoint(endpoint_id=S["endpoint"]).tags}
    eq(tags, {"team": "ml", "stage": "prod"}, "tags")
    store.delete_gateway_endpoint_tag(S["endpoint"], "team")
    tags = {t.key: t.value for t in store.get_gateway_endpoint(endpoint_id=S["endpoint"]).tags}
    eq(tags, {"stage": "prod"}, "after delete")
    expect_mlflow_error(
        lambda: store.set_gateway_endpoint_tag("e-doesnotexist", GatewayEndpointTag("k", "v")), "RESOURCE_DOES_NOT_EXIST"
    )
    expect_mlflow_error(lambda: store.delete_gateway_endpoint_tag("e-doesnotexist", "k"), "RESOURCE_DOES_NOT_EXIST")


@check("endpoint errors: invalid name, no model_configs, unknown definition, unknown id/name, neither")
def _():
    expect_mlflow_error(
        lambda: store.create_gateway_endpoint(
            name="bad name!", model_configs=[GatewayEndpointModelConfig(S["def_good"], PRIMARY)]
        ),
        "INVALID_PARAMETER_VALUE",
    )
    expect_mlflow_error(lambda: store.create_gateway_endpoint(name=f"scn3-empty-{SUFFIX}", model_configs=[]),
                        "INVALID_PARAMETER_VALUE")
    expect_mlflow_error(
        lambda: store.create_gateway_endpoint(
            name=f"scn3-nodef-{SUFFIX}", model_configs=[GatewayEndpointModelConfig("d-doesnotexist", PRIMARY)]
        ),
        "RESOURCE_DOES_NOT_EXIST",
    )
    expect_mlflow_error(lambda: store.get_gateway_endpoint(endpoint_id="e-doesnotexist"), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(lambda: store.get_gateway_endpoint(name=f"nope-{SUFFIX}"), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(lambda: store.get_gateway_endpoint(), "INVALID_PARAMETER_VALUE")
    expect_mlflow_error(lambda: store.update_gateway_endpoint("e-doesnotexist", name="x"), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(lambda: store.update_gateway_endpoint(S["endpoint"], name="bad name!"),
                        "INVALID_PARAMETER_VALUE")
    expect_mlflow_error(lambda: store.delete_gateway_endpoint("e-doesnotexist"), "RESOURCE_DOES_NOT_EXIST")


@check("delete_gateway_model_definition of an attached one: 500 INVALID_STATE")
def _():
    # MLflow answers INVALID_STATE with HTTP 500, and the 3.11 client retries every 500 and then
    # raises its own INTERNAL_ERROR ("too many 500 error responses"), against MLflow's server as
    # against Edgeflow (even with MLFLOW_HTTP_REQUEST_MAX_RETRIES=0). So check the answer itself,
    # then that the client raises, quickly.
    raw = requests.delete(
        f"{GATEWAY}/model-definitions/delete", json={"model_definition_id": S["def_good"]}, timeout=30
    )
    eq((raw.status_code, raw.json().get("error_code")), (500, "INVALID_STATE"), "answer")
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    try:
        error = expect_mlflow_error(lambda: store.delete_gateway_model_definition(S["def_good"]), "INTERNAL_ERROR")
    finally:
        del os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"]
    assert "500" in error.message, error.message
    store.get_gateway_model_definition(S["def_good"])  # still there


# ---------------------------------------------------------------------------------------------
# Bindings
# ---------------------------------------------------------------------------------------------


@check("create/list/delete_endpoint_binding, and their errors")
def _():
    scorer = GatewayResourceType.SCORER
    binding = store.create_endpoint_binding(S["endpoint"], scorer, f"judge-{SUFFIX}")
    eq((binding.endpoint_id, binding.resource_type, binding.resource_id),
       (S["endpoint"], scorer, f"judge-{SUFFIX}"), "binding")
    assert binding.created_at > 0, "created_at"
    store.create_endpoint_binding(S["endpoint"], scorer, f"judge2-{SUFFIX}")
    listed = store.list_endpoint_bindings(endpoint_id=S["endpoint"])
    eq({b.resource_id for b in listed}, {f"judge-{SUFFIX}", f"judge2-{SUFFIX}"}, "by endpoint_id")
    eq([b.resource_id for b in store.list_endpoint_bindings(resource_id=f"judge-{SUFFIX}")],
       [f"judge-{SUFFIX}"], "by resource_id")
    assert {f"judge-{SUFFIX}", f"judge2-{SUFFIX}"} <= {
        b.resource_id for b in store.list_endpoint_bindings(resource_type=scorer)
    }, "by resource_type"
    store.delete_endpoint_binding(S["endpoint"], "scorer", f"judge2-{SUFFIX}")
    eq([b.resource_id for b in store.list_endpoint_bindings(endpoint_id=S["endpoint"])],
       [f"judge-{SUFFIX}"], "after delete")
    expect_mlflow_error(lambda: store.delete_endpoint_binding(S["endpoint"], "scorer", f"judge2-{SUFFIX}"),
                        "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(lambda: store.create_endpoint_binding("e-doesnotexist", scorer, "j"),
                        "RESOURCE_DOES_NOT_EXIST")
    # the same binding again: MLflow's primary-key IntegrityError, BAD_REQUEST
    expect_mlflow_error(lambda: store.create_endpoint_binding(S["endpoint"], scorer, f"judge-{SUFFIX}"),
                        "BAD_REQUEST")


# ---------------------------------------------------------------------------------------------
# Budget policies
# ---------------------------------------------------------------------------------------------


@check("create_budget_policy / get_budget_policy")
def _():
    policy = store.create_budget_policy(
        budget_unit=BudgetUnit.USD,
        budget_amount=1000.0,
        duration=BudgetDuration(unit=BudgetDurationUnit.DAYS, value=1),
        target_scope=BudgetTargetScope.GLOBAL,
        budget_action=BudgetAction.ALERT,
    )
    assert policy.budget_policy_id.startswith("bp-"), policy.budget_policy_id
    eq((policy.budget_unit, policy.budget_amount, policy.target_scope, policy.budget_action),
       (BudgetUnit.USD, 1000.0, BudgetTargetScope.GLOBAL, BudgetAction.ALERT), "fields")
    eq(policy.duration, BudgetDuration(unit=BudgetDurationUnit.DAYS, value=1), "duration")
    got = store.get_budget_policy(policy.budget_policy_id)
    eq((got.budget_amount, got.duration, got.budget_action), (1000.0, policy.duration, BudgetAction.ALERT), "get")
    S["policy"] = policy.budget_policy_id


@check("update_budget_policy: only the fields given change")
def _():
    updated = store.update_budget_policy(S["policy"], budget_amount=2500.5, budget_action=BudgetAction.REJECT)
    eq((updated.budget_amount, updated.budget_action), (2500.5, BudgetAction.REJECT), "updated")
    eq((updated.duration, updated.target_scope), (BudgetDuration(BudgetDurationUnit.DAYS, 1), BudgetTargetScope.GLOBAL),
       "kept")
    updated = store.update_budget_policy(
        S["policy"], duration=BudgetDuration(BudgetDurationUnit.HOURS, 6), target_scope=BudgetTargetScope.WORKSPACE
    )
    eq((updated.duration, updated.target_scope, updated.budget_amount),
       (BudgetDuration(BudgetDurationUnit.HOURS, 6), BudgetTargetScope.WORKSPACE, 2500.5), "second update")
    eq(store.get_budget_policy(S["policy"]).duration.unit, BudgetDurationUnit.HOURS, "read back")


@check("list_budget_policies: pages of 1 through next_page_token")
def _():
    extra = [
        store.create_budget_policy(
            BudgetUnit.USD, 100.0 + i, BudgetDuration(BudgetDurationUnit.MONTHS, 1), BudgetTargetScope.GLOBAL,
            BudgetAction.ALERT,
        ).budget_policy_id
        for i in range(2)
    ]
    S["extra_policies"] = extra
    seen_ids, token, pages = [], None, 0
    while True:
        page = store.list_budget_policies(max_results=1, page_token=token)
        assert len(page) <= 1, f"page of {len(page)}"
        seen_ids += [p.budget_policy_id for p in page]
        pages += 1
        token = page.token
        if not token or pages > 1000:
            break
    eq(len(seen_ids), len(set(seen_ids)), "no policy twice")
    assert {S["policy"], *extra} <= set(seen_ids), "a policy is missing from the pages"
    everything = store.list_budget_policies()
    assert {S["policy"], *extra} <= ids(everything, "budget_policy_id"), "one page"
    return f"{pages} pages"


@check("budget errors: duration.value 0, unknown id (get, update, delete); delete_budget_policy")
def _():
    expect_mlflow_error(
        lambda: store.create_budget_policy(
            BudgetUnit.USD, 5.0, BudgetDuration(BudgetDurationUnit.DAYS, 0), BudgetTargetScope.GLOBAL, BudgetAction.ALERT
        ),
        "INVALID_PARAMETER_VALUE",
    )
    expect_mlflow_error(lambda: store.get_budget_policy("bp-doesnotexist"), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(lambda: store.update_budget_policy("bp-doesnotexist", budget_amount=1.0),
                        "RESOURCE_DOES_NOT_EXIST")
    for policy_id in [S["policy"], *S.get("extra_policies", [])]:
        store.delete_budget_policy(policy_id)
    expect_mlflow_error(lambda: store.get_budget_policy(S["policy"]), "RESOURCE_DOES_NOT_EXIST")
    expect_mlflow_error(lambda: store.delete_budget_policy(S["policy"]), "RESOURCE_DOES_NOT_EXIST")


# ---------------------------------------------------------------------------------------------
# Calling the endpoints
# ---------------------------------------------------------------------------------------------


@check("3.11 deployments client predict: the failing primary, then the fallback, with the rotated key")
def _():
    # get_deploy_client finds its "http" plugin through entry points, which a source checkout has
    # not; this is the class it returns for an http target. predict() posts to
    # /endpoints/<name>/invocations.
    from mlflow.deployments.mlflow import MlflowDeploymentClient

    deploy = MlflowDeploymentClient(URI)
    seen.clear()
    answer = deploy.predict(endpoint=NAME, inputs={"messages": [{"role": "user", "content": "hello"}]})
    eq(answer["object"], "chat.completion", "object")
    eq(answer["choices"][0]["message"]["content"], "echo: hello", "content")
    eq(answer["usage"]["total_tokens"], 5, "usage")
    eq([s["body"]["model"] for s in seen], [FAILING_MODEL, "stand-in-model"], "models tried")
    eq({s["auth"] for s in seen}, {f"Bearer {KEY}"}, "key used")
    assert all(s["path"] == "/v1/chat/completions" for s in seen), [s["path"] for s in seen]


@check("POST /gateway/<name>/mlflow/invocations: chat and embeddings")
def _():
    seen.clear()
    response = requests.post(
        f"{URI}/gateway/{NAME}/mlflow/invocations",
        json={"messages": [{"role": "user", "content": "unified"}], "temperature": 0.1},
        timeout=60,
    )
    eq(response.status_code, 200, f"chat status ({response.text[:200]})")
    body = response.json()
    eq(body["choices"][0]["message"]["content"], "echo: unified", "content")
    eq(seen[-1]["body"].get("temperature"), 0.1, "temperature passed on")
    response = requests.post(f"{URI}/gateway/{NAME}/mlflow/invocations", json={"input": ["ab", "abc"]}, timeout=60)
    eq(response.status_code, 200, f"embeddings status ({response.text[:200]})")
    eq([d["embedding"] for d in response.json()["data"]], [[2, 0], [3, 1]], "embeddings")
    missing = requests.post(
        f"{URI}/gateway/nope-{SUFFIX}/mlflow/invocations", json={"messages": [{"role": "user", "content": "x"}]},
        timeout=60,
    )
    eq(missing.status_code, 404, "unknown endpoint")


def gateway_api_base():
    """MLflow 3.11's own base URL for `gateway:/<name>` models. mlflow.genai's package import pulls
    in FastAPI, which this machine may lack, so load the one module from the checkout if needed."""
    try:
        from mlflow.genai.utils.gateway_utils import get_gateway_config
    except ModuleNotFoundError:
        path = os.path.join(os.path.dirname(mlflow.__file__), "genai", "utils", "gateway_utils.py")
        spec = importlib.util.spec_from_file_location("_scn3_gateway_utils", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
        get_gateway_config = module.get_gateway_config
    return get_gateway_config(NAME).api_base


@check("OpenAI-compatible /gateway/mlflow/v1/chat/completions (model = endpoint), the split endpoint too")
def _():
    base = gateway_api_base()
    eq(base.rstrip("/"), f"{URI}/gateway/mlflow/v1", "api_base")
    try:
        import openai
    except ImportError:
        openai = None
    results = []
    for endpoint, word in ((NAME, "openai"), (f"{SPLIT}-renamed", "split")):
        seen.clear()
        messages = [{"role": "user", "content": word}]
        if openai is not None:
            answer = openai.OpenAI(base_url=base, api_key="unused").chat.completions.create(
                model=endpoint, messages=messages
            ).model_dump()
        else:
            response = requests.post(f"{base.rstrip('/')}/chat/completions",
                                     json={"model": endpoint, "messages": messages}, timeout=60)
            eq(response.status_code, 200, f"status ({response.text[:200]})")
            answer = response.json()
        eq(answer["choices"][0]["message"]["content"], f"echo: {word}", "content")
        results.append(seen[-1]["body"]["model"])
    eq(results[0], "stand-in-model", "fallback answered")
    assert results[1] in ("split-model-a", "split-model-b"), results[1]
    return ("openai package" if openai else "requests") + f"; split routed to {results[1]}"


@check("usage tracking: traces in the endpoint's gateway/<name> experiment (search_traces)")
def _():
    deadline = time.time() + 30
    traces = []
    while time.time() < deadline:
        traces = client.search_traces(locations=[S["experiment"]], max_results=50)
        if len(traces) >= 4:  # predict, unified chat, unified embeddings, OpenAI path
            break
        time.sleep(1)
    eq(len(traces), 4, "traces")
    for trace in traces:
        eq(trace.info.experiment_id, S["experiment"], "experiment_id")
        eq(trace.info.state.value if hasattr(trace.info.state, "value") else str(trace.info.state), "OK", "state")
        eq(trace.info.request_metadata.get("mlflow.gateway.endpointId"), S["endpoint"], "endpointId metadata")
    kinds = sorted(t.info.request_metadata.get("mlflow.gateway.requestType") for t in traces)
    eq(kinds, ["unified/chat"] * 3 + ["unified/embeddings"], "requestType metadata")
    chats = [t for t in traces if t.info.request_metadata.get("mlflow.gateway.requestType") == "unified/chat"]
    for chat in chats:
        eq(chat.info.token_usage, {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}, "token usage")
        names = sorted(s.name for s in chat.data.spans)
        eq(names, sorted([f"gateway/{NAME}", f"provider/openai/{FAILING_MODEL}", "provider/openai/stand-in-model"]),
           "span names")
        root = [s for s in chat.data.spans if s.parent_id is None]
        eq([s.name for s in root], [f"gateway/{NAME}"], "root span")
    assert client.get_experiment_by_name(f"gateway/{SPLIT}-renamed") is None, "an experiment for an untracked endpoint"
    S["chat_trace"] = chats[0]
    return f"{len(traces)} traces"


@check("usage tracking: span attributes, inputs and outputs as the 3.11 client decodes them")
def _():
    trace = client.get_trace(S["chat_trace"].info.trace_id)
    root = [s for s in trace.data.spans if s.parent_id is None][0]
    eq(root.span_type, "LLM", "root span_type")
    eq(root.attributes.get("endpoint_id"), S["endpoint"], "root endpoint_id attribute")
    eq(root.attributes.get("endpoint_name"), NAME, "root endpoint_name attribute")
    assert isinstance(root.inputs, dict), f"root inputs are a {type(root.inputs).__name__}: {root.inputs!r:.120}"
    assert isinstance(root.outputs, dict), f"root outputs are a {type(root.outputs).__name__}"
    eq(root.outputs["choices"][0]["message"]["content"][:6], "echo: ", "root outputs")
    children = {s.attributes.get("mlflow.llm.model"): s for s in trace.data.spans if s.parent_id is not None}
    eq(set(children), {FAILING_MODEL, "stand-in-model"}, "child spans' mlflow.llm.model")
    eq(children["stand-in-model"].attributes.get("mlflow.chat.tokenUsage"),
       {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}, "mlflow.chat.tokenUsage")


# ---------------------------------------------------------------------------------------------
# Deleting
# ---------------------------------------------------------------------------------------------


@check("delete_gateway_endpoint (bindings go with it), then the definitions and the secret")
def _():
    store.delete_gateway_endpoint(S["endpoint"])
    expect_mlflow_error(lambda: store.get_gateway_endpoint(endpoint_id=S["endpoint"]), "RESOURCE_DOES_NOT_EXIST")
    eq(store.list_endpoint_bindings(endpoint_id=S["endpoint"]), [], "bindings after delete")
    assert S["endpoint"] not in ids(store.list_gateway_endpoints(), "endpoint_id"), "still listed"
    store.delete_gateway_endpoint(S["split"])
    for key in ("def_good", "def_failing", "def_a", "def_b"):
        store.delete_gateway_model_definition(S[key])
    store.delete_gateway_secret(S["secret"])
    store.delete_gateway_secret(S["other_secret"])
    expect_mlflow_error(lambda: store.get_secret_info(secret_id=S["secret"]), "RESOURCE_DOES_NOT_EXIST")
    assert S["secret"] not in ids(store.list_secret_infos(), "secret_id"), "secret still listed"


server.shutdown()
finish()
