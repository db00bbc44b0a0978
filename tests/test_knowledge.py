"""The loader and validator, on the valid fixture and on deliberately broken copies of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from faqbot.knowledge import KnowledgeBaseError, check_knowledge_base, load_knowledge_base

ROOT = Path(__file__).resolve().parent.parent


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(kb_dir: Path) -> list[str]:
    _, problems = check_knowledge_base(kb_dir)
    return [str(p) for p in problems]


def test_valid_fixture_loads(kb_dir: Path) -> None:
    kb = load_knowledge_base(kb_dir)
    assert [e.id for e in kb.entries] == [
        "basics-what-is-nanofat",
        "basics-cells",
        "practical-downtime",
        "practical-cost",
    ]
    assert kb.entry("basics-cells").topic == "basics"
    assert [e.id for e in kb.served_entries()] == [
        "basics-what-is-nanofat",
        "basics-cells",
        "practical-downtime",
    ]
    assert len(kb.served_entries(include_drafts=True)) == 4


def test_passages_are_verbatim_with_offsets(kb_dir: Path) -> None:
    kb = load_knowledge_base(kb_dir)
    for entry in kb.entries:
        for src, start, end, passage in kb.passages(entry):
            assert src.text[start:end] == passage
    # A quote whose whitespace differs from the source is still found, at the right place.
    src = kb.sources["evidence"]
    span = src.locate("Nanofat contains   no viable\nadipocytes")
    assert (
        span is not None and src.text[span[0] : span[1]] == "Nanofat contains no viable adipocytes"
    )


BROKEN = [
    # (file, old, new, expected fragment of the problem)
    (
        "entries/basics.yaml",
        'quote: "Nanofat contains no viable',
        'quote: "Nanofat contains many viable',
        "basics.yaml: basics-cells: quote not found verbatim in evidence",
    ),
    (
        "entries/basics.yaml",
        '- source: evidence\n        quote: "Nanofat',
        '- source: nowhere\n        quote: "Nanofat',
        "basics-cells: citation names unknown source 'nowhere'",
    ),
    (
        "entries/practical.yaml",
        "id: practical-cost",
        "id: basics-cells",
        "duplicate id (also in entries/basics.yaml)",
    ),
    (
        "entries/practical.yaml",
        "- nanofat price",
        "- What is nano-fat?",
        "duplicates one of entry basics-what-is-nanofat",
    ),
    (
        "entries/practical.yaml",
        "including the areas treated",
        "including 3 areas treated",
        "practical-cost: number '3' in the answer appears in none of its quotes",
    ),
    (
        "entries/practical.yaml",
        "region.",
        "region. One. Two. Three. Four.",
        "practical-cost: answer has 5 sentences",
    ),
    (
        "entries/practical.yaml",
        "      - is nanofat expensive\n",
        "",
        "practical-cost: alternates: List should have at least 3 items",
    ),
    (
        "entries/practical.yaml",
        '    citations:\n      - source: overview\n        quote: "Cost',
        '    citationz:\n      - source: overview\n        quote: "Cost',
        "practical-cost: citationz: Extra inputs are not permitted",
    ),
    (
        "entries/practical.yaml",
        '    citations:\n      - source: overview\n        quote: "Cost',
        '    gap: true\n    citations:\n      - source: overview\n        quote: "Cost',
        "practical-cost: (entry): Value error, a gap entry answers nothing, so it cites nothing",
    ),
    (
        "entries/practical.yaml",
        "topic: practical",
        "topic: other",
        "entries/practical.yaml: topic 'other' must match the file name",
    ),
    (
        "entries/practical.yaml",
        "status: draft",
        "status: approved",
        "practical-cost: approved entries need a reviewer and a date",
    ),
    (
        "entries/practical.yaml",
        "status: draft",
        "status: maybe",
        "practical-cost: review.status: Input should be 'draft' or 'approved'",
    ),
    (
        "entries/basics.yaml",
        "entries:\n",
        "entries:\n  - [unclosed\n",
        "entries/basics.yaml: is not valid YAML at line",
    ),
    (
        "sources/sources.yaml",
        "url: https://example.org/overview",
        "url: javascript:alert(1)",
        "sources/sources.yaml: overview: url: Value error",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"), BROKEN, ids=[b[3][:40] for b in BROKEN]
)
def test_each_broken_fixture_is_reported(
    kb_dir: Path, file: str, old: str, new: str, expected: str
) -> None:
    edit(kb_dir / file, old, new)
    problems = problems_of(kb_dir)
    assert any(expected in p for p in problems), problems
    with pytest.raises(KnowledgeBaseError):
        load_knowledge_base(kb_dir)


def test_all_problems_are_listed_in_one_run(kb_dir: Path) -> None:
    edit(kb_dir / "entries/basics.yaml", "no viable adipocytes", "no living adipocytes")
    edit(kb_dir / "entries/practical.yaml", "id: practical-cost", "id: basics-cells")
    edit(
        kb_dir / "entries/practical.yaml",
        'quote: "Swelling and bruising',
        'quote: "Swelling or bruising',
    )
    problems = problems_of(kb_dir)
    assert len(problems) >= 3
    assert any("basics-cells: quote not found" in p for p in problems)
    assert any("duplicate id" in p for p in problems)
    assert any("practical-downtime: quote not found" in p for p in problems)


def test_undecodable_and_missing_files_are_problems_not_crashes(kb_dir: Path) -> None:
    (kb_dir / "entries/basics.yaml").write_bytes(b"topic: basics\nentries: \xff\xfe\n")
    (kb_dir / "sources/overview.txt").unlink()
    problems = problems_of(kb_dir)
    assert any("entries/basics.yaml: not valid UTF-8" in p for p in problems)
    assert any("overview: source file overview.txt cannot be read" in p for p in problems)


def test_check_command_fails_clearly_without_traceback(kb_dir: Path) -> None:
    edit(kb_dir / "entries/basics.yaml", "no viable adipocytes", "no living adipocytes")
    edit(kb_dir / "entries/basics.yaml", "entries:\n", "entries:\n  - {bad: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "faqbot", "check", "--faq", str(kb_dir), "--no-coverage"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "entries/basics.yaml: is not valid YAML" in proc.stdout


def test_check_command_passes_on_valid_fixture(kb_dir: Path) -> None:
    proc = subprocess.run(
        ["faqbot", "check", "--faq", str(kb_dir), "--no-coverage"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 entries in 2 topics (3 approved)" in proc.stdout


def test_edited_entry_lapses_to_draft(kb_dir: Path) -> None:
    edit(kb_dir / "entries/basics.yaml", "smaller than 0.1 mm.", "smaller than 0.1 mm in size.")
    kb = load_knowledge_base(kb_dir)
    assert kb.entry("basics-what-is-nanofat").review.status.value == "approved"
    assert not kb.entry("basics-what-is-nanofat").approved
    assert "basics-what-is-nanofat" not in [e.id for e in kb.served_entries()]


def test_real_knowledge_base_passes_check_with_coverage() -> None:
    proc = subprocess.run(
        ["faqbot", "check", "--faq", str(ROOT / "faq")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_coverage_skips_questions_and_honours_exclusions(kb_dir: Path) -> None:
    from faqbot.coverage import coverage_report

    kb = load_knowledge_base(kb_dir)
    before = coverage_report(kb)
    texts = [p.text for p in before.paragraphs]
    assert not any(t.endswith(("?", ":")) for t in texts)  # questions and list lead-ins
    target = before.uncovered[0] if before.uncovered else before.substantive[0]
    (kb_dir / "coverage_exclusions.yaml").write_text(
        "exclusions:\n"
        f"  - source: {target.source}\n"
        f"    starts_with: {target.text[:30]!r}\n"
        "    reason: advertising (test)\n",
        encoding="utf-8",
    )
    after = coverage_report(load_knowledge_base(kb_dir))
    excluded = [p for p in after.excluded if p.start == target.start]
    assert excluded and excluded[0].excluded == "advertising (test)"
    assert len(after.substantive) == len(before.substantive) - 1


def test_invalid_scope_file_is_a_named_problem(kb_dir: Path) -> None:
    (kb_dir / "scope.yaml").write_text("anchors: nanofat\n", encoding="utf-8")
    kb, problems = check_knowledge_base(kb_dir)
    assert [str(p) for p in problems] == ["scope.yaml: 'anchors' must be a list of strings"]
    with pytest.raises(KnowledgeBaseError, match="scope.yaml"):
        load_knowledge_base(kb_dir)
