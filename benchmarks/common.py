"""Helpers shared by the benchmark scripts (not a benchmark itself).

Every script builds its own index in a temporary folder, so running a benchmark never touches
the project's ``index/`` or ``var/``.
"""

from __future__ import annotations

import argparse
import atexit
import json
import math
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAQ = ROOT / "faq"
EVAL_DIR = FAQ / "eval"
# BENCH_RESULTS_DIR redirects the JSON output (run_all.sh --quick uses results/quick/).
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).resolve().parent / "results")


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of an unsorted sequence."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(q / 100 * len(s)) - 1))
    return float(s[k])


def summary_us(ns: Sequence[int]) -> dict[str, float]:
    """Median / p99 / mean in microseconds of per-call timings given in nanoseconds."""
    us = [n / 1000 for n in ns]
    return {
        "n": len(us),
        "median_us": round(percentile(us, 50), 1),
        "p99_us": round(percentile(us, 99), 1),
        "mean_us": round(sum(us) / len(us), 1) if us else float("nan"),
    }


# --------------------------------------------------------------------------- output


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        if v is None:
            return "–"
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    pass


def arg_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser whose --help shows the script's whole docstring and every default."""
    return argparse.ArgumentParser(
        description=doc,
        formatter_class=_HelpFormatter,
        epilog="Environment: BENCH_RESULTS_DIR (where the JSON goes, default benchmarks/results), "
        "BENCH_QUIET_WAIT (seconds to wait for other processes to go quiet before a "
        "measurement, default 90).",
    )


def source_state() -> dict[str, object]:
    """The commit measured, and which files under src/ and faq/ differed from it."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = git("status", "--porcelain", "--", "src", "faq").splitlines()
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": dirty}


def machine() -> dict[str, object]:
    return {
        "source": source_state(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_results(name: str, data: dict[str, object]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.json"
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"machine": machine(), **data}, indent=2, default=str) + "\n")
    tmp.replace(out)
    return out


def peak_rss_mb() -> float:
    """This process's peak resident set size (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def vm_rss_mb(pid: int | str = "self") -> float:
    """Current resident set size of a process, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


# --------------------------------------------------------------------------- other load

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int | str) -> float:
    """utime + stime + cutime + cstime of a process (seconds), 0 if it is gone."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in f[11:15]) / CLK_TCK


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def _system_cpu() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot, from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = f[:8]
    return (user + nice + system) / CLK_TCK, steal / CLK_TCK


def _own_tree_cpu() -> float:
    """CPU seconds of this process, its reaped children and every live descendant."""
    return _proc_cpu("self") + sum(_proc_cpu(p) for p in _descendants(os.getpid()))


class CpuWatch:
    """How busy the machine was with *other* work while a measurement ran.

    ``foreign_cores`` = (user+nice+system time of the whole machine, minus the time of this
    process and all its descendants: servers, workers, wrk) / wall time. On a 2-core machine a
    value above ~0.1 means someone else's work competed with the measurement; every result
    records it, so a noisy figure can be told from a real one.
    """

    def __enter__(self) -> CpuWatch:
        self.t0 = time.monotonic()
        self.busy0, self.steal0 = _system_cpu()
        self.own0 = _own_tree_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.t0
        busy, steal = _system_cpu()
        own = _own_tree_cpu()
        self.result = {
            "wall_s": round(self.wall, 2),
            "own_cores": round((own - self.own0) / self.wall, 2) if self.wall else None,
            "foreign_cores": round(max(0.0, (busy - self.busy0) - (own - self.own0)) / self.wall, 2)
            if self.wall
            else None,
            "steal_cores": round((steal - self.steal0) / self.wall, 2) if self.wall else None,
        }

    def warn(self, label: str, limit: float = 0.15) -> None:
        f = self.result["foreign_cores"]
        if f is not None and f > limit:
            note(f"WARNING {label}: other processes used {f:.2f} cores during the measurement")


QUIET_WAIT_S = float(os.environ.get("BENCH_QUIET_WAIT", "90"))


def wait_for_quiet(label: str, max_wait: float | None = None, limit: float = 0.1) -> float:
    """Wait (at most ``max_wait`` s, env BENCH_QUIET_WAIT, default 90) until other processes
    have used under ``limit`` cores for two consecutive seconds. Returns the seconds waited.

    The machine is shared (2 cores): this keeps someone else's test run out of a measurement
    where it can, and CpuWatch records whatever load remained.
    """
    max_wait = QUIET_WAIT_S if max_wait is None else max_wait
    t0 = time.monotonic()
    quiet = 0
    warned = False
    while quiet < 2 and time.monotonic() - t0 < max_wait:
        with CpuWatch() as w:
            time.sleep(1.0)
        if (w.result["foreign_cores"] or 0.0) < limit:
            quiet += 1
        else:
            quiet = 0
            if not warned:
                note(f"{label}: waiting for other processes to go quiet (up to {max_wait:.0f} s)")
                warned = True
    waited = time.monotonic() - t0
    if quiet < 2:
        note(f"{label}: machine still busy after {waited:.0f} s; measuring anyway")
    return round(waited, 1)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --------------------------------------------------------------------------- the engine


def include_drafts_needed(faq: Path = FAQ) -> bool:
    """Serve drafts when nothing is approved yet (staging), as `faqbot check` would suggest."""
    from faqbot.knowledge import load_knowledge_base

    kb = load_knowledge_base(faq)
    return not kb.served_entries(include_drafts=False)


def temp_index_settings(workdir: Path | None = None, **overrides: object):  # type: ignore[no-untyped-def]
    """Settings that build the index in a temporary folder and keep no query log."""
    from faqbot.settings import Settings

    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="faqbot-bench-"))
        atexit.register(shutil.rmtree, workdir, True)
    values: dict[str, object] = {
        "faq_dir": FAQ,
        "index_dir": workdir / "index",
        "include_drafts": include_drafts_needed(),
        "query_log": None,
        "rebuild": "if-stale",
    }
    values.update(overrides)
    return Settings(**values)


# --------------------------------------------------------------------------- questions


def eval_files_present() -> bool:
    return (EVAL_DIR / "dev.tsv").is_file() and (EVAL_DIR / "test.tsv").is_file()


def policy_questions() -> list[str]:
    """Fallback question mix (speed only) when the labelled eval files are missing."""
    from faqbot.policy import load_policy_rows

    out: list[str] = []
    for name in ("dev.tsv", "test.tsv"):
        path = FAQ / "policy" / name
        if path.is_file():
            out += [r.question for r in load_policy_rows(path)]
    return out


def question_mix() -> tuple[list[str], str]:
    """Questions for load tests: every row of the eval files (all kinds), else the policy files."""
    if eval_files_present():
        from faqbot.evaluation import load_eval_rows

        rows = load_eval_rows(EVAL_DIR / "dev.tsv") + load_eval_rows(EVAL_DIR / "test.tsv")
        return [r.question for r in rows], "faq/eval/{dev,test}.tsv (all kinds)"
    return policy_questions(), "faq/policy/{dev,test}.tsv (eval files missing: speed only)"


def note(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
