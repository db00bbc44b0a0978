"""HTTP throughput and latency of ``POST /v1/ask`` beside a hello-world FastAPI app.

    python benchmarks/http_load.py [--seconds 15] [--warmup 3] [--connections 32]
                                   [--workers 1,2] [--no-diagnose]

For each worker count, one server at a time on 127.0.0.1: the hello-world app
(benchmarks/hello_app.py), then ``faqbot serve`` (rate limit off, query log in a temporary
file), each served by uvicorn with the same settings. wrk (one thread, ``--connections`` keep-alive
connections) cycles through every question of faq/eval/{dev,test}.tsv, all kinds. A warm-up run
precedes each measured run. Server CPU time per request is read from /proc. With one worker both
servers are also measured at 1 connection (latency without queueing).

Diagnostics (1 worker, skipped with ``--no-diagnose``): faqbot with the query log off, then also
with the access log off (FAQBOT_LOG_LEVEL=WARNING), and a py-spy sample of the server under load
(if py-spy is installed) giving the busy share of each thread and where the event loop spends it.

Targets: faqbot throughput >= 85% of hello-world, p99 latency <= 2x hello-world.
Note: wrk runs on the same 2 cores as the server; its CPU time is reported too.
"""

from __future__ import annotations

import importlib.metadata as md
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
    PYSPY,
    Server,
    build_index_once,
    check_answers,
    lua_script,
    pyspy_record,
    query_log_rows,
    running,
    start_faqbot,
    start_hello,
    summarize_pyspy,
    workdir,
    wrk,
)


def versions() -> dict[str, str]:
    out = {}
    for pkg in ("uvicorn", "uvloop", "httptools", "fastapi", "starlette", "pydantic"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def measure(
    server: Server,
    script: Path,
    questions: list[str],
    label: str,
    seconds: float,
    warmup: float,
    connections: int,
) -> dict[str, object]:
    checks = check_answers(server, questions[:: max(1, len(questions) // 20)])
    waited = wait_for_quiet(label)
    wrk(server, script, warmup, connections, warn=False)
    note(f"{label}: {seconds:.0f} s at {connections} connections")
    res = wrk(server, script, seconds, connections)
    res.update({"label": label, "check_outcomes": checks, "waited_for_quiet_s": waited})
    return res


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--seconds", type=float, default=15, help="length of each measured run")
    ap.add_argument("--warmup", type=float, default=3, help="unmeasured run before each one")
    ap.add_argument(
        "--connections", type=int, default=32, help="keep-alive connections (both servers)"
    )
    ap.add_argument(
        "--workers", default="1,2", help="comma-separated uvicorn worker counts to measure"
    )
    ap.add_argument(
        "--no-diagnose",
        action="store_true",
        help="skip the faqbot variants (query/access log off) and the py-spy profile",
    )
    args = ap.parse_args()
    started = time.perf_counter()

    questions, source = question_mix()
    work = workdir("faqbot-http-")
    script = lua_script(questions, work)
    index_dir = build_index_once(work)
    note(f"{len(questions)} questions from {source}; work folder {work}")
    run = {"script": script, "questions": questions, "warmup": args.warmup}

    runs: list[dict[str, object]] = []
    for w in [int(x) for x in args.workers.split(",")]:
        for kind in ("hello", "faqbot"):
            server = start_hello(w, work) if kind == "hello" else start_faqbot(w, work, index_dir)
            with running(server):
                res = measure(
                    server,
                    label=server.name,
                    seconds=args.seconds,
                    connections=args.connections,
                    **run,
                )
                res.update({"server": kind, "workers": w})
                runs.append(res)
                if w == 1:  # latency without queueing
                    one = measure(
                        server,
                        label=server.name,
                        seconds=min(10, args.seconds),
                        connections=1,
                        **run,
                    )
                    one.update({"server": kind, "workers": w})
                    runs.append(one)
            if kind == "faqbot":
                res["query_log_rows"] = query_log_rows(server)
                res["log_queue_full_warning"] = "queue is full" in server.stderr_path.read_text()

    diagnostics: list[dict[str, object]] = []
    spy: dict[str, object] | None = None
    if not args.no_diagnose:
        variants = [
            ("faqbot, query log off", {"FAQBOT_QUERY_LOG": ""}),
            (
                "faqbot, query log + access log off",
                {"FAQBOT_QUERY_LOG": "", "FAQBOT_LOG_LEVEL": "WARNING"},
            ),
        ]
        for label, env in variants:
            server = start_faqbot(1, work, index_dir, env)
            with running(server):
                res = measure(
                    server, label=label, seconds=args.seconds, connections=args.connections, **run
                )
            diagnostics.append(res)
        if PYSPY:
            server = start_faqbot(1, work, index_dir)
            with running(server):
                wrk(server, script, args.warmup, args.connections, warn=False)
                out = work / "pyspy.txt"
                seconds = max(4.0, args.seconds - 4)
                proc = pyspy_record(server, seconds, out)
                note(f"py-spy: sampling faqbot for {seconds:.0f} s under load")
                res = wrk(server, script, seconds + 2, args.connections)
                _, err = proc.communicate(timeout=60)
            if out.is_file():
                spy = {
                    "sampled_seconds": seconds,
                    "rps_while_sampled": res["rps"],
                    **summarize_pyspy(out, seconds),
                }
            else:
                spy = {"error": err.decode(errors="replace")[-500:]}
        else:
            note("py-spy not installed: no server profile (pip install py-spy)")

    # ------------------------------------------------------------------ report
    def find(kind: str, w: int, conns: int) -> dict[str, object] | None:
        return next(
            (
                r
                for r in runs
                if r["server"] == kind and r["workers"] == w and r["connections"] == conns
            ),
            None,
        )

    def row(r: dict[str, object], name: str) -> list[object]:
        lat = r["latency_us"]
        return [
            name,
            r.get("workers", 1),
            r["connections"],
            f"{r['rps']:,.0f}",
            round(lat["p50"] / 1000, 2),  # type: ignore[index]
            round(lat["p99"] / 1000, 2),  # type: ignore[index]
            r["error_total"],
            r["server_cpu_us_per_request"],
            r["wrk_cpu_s"],
            r["cpu"]["foreign_cores"],  # type: ignore[index]
        ]

    headers = [
        "server",
        "workers",
        "conns",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "server CPU µs/req",
        "wrk CPU s",
        "other load (cores)",
    ]
    print(f"\n### POST /v1/ask, {args.seconds:.0f} s per run (1-connection runs: ≤10 s)\n")
    print(markdown_table(headers, [row(r, str(r["server"])) for r in runs]))

    ratios = []
    for w in sorted({int(r["workers"]) for r in runs}):  # type: ignore[call-overload]
        for conns in sorted({int(r["connections"]) for r in runs}, reverse=True):  # type: ignore[call-overload]
            h, f = find("hello", w, conns), find("faqbot", w, conns)
            if h and f:
                tp = f["rps"] / h["rps"]  # type: ignore[operator]
                p99 = f["latency_us"]["p99"] / h["latency_us"]["p99"]  # type: ignore[index]
                ratios.append(
                    {
                        "workers": w,
                        "connections": conns,
                        "throughput_ratio": round(tp, 3),
                        "p99_ratio": round(p99, 2),
                        "throughput_target_met": tp >= 0.85,
                        "p99_target_met": p99 <= 2.0,
                    }
                )
    print()
    print(
        markdown_table(
            ["workers", "conns", "faqbot/hello req/s", "faqbot/hello p99", "target >=0.85 / <=2x"],
            [
                [
                    r["workers"],
                    r["connections"],
                    r["throughput_ratio"],
                    r["p99_ratio"],
                    ("met" if r["throughput_target_met"] else "MISSED")
                    + " / "
                    + ("met" if r["p99_target_met"] else "MISSED"),
                ]
                for r in ratios
            ],
        )
    )
    scaling = {}
    for kind in ("hello", "faqbot"):
        one, two = find(kind, 1, args.connections), find(kind, 2, args.connections)
        if one and two:
            scaling[kind] = round(two["rps"] / one["rps"], 2)  # type: ignore[operator]
    if scaling:
        print(
            "\nScaling 1 -> 2 workers (req/s): "
            + ", ".join(f"{k} {v}x" for k, v in scaling.items())
        )
    for r in runs:
        if "query_log_rows" in r:
            print(
                f"faqbot w{r['workers']}: query log holds {r['query_log_rows']:,} rows "
                f"(all requests of the server's runs); queue-full warning: {r['log_queue_full_warning']}"
            )
    if diagnostics:
        print("\n### Diagnostics: faqbot, 1 worker\n")
        base = find("faqbot", 1, args.connections)
        rows = [row(base, "faqbot (as served)")] if base else []
        rows += [row(d, str(d["label"])) for d in diagnostics]
        print(markdown_table(headers, rows))
    if spy and "share_of_event_loop_thread" in spy:
        print(
            f"\npy-spy, {spy['sampled_seconds']:.0f} s under load ({spy['rps_while_sampled']:,.0f} req/s): "
            f"event-loop thread busy {spy['event_loop_thread_busy']:.0%}, "
            f"query-log writer thread busy {spy['query_log_thread_busy']:.0%}\n"
        )
        print(
            markdown_table(
                ["event-loop thread time in (inclusive)", "share"],
                [[k, f"{v:.1%}"] for k, v in spy["share_of_event_loop_thread"].items()],  # type: ignore[union-attr]
            )
        )
    out = write_results(
        "http_load",
        {
            "questions": len(questions),
            "question_source": source,
            "seconds": args.seconds,
            "warmup_seconds": args.warmup,
            "connections": args.connections,
            "load_generator": "wrk, 1 thread, keep-alive, on the same machine",
            "versions": versions(),
            "load_average_at_end": load_average(),
            "runs": runs,
            "ratios": ratios,
            "scaling_1_to_2_workers": scaling,
            "diagnostics": diagnostics,
            "pyspy": spy,
            "wall_s": round(time.perf_counter() - started, 1),
        },
    )
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
