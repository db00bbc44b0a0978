"""Start servers on loopback and drive them with wrk (helpers for http_load.py and soak.py).

Traffic goes to 127.0.0.1 only. Every run is bounded by wrk's ``-d`` duration and a subprocess
timeout; every server started here is stopped here (SIGINT, then SIGKILL of its own process
group if it does not exit).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from common import ROOT, CpuWatch, include_drafts_needed, vm_rss_mb

HOST = "127.0.0.1"
WRK = shutil.which("wrk")
CLK_TCK = os.sysconf("SC_CLK_TCK")

LUA = r"""
local bodies = {%(bodies)s}
local reqs = {}
local n = 0
init = function(args)
  for i, b in ipairs(bodies) do
    reqs[i] = wrk.format("POST", "/v1/ask", {["Content-Type"] = "application/json"}, b)
  end
  n = math.random(#reqs)
end
request = function()
  n = n + 1
  if n > #reqs then n = 1 end
  return reqs[n]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},' ..
    '"latency_us":{"min":%%d,"mean":%%.1f,"p50":%%d,"p90":%%d,"p99":%%d,"p999":%%d,"max":%%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def lua_script(questions: list[str], folder: Path) -> Path:
    def lua_str(s: str) -> str:
        return json.dumps(json.dumps({"question": s, "top_k": 3}))  # a Lua-safe quoted string

    path = folder / "ask.lua"
    path.write_text(LUA % {"bodies": ",\n".join(lua_str(q) for q in questions)})
    return path


# --------------------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    stderr_path: Path
    query_log: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def pids(self) -> list[int]:
        """The server process and all its descendants (uvicorn workers)."""
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            with contextlib.suppress(OSError):
                for task in Path(f"/proc/{pid}/task").iterdir():
                    kids = (task / "children").read_text().split()
                    todo += [int(k) for k in kids]
        return out

    def cpu_by_pid(self) -> dict[int, float]:
        """utime + stime (seconds) of the server process and each of its workers so far."""
        out = {}
        for pid in self.pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                out[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
        return out

    def cpu_seconds(self) -> float:
        return sum(self.cpu_by_pid().values())

    def rss_mb(self) -> float:
        return sum(vm_rss_mb(p) for p in self.pids())


def _wait_ready(server: Server, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.proc.returncode}:\n"
                + server.stderr_path.read_text()[-3000:]
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + "/healthz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not become ready in {timeout} s")


def _start(name: str, cmd: list[str], env: dict[str, str], port: int, work: Path) -> Server:
    err = work / f"{name}.stderr.log"
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=err.open("wb"),
        start_new_session=True,  # its own process group, so we can stop exactly it
    )
    server = Server(name, proc, port, err)
    try:
        _wait_ready(server)
    except BaseException:
        stop(server)
        raise
    return server


def start_faqbot(
    workers: int, work: Path, index_dir: Path, env_extra: dict[str, str] | None = None
) -> Server:
    """``faqbot serve`` with the rate limit off and the query log in ``work``.

    ``env_extra`` overrides settings (e.g. ``FAQBOT_QUERY_LOG=""`` turns the query log off).
    """
    port = free_port()
    qlog = work / f"queries-{port}.sqlite3"
    env = {
        **os.environ,
        "FAQBOT_FAQ_DIR": str(ROOT / "faq"),
        "FAQBOT_INDEX_DIR": str(index_dir),
        "FAQBOT_INCLUDE_DRAFTS": "1" if include_drafts_needed() else "0",
        "FAQBOT_RATE_LIMIT_PER_MINUTE": "0",
        "FAQBOT_QUERY_LOG": str(qlog),
        **(env_extra or {}),
    }
    faqbot = shutil.which("faqbot") or "faqbot"
    cmd = [faqbot, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    server = _start(f"faqbot-w{workers}", cmd, env, port, work)
    server.query_log = qlog if env["FAQBOT_QUERY_LOG"] else None
    return server


def start_hello(workers: int, work: Path) -> Server:
    port = free_port()
    script = Path(__file__).resolve().parent / "hello_app.py"
    cmd = [
        sys.executable,
        str(script),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    return _start(f"hello-w{workers}", cmd, dict(os.environ), port, work)


def stop(server: Server, timeout: float = 20.0) -> None:
    if server.proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            server.proc.send_signal(signal.SIGINT)
        try:
            server.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(5)


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        stop(server)


def query_log_rows(server: Server) -> int | None:
    """Rows the server's query log holds (read after the server stopped and flushed)."""
    if server.query_log is None or not server.query_log.is_file():
        return None
    with contextlib.closing(sqlite3.connect(server.query_log)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM queries").fetchone()[0])


def build_index_once(work: Path) -> Path:
    """Build the index into ``work/index`` once, so servers start without rebuilding."""
    from faqbot.index import IndexParams, build_index
    from faqbot.knowledge import load_knowledge_base

    index_dir = work / "index"
    kb = load_knowledge_base(ROOT / "faq")
    build_index(kb, index_dir, IndexParams(include_drafts=include_drafts_needed()))
    return index_dir


def workdir(prefix: str) -> Path:
    """A temporary folder (index, query logs, server logs), removed when the script exits."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, True)
    return path


# --------------------------------------------------------------------------- load


def wrk(
    server: Server,
    script: Path,
    seconds: float,
    connections: int,
    threads: int = 1,
    timeout_s: int = 10,
    warn: bool = True,
) -> dict[str, object]:
    """Run wrk against ``server`` for ``seconds``; its numbers plus server CPU per request."""
    if WRK is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    threads = max(1, min(threads, connections))
    cmd = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout_s}s",
        "-s",
        str(script),
        server.url + "/v1/ask",
    ]
    cpu0 = server.cpu_by_pid()
    ru0 = os.times()
    with CpuWatch() as watch:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    ru1 = os.times()
    time.sleep(1.0)  # let the server finish in-flight work (e.g. the query-log thread)
    by_pid = server.cpu_by_pid()
    busy = {pid: round(c - cpu0.get(pid, 0.0), 2) for pid, c in by_pid.items()}
    cpu1, cpu0 = sum(by_pid.values()), sum(cpu0.values())
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    res: dict[str, object] = json.loads(line.removeprefix("WRKJSON "))
    n = int(res["requests"])  # type: ignore[arg-type]
    dur = int(res["duration_us"]) / 1e6  # type: ignore[arg-type]
    res["rps"] = n / dur if dur else 0.0
    res["connections"] = connections
    res["threads"] = threads
    res["server_cpu_s"] = round(cpu1 - cpu0, 2)
    res["server_cpu_s_by_process"] = list(busy.values())  # server first, then its workers
    res["server_cpu_us_per_request"] = round((cpu1 - cpu0) / n * 1e6, 1) if n else None
    res["wrk_cpu_s"] = round(
        (ru1.children_user - ru0.children_user) + (ru1.children_system - ru0.children_system), 2
    )
    res["error_total"] = sum(res["errors"].values())  # type: ignore[union-attr]
    res["cpu"] = watch.result  # foreign_cores: other processes' load during the run
    if warn:
        watch.warn(f"wrk {connections} connections against {server.name}")
    return res


class RssSampler:
    """Samples a server's resident memory once per ``interval`` seconds in a thread."""

    def __init__(self, server: Server, interval: float = 1.0) -> None:
        self.server = server
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, RuntimeError):
                self.samples.append((time.monotonic() - self._t0, self.server.rss_mb()))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def check_answers(server: Server, questions: list[str]) -> dict[str, int]:
    """Ask a few questions first: the server must answer them, not error."""
    counts: dict[str, int] = {}
    with httpx.Client(base_url=server.url, timeout=10.0) as c:
        for q in questions:
            r = c.post("/v1/ask", json={"question": q, "top_k": 3})
            r.raise_for_status()
            status = str(r.json().get("status", "ok"))
            counts[status] = counts.get(status, 0) + 1
    return counts


# --------------------------------------------------------------------------- profiling

PYSPY = shutil.which("py-spy")

# Frames whose inclusive share of the event-loop thread is reported (substring of a py-spy frame).
CATEGORIES = [
    ("FaqBot.ask (all)", "FaqBot.ask (faqbot/service.py"),
    ("  Retriever.rank", "Retriever.rank (faqbot/retrieval.py"),
    ("  Policy.decide", "Policy.decide (faqbot/policy.py"),
    ("  Scope.check", "Scope.check (faqbot/scope.py"),
    ("  FaqBot.answer_for (passages)", "FaqBot.answer_for (faqbot/service.py"),
    ("QueryLog.record (enqueue)", "QueryLog.record (faqbot/querylog.py"),
    ("access log (GuardMiddleware -> logging)", "Logger.info (logging/__init__.py"),
    ("request body parsing + validation", "solve_dependencies (fastapi/dependencies/utils.py"),
    ("response model validation + JSON", "serialize_response (fastapi/routing.py"),
    ("response write (uvicorn send)", "RequestResponseCycle.send (uvicorn"),
]


def pyspy_record(
    server: Server, seconds: float, out: Path, rate: int = 200
) -> subprocess.Popen[bytes]:
    """Start sampling the server's main process with py-spy (raw folded stacks, all threads)."""
    if PYSPY is None:
        raise RuntimeError("py-spy is not installed (pip install py-spy)")
    cmd = [PYSPY, "record", "-p", str(server.proc.pid), "-d", str(round(seconds)), "-r", str(rate)]
    cmd += ["-f", "raw", "-o", str(out), "--threads"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def summarize_pyspy(path: Path, seconds: float, rate: int = 200) -> dict[str, object]:
    """Busy share of each thread, and inclusive shares of CATEGORIES on the event-loop thread."""
    possible = seconds * rate
    main_total, writer_total = 0, 0
    incl = dict.fromkeys([name for name, _ in CATEGORIES], 0)
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        if "QueryLog._run" in stack:
            writer_total += n
            continue
        if "MainThread" not in stack.split(";", 1)[0]:
            continue
        main_total += n
        for name, needle in CATEGORIES:
            if needle in stack:
                incl[name] += n
    known = sum(v for k, v in incl.items() if not k.startswith("  "))
    return {
        "event_loop_thread_busy": round(main_total / possible, 3),
        "query_log_thread_busy": round(writer_total / possible, 3),
        "share_of_event_loop_thread": {
            **{k: round(v / main_total, 3) for k, v in incl.items()},
            "everything else (uvicorn, starlette, asyncio)": round(
                (main_total - known) / main_total, 3
            ),
        }
        if main_total
        else {},
    }
