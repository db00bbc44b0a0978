"""Schema-driven fuzzing of the HTTP API with schemathesis, against the app's own OpenAPI schema.

Every operation in ``/openapi.json`` gets valid and invalid requests (schemathesis's examples,
coverage and fuzzing phases; positive and negative generation). Each response must:

- never be a 5xx;
- conform to the schema: a documented status code, the documented content type, a body that
  validates against the documented model (so every 4xx the API can give is documented too);
- never carry a Python traceback or a filesystem path.

Random strings almost never hit an entry id, an answered question or the size and rate limits,
so ``test_documented_outcomes_conform`` adds those cases by hand and validates them the same way.

Runs on the small fixture knowledge base (``tests/data/kb``), in-process through ASGI, with a
fixed example budget and ``derandomize=True`` so CI runs are reproducible. ``/review`` is an HTML
page outside the schema (``include_in_schema=False``); it is mounted here (with a token) so the
schema is the production one, and its bearer token is tested in tests/test_security.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from faqbot.api import create_app
from faqbot.service import FaqBot
from faqbot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
REVIEW_TOKEN = "fuzz-review-token"
MAX_EXAMPLES = 100  # per operation, for the fuzzing phase

# Every built-in check, negative_data_rejection included: the request models are strict, so
# invalid data (wrong types included) must get a 4xx.
EXCLUDED: list = []


def _app_settings(settings: Settings, tmp_path: Path, **extra) -> Settings:
    return settings.model_copy(
        update={
            "query_log": tmp_path / "q.sqlite3",  # the real write path runs, as in production
            "rate_limit_per_minute": 0,  # the fuzzer sends hundreds of requests from one client
            "review_token": REVIEW_TOKEN,
            "log_level": "WARNING",  # keep the access log out of the test output
            **extra,
        }
    )


@pytest.fixture
def api_schema(bot: FaqBot, settings: Settings, tmp_path: Path):
    return schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(_app_settings(settings, tmp_path), bot=bot)
    )


schema = schemathesis.pytest.from_fixture("api_schema")


def _no_leaks(text: str, *paths: Path) -> None:
    assert "Traceback" not in text
    assert 'File "' not in text
    for leak in ("site-packages", str(ROOT), *map(str, paths)):
        assert leak not in text, f"response leaks {leak!r}"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, tmp_path: Path, settings: Settings) -> None:
    response = case.call_and_validate(excluded_checks=EXCLUDED)
    assert response.status_code < 500
    _no_leaks(response.text, tmp_path, settings.faq_dir)


def _validated(case, *paths: Path, excluded=()):
    response = case.call_and_validate(excluded_checks=[*EXCLUDED, *excluded])
    _no_leaks(response.text, *paths)
    return response


def test_documented_outcomes_conform(
    api_schema, bot: FaqBot, settings: Settings, tmp_path: Path
) -> None:
    ask = api_schema["/v1/ask"]["POST"]
    for question, status in [
        ("What is nanofat grafting?", "answered"),
        ("I have psoriasis, can I get nanofat?", "refused"),
        ("my cheek turned white after the injection", "refused"),
        ("what is the capital of peru", "no_match"),
    ]:
        r = _validated(ask.Case(body={"question": question, "top_k": 3}), tmp_path)
        assert r.status_code == 200 and r.json()["status"] == status
    r = _validated(ask.Case(body={"question": "a" * 20_000}), tmp_path)
    assert r.status_code == 413

    entry = api_schema["/v1/entries/{entry_id}"]["GET"]
    for entry_id in bot.index.entry_ids:
        assert _validated(entry.Case(path_parameters={"entry_id": entry_id})).status_code == 200
    for bad in ["practical-cost", "..", "basics-cells.yaml", "BASICS-CELLS"]:  # a draft, others
        assert _validated(entry.Case(path_parameters={"entry_id": bad})).status_code == 404

    source = api_schema["/v1/sources/{source_id}"]["GET"]
    for source_id in bot.kb.sources:
        r = _validated(source.Case(path_parameters={"source_id": source_id}))
        assert r.status_code == 200 and r.json()["text"]
    for bad in ["sources", "overview.txt", "...", "%2e%2e"]:
        assert _validated(source.Case(path_parameters={"source_id": bad})).status_code == 404

    feedback = api_schema["/v1/feedback"]["POST"]
    r = _validated(feedback.Case(body={"request_id": "abc", "helpful": True, "comment": "x"}))
    assert r.status_code == 200

    topics = api_schema["/v1/entries"]["GET"]
    assert _validated(topics.Case(query={"topic": "basics"})).json()["entries"]

    readyz = api_schema["/readyz"]["GET"]
    assert _validated(readyz.Case()).json()["status"] == "ready"
    (settings.faq_dir / "synonyms.yaml").write_text("groups:\n  - [nanofat, nano fat]\n")
    api_schema.app.state.digest_checked = (0.0, True)  # skip the 5-second cache
    # 503 is the documented answer here, so the "no server errors" check is off for this call.
    r = _validated(readyz.Case(), excluded=[schemathesis.checks.not_a_server_error])
    assert r.status_code == 503 and r.json()["status"] == "stale"


def test_rate_limited_response_conforms(bot: FaqBot, settings: Settings, tmp_path: Path) -> None:
    s = _app_settings(settings, tmp_path, rate_limit_per_minute=1, rate_limit_burst=1)
    limited = schemathesis.openapi.from_asgi("/openapi.json", create_app(s, bot=bot))
    ask = limited["/v1/ask"]["POST"]
    first = _validated(ask.Case(body={"question": "what is nanofat"}))
    second = _validated(ask.Case(body={"question": "what is nanofat"}))
    assert first.status_code == 200 and second.status_code == 429
    assert int(second.headers["retry-after"][0]) >= 1


def test_error_statuses_are_documented(bot: FaqBot, settings: Settings, tmp_path: Path) -> None:
    """Each status the middleware or handlers can produce is in the schema of its operations."""
    with TestClient(create_app(_app_settings(settings, tmp_path), bot=bot)) as c:
        paths = c.get("/openapi.json").json()["paths"]
    for path in ("/v1/ask", "/v1/feedback"):
        assert {"200", "400", "413", "422", "429"} <= set(paths[path]["post"]["responses"])
    for path in ("/v1/entries/{entry_id}", "/v1/sources/{source_id}"):
        assert {"200", "404"} <= set(paths[path]["get"]["responses"])
    assert {"200", "503"} <= set(paths["/readyz"]["get"]["responses"])
    assert "/review" not in paths


def test_request_bodies_are_type_strict(bot: FaqBot, settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(_app_settings(settings, tmp_path), bot=bot)) as c:
        for path, body in [
            ("/v1/feedback", {"request_id": "abc", "helpful": 0}),
            ("/v1/feedback", {"request_id": "abc", "helpful": "yes"}),
            ("/v1/ask", {"question": "what is nanofat", "top_k": "3"}),
            ("/v1/ask", {"question": "what is nanofat", "top_k": 2.5}),
            ("/v1/ask", {"question": "what is nanofat", "top_k": True}),
        ]:
            r = c.post(path, content=json.dumps(body), headers={"content-type": "application/json"})
            assert r.status_code == 422, (path, body, r.status_code)
