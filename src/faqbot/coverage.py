"""Source coverage: which substantive source paragraphs no citation touches.

A paragraph is a non-blank line of a source text (the documents put one paragraph or one bullet
per line). It holds a substantive claim when it has at least ``MIN_WORDS`` words, is not a
question or the lead-in of a list (it ends in ``?`` or ``:``), and is not listed in ``faq/coverage_exclusions.yaml`` (headings, advertising,
image credits, contact details, navigation text), each exclusion with its reason. It is covered
when a citation's quote overlaps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .knowledge import KnowledgeBase
from .text import collapse_ws

MIN_WORDS = 8


def is_claim_shaped(text: str) -> bool:
    """Not a question ("Q: Is nanofat ...?") or the lead-in of a list ("... include:")."""
    return not text.rstrip().endswith(("?", ":"))


@dataclass
class Paragraph:
    source: str
    start: int
    end: int
    text: str
    covered_by: list[str] = field(default_factory=list)
    excluded: str | None = None  # reason, when excluded


@dataclass
class CoverageReport:
    paragraphs: list[Paragraph]

    @property
    def substantive(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.excluded is None]

    @property
    def uncovered(self) -> list[Paragraph]:
        return [p for p in self.substantive if not p.covered_by]

    @property
    def excluded(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.excluded is not None]

    @property
    def ratio(self) -> float:
        subs = self.substantive
        return (len(subs) - len(self.uncovered)) / len(subs) if subs else 1.0


def load_exclusions(root: Path) -> list[dict[str, str]]:
    path = root / "coverage_exclusions.yaml"
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("exclusions", []))


def source_paragraphs(kb: KnowledgeBase) -> list[Paragraph]:
    out = []
    for sid, src in kb.sources.items():
        pos = 0
        for line in src.text.splitlines(keepends=True):
            text = line.strip()
            if len(text.split()) >= MIN_WORDS and is_claim_shaped(text):
                start = pos + line.index(text[0])
                out.append(Paragraph(sid, start, start + len(text), text))
            pos += len(line)
    return out


def coverage_report(kb: KnowledgeBase) -> CoverageReport:
    paragraphs = source_paragraphs(kb)
    exclusions = load_exclusions(kb.root)
    for p in paragraphs:
        for ex in exclusions:
            if ex.get("source") == p.source and collapse_ws(p.text).startswith(
                collapse_ws(str(ex.get("starts_with", "\0")))
            ):
                p.excluded = str(ex.get("reason", "excluded"))
                break
    by_source: dict[str, list[Paragraph]] = {}
    for p in paragraphs:
        by_source.setdefault(p.source, []).append(p)
    for entry in kb.entries:
        for src, start, end, _ in kb.passages(entry):
            for p in by_source.get(src.id, []):
                if p.start < end and start < p.end and entry.id not in p.covered_by:
                    p.covered_by.append(entry.id)
    return CoverageReport(paragraphs)
