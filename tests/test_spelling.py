"""Query-side spelling correction (spelling.py) and its effect on answers."""

from __future__ import annotations

import pytest

from faqbot import spelling
from faqbot.service import FaqBot
from faqbot.spelling import Speller

TEXTS = [
    "The price of nanofat varies. Swelling and bruising are common.",
    "Prices vary by clinic; the price depends on the areas treated.",
    "Dark circles under the eyes.",
]


def test_a_slip_one_edit_from_a_known_word_is_corrected() -> None:
    speller = Speller.from_texts(TEXTS)
    assert speller.correct("nanofat pirce") == "nanofat price"  # two letters swapped
    assert speller.correct("is sweling normal") == "is swelling normal"  # a letter dropped
    assert speller.correct("Dark CIRLCES?") == "dark circles?"  # folded, punctuation kept
    assert speller.word("prce") == "price"


@pytest.mark.parametrize(
    "question",
    [
        "nanofat price",  # known words
        "pride and prejudice",  # English words, however close to a known one
        "the pri",  # too short: too many words are one edit away
        "xqzvwk",  # nothing one edit away
    ],
)
def test_words_that_are_not_slips_are_left_alone(question: str) -> None:
    assert Speller.from_texts(TEXTS).correct(question) == question


def test_the_most_used_word_wins_a_tie() -> None:
    assert Speller.from_texts(["cost cost cost", "cast"]).word("csot") == "cost"
    assert Speller.from_texts(["cost", "cast cast cast"]).word("cbst") == "cast"


def test_a_long_blob_gets_no_edit_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pasted run of letters longer than any word is left alone without building its
    (length x 54) one-edit variants."""
    speller = Speller.from_texts(TEXTS)

    def refuse(word: str) -> set[str]:
        raise AssertionError(f"edits computed for a {len(word)}-letter word")

    monkeypatch.setattr(spelling, "_edits", refuse)
    blob = "q" * 5000
    assert speller.correct(blob) == blob


def test_real_kb_slips_reach_their_entries(real_bot: FaqBot) -> None:
    r = real_bot.ask("nanofat pirce")
    assert r.status.value == "answered" and r.answer.id == "cost-typical-range"
    r = real_bot.ask("nanofat under eye cirlces")
    assert r.status.value == "answered" and r.answer.id == "indications-dark-circles"
