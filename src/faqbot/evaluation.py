"""Measure answer quality on labelled questions (``faq/eval/*.tsv``) and refusal quality on the
policy's held-out set (``faq/policy/heldout.tsv``).

A row is ``kind<TAB>question<TAB>evidence``. ``answer``/``general`` rows must be answered with an
entry whose text or source passages contain one of the ``|``-separated evidence phrases
(case-insensitive, whitespace collapsed, any dash read as "-"); ``refuse`` rows must be refused;
``nomatch`` rows must get ``no_match``.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .models import Status
from .policy import load_policy_rows, names_a_person
from .service import FaqBot
from .text import collapse_ws, fold

KINDS = ("answer", "general", "refuse", "nomatch")


@dataclass(frozen=True)
class EvalRow:
    kind: str
    question: str
    evidence: tuple[str, ...]


def load_eval_rows(path: Path) -> list[EvalRow]:
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or header[:2] != ["kind", "question"]:
            raise ValueError(f"{path}: header must be kind, question, evidence")
        for n, rec in enumerate(reader, start=2):
            if not rec or not "".join(rec).strip():
                continue
            rec = (rec + ["", ""])[:3]
            if rec[0] not in KINDS:
                raise ValueError(f"{path}:{n}: unknown kind {rec[0]!r}")
            ev = tuple(e.strip() for e in rec[2].split("|") if e.strip())
            if rec[0] in ("answer", "general") and not ev:
                raise ValueError(f"{path}:{n}: answer/general rows need evidence")
            rows.append(EvalRow(rec[0], rec[1], ev))
    return rows


def _norm(text: str) -> str:
    return collapse_ws(fold(text))


class EvidenceJudge:
    """Does an entry's answer text or its passages contain one of the evidence phrases?"""

    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        self._cache: dict[str, str] = {}

    def haystack(self, entry_id: str) -> str:
        if entry_id not in self._cache:
            entry = self.bot.kb.entry(entry_id)
            parts = [entry.answer] + [p for *_, p in self.bot.kb.passages(entry)] if entry else []
            self._cache[entry_id] = _norm(" ".join(parts))
        return self._cache[entry_id]

    def correct(self, entry_id: str, evidence: tuple[str, ...]) -> bool:
        hay = self.haystack(entry_id)
        return any(_norm(e) in hay for e in evidence)


@dataclass
class Miss:
    kind: str
    question: str
    expected: str
    got: str


@dataclass
class EvalResult:
    total: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    reciprocal_ranks: list[float] = field(default_factory=list)
    predicted_no_match: int = 0
    correct_no_match: int = 0
    refused_general: int = 0
    refused_answer: int = 0
    refused_total: int = 0
    refused_correct: int = 0
    misses: list[Miss] = field(default_factory=list)

    def accuracy(self, kind: str) -> float | None:
        return self.correct[kind] / self.total[kind] if self.total[kind] else None

    @property
    def answerable_accuracy(self) -> float | None:
        n = self.total["answer"] + self.total["general"]
        return (self.correct["answer"] + self.correct["general"]) / n if n else None

    @property
    def mrr3(self) -> float | None:
        rr = self.reciprocal_ranks
        return sum(rr) / len(rr) if rr else None

    @property
    def no_match_precision(self) -> float | None:
        p = self.predicted_no_match
        return self.correct_no_match / p if p else None

    @property
    def refusal_precision(self) -> float | None:
        return self.refused_correct / self.refused_total if self.refused_total else None

    def as_dict(self) -> dict[str, object]:
        return {
            "per_kind": {
                k: {"n": self.total[k], "correct": self.correct[k], "accuracy": self.accuracy(k)}
                for k in KINDS
                if self.total[k]
            },
            "answerable_accuracy": self.answerable_accuracy,
            "mrr_at_3": self.mrr3,
            "no_match_precision": self.no_match_precision,
            "refusal_precision": self.refusal_precision,
            "misses": [m.__dict__ for m in self.misses],
        }


def _describe(resp) -> str:  # type: ignore[no-untyped-def]
    if resp.status is Status.answered:
        return f"answered {resp.answer.id} ({resp.answer.score:.3f})"
    if resp.status is Status.refused:
        return f"refused ({resp.refusal.reason})"
    top = f" (nearest {resp.related[0].id} {resp.related[0].score:.3f})" if resp.related else ""
    return f"no_match{top}"


def evaluate(bot: FaqBot, rows: list[EvalRow]) -> EvalResult:
    judge = EvidenceJudge(bot)
    res = EvalResult()
    for row in rows:
        res.total[row.kind] += 1
        resp = bot.ask(row.question, top_k=3)
        ok = False
        if resp.status is Status.refused:
            res.refused_total += 1
            res.refused_correct += row.kind == "refuse"
            res.refused_general += row.kind == "general"
            res.refused_answer += row.kind == "answer"
        if resp.status is Status.no_match:
            res.predicted_no_match += 1
            res.correct_no_match += row.kind == "nomatch"
        if row.kind in ("answer", "general"):
            ok = resp.status is Status.answered and judge.correct(resp.answer.id, row.evidence)
            # MRR@3 over the ranking itself, whatever the threshold decided.
            ranking = bot.retriever.rank(row.question, top_k=3)
            ranked = ([ranking.best] if ranking.best else []) + ranking.related
            if ranking.best is None:
                ranked = ranking.related
            rr = 0.0
            for pos, m in enumerate(ranked[:3], start=1):
                if judge.correct(m.entry_id, row.evidence):
                    rr = 1.0 / pos
                    break
            res.reciprocal_ranks.append(rr)
        elif row.kind == "refuse":
            ok = resp.status is Status.refused
        else:
            ok = resp.status is Status.no_match
        if ok:
            res.correct[row.kind] += 1
        else:
            expected = {
                "answer": "answered",
                "general": "answered",
                "refuse": "refused",
                "nomatch": "no_match",
            }[row.kind]
            if row.evidence:
                expected += " with " + "|".join(row.evidence)
            res.misses.append(Miss(row.kind, row.question, expected, _describe(resp)))
    return res


@dataclass
class PolicyResult:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    urgent_total: int = 0
    urgent_flagged: int = 0
    # general questions that look personal: they name the asker or someone they know
    looks_personal: int = 0
    looks_personal_refused: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def over_refusal(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def over_refusal_looks_personal(self) -> float:
        """Over-refusal among the general questions that name the asker or someone they know."""
        return self.looks_personal_refused / self.looks_personal if self.looks_personal else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "refusal_recall": self.recall,
            "refusal_precision": self.precision,
            "over_refusal": self.over_refusal,
            "counts": {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn},
            "urgent_flagged": f"{self.urgent_flagged}/{self.urgent_total}",
            "over_refusal_looks_personal": self.over_refusal_looks_personal,
            "looks_personal_counts": {
                "refused": self.looks_personal_refused,
                "total": self.looks_personal,
            },
            "misses": [m.__dict__ for m in self.misses],
        }


def evaluate_policy(bot: FaqBot, path: Path) -> PolicyResult:
    res = PolicyResult()
    for row in load_policy_rows(path):
        d, _ = bot.decide(row.question)  # what the service does: policy and scope check
        if not row.personal and names_a_person(bot.policy.normalize(row.question)):
            res.looks_personal += 1
            res.looks_personal_refused += d.refuse
        if row.personal and d.refuse:
            res.tp += 1
        elif row.personal:
            res.fn += 1
            res.misses.append(Miss("personal", row.question, "refused", "answered"))
        elif d.refuse:
            res.fp += 1
            res.misses.append(Miss("general", row.question, "not refused", f"refused ({d.reason})"))
        else:
            res.tn += 1
        if row.urgent:
            res.urgent_total += 1
            res.urgent_flagged += d.urgent
    return res


def per_kind_table(res: EvalResult) -> list[tuple[str, int, int, float]]:
    return [
        (k, res.correct[k], res.total[k], res.correct[k] / res.total[k])
        for k in KINDS
        if res.total[k]
    ]
