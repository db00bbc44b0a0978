"""The HTTP API through TestClient, and through a real `faqbot serve` process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from faqbot.api import create_app
from faqbot.service import FaqBot
from faqbot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def client(bot: FaqBot, settings: Settings, tmp_path: Path):
    s = settings.model_copy(
        update={"query_log": tmp_path / "q.sqlite3", "rate_limit_per_minute": 0}
    )
    with TestClient(create_app(s, bot=bot)) as c:
        yield c


def test_ask_answered(client: TestClient) -> None:
    r = client.post("/v1/ask", json={"question": "what is nanofat grafting", "top_k": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "answered"
    assert set(body) >= {
        "status",
        "answer",
        "related",
        "message",
        "refusal",
        "disclaimer",
        "request_id",
    }
    a = body["answer"]
    assert set(a) >= {"id", "question", "text", "score", "sources"}
    src = a["sources"][0]
    assert set(src) == {"source_id", "title", "publisher", "url", "passage", "start", "end"}
    assert r.headers["x-request-id"] == body["request_id"]


def test_ask_refused_and_no_match(client: TestClient) -> None:
    body = client.post("/v1/ask", json={"question": "I have psoriasis, can I get nanofat?"}).json()
    assert body["status"] == "refused" and body["answer"] is None
    assert body["refusal"] == {"reason": "personal_advice", "urgent": False}
    body = client.post("/v1/ask", json={"question": "what is the capital of peru"}).json()
    assert body["status"] == "no_match" and body["message"]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"question": ""}, 422, "empty_question"),
        ({"question": "   "}, 422, "empty_question"),
        ({"question": "x" * 1001}, 422, "question_too_long"),
        ({"question": 42}, 422, "invalid_request"),
        ({"question": "ok", "top_k": 0}, 422, "invalid_request"),
        ({"question": "ok", "top_k": 11}, 422, "invalid_request"),
        ({"question": "ok", "extra": 1}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
    ],
)
def test_bad_requests_get_json_errors(client: TestClient, payload, status: int, code: str) -> None:
    r = client.post("/v1/ask", json=payload)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["code"] == code and err["message"]


def test_non_json_and_oversized_bodies(client: TestClient) -> None:
    r = client.post("/v1/ask", content=b"not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
    big = json.dumps({"question": "a" * 20000})
    r = client.post("/v1/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    r = client.post(
        "/v1/ask",
        content="question=hi",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code in (400, 422) and "error" in r.json()


def test_content_endpoints(client: TestClient) -> None:
    listing = client.get("/v1/entries").json()
    assert {e["id"] for e in listing["entries"]} == {
        "basics-what-is-nanofat",
        "basics-cells",
        "practical-downtime",
    }
    only = client.get("/v1/entries", params={"topic": "practical"}).json()["entries"]
    assert [e["id"] for e in only] == ["practical-downtime"]
    e = client.get("/v1/entries/basics-cells").json()
    assert e["id"] == "basics-cells" and e["sources"]
    assert client.get("/v1/entries/practical-cost").status_code == 404  # a draft is not served
    s = client.get("/v1/sources/overview").json()
    assert s["title"].startswith("nanofat grafting") and "Cost varies" in s["text"]
    for bad in ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "NOPE", "sources.yaml"]:
        r = client.get(f"/v1/sources/{bad}")
        assert r.status_code == 404 and "error" in r.json()
        assert "root:" not in r.text


def test_health_ready_docs(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


def test_readyz_reports_stale_index(client: TestClient, settings: Settings) -> None:
    (settings.faq_dir / "synonyms.yaml").write_text("groups:\n  - [nanofat, nano fat]\n")
    client.app.state.digest_checked = (0.0, True)
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json()["status"] == "stale"


def test_feedback_is_recorded(client: TestClient, tmp_path: Path) -> None:
    import sqlite3

    rid = client.post("/v1/ask", json={"question": "what is nanofat"}).json()["request_id"]
    assert client.post(
        "/v1/feedback", json={"request_id": rid, "helpful": False, "comment": "too short"}
    ).json() == {"status": "recorded"}
    assert (
        client.post("/v1/feedback", json={"request_id": "x y", "helpful": True}).status_code == 422
    )
    client.app.state.querylog.flush()
    rows = (
        sqlite3.connect(tmp_path / "q.sqlite3")
        .execute("SELECT request_id, helpful, comment FROM feedback")
        .fetchall()
    )
    assert rows == [(rid, 0, "too short")]


def test_refused_question_text_is_not_stored_or_logged(client: TestClient, tmp_path: Path) -> None:
    import io
    import logging
    import sqlite3

    from faqbot.api import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("faqbot").addHandler(handler)
    try:
        secret = "I have psoriasis and HIV, can I get nanofat?"
        body = client.post("/v1/ask", json={"question": secret}).json()
    finally:
        logging.getLogger("faqbot").removeHandler(handler)
    assert body["status"] == "refused"
    client.app.state.querylog.flush()
    rows = (
        sqlite3.connect(tmp_path / "q.sqlite3")
        .execute("SELECT outcome, question FROM queries")
        .fetchall()
    )
    assert rows == [("refused", None)]
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["outcome"] == "refused" and line["request_id"] == body["request_id"]
    assert "psoriasis" not in stream.getvalue() and "HIV" not in stream.getvalue()


def test_cors_is_closed_by_default(client: TestClient) -> None:
    r = client.options(
        "/v1/ask",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in r.headers


def test_cors_allowlist(bot: FaqBot, settings: Settings) -> None:
    s = settings.model_copy(update={"cors_origins": ["https://clinic.example"]})
    with TestClient(create_app(s, bot=bot)) as c:
        ok = c.post(
            "/v1/ask",
            json={"question": "what is nanofat"},
            headers={"Origin": "https://clinic.example"},
        )
        assert ok.headers["access-control-allow-origin"] == "https://clinic.example"
        bad = c.post(
            "/v1/ask",
            json={"question": "what is nanofat"},
            headers={"Origin": "https://evil.example"},
        )
        assert "access-control-allow-origin" not in bad.headers


def test_rate_limit_answers_429_with_retry_after(bot: FaqBot, settings: Settings) -> None:
    s = settings.model_copy(update={"rate_limit_per_minute": 60, "rate_limit_burst": 3})
    with TestClient(create_app(s, bot=bot)) as c:
        codes = [
            c.post("/v1/ask", json={"question": "what is nanofat"}).status_code for _ in range(5)
        ]
        assert codes[:3] == [200, 200, 200] and codes[-1] == 429
        r = c.post("/v1/ask", json={"question": "what is nanofat"})
        assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1


def test_cli_and_api_give_the_same_body(client: TestClient, settings: Settings) -> None:
    q = "how long is the recovery after nanofat"
    api = client.post("/v1/ask", json={"question": q}).json()
    env = {
        **os.environ,
        "FAQBOT_FAQ_DIR": str(settings.faq_dir),
        "FAQBOT_INDEX_DIR": str(settings.index_dir),
    }
    out = subprocess.run(
        ["faqbot", "ask", "--json", q], capture_output=True, text=True, env=env, timeout=60
    )
    cli = json.loads(out.stdout)
    api.pop("request_id"), cli.pop("request_id")
    assert cli == api


# --------------------------------------------------------------------------- a real server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {
        **os.environ,
        "FAQBOT_INDEX_DIR": str(tmp / "index"),  # built at start-up from the real knowledge base
        "FAQBOT_QUERY_LOG": str(tmp / "q.sqlite3"),
        "FAQBOT_RATE_LIMIT_PER_MINUTE": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "faqbot", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            pytest.fail(f"server exited: {proc.stdout.read()}")
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server did not become ready in 60 s")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_real_server_answers(server: str) -> None:
    r = httpx.post(f"{server}/v1/ask", json={"question": "What is nanofat grafting?"}, timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "answered"
    r = httpx.post(f"{server}/v1/ask", json={"question": "who painted the mona lisa"}, timeout=10)
    assert r.json()["status"] == "no_match"


def test_real_server_bad_input_never_500(server: str) -> None:
    cases = [
        b"",
        b"{",
        b"[]",
        b"null",
        b'{"question": null}',
        b'{"question": "\\u0000\\u202e"}',
        json.dumps({"question": "\U0001f600" * 300}).encode(),
        b'{"question": "' + b"a" * 17000 + b'"}',
    ]
    for body in cases:
        r = httpx.post(
            f"{server}/v1/ask",
            content=body,
            headers={"content-type": "application/json"},
            timeout=10,
        )
        assert r.status_code < 500, body[:40]
        assert "Traceback" not in r.text and "/work/" not in r.text and str(ROOT) not in r.text
        if r.status_code >= 400:
            assert set(r.json()["error"]) == {"code", "message"}


def test_real_server_unknown_path_is_json_404(server: str) -> None:
    r = httpx.get(f"{server}/nope", timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
