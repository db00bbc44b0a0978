"""Bounded load and soak of ``faqbot serve`` on loopback, with the server's memory watched.

    python benchmarks/soak.py [--soak-seconds 60] [--soak-connections 64]
                              [--burst-seconds 10] [--burst-connections 256]
                              [--burst-threads 1] [--warmup 5] [--strict]

One worker, rate limit off (FAQBOT_RATE_LIMIT_PER_MINUTE=0), query log in a temporary file.
After a warm-up run the server's RSS (VmRSS of the server process, from /proc) is the start
value; then the soak (wrk, 64 connections, 60 s) and the burst (wrk, 256 connections, 10 s),
both with one wrk thread as in http_load.py; the end value is read 2 s after the burst. RSS is
also sampled every second throughout.

Expected: zero errors (connect/read/write/timeout and non-2xx), RSS growth < 10%.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    arg_parser,
    load_average,
    markdown_table,
    note,
    question_mix,
    wait_for_quiet,
    write_results,
)
from loadgen import (  # noqa: E402
    RssSampler,
    build_index_once,
    check_answers,
    lua_script,
    query_log_rows,
    running,
    start_faqbot,
    workdir,
    wrk,
)


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--soak-seconds", type=float, default=60, help="length of the soak")
    ap.add_argument("--soak-connections", type=int, default=64, help="connections in the soak")
    ap.add_argument("--burst-seconds", type=float, default=10, help="length of the burst")
    ap.add_argument("--burst-connections", type=int, default=256, help="connections in the burst")
    ap.add_argument(
        "--burst-threads",
        type=int,
        default=1,
        help="wrk threads in the burst (2 on a 2-core machine steals a core from the server "
        "and gives multi-second tails to hello-world too; see README)",
    )
    ap.add_argument(
        "--warmup", type=float, default=5, help="unmeasured run before the start RSS is read"
    )
    ap.add_argument(
        "--strict", action="store_true", help="exit with status 1 if a target is missed"
    )
    args = ap.parse_args()
    started = time.perf_counter()

    questions, source = question_mix()
    work = workdir("faqbot-soak-")
    script = lua_script(questions, work)
    index_dir = build_index_once(work)
    note(f"{len(questions)} questions from {source}; work folder {work}")

    server = start_faqbot(1, work, index_dir)
    with running(server):
        checks = questions[:: max(1, len(questions) // 20)]
        outcomes = check_answers(server, checks)
        rss_boot = server.rss_mb()
        waited = wait_for_quiet("soak")
        warm = wrk(server, script, args.warmup, args.soak_connections, warn=False)
        rss_start = server.rss_mb()
        note(f"RSS after warm-up {rss_start:.1f} MiB; soak {args.soak_seconds:.0f} s")
        with RssSampler(server) as sampler:
            soak = wrk(server, script, args.soak_seconds, args.soak_connections)
            rss_after_soak = server.rss_mb()
            note(f"RSS after soak {rss_after_soak:.1f} MiB; burst {args.burst_seconds:.0f} s")
            burst = wrk(
                server,
                script,
                args.burst_seconds,
                args.burst_connections,
                threads=args.burst_threads,
            )
            time.sleep(2)
            rss_end = server.rss_mb()
        alive = server.proc.poll() is None
    log_rows = query_log_rows(server)
    log_text = server.stderr_path.read_text(errors="replace")

    growth = (rss_end - rss_start) / rss_start
    errors = int(soak["error_total"]) + int(burst["error_total"])  # type: ignore[call-overload]
    peak = max((mb for _, mb in sampler.samples), default=rss_end)
    phases = [("warm-up", warm), ("soak", soak), ("burst", burst)]
    print(f"\n### faqbot serve, 1 worker: soak and burst ({len(questions)} questions cycled)\n")
    print(
        markdown_table(
            [
                "phase",
                "connections",
                "seconds",
                "requests",
                "req/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "errors",
                "other load (cores)",
            ],
            [
                [
                    name,
                    r["connections"],
                    round(int(r["duration_us"]) / 1e6, 1),  # type: ignore[call-overload]
                    f"{r['requests']:,}",
                    f"{r['rps']:,.0f}",
                    round(r["latency_us"]["p50"] / 1000, 2),  # type: ignore[index]
                    round(r["latency_us"]["p99"] / 1000, 2),  # type: ignore[index]
                    round(r["latency_us"]["max"] / 1000, 1),  # type: ignore[index]
                    f"{r['error_total']} {r['errors']}" if r["error_total"] else 0,
                    r["cpu"]["foreign_cores"],  # type: ignore[index]
                ]
                for name, r in phases
            ],
        )
    )
    print()
    print(
        markdown_table(
            [
                "RSS MiB: after boot",
                "start (after warm-up)",
                "after soak",
                "end (2 s after burst)",
                "peak sampled",
                "growth start→end",
            ],
            [
                [
                    round(rss_boot, 1),
                    round(rss_start, 1),
                    round(rss_after_soak, 1),
                    round(rss_end, 1),
                    round(peak, 1),
                    f"{growth:+.1%}",
                ]
            ],
        )
    )
    verdict = "met" if errors == 0 and growth < 0.10 and alive else "MISSED"
    print(
        f"\nTargets (zero errors, RSS growth < 10%): {verdict}; errors {errors}; server alive {alive}"
    )
    total = sum(int(r["requests"]) for _, r in phases) + len(checks)  # type: ignore[call-overload]
    print(
        f"Query log: {log_rows} rows for {total:,} completed requests; "
        f"queue-full warning in server log: {'queue is full' in log_text}"
    )
    out = write_results(
        "soak",
        {
            "questions": len(questions),
            "question_source": source,
            "check_outcomes": outcomes,
            "warmup": warm,
            "soak": soak,
            "burst": burst,
            "rss_mb": {
                "after_boot": rss_boot,
                "start": rss_start,
                "after_soak": rss_after_soak,
                "end": rss_end,
                "peak_sampled": peak,
                "growth": growth,
                "samples": sampler.samples,
            },
            "errors": errors,
            "server_alive_at_end": alive,
            "query_log_rows": log_rows,
            "requests_total": total,
            "log_queue_full_warning": "queue is full" in log_text,
            "verdict": verdict,
            "waited_for_quiet_s": waited,
            "load_average_at_end": load_average(),
            "wall_s": round(time.perf_counter() - started, 1),
        },
    )
    print(f"\nwrote {out}")
    if args.strict and verdict != "met":
        sys.exit(1)


if __name__ == "__main__":
    main()
