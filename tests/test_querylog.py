"""The query log: no refused question text, retention, and answers that never wait for it."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqbot.api import create_app
from faqbot.querylog import QueryLog, connect, purge
from faqbot.report import group_questions, live_report


def rows(path: Path, sql: str):
    return sqlite3.connect(path).execute(sql).fetchall()


def test_refused_text_is_never_kept(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "q.db")
    log.record(
        "r1", "refused", None, None, 1.0, "I have HIV, can I have nanofat?", "personal_advice"
    )
    log.record("r2", "answered", "e1", 0.9, 1.0, "what is nanofat")
    log.record("r3", "no_match", None, 0.1, 1.0, "mortgage rates")
    log.close()
    got = rows(
        tmp_path / "q.db", "SELECT request_id, outcome, question FROM queries ORDER BY request_id"
    )
    assert got == [
        ("r1", "refused", None),
        ("r2", "answered", "what is nanofat"),
        ("r3", "no_match", "mortgage rates"),
    ]


def test_retention_deletes_old_text_only(tmp_path: Path) -> None:
    conn = connect(tmp_path / "q.db")
    now = time.time()
    conn.execute(
        "INSERT INTO queries VALUES ('old', ?, 'answered', 'e', 0.5, 1, NULL, 0, 'old question')",
        (now - 31 * 86400,),
    )
    conn.execute(
        "INSERT INTO queries VALUES ('new', ?, 'answered', 'e', 0.5, 1, NULL, 0, 'new question')",
        (now - 86400,),
    )
    assert purge(conn, retention_days=30, now=now) == 1
    assert rows(
        tmp_path / "q.db", "SELECT request_id, question FROM queries ORDER BY request_id"
    ) == [("new", "new question"), ("old", None)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_log_does_not_stop_answers_nonroot(bot, settings, tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    connect(path).close()
    path.chmod(stat.S_IRUSR)
    _answers_flow(bot, settings, path)


def test_unwritable_log_does_not_stop_answers(bot, settings, tmp_path: Path, caplog) -> None:
    # A directory where the database file should be: sqlite cannot open it, whoever we are.
    path = tmp_path / "q.db"
    path.mkdir()
    _answers_flow(bot, settings, path)


def test_locked_log_does_not_stop_answers(bot, settings, tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    connect(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        _answers_flow(bot, settings, path)
    finally:
        locker.execute("ROLLBACK")


def _answers_flow(bot, settings, path: Path) -> None:
    s = settings.model_copy(update={"query_log": path, "rate_limit_per_minute": 0})
    with TestClient(create_app(s, bot=bot)) as c:
        t0 = time.perf_counter()
        for _ in range(5):
            r = c.post("/v1/ask", json={"question": "what is nanofat"})
            assert r.status_code == 200 and r.json()["status"] == "answered"
        assert time.perf_counter() - t0 < 5  # the lock timeout is not paid by answers
        c.app.state.querylog.flush()
        assert c.app.state.querylog.dropped >= 1


def test_live_report_groups_and_counts(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "q.db")
    for i, q in enumerate(
        [
            "nanofat for hair loss",
            "nanofat for hair los",
            "Nanofat for hair loss?",
            "mortgage rates",
        ]
    ):
        log.record(f"n{i}", "no_match", None, 0.1, 1.0, q)
    log.record("a1", "answered", "cost-typical-range", 0.31, 1.0, "how pricey")
    log.record("x1", "refused", None, None, 1.0, "secret", "personal_advice", urgent=True)
    log.feedback("a1", False, "no price given")
    log.close()
    rep = live_report(tmp_path / "q.db")
    assert rep.no_match_groups[0].count == 3 and "hair" in rep.no_match_groups[0].example
    assert rep.low_score_answers[0]["entry_id"] == "cost-typical-range"
    assert (
        rep.not_helpful[0]["entry_id"] == "cost-typical-range"
        and rep.not_helpful[0]["comments"] == "no price given"
    )
    assert rep.refusals_by_day[0]["refused"] == 1 and rep.refusals_by_day[0]["urgent"] == 1


def test_group_questions_empty() -> None:
    assert group_questions([]) == []


def test_group_questions_counts_repeats_and_typos_together() -> None:
    groups = group_questions(
        ["how do i reset my router", "how do i reset my routr", "best pizza nyc", "best pizza nyc"]
        + ["how do i reset my router"]
    )
    assert [(g.example, g.count) for g in groups] == [
        ("how do i reset my router", 3),
        ("best pizza nyc", 2),
    ]


def test_idle_log_still_purges(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import faqbot.querylog as ql

    monkeypatch.setattr(ql, "PURGE_EVERY", 0.05)
    log = QueryLog(tmp_path / "q.db", retention_days=30)
    try:
        log.flush()  # the start-up purge has run; the expired row arrives after it
        conn = connect(tmp_path / "q.db")
        conn.execute(
            "INSERT INTO queries VALUES ('old', ?, 'answered', 'e', 0.5, 1, NULL, 0, 'old q')",
            (time.time() - 31 * 86400,),
        )
        conn.close()
        deadline = time.time() + 5
        while time.time() < deadline:  # no record is written: the purge runs on a timer
            if rows(tmp_path / "q.db", "SELECT question FROM queries") == [(None,)]:
                break
            time.sleep(0.05)
        assert rows(tmp_path / "q.db", "SELECT question FROM queries") == [(None,)]
    finally:
        log.close()


def test_a_burst_of_records_is_all_written_before_flush_returns(tmp_path: Path) -> None:
    """Records queued faster than the writer commits (it batches them, up to BATCH per
    transaction) all land, and flush returns only after everything recorded before it."""
    log = QueryLog(tmp_path / "q.db")
    for i in range(1200):
        log.record(f"r{i}", "answered", "e1", 0.9, 1.0, f"question {i}")
    log.flush()
    assert rows(tmp_path / "q.db", "SELECT count(*) FROM queries") == [(1200,)]
    log.feedback("r5", True, "useful")
    log.flush()
    assert rows(tmp_path / "q.db", "SELECT request_id, helpful FROM feedback") == [("r5", 1)]
    log.close()


def test_records_trickling_in_share_a_transaction_and_land_without_flush(tmp_path: Path) -> None:
    """One record at a time (as a lightly loaded server sends them) is gathered for GATHER_S
    into one transaction, and reaches the database soon without anyone calling flush."""
    from faqbot import querylog

    commits = []
    log = QueryLog(tmp_path / "q.db")
    log.flush()  # the writer is connected
    real_write = log._write

    def counting_write(batch):  # type: ignore[no-untyped-def]
        if batch:
            commits.append(len(batch))
        real_write(batch)

    log._write = counting_write  # type: ignore[method-assign]
    for i in range(5):
        log.record(f"r{i}", "answered", "e1", 0.9, 1.0, "q")
        time.sleep(querylog.GATHER_S / 20)
    deadline = time.monotonic() + 10
    while rows(tmp_path / "q.db", "SELECT count(*) FROM queries") != [(5,)]:
        assert time.monotonic() < deadline, "records never reached the database"
        time.sleep(0.01)
    assert sum(commits) == 5 and len(commits) < 5, commits
    log.close()
