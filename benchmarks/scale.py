"""Build time, index size, peak memory and query time on synthetic knowledge bases.

    python benchmarks/scale.py [--sizes 1000,10000,100000] [--queries 1000] [--no-profile]

Synthetic entries recombine the real knowledge base: each one takes a real entry as a template
(so lengths and the number of alternates are realistic) and replaces about 60% of the words of
its question, alternates and answer with words drawn, by frequency, from all real phrasings
(for phrasings) or all real answers (for answers). Fixed seed, so every run builds the same
knowledge bases. They are ``KnowledgeBase`` objects built in memory around a temporary root
that holds the real ``synonyms.yaml`` and ``policy/train.tsv``; the index is built with the
real ``faqbot.index.build_index`` and loaded with ``load_index``.

Each size runs in two fresh subprocesses so that ``ru_maxrss`` is that phase's own peak:
``build`` (generate + build_index) and ``query`` (generate + load_index + 1,000 timed
``Retriever.rank`` calls). The peak includes the synthetic ``KnowledgeBase`` itself (reported
as "RSS after generation"). Queries: half real eval questions, half synthetic phrasings with
one word dropped. With ``--profile`` (default) a size that misses a target is profiled.

Targets at 100k entries: query median <= 2 ms, build <= 60 s, peak memory <= 1 GB.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    FAQ,
    CpuWatch,
    arg_parser,
    load_average,
    markdown_table,
    note,
    peak_rss_mb,
    question_mix,
    summary_us,
    vm_rss_mb,
    wait_for_quiet,
    write_results,
)

SEED = 20240611
REPLACE = 0.6
TARGETS = {"query_median_ms": 2.0, "build_s": 60.0, "peak_mb": 1024.0}
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'.-]*[A-Za-z0-9]|[A-Za-z0-9]")


# --------------------------------------------------------------------------- generation


def snapshot_faq(work: Path) -> Path:
    """Copy faq/ into the work folder once, so that the build and query children of a size see
    the same knowledge base even if someone edits faq/ meanwhile."""
    dest = work / "template"
    if not dest.is_dir():
        shutil.copytree(FAQ, dest)
    return dest


def synthetic_kb(n: int, work: Path):  # type: ignore[no-untyped-def]
    """A KnowledgeBase of ``n`` synthetic entries, rooted at ``work/faq`` (created if needed),
    generated from the snapshot of the real knowledge base in ``work/template``."""
    from faqbot.knowledge import KnowledgeBase, knowledge_digest, load_knowledge_base
    from faqbot.models import Citation, Entry

    template = snapshot_faq(work)
    root = work / "faq"
    real = load_knowledge_base(template)
    (root / "policy").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template / "policy" / "train.tsv", root / "policy" / "train.tsv")
    if (template / "synonyms.yaml").is_file():
        shutil.copyfile(template / "synonyms.yaml", root / "synonyms.yaml")

    phrase_words = [w.lower() for e in real.entries for p in e.phrasings for w in WORD.findall(p)]
    answer_words = [w for e in real.entries for w in WORD.findall(e.answer)]
    rng = random.Random(SEED)

    def recombine(text: str, pool: list[str]) -> str:
        words = WORD.findall(text)
        return " ".join(rng.choice(pool) if rng.random() < REPLACE else w for w in words)

    cite = [Citation(source="synthetic", quote="synthetic entry")]
    entries = []
    for i in range(n):
        tpl = real.entries[rng.randrange(len(real.entries))]
        question = recombine(tpl.question, phrase_words)
        alternates = [recombine(a, phrase_words) for a in tpl.alternates]
        answer = recombine(tpl.answer, answer_words)[:1500]
        entries.append(
            Entry.model_construct(
                id=f"syn-{i:06d}",
                question=question[:300].ljust(5, "?"),
                alternates=alternates,
                answer=answer.ljust(20, "."),
                citations=cite,
                review=tpl.review,
                topic="synthetic",
            )
        )
    files = {e.id: "entries/synthetic.yaml" for e in entries}
    return KnowledgeBase(root, {}, entries, files, real.synonyms, knowledge_digest(root))


def query_set(kb, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Half real eval questions, half synthetic phrasings with one word dropped (fixed seed)."""
    real, _ = question_mix()
    rng = random.Random(SEED + 1)
    out = []
    for i in range(n):
        if i % 2 == 0:
            out.append(real[rng.randrange(len(real))])
        else:
            e = kb.entries[rng.randrange(len(kb.entries))]
            words = rng.choice(e.phrasings).split()
            if len(words) > 2:
                del words[rng.randrange(len(words))]
            out.append(" ".join(words))
    return out


# --------------------------------------------------------------------------- child phases


class Phases:
    """Wall time and sampled RSS of build_index's steps, by wrapping the functions it calls.

    Benchmark-only instrumentation: it replaces names in the ``faqbot.index`` module namespace
    in this child process; nothing in src/ changes.
    """

    NAMES = {
        ("start", "fit>"): "documents()",
        ("fit>", "fit<"): "fit_transform word + char TF-IDF (one pass each)",
        ("fit<", "transpose>"): "(between)",
        ("transpose>", "transpose<"): "term-major conversion, block by block",
        ("transpose<", "policy>"): "read policy rows",
        ("policy>", "policy<"): "train refusal policy",
        ("policy<", "savez>"): "write manifest, vocab JSON, idf",
        ("savez>", "savez<"): "write matrix.npz (uncompressed)",
        ("savez<", "swap>"): "write (rest)",
        ("swap>", "swap<"): "fsync + rename",
        ("swap<", "end"): "return",
    }

    def __init__(self) -> None:
        import threading

        self.marks: list[tuple[str, float]] = []
        self.rss: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.rss.append((time.perf_counter(), vm_rss_mb()))
            self._stop.wait(0.05)

    def mark(self, label: str) -> None:
        self.marks.append((label, time.perf_counter()))

    def wrap(self, label: str, fn):  # type: ignore[no-untyped-def]
        def wrapped(*a, **kw):  # type: ignore[no-untyped-def]
            self.mark(label + ">")
            try:
                return fn(*a, **kw)
            finally:
                self.mark(label + "<")

        return wrapped

    def install(self) -> None:
        import faqbot.index as fi

        tm = fi.TermMajorMatrix
        fi.fit_matrices = self.wrap("fit", fi.fit_matrices)
        fi.train_policy = self.wrap("policy", fi.train_policy)
        fi._swap_into_place = self.wrap("swap", fi._swap_into_place)
        fi.np.savez = self.wrap("savez", fi.np.savez)
        fi.TermMajorMatrix = type(  # type: ignore[misc]
            "TermMajorMatrix",
            (tm,),
            {"from_blocks": classmethod(lambda cls, b: self.wrap("transpose", tm.from_blocks)(b))},
        )
        self._thread.start()

    def report(self) -> list[dict[str, object]]:
        self._stop.set()
        self._thread.join(2)
        out = []
        for (a, ta), (b, tb) in zip(self.marks, self.marks[1:], strict=False):
            peak = max((mb for t, mb in self.rss if ta <= t <= tb), default=None)
            out.append(
                {
                    "phase": self.NAMES.get((a, b), f"{a} -> {b}"),
                    "seconds": round(tb - ta, 2),
                    "peak_rss_sampled_mb": round(peak, 1) if peak else None,
                }
            )
        return out


def child_build(n: int, work: Path, profile: bool) -> dict[str, object]:
    from faqbot.index import IndexParams, build_index

    t = time.perf_counter()
    kb = synthetic_kb(n, work)
    gen_s = time.perf_counter() - t
    rss_gen = vm_rss_mb()
    waited = wait_for_quiet(f"build {n}")
    phases = None if profile else Phases()
    if phases:
        phases.install()
    prof = cProfile.Profile() if profile else None
    t = time.perf_counter()
    if phases:
        phases.mark("start")
    if prof:
        prof.enable()
    with CpuWatch() as watch:
        manifest = build_index(kb, work / "index", IndexParams(include_drafts=True))
    if prof:
        prof.disable()
    if phases:
        phases.mark("end")
    build_s = time.perf_counter() - t
    watch.warn(f"build {n}")
    files = {f.name: f.stat().st_size for f in sorted((work / "index").iterdir())}
    out: dict[str, object] = {
        "entries": n,
        "rows": manifest.n_rows,
        "word_terms": manifest.n_word_terms,
        "char_terms": manifest.n_char_terms,
        "generate_s": round(gen_s, 2),
        "build_s": round(build_s, 2),
        "index_bytes": sum(files.values()),
        "index_files": files,
        "rss_after_generation_mb": round(rss_gen, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpu": watch.result,
        "waited_for_quiet_s": waited,
    }
    if phases:
        out["phases"] = phases.report()
        out["nnz"] = nnz(work / "index")
    if prof:
        out["profile"] = top_functions(prof, 18)
    return out


def nnz(index_dir: Path) -> dict[str, int]:
    """Postings in the stored matrix, split into word and character n-gram terms."""
    import numpy as np

    manifest = json.loads((index_dir / "manifest.json").read_text())
    with np.load(index_dir / "matrix.npz") as z:
        indptr = z["indptr"]
    n_word = manifest["n_word_terms"]
    return {"word": int(indptr[n_word]), "char": int(indptr[-1] - indptr[n_word])}


def child_query(n: int, work: Path, n_queries: int, profile: bool) -> dict[str, object]:
    import numpy as np

    from faqbot.index import load_index
    from faqbot.retrieval import Retriever

    kb = synthetic_kb(n, work)
    rss_gen = vm_rss_mb()
    t = time.perf_counter()
    index = load_index(work / "index", kb)
    load_s = time.perf_counter() - t
    rss_load = vm_rss_mb()
    retriever = Retriever(index)
    queries = query_set(kb, n_queries)
    for q in queries[:100]:  # warm-up
        retriever.rank(q)
    clock = time.perf_counter_ns
    times = []
    waited = wait_for_quiet(f"queries {n}")
    with CpuWatch() as watch:
        for q in queries:
            t0 = clock()
            retriever.rank(q)
            times.append(clock() - t0)
    watch.warn(f"queries {n}")
    out: dict[str, object] = {
        "load_s": round(load_s, 2),
        "query": summary_us(times),
        "query_cpu": watch.result,
        "waited_for_quiet_s": waited,
        "index_memory_mb": index_memory(index),
        "rss_after_generation_mb": round(rss_gen, 1),
        "rss_after_load_mb": round(rss_load, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        # after the timing, so that neither the breakdown nor the profiler touches it
        "breakdown": breakdown(retriever, queries, np),
    }
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        for q in queries[:200]:
            retriever.rank(q)
        prof.disable()
        out["profile"] = top_functions(prof, 12)
    return out


def index_memory(index) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Bytes held by the loaded index's arrays and vocabularies (serve-side memory)."""
    m = index.matrix
    mb = 2**20

    def dict_mb(d: dict[str, int]) -> float:
        return (
            sys.getsizeof(d) + sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in d.items())
        ) / mb

    return {
        "matrix_data": round(m.data.nbytes / mb, 1),
        "matrix_indices": round(m.indices.nbytes / mb, 1),
        "matrix_indptr": round(m.indptr.nbytes / mb, 1),
        "word_vocabulary_dict": round(dict_mb(index.word.vocabulary), 1),
        "char_vocabulary_dict": round(dict_mb(index.char.vocabulary), 1),
        "char_idf (padded to all columns)": round(index.char.idf.nbytes / mb, 1),
    }


def breakdown(retriever, queries: list[str], np) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Where a ranking call's time goes, step by step, and how many postings it touches."""
    mat = retriever.index.matrix
    n_word = retriever.index.manifest.n_word_terms
    clock = time.perf_counter_ns
    from faqbot.retrieval import k_best

    names = ("vectorize", "gather_scores", "reduce_top", "reduce_all")
    steps: dict[str, list[int]] = {k: [] for k in names}
    postings_word, postings_char, n_terms = [], [], []
    for q in queries:
        t0 = clock()
        idx, w, _ = retriever._query(q)
        t1 = clock()
        row_scores = mat.scores(idx, w)
        t2 = clock()
        # what rank() does: exact scores only for the entries that can reach the top 4
        k_best(*retriever._contenders(row_scores, 4), 4)
        t3 = clock()
        # for comparison: every entry's exact score, then the top 4 (entry_scores)
        scores = retriever._combine(row_scores)
        k_best(np.arange(scores.size), scores, 4)
        t4 = clock()
        steps["vectorize"].append(t1 - t0)
        steps["gather_scores"].append(t2 - t1)
        steps["reduce_top"].append(t3 - t2)
        steps["reduce_all"].append(t4 - t3)
        lengths = mat.indptr[idx + 1] - mat.indptr[idx]
        postings_word.append(int(lengths[idx < n_word].sum()))
        postings_char.append(int(lengths[idx >= n_word].sum()))
        n_terms.append(int(idx.size))
    return {
        "steps_us": {k: summary_us(v) for k, v in steps.items()},
        "query_terms_median": float(np.median(n_terms)),
        "postings_word_median": float(np.median(postings_word)),
        "postings_char_median": float(np.median(postings_char)),
        "n_docs": mat.n_docs,
    }


def top_functions(prof: cProfile.Profile, n: int) -> list[str]:
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(n)
    lines = [ln.rstrip() for ln in buf.getvalue().splitlines()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    return [ln for ln in lines[start : start + n + 1] if ln.strip()]


# --------------------------------------------------------------------------- parent


def run_child(args: list[str], timeout: float) -> dict[str, object]:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    # stderr is passed through: the child's notes and warnings (busy machine) show as it runs
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def misses(b: dict, q: dict) -> list[str]:  # type: ignore[type-arg]
    out = []
    if q["query"]["median_us"] / 1000 > TARGETS["query_median_ms"]:
        out.append("query median")
    if b["build_s"] > TARGETS["build_s"]:
        out.append("build time")
    if b["peak_rss_mb"] > TARGETS["peak_mb"]:
        out.append("build peak memory")
    if q["peak_rss_mb"] > TARGETS["peak_mb"]:
        out.append("serve peak memory")
    return out


def one_size(n: int, n_queries: int, profile: bool, timeout: float) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"faqbot-scale-{n}-"))
    snapshot_faq(work)
    try:
        note(f"{n:>7,} entries: generate + build")
        b = run_child(["--child", "build", "--n", str(n), "--work", str(work)], timeout)
        note(f"{n:>7,} entries: build {b['build_s']} s; load + {n_queries} queries")
        qargs = [
            "--child",
            "query",
            "--n",
            str(n),
            "--work",
            str(work),
            "--queries",
            str(n_queries),
        ]
        q = run_child(qargs + (["--profile"] if profile else []), timeout)
        return {"entries": n, "build": b, "query": q, "missed": misses(b, q)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build_cprofile(n: int, timeout: float) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix=f"faqbot-scale-prof-{n}-"))
    snapshot_faq(work)
    try:
        note(f"{n:>7,} entries: cProfile of build_index")
        return run_child(
            ["--child", "build", "--n", str(n), "--work", str(work), "--profile"], timeout
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: list[dict[str, object]], build_prof: dict[str, object] | None) -> None:
    rows = []
    for r in results:
        b, q = r["build"], r["query"]
        rows.append(
            [
                f"{r['entries']:,}",
                f"{b['rows']:,}",
                f"{b['nnz']['word'] + b['nnz']['char']:,}",
                b["build_s"],
                round(b["index_bytes"] / 2**20, 1),
                b["peak_rss_mb"],
                q["load_s"],
                q["rss_after_load_mb"],
                q["peak_rss_mb"],
                round(q["query"]["median_us"] / 1000, 3),
                round(q["query"]["p99_us"] / 1000, 3),
                f"{b['cpu']['foreign_cores']} / {q['query_cpu']['foreign_cores']}",
                ", ".join(r["missed"]) or "none",
            ]
        )
    headers = [
        "entries",
        "doc rows",
        "postings",
        "build s",
        "index MiB",
        "build peak RSS MiB",
        "load s",
        "RSS after load MiB",
        "serve peak RSS MiB",
        "query median ms",
        "query p99 ms",
        "other load build/query (cores)",
        "missed targets",
    ]
    print("\n" + markdown_table(headers, rows))

    nq = results[0]["query"]["query"]["n"]
    print(f"\nWhere Retriever.rank spends its time (median µs per query, same {nq:,} queries):\n")
    steps = ["vectorize", "gather_scores", "reduce_top", "reduce_all"]
    rows = []
    for r in results:
        bd = r["query"]["breakdown"]
        rows.append(
            [f"{r['entries']:,}", f"{bd['n_docs']:,}"]
            + [bd["steps_us"][k]["median_us"] for k in steps]
            + [
                f"{bd['query_terms_median']:.0f}",
                f"{bd['postings_word_median']:,.0f}",
                f"{bd['postings_char_median']:,.0f}",
            ]
        )
    print(
        markdown_table(
            ["entries", "doc rows", *steps, "query terms", "word postings", "char postings"], rows
        )
    )
    print(
        "\nreduce_top: what rank() does (exact scores only for entries that can reach the top 4);"
        " reduce_all: every entry's exact score, for comparison (not part of rank)."
    )

    print("\nbuild_index phases (seconds / sampled peak RSS MiB):\n")
    names = [p["phase"] for p in results[-1]["build"]["phases"] if p["seconds"] >= 0.05]
    rows = []
    for name in names:
        row: list[object] = [name]
        for r in results:
            ph = next((p for p in r["build"]["phases"] if p["phase"] == name), None)
            row.append(f"{ph['seconds']} / {ph['peak_rss_sampled_mb']}" if ph else None)
        rows.append(row)
    print(markdown_table(["phase", *[f"{r['entries']:,}" for r in results]], rows))

    big = results[-1]
    mem = big["query"]["index_memory_mb"]
    print(f"\nLoaded index at {big['entries']:,} entries, MiB by part:\n")
    print(markdown_table(["part", "MiB"], [[k, v] for k, v in mem.items()]))
    if "profile" in big["query"]:
        print(f"\ncProfile, 200 rank calls at {big['entries']:,} entries (by own time):")
        print("```\n" + "\n".join(big["query"]["profile"]) + "\n```")
    if build_prof:
        print(f"\ncProfile of build_index at {build_prof['entries']:,} entries (by own time):")
        print("```\n" + "\n".join(build_prof["profile"]) + "\n```")


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--sizes", default="1000,10000,100000", help="entry counts, comma-separated")
    ap.add_argument("--queries", type=int, default=1000, help="timed Retriever.rank calls per size")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile runs")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per child process")
    ap.add_argument("--child", choices=["build", "query"], help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child == "build":
        print(json.dumps(child_build(args.n, args.work, args.profile)))
        return
    if args.child == "query":
        print(json.dumps(child_query(args.n, args.work, args.queries, args.profile)))
        return

    started = time.perf_counter()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    profile = not args.no_profile
    results = [one_size(n, args.queries, profile, args.timeout) for n in sizes]
    # Build time is linear in the entries, so a build that missed its target is profiled at a
    # tenth of that size (cProfile slows the Python-heavy analysis down by ~1.7x).
    missed_build = [r["entries"] for r in results if "build time" in r["missed"]]
    build_prof = (
        build_cprofile(max(1000, missed_build[0] // 10), args.timeout)
        if profile and missed_build
        else None
    )
    report(results, build_prof)
    out = write_results(
        "scale",
        {
            "seed": SEED,
            "replace_fraction": REPLACE,
            "targets": TARGETS,
            "queries": args.queries,
            "load_average_at_end": load_average(),
            "results": results,
            "build_profile": build_prof,
            "wall_s": round(time.perf_counter() - started, 1),
        },
    )
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
