"""Gap entries: a question people ask that the sources leave open gets an honest no match that
says so, never an answer, and never appears as a suggestion."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from faqbot.api import create_app
from faqbot.approval import approve
from faqbot.index import build_index, documents
from faqbot.knowledge import load_knowledge_base
from faqbot.models import Citation, Entry
from faqbot.service import GAP_SUGGESTIONS, FaqBot
from faqbot.settings import Settings

GAP = """
  - id: practical-flying
    question: How soon after nanofat can you fly?
    alternates:
      - flying after nanofat
      - air travel after nanofat grafting
      - can you get on a plane after nanofat
    answer: The source documents do not say when it is safe to fly after nanofat.
    gap: true
"""
GAP_MESSAGE = "The source documents do not say when it is safe to fly after nanofat."


@pytest.fixture
def gap_bot(kb_dir: Path, settings: Settings) -> FaqBot:
    path = kb_dir / "entries" / "practical.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + GAP, encoding="utf-8")
    approve(load_knowledge_base(kb_dir), ["practical-flying"], "test", date(2026, 12, 3))
    kb = load_knowledge_base(kb_dir)
    assert kb.entry("practical-flying").approved
    build_index(kb, settings.index_dir)
    return FaqBot.from_settings(settings.model_copy(update={"rebuild": "never"}))


def _entry(**update: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": "x-gap",
        "question": "Can you fly after nanofat?",
        "alternates": ["a one", "a two", "a three"],
        "answer": "The source documents do not say when flying is safe.",
    }
    return {**fields, **update}


def test_a_gap_cites_nothing_and_an_answer_cites_something() -> None:
    assert Entry(**_entry(gap=True)).gap
    cite = [Citation(source="overview", quote="Swelling and bruising are common")]
    with pytest.raises(ValidationError, match="cites nothing"):
        Entry(**_entry(gap=True, citations=cite))
    with pytest.raises(ValidationError, match="at least one citation"):
        Entry(**_entry())


def test_the_gap_flag_is_part_of_what_a_reviewer_approves() -> None:
    """Turning an entry into a gap (or back) lapses its approval; other entries' hashes do not
    change because the flag exists."""
    cite = [Citation(source="overview", quote="Swelling and bruising are common")]
    answer = Entry(**_entry(citations=cite))
    assert "gap" not in answer.model_dump(exclude_defaults=True)
    gap = Entry(**_entry(gap=True))
    assert gap.content_hash() != Entry(**_entry(citations=cite)).content_hash()
    assert (
        gap.content_hash() != Entry(**_entry(gap=True, answer=gap.answer + " More.")).content_hash()
    )


def test_a_gap_answers_nothing_but_says_what_the_sources_leave_open(gap_bot: FaqBot) -> None:
    r = gap_bot.ask("how soon can you fly after nanofat?")
    assert r.status.value == "no_match" and r.answer is None
    assert r.message.startswith(GAP_MESSAGE)
    assert all(m.id != "practical-flying" for m in r.related)
    if r.related:
        assert r.message == f"{GAP_MESSAGE} {GAP_SUGGESTIONS}"


def test_a_gap_is_never_offered_beside_an_answer(gap_bot: FaqBot) -> None:
    for question in ("what is the downtime after nanofat", "nanofat price", "how to fly a kite"):
        r = gap_bot.ask(question, top_k=10)
        assert all(m.id != "practical-flying" for m in r.related), question
        assert r.answer is None or r.answer.id != "practical-flying"


def test_a_loose_match_with_a_gap_gives_way_to_the_next_entry(gap_bot: FaqBot) -> None:
    """A gap wins only at ``gap_min_score``; under it, the next entry above the threshold
    answers."""
    import dataclasses

    question = "how soon can you fly after nanofat recovery"
    ranked = gap_bot.retriever.rank(question, top_k=5, anchored=True)
    assert ranked.best is not None and ranked.best.entry_id == "practical-flying", ranked
    assert gap_bot.ask(question).status.value == "no_match"
    params = dataclasses.replace(gap_bot.retriever.params, gap_min_score=ranked.best.score + 0.01)
    gap_bot.retriever.params = params
    r = gap_bot.ask(question)
    assert r.status.value == "answered" and r.answer.id == "practical-downtime", r
    assert "recovery" in r.matched_terms  # the terms of the entry that answers, not the gap's


def test_a_gaps_words_are_not_the_subjects_words(gap_bot: FaqBot) -> None:
    """Travel is in the gap's phrasings only: a question about it alone is still about another
    subject."""
    vocabulary = gap_bot.scope.vocabulary
    assert vocabulary.isdisjoint(gap_bot.scope.normalize("travel"))
    assert set(gap_bot.scope.normalize("swelling after nanofat")) <= vocabulary


def test_a_gaps_answer_is_not_indexed_as_evidence(gap_bot: FaqBot) -> None:
    ids, texts, rows, kinds = documents(gap_bot.kb, include_drafts=False)
    pos = ids.index("practical-flying")
    answer_rows = [t for t, r, k in zip(texts, rows, kinds, strict=True) if r == pos and k == 1]
    assert answer_rows == [""]


def test_the_api_lists_no_gap_entries(gap_bot: FaqBot, settings: Settings, tmp_path: Path) -> None:
    s = settings.model_copy(update={"query_log": None, "rate_limit_per_minute": 0})
    with TestClient(create_app(s, bot=gap_bot)) as c:
        listed = [e["id"] for e in c.get("/v1/entries").json()["entries"]]
        assert "practical-flying" not in listed and "practical-downtime" in listed
        assert c.get("/v1/entries/practical-flying").status_code == 404
        ready = c.get("/readyz").json()
        assert ready["entries"] == len(listed) and ready["gaps"] == 1
        body = c.post("/v1/ask", json={"question": "flying after nanofat"}).json()
        assert body["status"] == "no_match" and body["message"].startswith(GAP_MESSAGE)


@pytest.mark.parametrize(
    "question",
    [
        "how many hours does the nanofat procedure take",
        "can you drink alcohol after fat grafting",
        "how soon can you fly after a fat transfer",
        "how many nanofat procedures are performed each year",
        "what is hyaluronidase",
        "can nanofat cause cancer",
        "nanofat for dogs",
        "can leftover harvested fat be cryopreserved in a fat bank for later",
    ],
)
def test_real_kb_gaps_get_an_explained_no_match(real_bot: FaqBot, question: str) -> None:
    r = real_bot.ask(question)
    assert r.status.value == "no_match", question
    assert r.message.startswith("The source documents do not "), r.message


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # "procedure" and "take" are the duration gap's words too
        ("how much fat do they take out for a nanofat procedure", "basics-amount-of-fat-needed"),
        ("how expensive is a nanofat procedure", "cost-typical-range"),
        ("how long does bruising take to go away after nanofat", "recovery-bruising"),
    ],
)
def test_real_kb_answerable_questions_near_a_gap_are_answered(
    real_bot: FaqBot, question: str, entry: str
) -> None:
    r = real_bot.ask(question)
    assert r.status.value == "answered" and r.answer.id == entry, (question, r.answer)


def test_gap_min_score_is_a_setting(
    gap_bot: FaqBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAQBOT_GAP_MIN_SCORE reaches the retriever: above the gap's score, the next entry answers."""
    question = "how soon can you fly after nanofat recovery"
    score = gap_bot.retriever.rank(question, top_k=5, anchored=True).best.score
    monkeypatch.setenv("FAQBOT_GAP_MIN_SCORE", str(round(score + 0.01, 4)))
    strict = settings.model_copy(
        update={"rebuild": "never", **Settings().model_dump(include={"gap_min_score"})}
    )
    bot = FaqBot.from_settings(strict)
    assert bot.retriever.params.gap_min_score == round(score + 0.01, 4)
    assert bot.ask(question).status.value == "answered"
    assert gap_bot.ask(question).status.value == "no_match"
