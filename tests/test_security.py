"""Security properties claimed in SECURITY.md that no other test file covers.

The review page's bearer token, CORS, rate limiting behind a proxy, security headers, safe YAML
and index loading (no code execution), log-line forging, health information in logs, the
widget's text-only rendering (statically; tests/test_widget_browser.py drives it in Chromium),
and the declared dependency lower bounds.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import logging
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from packaging.requirements import Requirement
from pydantic import ValidationError

from faqbot.api import JsonFormatter, create_app
from faqbot.index import IndexUnavailable, build_index, load_index
from faqbot.knowledge import check_knowledge_base, load_knowledge_base
from faqbot.models import AskRequest
from faqbot.service import MAX_QUESTION_CHARS, FaqBot
from faqbot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "faqbot"
TOKEN = "t0k3n-for-the-review-page"


@pytest.fixture
def quiet(settings: Settings) -> Settings:
    return settings.model_copy(update={"rate_limit_per_minute": 0, "log_level": "WARNING"})


@pytest.fixture
def verbose(quiet: Settings) -> Settings:
    return quiet.model_copy(update={"log_level": "INFO"})  # create_app sets the level


@pytest.fixture
def capture_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("faqbot")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)


# --------------------------------------------------------------------------- /review


def test_review_page_needs_the_bearer_token(bot: FaqBot, quiet: Settings) -> None:
    with TestClient(create_app(quiet.model_copy(update={"review_token": TOKEN}), bot=bot)) as c:
        for headers in (
            {},
            {"Authorization": "Bearer wrong-token-wrong-token"},
            {"Authorization": f"Bearer {TOKEN}x"},
            {"Authorization": f"Bearer {TOKEN[:-1]}"},
            {"Authorization": TOKEN},
            {"Authorization": f"Basic {TOKEN}"},
        ):
            r = c.get("/review", headers=headers)
            assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
            assert r.headers["www-authenticate"] == "Bearer"
            assert "<html" not in r.text.lower()
        r = c.get("/review", headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert r.headers["cache-control"] == "no-store"
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        assert f'nonce="{nonce}"' in r.text
        second = c.get("/review", headers={"Authorization": f"Bearer {TOKEN}"})
        assert nonce not in second.headers["content-security-policy"]  # fresh per response


def test_review_page_is_absent_without_a_token(bot: FaqBot, quiet: Settings) -> None:
    with TestClient(create_app(quiet, bot=bot)) as c:
        assert c.get("/review", headers={"Authorization": "Bearer "}).status_code == 404


def test_review_token_must_be_long(monkeypatch) -> None:
    monkeypatch.setenv("FAQBOT_REVIEW_TOKEN", "secret")
    with pytest.raises(ValidationError, match="at least 16 characters"):
        Settings()
    monkeypatch.setenv("FAQBOT_REVIEW_TOKEN", "")  # empty means off
    assert Settings().review_token is None


# --------------------------------------------------------------------------- CORS


def test_cors_allows_exact_origins_only_without_credentials(bot: FaqBot, quiet: Settings) -> None:
    s = quiet.model_copy(update={"cors_origins": ["https://clinic.example"]})
    with TestClient(create_app(s, bot=bot)) as c:
        pre = c.options(
            "/v1/ask",
            headers={
                "Origin": "https://clinic.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://clinic.example"
        assert "access-control-allow-credentials" not in pre.headers
        assert set(pre.headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
        for origin in ("https://clinic.example.evil", "http://clinic.example", "null"):
            bad = c.options(
                "/v1/ask", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
            )
            assert "access-control-allow-origin" not in bad.headers
        put = c.options(
            "/v1/ask",
            headers={"Origin": "https://clinic.example", "Access-Control-Request-Method": "PUT"},
        )
        assert put.status_code == 400


@pytest.mark.parametrize("origins", ["*", "https://*.clinic.example", "https://clinic.example/"])
def test_cors_setting_refuses_wildcards(monkeypatch, origins: str) -> None:
    monkeypatch.setenv("FAQBOT_CORS_ORIGINS", origins)
    with pytest.raises(ValidationError, match="exact origin"):
        Settings()


# --------------------------------------------------------------------------- rate limiting


def test_rate_limit_behind_a_proxy_uses_the_proxy_appended_address(
    bot: FaqBot, settings: Settings
) -> None:
    s = settings.model_copy(
        update={
            "rate_limit_per_minute": 60,
            "rate_limit_burst": 2,
            "trust_proxy_headers": True,
            "log_level": "WARNING",
        }
    )
    with TestClient(create_app(s, bot=bot)) as c:

        def ask(xff: str) -> int:
            return c.post(
                "/v1/ask", json={"question": "what is nanofat"}, headers={"X-Forwarded-For": xff}
            ).status_code

        # A client forging a new leftmost address each time is still one client.
        codes = [ask(f"10.0.0.{i}, 203.0.113.7") for i in range(4)]
        assert codes[:2] == [200, 200] and codes[2:] == [429, 429]
        assert ask("203.0.113.8") == 200  # another client, as the proxy saw it


def test_rate_limit_ignores_forwarded_headers_unless_trusted(bot: FaqBot, settings) -> None:
    s = settings.model_copy(
        update={"rate_limit_per_minute": 60, "rate_limit_burst": 2, "log_level": "WARNING"}
    )
    with TestClient(create_app(s, bot=bot)) as c:
        codes = [
            c.post(
                "/v1/ask",
                json={"question": "what is nanofat"},
                headers={"X-Forwarded-For": f"198.51.100.{i}"},
            ).status_code
            for i in range(3)
        ]
        assert codes == [200, 200, 429]


# --------------------------------------------------------------------------- headers


def test_security_headers_on_every_kind_of_response(bot: FaqBot, quiet: Settings) -> None:
    class Exploding:
        kb, index, gaps, served_counts = bot.kb, bot.index, bot.gaps, bot.served_counts

        def ask(self, *a, **k):
            raise RuntimeError("boom")

    s = quiet.model_copy(update={"log_level": "CRITICAL"})
    with TestClient(create_app(s, bot=Exploding()), raise_server_exceptions=False) as c:  # type: ignore[arg-type]
        responses = [
            c.get("/healthz"),
            c.get("/v1/entries"),
            c.get("/nope"),
            c.post("/v1/ask", json={}),
            c.post("/v1/ask", json={"question": "what is nanofat"}),  # 500
        ]
        assert [r.status_code for r in responses] == [200, 200, 404, 422, 500]
        for r in responses:
            assert r.headers["x-content-type-options"] == "nosniff", r.status_code
            assert r.headers["referrer-policy"] == "no-referrer"
        demo = c.get("/")
        if demo.headers["content-type"].startswith("text/html"):
            csp = demo.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src 'self'" in csp
            assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp


# --------------------------------------------------------------------------- parsing files

PY_TAG = '!!python/object/apply:os.system ["touch {marker}"]'


@pytest.mark.parametrize("file", ["entries/basics.yaml", "sources/sources.yaml", "synonyms.yaml"])
def test_yaml_tags_cannot_run_code(kb_dir: Path, tmp_path: Path, file: str) -> None:
    marker = tmp_path / "pwned"
    path = kb_dir / file
    path.write_text(PY_TAG.format(marker=marker) + "\n")
    _, problems = check_knowledge_base(kb_dir)
    assert not marker.exists()
    assert any(p.file == file and "not valid YAML" in p.message for p in problems), problems


def test_other_yaml_readers_cannot_run_code(kb_dir: Path, tmp_path: Path) -> None:
    from faqbot.approval import _yaml
    from faqbot.coverage import load_exclusions

    marker = tmp_path / "pwned"
    doc = PY_TAG.format(marker=marker)
    (kb_dir / "coverage_exclusions.yaml").write_text(f"exclusions: {doc}\n")
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, as long as nothing runs
        load_exclusions(kb_dir)
    with contextlib.suppress(Exception):  # ruamel round-trip (faqbot approve): tags stay data
        _yaml().load(doc)
    try:
        from faqbot.scope import ScopeConfig, ScopeConfigError

        (kb_dir / "scope.yaml").write_text(f"anchors: {doc}\n")
        with pytest.raises(ScopeConfigError):
            ScopeConfig.load(kb_dir / "scope.yaml")
    except ImportError:
        pass
    assert not marker.exists()


def test_index_arrays_holding_python_objects_are_refused(kb_dir: Path, tmp_path: Path) -> None:
    kb = load_knowledge_base(kb_dir)
    out = tmp_path / "index"
    build_index(kb, out)
    with np.load(out / "matrix.npz") as z:
        arrays = {k: z[k] for k in z.files}
    arrays["data"] = np.array([{"x": 1}] * arrays["data"].size, dtype=object)
    np.savez(out / "matrix.npz", **arrays)
    with pytest.raises(IndexUnavailable, match="faqbot build"):
        load_index(out, kb)


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            owner = (
                f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
            )
            yield node, owner, name


def test_no_unsafe_deserialisation_or_eval_in_the_package() -> None:
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not {"pickle", "cPickle", "dill", "joblib", "marshal", "shelve"} & {
                    n.split(".")[0] for n in names
                }, f"{path.name}: imports a pickle-like module"
        for node in ast.walk(tree):  # only PyYAML's safe loaders, under any name
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "yaml"
                and node.attr.endswith("Loader")
            ):
                assert node.attr in ("SafeLoader", "CSafeLoader"), f"{path.name}: yaml.{node.attr}"
        for node, owner, name in _calls(tree):
            where = f"{path.name}:{node.lineno}"
            assert name not in ("eval", "exec", "unsafe_load", "full_load"), where
            if owner == "yaml" and name in ("load", "load_all"):
                raise AssertionError(f"{where}: yaml.{name}; use yaml.safe_load")
            if owner == "np" and name == "load":
                kw = {k.arg: k.value for k in node.keywords}
                assert isinstance(kw.get("allow_pickle"), ast.Constant), where
                assert kw["allow_pickle"].value is False, where
            if name == "YAML":
                kw = {k.arg: k.value for k in node.keywords}
                typ = kw.get("typ")
                assert typ is None or (
                    isinstance(typ, ast.Constant) and typ.value in ("rt", "safe")
                ), f"{where}: ruamel YAML(typ=...) must be rt or safe"


# --------------------------------------------------------------------------- logs


def test_log_lines_cannot_be_forged(bot: FaqBot, verbose: Settings, capture_logs) -> None:
    forged = '\n{"level": "error", "msg": "forged"}\u202e'
    with TestClient(create_app(verbose, bot=bot)) as c:
        c.get("/v1/entries/x%0A%7B%22level%22%3A%20%22error%22%7D%E2%80%AE")
        c.post("/v1/ask", json={"question": "what is nanofat" + forged})
        c.post("/v1/feedback", json={"request_id": "abc", "helpful": False, "comment": forged})
    lines = capture_logs.getvalue().splitlines()
    assert len(lines) >= 3
    for line in lines:
        record = json.loads(line)  # every line is exactly one JSON object
        assert record.get("msg") != "forged"
        assert line.isascii()  # no raw control or bidi characters reach the log
    assert "forged" not in capture_logs.getvalue()  # question and comment text are not logged


def test_question_text_stays_out_of_logs_even_when_something_breaks(
    bot: FaqBot, verbose: Settings, capture_logs
) -> None:
    secret = "I have HIV and psoriasis, what is nanofat"

    class Exploding:
        kb, index, gaps, served_counts = bot.kb, bot.index, bot.gaps, bot.served_counts

        def ask(self, question, *a, **k):
            raise ValueError(f"could not answer {question!r}")

    with TestClient(create_app(verbose, bot=bot)) as c:
        assert c.post("/v1/ask", json={"question": secret}).status_code == 200
    with TestClient(create_app(verbose, bot=Exploding()), raise_server_exceptions=False) as c:  # type: ignore[arg-type]
        assert c.post("/v1/ask", json={"question": secret}).status_code == 500
    out = capture_logs.getvalue()
    assert '"error": "ValueError"' in out
    assert "HIV" not in out and "psoriasis" not in out


# --------------------------------------------------------------------------- size limits


def test_size_limits_agree() -> None:
    assert Settings.model_fields["max_body_bytes"].default == 16 * 1024
    limit = next(
        m.max_length
        for m in AskRequest.model_fields["question"].metadata
        if hasattr(m, "max_length")
    )
    assert limit == MAX_QUESTION_CHARS == 1000


# --------------------------------------------------------------------------- widget


def test_widget_never_renders_markup() -> None:
    js = (SRC / "static" / "widget.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", js, flags=re.S)  # comments may name the APIs
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        'setTimeout("',
        "setTimeout('",
        "srcdoc",
    ):
        assert sink not in code, sink
    assert "textContent" in code
    assert 'url.protocol === "https:" || url.protocol === "http:"' in code  # links: http(s) only


# --------------------------------------------------------------------------- dependencies


def test_dependencies_have_lower_bounds_that_the_installed_versions_meet() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]
    ]
    for req in reqs:
        lower = [s for s in req.specifier if s.operator in (">=", "==", "~=")]
        assert lower, f"{req}: no lower bound"
        assert req.specifier.contains(version(req.name), prereleases=True), (
            f"{req.name} {version(req.name)} does not meet {req}"
        )


# --------------------------------------------------------------------------- query log


def test_query_log_files_are_owner_only(tmp_path: Path) -> None:
    from faqbot.querylog import QueryLog

    log = QueryLog(tmp_path / "var" / "q.sqlite3")
    log.record("r1", "answered", "e1", 0.9, 1.0, "what is nanofat")
    log.flush()
    files = list((tmp_path / "var").iterdir())
    assert {f.name for f in files} >= {"q.sqlite3", "q.sqlite3-wal"}
    for f in files:
        assert f.stat().st_mode & 0o077 == 0, f"{f.name}: {oct(f.stat().st_mode)}"
    log.close()
