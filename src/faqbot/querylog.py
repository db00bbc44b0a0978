"""The query log: what users ask and how it went, for content review (SQLite).

Writes go through a queue to one background thread, so answering never waits for the disk. If
the database cannot be written (locked, read-only, disk full), answers still flow and the problem
is logged once. The question text is kept only for answered and no-match outcomes, never for
refusals (they can hold health information), and is deleted after the retention period.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger("faqbot.querylog")

SCHEMA = """
CREATE TABLE IF NOT EXISTS queries (
    request_id TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    outcome TEXT NOT NULL,
    entry_id TEXT,
    score REAL,
    latency_ms REAL,
    refusal_reason TEXT,
    urgent INTEGER NOT NULL DEFAULT 0,
    question TEXT
);
CREATE INDEX IF NOT EXISTS queries_ts ON queries(ts);
CREATE TABLE IF NOT EXISTS feedback (
    request_id TEXT NOT NULL,
    ts REAL NOT NULL,
    helpful INTEGER NOT NULL,
    comment TEXT
);
CREATE INDEX IF NOT EXISTS feedback_request ON feedback(request_id);
"""

_STOP = object()
# What sqlite3 raises for a record it cannot bind, before the statement runs.
_UNSTORABLE = (ValueError, OverflowError, sqlite3.InterfaceError)


def connect(path: Path, timeout: float = 0.5) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Questions may hold health information: the file is owner-only (SQLite gives its -wal and
    # -shm files the same mode).
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    # A log, not a ledger: in WAL mode NORMAL survives a crash of the service and saves an fsync
    # per request (a power cut may lose the last records).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    return conn


PURGE_EVERY = 3600.0  # seconds between retention purges
BATCH = 500  # at most this many records per transaction
# A record reaches the database at most this long after its answer (flush() and close() write
# at once): the records of that window share one transaction.
GATHER_S = 0.05


def purge(conn: sqlite3.Connection, retention_days: int, now: float | None = None) -> int:
    """Delete question text older than the retention period; return how many rows lost it."""
    cutoff = (now or time.time()) - retention_days * 86400
    cur = conn.execute(
        "UPDATE queries SET question = NULL WHERE ts < ? AND question IS NOT NULL", (cutoff,)
    )
    conn.execute(
        "UPDATE feedback SET comment = NULL WHERE ts < ? AND comment IS NOT NULL", (cutoff,)
    )
    return cur.rowcount


class QueryLog:
    """Non-blocking writer. ``record`` and ``feedback`` return at once; a thread does the I/O."""

    def __init__(self, path: Path, retention_days: int = 30, max_pending: int = 10_000) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self._q: queue.Queue[object] = queue.Queue(maxsize=max_pending)
        self._warned = False
        self.dropped = 0
        self.failing: str | None = None  # why the last write failed (type name); None when fine
        self._thread = threading.Thread(target=self._run, name="faqbot-querylog", daemon=True)
        self._thread.start()

    def record(
        self,
        request_id: str,
        outcome: str,
        entry_id: str | None,
        score: float | None,
        latency_ms: float,
        question: str | None,
        refusal_reason: str | None = None,
        urgent: bool = False,
    ) -> None:
        if outcome == "refused":
            question = None  # never keep the text of a refused question
        self._put(
            (
                "INSERT OR REPLACE INTO queries VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    request_id,
                    time.time(),
                    outcome,
                    entry_id,
                    score,
                    latency_ms,
                    refusal_reason,
                    int(urgent),
                    question,
                ),
            )
        )

    def feedback(self, request_id: str, helpful: bool, comment: str | None) -> None:
        self._put(
            (
                "INSERT INTO feedback VALUES (?,?,?,?)",
                (request_id, time.time(), int(helpful), comment),
            )
        )

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until everything queued so far has been handled (for tests and shutdown)."""
        done = threading.Event()
        self._put(done)
        done.wait(timeout)

    def close(self) -> None:
        self.flush()
        self._put(_STOP)
        self._thread.join(timeout=5)

    def _put(self, item: object) -> None:
        try:
            self._q.put_nowait(item)
        except queue.Full:
            self.dropped += 1
            self._warn_once("query log queue is full; dropping log records (answers unaffected)")

    def _warn_once(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning(message)

    def _open(self) -> sqlite3.Connection | None:
        try:
            conn = connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return None
        self.failing = None
        return conn

    def _failed(self, exc: Exception) -> None:
        self.failing = type(exc).__name__
        self._warn_once(
            f"query log cannot be written ({type(exc).__name__}: {exc}); answers continue without it"
        )

    def _run(self) -> None:
        # Open at once, so /readyz can report a log that cannot be written before any question.
        self._conn = self._open()
        self._last_purge = 0.0
        with contextlib.suppress(queue.Full):
            self._q.put_nowait(None)  # a first, empty pass through the loop purges at start-up
        while True:
            try:
                # wake up at least every PURGE_EVERY seconds: an idle service still forgets
                item = self._q.get(timeout=PURGE_EVERY)
            except queue.Empty:
                item = None
            # Gather the records of the next GATHER_S seconds and write them in one transaction:
            # a commit per record cost more CPU than answering the question, under load. The
            # writer sleeps through that window rather than waking (and taking the GIL) for
            # every record put in it.
            batch: list[tuple[str, tuple[object, ...]]] = []
            gathered = False
            while True:
                if item is _STOP or isinstance(item, threading.Event):
                    self._write(batch)  # what came before a flush is written before it returns
                    batch = []
                    if item is _STOP:
                        break
                    item.set()
                elif item is not None:
                    batch.append(item)  # type: ignore[arg-type]
                    if not gathered:
                        gathered = True
                        time.sleep(GATHER_S)
                if len(batch) >= BATCH:
                    break
                try:
                    item = self._q.get_nowait()
                except queue.Empty:
                    break
            if item is _STOP:
                break
            self._write(batch)
        if self._conn is not None:
            self._conn.close()

    def _write(self, batch: list[tuple[str, tuple[object, ...]]]) -> None:
        bad = 0  # records dropped one by one; a database failure loses the rest of the batch
        try:
            if self._conn is None:
                self._conn = connect(self.path)
            conn = self._conn
            if time.time() - self._last_purge > PURGE_EVERY:
                purge(conn, self.retention_days)
                self._last_purge = time.time()
            if not batch:
                return
            conn.execute("BEGIN")
            try:
                try:
                    # one call per run of the same statement: the writer takes the GIL back
                    # once per run, not once per record
                    for sql, group in itertools.groupby(batch, key=lambda item: item[0]):
                        conn.executemany(sql, [params for _, params in group])
                except _UNSTORABLE:
                    # a record cannot be stored (a lone surrogate, a huge integer): start over
                    # one record at a time and drop it alone
                    conn.execute("ROLLBACK")
                    conn.execute("BEGIN")
                    for sql, params in batch:
                        try:
                            conn.execute(sql, params)
                        except _UNSTORABLE as exc:  # the statement never ran: go on
                            bad += 1
                            self.dropped += 1
                            self._failed(exc)
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            if not bad:
                self.failing = None
        except Exception as exc:  # the database failed: the writer outlives it, the batch is lost
            self.dropped += len(batch) - bad
            self._failed(exc)
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None
