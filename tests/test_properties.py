"""Property tests of the answering core, ``FaqBot.ask``, on the small fixture knowledge base.

Whatever string comes in (any Unicode, control characters, bidi overrides, emoji, combining
marks, lone surrogates, 10,000 characters, punctuation only), ``ask`` returns a well-formed
:class:`AskResponse` or raises the service's own :class:`QuestionError`; nothing else. The same
question always gets the same answer, and case or whitespace changes do not change it.
"""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from faqbot.index import build_index
from faqbot.knowledge import load_knowledge_base
from faqbot.models import AskResponse, Status
from faqbot.service import MAX_QUESTION_CHARS, FaqBot, QuestionError
from faqbot.settings import Settings

DATA = Path(__file__).resolve().parent / "data" / "kb"

PROPS = settings(
    max_examples=300,
    derandomize=True,  # reproducible in CI
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Every code point, surrogates and unassigned ones included.
ANY_CHAR = st.characters(exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=1200)
HOSTILE_CHARS = st.sampled_from(
    [
        "\x00",
        "\x1b",
        "\x7f",
        "\u200b",  # zero-width space
        "\u200d",  # zero-width joiner
        "\u202e",  # right-to-left override
        "\u2066",  # left-to-right isolate
        "\ufeff",  # byte-order mark
        "\u0301",  # combining acute accent
        "\u0489",  # combining cyrillic millions sign
        "\ud800",  # lone surrogate
        "\U0001f600",
        "\U0001f469\u200d\U0001f52c",
        "\u05d0",  # hebrew alef
        "\u0627",  # arabic alef
        "\ufdfd",
        "\u2028",
        "\u3000",
    ]
)
QUESTION_WORDS = st.sampled_from(
    ["what", "is", "nanofat", "grafting", "recovery", "downtime", "cells", "cost", "how", "long"]
    + ["I", "have", "my", "cheek", "pain", "swelling", "can", "get", "psoriasis", "?", "!"]
)


@pytest.fixture(scope="module")
def fixture_bot(tmp_path_factory) -> FaqBot:
    """The fixture knowledge base (tests/data/kb) and its index, shared by the module."""
    tmp = tmp_path_factory.mktemp("props")
    shutil.copytree(DATA, tmp / "faq")
    build_index(load_knowledge_base(tmp / "faq"), tmp / "index")
    s = Settings(faq_dir=tmp / "faq", index_dir=tmp / "index", query_log=None, rebuild="never")
    return FaqBot.from_settings(s)


def check_response(bot: FaqBot, r: AskResponse, top_k: int) -> None:
    """The invariants every response keeps."""
    assert isinstance(r, AskResponse)
    assert AskResponse.model_validate_json(r.model_dump_json()) == r  # serialisable as sent
    assert r.disclaimer and r.request_id
    ids = set(bot.index.entry_ids)
    assert {x.id for x in r.related} <= ids
    assert len(r.related) <= 3 if r.status is Status.refused else len(r.related) <= top_k
    if r.status is Status.answered:
        assert r.answer is not None and r.refusal is None and r.answer.id in ids
        assert r.answer.id not in {x.id for x in r.related}
        for s in r.answer.sources:
            assert bot.kb.sources[s.source_id].text[s.start : s.end] == s.passage
    elif r.status is Status.refused:
        assert r.answer is None and r.refusal is not None and r.message
    else:
        assert r.answer is None and r.refusal is None and r.message


def ask_or_error(bot: FaqBot, question: str, top_k: int = 3) -> AskResponse | QuestionError:
    try:
        r = bot.ask(question, top_k=top_k)
    except QuestionError as exc:
        assert exc.code in {"empty_question", "question_too_long", "invalid_question"}
        assert str(exc)
        if len(question) > MAX_QUESTION_CHARS:
            assert exc.code == "question_too_long"
        else:
            assert exc.code == "empty_question" and not question.strip()
        event(exc.code)
        return exc
    assert question.strip() and len(question) <= MAX_QUESTION_CHARS
    check_response(bot, r, max(1, min(top_k, 10)))
    event(r.status.value)  # shown by --hypothesis-show-statistics
    return r


@PROPS
@given(question=ANY_TEXT, top_k=st.integers(-1000, 1000))
@example(question="", top_k=3)
@example(question=" \t\n\r\x0b\x0c\u3000\u2028\u00a0", top_k=3)
@example(question="a" * 10_000, top_k=3)
@example(question="what is nanofat " * 625, top_k=3)  # 10,000 characters of real words
@example(question="x" * MAX_QUESTION_CHARS, top_k=3)
@example(question="x" * (MAX_QUESTION_CHARS + 1), top_k=3)
@example(question="?!.,;:'\"()[]{}<>/\\|@#$%^&*-_=+`~" * 10, top_k=3)
@example(question="\x00\x01\x02\x1b[31m\x7f", top_k=3)
@example(question="\u202ewhat is nanofat\u202c", top_k=3)
@example(question="\u0645\u0627 \u0647\u0648 nanofat \u05de\u05d4", top_k=3)
@example(question="\U0001f600\U0001f469\u200d\U0001f52c nanofat \U0001f489", top_k=3)
@example(question="n\u0301\u0302\u0303a\u0489n\u0489o" * 50, top_k=3)
@example(question="\ud800 what is nanofat \udfff", top_k=3)
@example(question="\ufeffnanofat\u200b\u200dgrafting", top_k=3)
@example(question="<script>alert(1)</script> what is nanofat", top_k=3)
@example(question="0.1 mm 5,000 1e308 -0 NaN inf", top_k=3)
def test_any_string_gives_a_response_or_a_question_error(
    fixture_bot: FaqBot, question: str, top_k: int
) -> None:
    ask_or_error(fixture_bot, question, top_k)


@PROPS
@given(st.lists(st.one_of(QUESTION_WORDS, HOSTILE_CHARS), min_size=1, max_size=40))
def test_words_mixed_with_hostile_characters(fixture_bot: FaqBot, parts: list[str]) -> None:
    ask_or_error(fixture_bot, " ".join(parts))
    ask_or_error(fixture_bot, "".join(parts))


@PROPS
@given(question=st.one_of(ANY_TEXT, st.lists(QUESTION_WORDS, max_size=20).map(" ".join)))
def test_same_question_same_answer(fixture_bot: FaqBot, question: str) -> None:
    first = ask_or_error(fixture_bot, question)
    second = ask_or_error(fixture_bot, question)
    if isinstance(first, QuestionError):
        assert isinstance(second, QuestionError) and second.code == first.code
    else:
        assert isinstance(second, AskResponse)
        assert first.request_id != second.request_id
        assert first.model_dump(exclude={"request_id"}) == second.model_dump(exclude={"request_id"})


ASCII_QUESTION = st.lists(
    st.one_of(QUESTION_WORDS, st.text(string.ascii_letters + string.digits, min_size=1)),
    min_size=1,
    max_size=15,
)
WS = st.text(" \t\n\r", min_size=1, max_size=4)


@PROPS
@given(words=ASCII_QUESTION, gaps=st.lists(WS, min_size=16, max_size=16), style=st.integers(0, 3))
def test_case_and_whitespace_do_not_change_the_answer(
    fixture_bot: FaqBot, words: list[str], gaps: list[str], style: int
) -> None:
    plain = " ".join(words)
    spaced = gaps[0] + "".join(w + g for w, g in zip(words, gaps[1:], strict=False))
    recased = [plain.upper(), plain.lower(), plain.title(), plain.swapcase()][style]
    base = ask_or_error(fixture_bot, plain)
    for variant in (spaced, recased, f"  {plain}\n"):
        other = ask_or_error(fixture_bot, variant)
        if isinstance(base, QuestionError) or isinstance(other, QuestionError):
            assert type(base) is type(other)
            continue
        assert other.model_dump(exclude={"request_id"}) == base.model_dump(
            exclude={"request_id"}
        ), (plain, variant)


def test_non_string_questions_are_question_errors(fixture_bot: FaqBot) -> None:
    for bad in (None, 42, b"what is nanofat", ["what is nanofat"]):
        with pytest.raises(QuestionError) as exc:
            fixture_bot.ask(bad)  # type: ignore[arg-type]
        assert exc.value.code == "invalid_question"
