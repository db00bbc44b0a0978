"""Could exact top-k pruning (MaxScore) bring the 100k query under 2 ms? A measurement, not a
feature.

    python benchmarks/prune_bounds.py [--n 100000] [--queries 100] [--work DIR]

Exhaustive scoring gathers every posting of a question's terms (about 8 million at 100k
entries, most of them common character trigrams), so a query costs time linear in the
knowledge base. MaxScore-style pruning would gather only the postings of a question's rarer
terms (a share ``B`` of its postings) and bound what the common terms can add: at most
``sum(w_t * max_t)`` over them, with ``max_t`` a term's largest weight in any phrasing row
(or answer row), and never more than the norm of their query weights (a row vector has norm 1).
An entry that no rare term touches then scores at most the module formula of
``retrieval.py`` with its best and second phrasings and its answer at those bounds; if that is
below the lowest score the output can show (the ``top_k + 1``-th best entry, and never below
``related_score``), such entries can be skipped exactly. Entries a rare term touches are
bounded the same way from their rare partial sums; those whose bound reaches the floor would
need an exact score.

The script builds (or reuses, with ``--work``) the synthetic knowledge base of ``scale.py``
and prints, for each share ``B``: how often the untouched entries could be skipped, how many
entries would still need an exact score, and the share of the postings gathered. Exact
pruning pays only if a small ``B`` skips the untouched entries for most questions.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import scale  # noqa: E402
from common import arg_parser, markdown_table  # noqa: E402

SHARES = (0.01, 0.03, 0.1, 0.3, 0.5)


def term_maxima(index, is_answer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Each term's largest weight in any phrasing row, and in any answer row."""
    m = index.matrix
    lens = np.diff(m.indptr)
    has = lens > 0
    starts = m.indptr[:-1][has]
    in_answer = is_answer[m.indices]
    phr, ans = np.zeros(lens.size), np.zeros(lens.size)
    phr[has] = np.maximum.reduceat(np.where(in_answer, 0.0, m.data), starts)
    ans[has] = np.maximum.reduceat(np.where(in_answer, m.data, 0.0), starts)
    return phr, ans


def main() -> None:
    ap = arg_parser(__doc__)
    ap.add_argument("--n", type=int, default=100_000, help="synthetic entries")
    ap.add_argument("--queries", type=int, default=100, help="questions (scale.py's mix)")
    ap.add_argument("--work", type=Path, help="folder for the synthetic index (kept, reused)")
    args = ap.parse_args()

    from faqbot.index import IndexParams, build_index, load_index
    from faqbot.retrieval import Retriever

    work = args.work or Path(tempfile.mkdtemp(prefix="faqbot-prune-"))
    kb = scale.synthetic_kb(args.n, work)
    if not (work / "index" / "manifest.json").is_file():
        t = time.perf_counter()
        build_index(kb, work / "index", IndexParams(include_drafts=True))
        print(f"built {args.n:,} entries in {time.perf_counter() - t:.0f} s ({work})")
    retriever = Retriever(load_index(work / "index", kb))
    m, p = retriever.index.matrix, retriever.params
    is_answer = retriever._is_answer
    max_phr, max_ans = term_maxima(retriever.index, is_answer)
    lens = np.diff(m.indptr)

    def score(best, second, answer):  # type: ignore[no-untyped-def]
        keep = 1 - np.minimum(1, p.answer_weight * answer)
        return 1 - (1 - best) * (1 - p.support_weight * second) * keep

    stats: dict[float, list[tuple[bool, int, float]]] = {b: [] for b in SHARES}
    for q in scale.query_set(kb, args.queries):
        idx, w, _ = retriever._query(q)
        if idx.size == 0:
            continue
        exact = retriever._combine(m.scores(idx, w))
        floor = max(float(np.sort(exact)[-4]), p.related_score)  # top_k=3 shows 4 entries
        post = lens[idx]
        order = np.argsort(post, kind="stable")
        cum = np.cumsum(post[order])
        for share in SHARES:
            n_rare = int(np.searchsorted(cum, share * cum[-1], side="right"))
            rare, common = order[:n_rare], order[n_rare:]
            norm_c = float(np.sqrt(w[common] @ w[common]))
            u_phr = min(float(w[common] @ max_phr[idx[common]]), norm_c)
            u_ans = min(float(w[common] @ max_ans[idx[common]]), norm_c)
            skip = float(score(u_phr, u_phr, u_ans)) < floor
            partial = m.scores(idx[rare], w[rare]) if n_rare else np.zeros(m.n_docs)
            bound = partial + np.where(is_answer, u_ans, u_phr)
            best = np.maximum.reduceat(np.where(is_answer, 0.0, bound), retriever._starts)
            contenders = int((score(best, best, bound[retriever._answer_rows]) >= floor).sum())
            gathered = float(cum[n_rare - 1] / cum[-1]) if n_rare else 0.0
            stats[share].append((skip, contenders, gathered))
    rows = []
    for share, got in stats.items():
        skip = np.array([g[0] for g in got])
        cont = np.array([g[1] for g in got])
        gath = np.array([g[2] for g in got])
        rows.append(
            [
                f"{share:.0%}",
                f"{skip.mean():.0%}",
                f"{np.median(cont):,.0f}",
                f"{np.percentile(cont, 90):,.0f}",
                f"{np.median(gath):.0%}",
            ]
        )
    print(f"{args.n:,} entries, {len(stats[SHARES[0]])} questions")
    print(
        markdown_table(
            [
                "rare share B",
                "untouched entries skippable",
                "entries needing an exact score (median)",
                "(p90)",
                "postings gathered (median)",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
