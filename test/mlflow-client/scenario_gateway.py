#!/usr/bin/env python3
"""AI gateway scenario for the official MLflow Python client (2.12.2's deployments client).

It sets up a gateway endpoint through MLflow 3's gateway store API (POST /api/3.0/mlflow/gateway/...,
with `requests`: 2.12.2's client predates it), pointing at an OpenAI-compatible stand-in this
script serves on 127.0.0.1, then drives it with `mlflow.deployments.get_deploy_client`:
list_endpoints, get_endpoint and predict for llm/v1 chat, completions and embeddings, plus the
refusals the client turns into exceptions.

Usage (the worker may only call a loopback provider the operator names):
    EDGEFLOW_OUTBOUND_ALLOW=127.0.0.1:8765 npm start          # in one terminal
    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python3 test/mlflow-client/scenario_gateway.py

GATEWAY_STANDIN_PORT moves the stand-in (8765 by default). Prints PASS/FAIL per check and
"N passed, M failed"; exit status 0 only if nothing failed.
"""
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from mlflow.deployments import get_deploy_client
from mlflow.exceptions import MlflowException

from harness import SUFFIX, check, eq, finish

URI = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
PORT = int(os.environ.get("GATEWAY_STANDIN_PORT", "8765"))
KEY = "sk-test-scenario-0123456789"
seen = []


class StandIn(BaseHTTPRequestHandler):
    """OpenAI's chat/completions and embeddings, answering a deterministic echo."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if self.path.endswith("/embeddings"):
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
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", PORT), StandIn)
threading.Thread(target=server.serve_forever, daemon=True).start()


def store(path, body):
    response = requests.post(f"{URI}/api/3.0/mlflow/gateway/{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


NAME = f"scn-chat-{SUFFIX}"
S = {}


@check("gateway store API: secret (masked), model definition, endpoint")
def _():
    secret = store(
        "secrets/create",
        {
            "secret_name": f"scn-key-{SUFFIX}",
            "secret_value": {"api_key": KEY},
            "provider": "openai",
            "auth_config": {"api_base": f"http://127.0.0.1:{PORT}/v1"},
        },
    )["secret"]
    eq(secret["masked_values"], {"api_key": "sk-...6789"}, "masked value")
    assert KEY not in json.dumps(secret), "the secret came back"
    definition = store(
        "model-definitions/create",
        {"name": f"scn-def-{SUFFIX}", "secret_id": secret["secret_id"], "provider": "openai", "model_name": "stand-in-model"},
    )["model_definition"]
    endpoint = store(
        "endpoints/create",
        {"name": NAME, "model_configs": [{"model_definition_id": definition["model_definition_id"], "linkage_type": "PRIMARY"}]},
    )["endpoint"]
    eq(endpoint["name"], NAME)
    return endpoint["endpoint_id"]


try:
    client = get_deploy_client(URI)
except MlflowException:
    # A source checkout on PYTHONPATH has no entry points, so get_deploy_client finds no "http"
    # plugin; the class it would return for an http target is this one.
    from mlflow.deployments.mlflow import MlflowDeploymentClient

    client = MlflowDeploymentClient(URI)


@check("list_endpoints / get_endpoint")
def _():
    listed = [e for e in client.list_endpoints() if e.name == NAME]
    eq(len(listed), 1, "listed")
    endpoint = client.get_endpoint(NAME)
    eq(endpoint.endpoint_type, "llm/v1/chat")
    eq(endpoint.model.provider, "openai")
    eq(endpoint.model.name, "stand-in-model")
    return endpoint.endpoint_url


@check("predict: llm/v1 chat, the provider called with the key and the configured model")
def _():
    seen.clear()
    answer = client.predict(endpoint=NAME, inputs={"messages": [{"role": "user", "content": "hello"}], "temperature": 0})
    eq(answer["choices"][0]["message"]["content"], "echo: hello")
    eq(answer["usage"]["total_tokens"], 5)
    eq(seen[0]["auth"], f"Bearer {KEY}")
    eq(seen[0]["body"]["model"], "stand-in-model")


@check("predict: completions and embeddings")
def _():
    completion = client.predict(endpoint=NAME, inputs={"prompt": "once"})
    eq(completion["object"], "text_completion")
    eq(completion["choices"][0]["text"], "echo: once")
    vectors = client.predict(endpoint=NAME, inputs={"input": ["ab", "abc"]})
    eq([d["embedding"] for d in vectors["data"]], [[2, 0], [3, 1]])


@check("refusals: unknown endpoint, a `model` in the body")
def _():
    for inputs, endpoint, status in (
        ({"messages": [{"role": "user", "content": "x"}]}, f"nope-{SUFFIX}", "404"),
        ({"messages": [{"role": "user", "content": "x"}], "model": "gpt-4"}, NAME, "400"),
    ):
        try:
            client.predict(endpoint=endpoint, inputs=inputs)
        except Exception as e:  # noqa: BLE001 - the client raises requests' HTTPError (wrapped)
            assert status in str(e), f"expected {status} in {e}"
        else:
            raise AssertionError("no error raised")


finish()
