"""The review report and its warnings, each fired by a fixture made to trigger it."""

from __future__ import annotations

import json
from pathlib import Path

from faqbot.knowledge import check_knowledge_base
from faqbot.review import build_review, render_html, to_csv, to_json

ROOT = Path(__file__).resolve().parent.parent


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def card(report, entry_id):
    return next(c for c in report.cards if c.id == entry_id)


def test_clean_fixture_has_only_the_draft_warning(kb_dir: Path) -> None:
    kb, _ = check_knowledge_base(kb_dir)
    rep = build_review(kb)
    assert card(rep, "basics-cells").warnings == []
    assert card(rep, "practical-cost").warnings == ["not yet approved"]
    assert rep.summary["entries"] == 4 and rep.summary["approved"] == 3


def test_each_warning_fires(kb_dir: Path) -> None:
    basics = kb_dir / "entries/basics.yaml"
    # changed since approval (and a name no quote mentions)
    edit(basics, "smaller than 0.1 mm.", "smaller than 0.1 mm, says Dr. Quentin Blake.")
    # a quote no longer in its source
    edit(
        kb_dir / "sources/evidence.txt",
        "Nanofat contains no viable adipocytes",
        "Nanofat contains few viable adipocytes",
    )
    # a number in no quote
    edit(
        kb_dir / "entries/practical.yaml",
        "including the areas treated",
        "including 12 areas treated",
    )
    # a near-duplicate: a second entry asking the same thing
    edit(
        kb_dir / "entries/practical.yaml",
        "question: How much does nanofat grafting cost?",
        "question: What is the downtime after nanofat grafting, please?",
    )
    kb, _ = check_knowledge_base(kb_dir)
    rep = build_review(kb)
    w = card(rep, "basics-what-is-nanofat").warnings
    assert any(x.startswith("changed since approval") for x in w)
    assert any("names in the answer" in x and "Quentin Blake" in x for x in w)
    assert card(rep, "basics-what-is-nanofat").status == "changed"
    assert any(
        "quote no longer found in its source evidence" in x
        for x in card(rep, "basics-cells").warnings
    )
    assert any(
        "numbers in the answer" in x and "12" in x for x in card(rep, "practical-cost").warnings
    )
    assert any(
        "near-duplicate" in x and "practical-cost" in x
        for x in card(rep, "practical-downtime").warnings
    )


def test_html_is_self_contained_and_escaped(kb_dir: Path) -> None:
    edit(kb_dir / "entries/practical.yaml", "- nanofat price", "- <script>alert(1)</script> price")
    kb, _ = check_knowledge_base(kb_dir)
    html = render_html(build_review(kb))
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    assert "http://" not in html and "https://" not in html.replace(
        "https://example.org/overview", ""
    )
    assert "<mark>Swelling and bruising are common reasons people take downtime</mark>" in html


def test_json_and_csv_formats(kb_dir: Path) -> None:
    kb, _ = check_knowledge_base(kb_dir)
    rep = build_review(kb)
    data = json.loads(to_json(rep))
    assert data["summary"]["entries"] == 4 and len(data["entries"]) == 4
    lines = to_csv(rep).strip().splitlines()
    assert lines[0].startswith("id,topic,status") and len(lines) == 5


def test_report_renders_for_the_real_knowledge_base() -> None:
    kb, problems = check_knowledge_base(ROOT / "faq")
    assert not problems
    rep = build_review(kb, check_collisions=False)
    html = render_html(rep)
    assert len(rep.cards) == len(kb.entries) > 120
    assert html.count('class="card"') == len(kb.entries)
    # gap entries are marked as such, and are the only cards without sources
    gaps = [c for c in rep.cards if c.gap]
    assert gaps and all(not c.citations and not c.warnings for c in gaps)
    assert html.count('<p class="gap">') == len(gaps)
    assert all(c.citations for c in rep.cards if not c.gap)
