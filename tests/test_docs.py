"""The README's statements about the knowledge base match the committed knowledge base."""

from __future__ import annotations

import re
from pathlib import Path

from faqbot.knowledge import load_knowledge_base

ROOT = Path(__file__).resolve().parent.parent


def test_readme_entry_counts_match_the_knowledge_base() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"The (\d+) entries \((\d+) that answer, (\d+) gap entries", " ".join(readme.split())
    )
    assert found, "README no longer states the entry counts in the expected words"
    total, answering, gaps = map(int, found.groups())
    entries = list(load_knowledge_base(ROOT / "faq").entries)
    n_gaps = sum(1 for e in entries if e.gap)
    assert (total, answering, gaps) == (len(entries), len(entries) - n_gaps, n_gaps)


def test_quality_record_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](QUALITY.md)" in readme
    assert (ROOT / "QUALITY.md").is_file()
