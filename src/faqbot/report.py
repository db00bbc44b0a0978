"""What reviewers act on, from the query log: frequent no-match questions (grouped by
similarity), the lowest-scoring answers, entries with not-helpful feedback, refusals by day."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .text import fold

GROUP_SIMILARITY = 0.5


@dataclass
class QuestionGroup:
    example: str
    count: int
    variants: list[str] = field(default_factory=list)


@dataclass
class LiveReport:
    no_match_groups: list[QuestionGroup]
    low_score_answers: list[dict[str, object]]
    not_helpful: list[dict[str, object]]
    refusals_by_day: list[dict[str, object]]
    totals: dict[str, int]


MAX_DISTINCT = 5000  # the most frequent distinct no-match texts that are grouped


def group_questions(
    questions: list[str], threshold: float = GROUP_SIMILARITY
) -> list[QuestionGroup]:
    """Greedy grouping by character n-gram TF-IDF cosine: typos and rewordings fall together.

    Identical texts are counted once and only the ``MAX_DISTINCT`` most frequent are compared,
    over a sparse similarity matrix, so memory stays bounded however many questions were logged.
    """
    if not questions:
        return []
    counts = Counter(questions)
    distinct = [q for q, _ in counts.most_common(MAX_DISTINCT)]
    texts = [fold(q).strip() for q in distinct]
    from sklearn.feature_extraction.text import TfidfVectorizer  # only reports need it

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4))
    x = vec.fit_transform(texts)
    sim = (x @ x.T).tocsr()
    order = sorted(range(len(texts)), key=lambda i: texts[i])
    assigned: dict[int, int] = {}
    groups: list[list[int]] = []
    for i in order:
        if i in assigned:
            continue
        row = sim.indices[sim.indptr[i] : sim.indptr[i + 1]]
        vals = sim.data[sim.indptr[i] : sim.indptr[i + 1]]
        members = [i] + [
            int(j)
            for j, v in zip(row, vals, strict=True)
            if v >= threshold and j not in assigned and j != i
        ]
        for j in members:
            assigned[j] = len(groups)
        groups.append(members)
    out = []
    for members in groups:
        variants = sorted((distinct[j] for j in members), key=lambda q: (-counts[q], q))
        total = sum(counts[distinct[j]] for j in members)
        out.append(QuestionGroup(variants[0], total, variants[:5]))
    return sorted(out, key=lambda g: (-g.count, g.example))


def live_report(path: Path, limit: int = 20) -> LiveReport:
    if not path.is_file():
        raise FileNotFoundError(f"no query log at {path}; the service writes it (FAQBOT_QUERY_LOG)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        no_match = [
            r[0]
            for r in conn.execute(
                "SELECT question FROM queries WHERE outcome = 'no_match' AND question IS NOT NULL"
            )
        ]
        low = [
            dict(zip(("entry_id", "score", "question"), r, strict=True))
            for r in conn.execute(
                "SELECT entry_id, score, question FROM queries WHERE outcome = 'answered' "
                "ORDER BY score ASC LIMIT ?",
                (limit,),
            )
        ]
        unhelpful = [
            dict(zip(("entry_id", "not_helpful", "helpful", "comments"), r, strict=True))
            for r in conn.execute(
                "SELECT q.entry_id, SUM(f.helpful = 0), SUM(f.helpful = 1), "
                "GROUP_CONCAT(f.comment, ' | ') FROM feedback f JOIN queries q USING (request_id) "
                "WHERE q.entry_id IS NOT NULL GROUP BY q.entry_id HAVING SUM(f.helpful = 0) > 0 "
                "ORDER BY 2 DESC LIMIT ?",
                (limit,),
            )
        ]
        by_day = [
            dict(zip(("day", "refused", "urgent"), r, strict=True))
            for r in conn.execute(
                "SELECT date(ts, 'unixepoch') AS day, COUNT(*), SUM(urgent) FROM queries "
                "WHERE outcome = 'refused' GROUP BY day ORDER BY day"
            )
        ]
        totals = dict(
            conn.execute("SELECT outcome, COUNT(*) FROM queries GROUP BY outcome").fetchall()
        )
    finally:
        conn.close()
    return LiveReport(group_questions(no_match)[:limit], low, unhelpful, by_day, totals)


def to_json(rep: LiveReport) -> str:
    return json.dumps(asdict(rep), indent=2, ensure_ascii=False)


def to_csv(rep: LiveReport) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["section", "key", "value", "detail"])
    for g in rep.no_match_groups:
        w.writerow(["no_match", g.example, g.count, " | ".join(g.variants)])
    for r in rep.low_score_answers:
        w.writerow(["low_score", r["entry_id"], r["score"], r["question"] or ""])
    for r in rep.not_helpful:
        w.writerow(["not_helpful", r["entry_id"], r["not_helpful"], r["comments"] or ""])
    for r in rep.refusals_by_day:
        w.writerow(["refusals", r["day"], r["refused"], f"urgent={r['urgent']}"])
    return buf.getvalue()


def to_text(rep: LiveReport) -> str:
    lines = [f"queries by outcome: {rep.totals or 'none'}", "", "most frequent no-match questions:"]
    lines += [
        f"  {g.count:>4}  {g.example}"
        + (f"  (also: {'; '.join(g.variants[1:3])})" if len(g.variants) > 1 else "")
        for g in rep.no_match_groups
    ] or ["  (none)"]
    lines += ["", "lowest-scoring answers:"]
    lines += [
        f"  {r['score']:.3f}  {r['entry_id']}  {r['question'] or '(text expired)'}"
        for r in rep.low_score_answers
    ] or ["  (none)"]
    lines += ["", "entries with not-helpful feedback:"]
    lines += [
        f"  {r['not_helpful']:>4} not helpful, {r['helpful']} helpful  {r['entry_id']}  {r['comments'] or ''}"
        for r in rep.not_helpful
    ] or ["  (none)"]
    lines += ["", "refusals by day:"]
    lines += [
        f"  {r['day']}  {r['refused']} refused ({r['urgent']} urgent)" for r in rep.refusals_by_day
    ] or ["  (none)"]
    return "\n".join(lines)
