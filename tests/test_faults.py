"""Faults in what the service reads and writes, and what it says about them.

For each fault the service either keeps answering or refuses to start with a message that says
what to do, and ``/readyz`` tells the truth. Extends tests/test_index.py (``load_index`` on a
few damaged files), tests/test_querylog.py (locked / unwritable log through the API) and
tests/test_knowledge.py (``check_knowledge_base`` problems) to the service, the API and the CLI:

- index: more kinds of damage (garbage JSON, wrong types, dimensions and value ranges,
  truncation), refused at load whatever the damage, rebuilt when allowed, and an index folder
  that cannot be written;
- knowledge base: unreadable, empty, invalid files; start-up refusal naming file and entry;
- query log: read-only, corrupt, unwritable folder, locked then released, a record sqlite cannot
  store, a full queue; answers flow and ``/readyz`` reports the log's state;
- error bodies: no traceback or filesystem path on 400, 401, 404, 405, 413, 422 and 500.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from faqbot import querylog as querylog_mod
from faqbot.api import create_app
from faqbot.index import IndexUnavailable, build_index, load_index
from faqbot.knowledge import KnowledgeBaseError, check_knowledge_base, load_knowledge_base
from faqbot.querylog import QueryLog, connect
from faqbot.service import FaqBot
from faqbot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text[-2000:]


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "FAQBOT_FAQ_DIR": str(settings.faq_dir),
        "FAQBOT_INDEX_DIR": str(settings.index_dir),
        "FAQBOT_QUERY_LOG": "",
        **extra,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_must_fail(env: dict[str, str]) -> str:
    """`faqbot serve` refuses to start: exit 1, a message, no traceback. Returns stderr."""
    p = subprocess.run(
        [sys.executable, "-m", "faqbot", "serve", "--port", str(_free_port())],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert p.returncode == 1, p.stdout + p.stderr
    _no_traceback(p.stdout + p.stderr)
    return p.stderr


# --------------------------------------------------------------------------- index


def _matrix(d: Path, **changes) -> None:
    with np.load(d / "matrix.npz") as z:
        arrays = {k: z[k] for k in z.files}
    arrays.update(changes)
    for k in [k for k, v in changes.items() if v is None]:
        del arrays[k]
    np.savez(d / "matrix.npz", **arrays)


def _npy(d: Path, name: str, fn) -> None:
    np.save(d / f"{name}.npy", fn(np.load(d / f"{name}.npy")))


def _manifest(d: Path, **changes) -> None:
    data = json.loads((d / "manifest.json").read_text())
    (d / "manifest.json").write_text(json.dumps({**data, **changes}))


def _indptr_backwards(d: Path) -> None:
    with np.load(d / "matrix.npz") as z:
        p = z["indptr"].copy()
    p[1:-1] = p[1:-1][::-1]
    _matrix(d, indptr=p)


def _negative_doc(d: Path) -> None:
    with np.load(d / "matrix.npz") as z:
        ind = z["indices"].copy()
    ind[0] = -1
    _matrix(d, indices=ind)


# Damage not covered by tests/test_index.py. Before the fixes in index.py, the ones marked *
# loaded "fine" and crashed or misranked at query time, or raised TypeError / IndexError at load.
DAMAGE = {
    "manifest missing": lambda d: (d / "manifest.json").unlink(),
    "manifest truncated": lambda d: (d / "manifest.json").write_text(
        (d / "manifest.json").read_text()[:40]
    ),
    "manifest wrong types": lambda d: _manifest(d, entry_ids="basics-cells"),
    "manifest of another format": lambda d: _manifest(d, format_version=999),
    "vocab garbage JSON": lambda d: (d / "vocab_word.json").write_text("{not json"),
    "vocab not a list*": lambda d: (d / "vocab_policy.json").write_text("42"),
    "vocab of numbers*": lambda d: (d / "vocab_word.json").write_text(
        json.dumps(list(range(len(json.loads((d / "vocab_word.json").read_text())))))
    ),
    "vocab not UTF-8": lambda d: (d / "vocab_char.json").write_bytes(b'["\xff\xfe"]'),
    "npy truncated": lambda d: (d / "idf_word.npy").write_bytes(
        (d / "idf_word.npy").read_bytes()[:-8]
    ),
    "npy empty": lambda d: (d / "rows.npy").write_bytes(b""),
    "npz garbage": lambda d: (d / "matrix.npz").write_bytes(b"PK\x03\x04" + b"\0" * 64),
    "npz without data": lambda d: _matrix(d, data=None),
    "idf 2-D*": lambda d: _npy(d, "idf_word", lambda a: a[:, None]),
    "idf as text*": lambda d: _npy(d, "idf_char", lambda a: a.astype(str)),
    "idf NaN*": lambda d: _npy(d, "idf_word", lambda a: np.full_like(a, np.nan)),
    "coef 2-D*": lambda d: _npy(d, "coef_policy", lambda a: a[:, None]),
    "rows negative*": lambda d: _npy(d, "rows", lambda a: -np.ones_like(a)),
    "rows 2-D*": lambda d: _npy(d, "rows", lambda a: a[:, None]),
    "row kinds unknown*": lambda d: _npy(d, "row_kind", lambda a: a + 5),
    "indptr backwards*": _indptr_backwards,
    "document index negative*": _negative_doc,
    "n_docs not a scalar*": lambda d: _matrix(d, n_docs=np.array([[1, 2]])),
}


@pytest.fixture
def built(kb_dir: Path, tmp_path: Path) -> tuple[Settings, Path]:
    s = Settings(faq_dir=kb_dir, index_dir=tmp_path / "index", query_log=None, log_level="WARNING")
    build_index(load_knowledge_base(kb_dir), s.index_dir)
    return s, s.index_dir


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_refused_at_load_and_rebuilt_when_allowed(built, damage: str) -> None:
    settings, index_dir = built
    DAMAGE[damage](index_dir)
    never = settings.model_copy(update={"rebuild": "never"})
    with pytest.raises(IndexUnavailable) as exc:
        FaqBot.from_settings(never)
    assert "faqbot build" in str(exc.value)
    assert str(index_dir.parent) not in str(exc.value)  # names files, not where they live
    # The API does not start on it either (uvicorn would report the same message).
    with pytest.raises(IndexUnavailable), TestClient(create_app(never)):
        pass
    # Allowed to rebuild (the default), the service starts, answers, and the index is sound.
    bot = FaqBot.from_settings(settings)
    assert bot.ask("what is nanofat grafting").status.value == "answered"
    load_index(index_dir, bot.kb)


def test_serve_refuses_a_damaged_index_with_what_to_run(built) -> None:
    settings, index_dir = built
    DAMAGE["indptr backwards*"](index_dir)
    err = _serve_must_fail(_env(settings, FAQBOT_REBUILD="never"))
    assert "corrupt" in err and "faqbot build" in err


def test_stale_index_refused_or_rebuilt_and_readyz_tells(built) -> None:
    settings, index_dir = built
    (settings.faq_dir / "synonyms.yaml").write_text("groups:\n  - [nanofat, nano fat]\n")
    with pytest.raises(IndexUnavailable, match="stale.*faqbot build"):
        FaqBot.from_settings(settings.model_copy(update={"rebuild": "never"}))
    err = _serve_must_fail(_env(settings, FAQBOT_REBUILD="never"))
    assert "stale" in err and "faqbot build" in err
    # Rebuilt at start-up: ready. Then the knowledge base changes under the running service:
    # /readyz says stale (and what to do) while the loaded index keeps answering.
    with TestClient(create_app(settings)) as c:
        assert c.get("/readyz").json()["status"] == "ready"
        (settings.faq_dir / "entries" / "basics.yaml").write_text(
            (settings.faq_dir / "entries" / "basics.yaml").read_text() + "\n# edited\n"
        )
        c.app.state.digest_checked = (0.0, True)
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "stale"
        assert "faqbot build" in r.json()["reason"]
        assert c.post("/v1/ask", json={"question": "what is nanofat"}).status_code == 200


def test_readyz_when_the_knowledge_base_disappears(built) -> None:
    settings, _ = built
    with TestClient(create_app(settings)) as c:
        shutil.rmtree(settings.faq_dir)
        c.app.state.digest_checked = (0.0, True)
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "stale"
        assert str(settings.faq_dir) not in r.text
        ask = c.post("/v1/ask", json={"question": "what is nanofat"})
        assert ask.status_code == 200 and ask.json()["status"] == "answered"


def test_index_folder_that_cannot_be_written(kb_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder's parent should be")
    s = Settings(faq_dir=kb_dir, index_dir=blocker / "index", query_log=None)
    with pytest.raises(IndexUnavailable, match="cannot write the index.*FAQBOT_INDEX_DIR"):
        FaqBot.from_settings(s)
    p = subprocess.run(
        ["faqbot", "ask", "what is nanofat"],
        capture_output=True,
        text=True,
        env=_env(s),
        timeout=60,
    )
    assert p.returncode == 1 and "FAQBOT_INDEX_DIR" in p.stderr
    _no_traceback(p.stderr)


def test_missing_policy_training_file_is_a_message(kb_dir: Path, tmp_path: Path) -> None:
    (kb_dir / "policy" / "train.tsv").unlink()
    s = Settings(faq_dir=kb_dir, index_dir=tmp_path / "index", query_log=None)
    with pytest.raises(IndexUnavailable, match=r"train\.tsv: missing.*faqbot build"):
        FaqBot.from_settings(s)
    err = _serve_must_fail(_env(s))
    assert "train.tsv" in err


# --------------------------------------------------------------------------- knowledge base


def _problems(kb_dir: Path) -> list[str]:
    return [str(p) for p in check_knowledge_base(kb_dir)[1]]


def test_unreadable_entry_file_is_named(kb_dir: Path) -> None:
    (kb_dir / "entries" / "zz.yaml").mkdir()  # a folder where a file should be: unreadable
    assert any(p.startswith("entries/zz.yaml: cannot be read") for p in _problems(kb_dir))


@pytest.mark.skipif(IS_ROOT, reason="root reads files whatever their permissions")
def test_entry_file_without_read_permission_is_named(kb_dir: Path) -> None:
    f = kb_dir / "entries" / "basics.yaml"
    f.chmod(0)
    try:
        assert any(p.startswith("entries/basics.yaml: cannot be read") for p in _problems(kb_dir))
    finally:
        f.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "entries/practical.yaml: is empty"),  # truncated to nothing by a bad write
        ("# only a comment\n", "entries/practical.yaml: is empty"),
        ("- a\n- list\n", "entries/practical.yaml: must be a mapping with `topic:`"),
        ("topic: practical\nentries: 7\n", "`entries:` must be a non-empty list"),
        (
            "topic: practical\nentries:\n  - just text\n  - null\n",
            "entries/practical.yaml: entry #2: must be a mapping",
        ),
        (
            "topic: practical\nentries:\n  - id: practical-downtime\n    question: [x\n",
            "entries/practical.yaml: is not valid YAML at line 5, column 1",  # no entry: unparsed
        ),
        (
            "topic: practical\nentries:\n  - id: practical-downtime\n    question: How long?\n",
            "entries/practical.yaml: practical-downtime: alternates: Field required",
        ),
    ],
)
def test_invalid_entry_files_name_the_file_and_entry(
    kb_dir: Path, content: str, expected: str
) -> None:
    (kb_dir / "entries" / "practical.yaml").write_text(content)
    problems = _problems(kb_dir)
    assert any(expected in p for p in problems), problems


def test_empty_sources_file_is_named(kb_dir: Path) -> None:
    (kb_dir / "sources" / "sources.yaml").write_text("")
    assert "sources/sources.yaml: is empty: expected a list of sources" in _problems(kb_dir)


def test_invalid_knowledge_base_refuses_to_start_naming_file_and_entry(
    kb_dir: Path, tmp_path: Path
) -> None:
    f = kb_dir / "entries" / "basics.yaml"
    f.write_text(f.read_text().replace("no viable adipocytes", "no living adipocytes"))
    s = Settings(faq_dir=kb_dir, index_dir=tmp_path / "index", query_log=None)
    where = "entries/basics.yaml: basics-cells: quote not found verbatim"
    with pytest.raises(KnowledgeBaseError, match=where):
        FaqBot.from_settings(s)
    with pytest.raises(KnowledgeBaseError, match=where), TestClient(create_app(s)):
        pass
    err = _serve_must_fail(_env(s))
    assert where in err and "faqbot check" in err


# --------------------------------------------------------------------------- query log


def _log_client(bot: FaqBot, settings: Settings, path: Path) -> TestClient:
    s = settings.model_copy(
        update={"query_log": path, "rate_limit_per_minute": 0, "log_level": "WARNING"}
    )
    return TestClient(create_app(s, bot=bot))


def _answers_flow_and_readyz_reports(c: TestClient, expect: str) -> None:
    t0 = time.perf_counter()
    for q in ("what is nanofat", "what is the capital of peru"):
        r = c.post("/v1/ask", json={"question": q})
        assert r.status_code == 200 and r.json()["status"] in ("answered", "no_match")
    fb = c.post("/v1/feedback", json={"request_id": r.json()["request_id"], "helpful": True})
    assert fb.status_code == 200
    assert time.perf_counter() - t0 < 5  # the database's lock timeout is not paid by answers
    c.app.state.querylog.flush()
    ready = c.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert ready.json()["query_log"].startswith(expect), ready.json()
    assert "/" not in ready.json()["query_log"]  # the error type only, no path


def test_readyz_reports_a_working_and_a_disabled_log(bot, settings, tmp_path: Path) -> None:
    with _log_client(bot, settings, tmp_path / "q.db") as c:
        _answers_flow_and_readyz_reports(c, "ok")
    with TestClient(create_app(settings, bot=bot)) as c:  # settings: query_log=None
        assert c.get("/readyz").json()["query_log"] == "off"


def test_read_only_log(bot, settings, tmp_path: Path, monkeypatch) -> None:
    # Runs as root too: the database is opened read-only, as it would be on a read-only mount.
    path = tmp_path / "ro.db"
    connect(path).close()

    def read_only(p: Path, timeout: float = 0.5) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{p}?mode=ro", uri=True, isolation_level=None)

    monkeypatch.setattr(querylog_mod, "connect", read_only)
    with _log_client(bot, settings, path) as c:
        _answers_flow_and_readyz_reports(c, "failing (OperationalError)")
        assert c.app.state.querylog.dropped >= 3


def test_corrupt_log_database(bot, settings, tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    path.write_bytes(b"this is not an sqlite database" * 100)
    with _log_client(bot, settings, path) as c:
        _answers_flow_and_readyz_reports(c, "failing (DatabaseError)")


def test_log_folder_that_cannot_be_created(bot, settings, tmp_path: Path) -> None:
    blocker = tmp_path / "var"
    blocker.write_text("a file where the log's folder should be")
    with _log_client(bot, settings, blocker / "queries.sqlite3") as c:
        _answers_flow_and_readyz_reports(c, "failing (")


@pytest.mark.skipif(IS_ROOT, reason="root writes whatever the permissions")
def test_log_folder_without_write_permission(bot, settings, tmp_path: Path) -> None:
    folder = tmp_path / "var"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with _log_client(bot, settings, folder / "queries.sqlite3") as c:
            _answers_flow_and_readyz_reports(c, "failing (")
    finally:
        folder.chmod(stat.S_IRWXU)


def test_locked_log_reports_failing_then_recovers(bot, settings, tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    connect(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    with _log_client(bot, settings, path) as c:
        try:
            _answers_flow_and_readyz_reports(c, "failing (OperationalError)")
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        # Once the lock is gone, the next write succeeds and /readyz says so.
        c.post("/v1/ask", json={"question": "what is nanofat"})
        c.app.state.querylog.flush()
        assert c.get("/readyz").json()["query_log"] == "ok"
    rows = sqlite3.connect(path).execute("SELECT outcome FROM queries").fetchall()
    assert ("answered",) in rows


def test_a_record_sqlite_cannot_store_does_not_stop_the_writer(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "q.db")
    log.record("r1", "no_match", None, 0.1, 1.0, "lone surrogate \ud800 in it")
    log.record("r2", "answered", "e1", 0.9, 1.0, "what is nanofat")
    t0 = time.perf_counter()
    log.flush(timeout=5)
    assert time.perf_counter() - t0 < 2  # the writer thread is alive to answer the flush
    log.close()
    assert log.dropped == 1
    got = sqlite3.connect(tmp_path / "q.db").execute("SELECT request_id FROM queries").fetchall()
    assert got == [("r2",)]


def test_full_queue_drops_records_not_answers(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    connect(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        log = QueryLog(path, max_pending=5)  # each write waits 0.5 s for the lock
        t0 = time.perf_counter()
        for i in range(200):
            log.record(f"r{i}", "answered", "e", 0.5, 1.0, "q")
        assert time.perf_counter() - t0 < 0.5  # record() never waits
        assert log.dropped >= 150
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    deadline = time.monotonic() + 5
    while log._q.full() and time.monotonic() < deadline:  # room for close()'s flush marker
        time.sleep(0.01)
    log.close()


def test_shutdown_is_prompt_with_a_failing_log(bot, settings, tmp_path: Path) -> None:
    blocker = tmp_path / "var"
    blocker.write_text("x")
    t0 = time.perf_counter()
    with _log_client(bot, settings, blocker / "q.db") as c:
        c.post("/v1/ask", json={"question": "what is nanofat"})
    assert time.perf_counter() - t0 < 5


# --------------------------------------------------------------------------- error bodies


class ExplodingBot:
    """Stands in for FaqBot; its errors carry a path and the word Traceback."""

    def __init__(self, real: FaqBot) -> None:
        self.kb, self.index, self.gaps = real.kb, real.index, real.gaps
        self.served_counts = real.served_counts

    def ask(self, question: str, top_k: int = 3, request_id: str | None = None):
        raise RuntimeError(f'Traceback (most recent call last): File "{ROOT}/src/x.py", line 1')

    def answer_for(self, entry_id: str, score: float):
        raise OSError(2, "No such file or directory", str(self.kb.root / "sources" / "x.txt"))


def _assert_clean_error(r, status: int, code: str, *paths: Path) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    _no_traceback(r.text)
    for leak in ("site-packages", "/src/", str(ROOT), *map(str, paths)):
        assert leak not in r.text, f"{leak!r} in {r.text}"


def test_error_bodies_carry_no_traceback_or_path(bot, settings, tmp_path: Path) -> None:
    s = settings.model_copy(
        update={
            "rate_limit_per_minute": 0,
            "review_token": "a-long-review-token",
            "log_level": "CRITICAL",
        }
    )
    paths = (tmp_path, settings.faq_dir, settings.index_dir)
    with TestClient(create_app(s, bot=bot)) as c:
        json_ct = {"content-type": "application/json"}
        _assert_clean_error(c.get("/nope"), 404, "not_found", *paths)
        _assert_clean_error(c.get("/v1/entries/no-such"), 404, "not_found", *paths)
        _assert_clean_error(c.get("/v1/sources/..%2f..%2fetc%2fpasswd"), 404, "not_found", *paths)
        _assert_clean_error(c.get("/v1/sources/%2e%2e"), 404, "not_found", *paths)
        _assert_clean_error(c.delete("/v1/ask"), 405, "method_not_allowed", *paths)
        _assert_clean_error(c.get("/review"), 401, "unauthorized", *paths)
        _assert_clean_error(
            c.post("/v1/ask", content=b'{"question": ', headers=json_ct), 400, "invalid_json"
        )
        _assert_clean_error(
            c.post("/v1/ask", content=b"\xff\xfe\x00", headers=json_ct), 400, "invalid_json"
        )
        _assert_clean_error(c.post("/v1/ask", json={"question": 7}), 422, "invalid_request")
        _assert_clean_error(c.post("/v1/ask", json=[1, 2]), 422, "invalid_request")
        _assert_clean_error(
            c.post("/v1/ask", json={"question": "x" * 1001}), 422, "question_too_long"
        )
        _assert_clean_error(
            c.get("/v1/entries", params={"topic": "x" * 81}), 422, "invalid_request"
        )
        big = json.dumps({"question": "a" * 20_000})
        _assert_clean_error(c.post("/v1/ask", content=big, headers=json_ct), 413, "body_too_large")

        def chunks():  # no Content-Length: the limit is enforced while reading
            yield b'{"question": "'
            for _ in range(40):
                yield b"a" * 1000
            yield b'"}'

        _assert_clean_error(
            c.post("/v1/ask", content=chunks(), headers=json_ct), 413, "body_too_large"
        )


def test_internal_errors_are_generic_500s(bot, settings, tmp_path: Path) -> None:
    s = settings.model_copy(update={"rate_limit_per_minute": 0, "log_level": "CRITICAL"})
    paths = (tmp_path, settings.faq_dir)
    app = create_app(s, bot=ExplodingBot(bot))  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/v1/ask", json={"question": "I have HIV, what is nanofat"})
        _assert_clean_error(r, 500, "internal_error", *paths)
        r = c.get(f"/v1/entries/{bot.index.entry_ids[0]}")
        _assert_clean_error(r, 500, "internal_error", *paths)
