"""The content-review report: every entry beside its sources, with warnings for reviewers.

``build_review(kb)`` returns a :class:`ReviewReport`; ``render_html`` turns it into one
self-contained HTML page (jinja2, autoescaped, no external assets); ``to_json`` / ``to_csv``
serve other tools.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .coverage import coverage_report
from .index import IndexParams, build_index, load_index
from .knowledge import KnowledgeBase
from .models import Entry
from .retrieval import RetrievalParams, Retriever
from .text import collapse_ws, numbers

CONTEXT_CHARS = 280
COLLIDE_SCORE = 0.75  # an entry's question scores another entry at least this high

# "Dr. Talei", "Ben Talei", "Kimberly Lee": capitalised words in a row, or a title and a name.
# Each repeated group starts with a space the previous one cannot contain: no backtracking blow-up.
_NAME = re.compile(
    r"\b(?:Dr|Drs|Mr|Mrs|Ms|Prof)\.?(?: [A-Z][a-zA-Z'-]+)+|\b[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)+"
)
_NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "One",
        "This",
        "That",
        "These",
        "It",
        "In",
        "For",
        "Some",
        "Where",
        "When",
        "Both",
    ]
)


@dataclass
class Citation:
    source_id: str
    source_title: str
    quote: str
    found: bool
    before: str = ""
    passage: str = ""
    after: str = ""
    start: int = -1
    end: int = -1


@dataclass
class Card:
    id: str
    topic: str
    question: str
    alternates: list[str]
    answer: str
    status: str  # approved | draft | changed (approved, then edited)
    reviewer: str
    date: str
    file: str
    citations: list[Citation]
    warnings: list[str] = field(default_factory=list)
    gap: bool = False  # a question the sources leave open: its answer is the no-match message


@dataclass
class ReviewReport:
    cards: list[Card]
    coverage: float
    n_substantive: int
    n_uncovered: int

    @property
    def summary(self) -> dict[str, object]:
        return {
            "entries": len(self.cards),
            "approved": sum(c.status == "approved" for c in self.cards),
            "changed_since_approval": sum(c.status == "changed" for c in self.cards),
            "with_warnings": sum(bool(c.warnings) for c in self.cards),
            "warnings": sum(len(c.warnings) for c in self.cards),
            "coverage": round(self.coverage, 4),
            "uncovered_paragraphs": self.n_uncovered,
        }

    @property
    def topics(self) -> list[str]:
        return sorted({c.topic for c in self.cards})


def status_of(entry: Entry) -> str:
    if entry.approved:
        return "approved"
    if entry.review.status.value == "approved":
        return "changed"
    return "draft"


def unsupported_names(entry: Entry, kb: KnowledgeBase) -> list[str]:
    """Named people (or other proper names) in the answer that none of its quotes mention."""
    allowed = " ".join(c.quote for c in entry.citations)
    for c in entry.citations:
        src = kb.sources.get(c.source)
        if src:
            allowed += f" {src.meta.title} {src.meta.publisher} {src.meta.author}"
    allowed_words = {w.lower() for w in re.findall(r"[A-Za-z-]+", allowed)}
    out = []
    for m in _NAME.finditer(entry.answer):
        name = m.group().removesuffix("'s")
        words = [w for w in re.findall(r"[A-Za-z-]+", name) if w not in _NOT_NAMES]
        words = [w for w in words if w not in ("Dr", "Drs", "Mr", "Mrs", "Ms", "Prof")]
        if words and not all(w.lower() in allowed_words for w in words):
            out.append(name)
    return list(dict.fromkeys(out))


def collisions(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Pairs of entries whose questions collide: one's canonical question scores the other
    entry (through any of its phrasings) at least ``COLLIDE_SCORE``."""
    with tempfile.TemporaryDirectory(prefix="faqbot-review-") as tmp:
        build_index(kb, Path(tmp) / "index", IndexParams(include_drafts=True))
        index = load_index(Path(tmp) / "index", kb)
    # the best single phrasing, not the combined score: "its question matches a phrasing"
    retriever = Retriever(index, RetrievalParams(support_weight=0.0, answer_weight=0.0))
    pos = {eid: i for i, eid in enumerate(index.entry_ids)}
    out: dict[str, list[str]] = {}
    for e in kb.entries:
        scores = retriever.entry_scores(e.question)
        for other, p in pos.items():
            if other != e.id and scores[p] >= COLLIDE_SCORE:
                out.setdefault(e.id, []).append(other)
                out.setdefault(other, []).append(e.id)
    return {k: sorted(set(v)) for k, v in out.items()}


def build_review(kb: KnowledgeBase, check_collisions: bool = True) -> ReviewReport:
    cov = coverage_report(kb)
    clash = collisions(kb) if check_collisions and kb.entries else {}
    cards = []
    for e in kb.entries:
        status = status_of(e)
        cites = []
        quotes = []
        for c in e.citations:
            src = kb.sources.get(c.source)
            span = src.locate(c.quote) if src else None
            cite = Citation(
                c.source, src.meta.title if src else "(unknown source)", c.quote, span is not None
            )
            if src and span:
                s, t = span
                cite.start, cite.end = s, t
                cite.before = src.text[max(0, s - CONTEXT_CHARS) : s]
                cite.passage = src.text[s:t]
                cite.after = src.text[t : t + CONTEXT_CHARS]
            cites.append(cite)
            quotes.append(collapse_ws(c.quote))
        warnings = []
        if status == "draft":
            warnings.append("not yet approved")
        elif status == "changed":
            warnings.append("changed since approval: the approved text differs; review again")
        for cite in cites:
            if not cite.found:
                warnings.append(
                    f"quote no longer found in its source {cite.source_id}: {cite.quote[:60]!r}"
                )
        joined = " ".join(quotes)
        missing = [n for n in dict.fromkeys(numbers(e.answer)) if n not in joined]
        if missing:
            warnings.append(
                f"numbers in the answer that appear in none of its quotes: {', '.join(missing)}"
            )
        names = unsupported_names(e, kb)
        if names:
            warnings.append(
                f"names in the answer that appear in none of its quotes: {', '.join(names)}"
            )
        if e.id in clash:
            warnings.append(f"near-duplicate: its question also retrieves {', '.join(clash[e.id])}")
        cards.append(
            Card(
                e.id,
                e.topic,
                e.question,
                list(e.alternates),
                e.answer,
                status,
                e.review.reviewer,
                e.review.date,
                kb.files.get(e.id, ""),
                cites,
                warnings,
                e.gap,
            )
        )
    return ReviewReport(cards, cov.ratio, len(cov.substantive), len(cov.uncovered))


def render_html(report: ReviewReport, nonce: str | None = None) -> str:
    env = Environment(
        loader=PackageLoader("faqbot", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )
    return env.get_template("review.html.j2").render(
        report=report, summary=report.summary, topics=report.topics, nonce=nonce
    )


def to_json(report: ReviewReport) -> str:
    return json.dumps(
        {"summary": report.summary, "entries": [asdict(c) for c in report.cards]},
        indent=2,
        ensure_ascii=False,
    )


def to_csv(report: ReviewReport) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "id",
            "topic",
            "status",
            "reviewer",
            "date",
            "question",
            "answer",
            "sources",
            "warnings",
            "file",
        ]
    )
    for c in report.cards:
        w.writerow(
            [
                c.id,
                c.topic,
                c.status,
                c.reviewer,
                c.date,
                c.question,
                c.answer,
                " ".join(sorted({x.source_id for x in c.citations})),
                " | ".join(c.warnings),
                c.file,
            ]
        )
    return buf.getvalue()
