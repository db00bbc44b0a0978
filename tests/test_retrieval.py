"""Ranking: the fast query path equals scikit-learn, tolerance to typos and synonyms, no_match."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from faqbot.index import build_index, documents, fit_vectorizers, load_index
from faqbot.service import FaqBot

ROOT = Path(__file__).resolve().parent.parent


def _questions() -> list[str]:
    qs = []
    for f in sorted((ROOT / "faq" / "eval").glob("*.tsv")) + sorted(
        (ROOT / "faq" / "policy").glob("*.tsv")
    ):
        with f.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                qs.append(row["question"])
    qs += ["", "??", "NANOFAT!!!", "ünïcödé nanofát", "x" * 500, "how how how how long long"]
    return qs


def _assert_scores_equal_scikit_learn(kb, index) -> None:  # type: ignore[no-untyped-def]
    params = index.manifest.params
    _, texts, _, _ = documents(kb, params.include_drafts)
    word_vec, char_vec = fit_vectorizers(kb, texts, params)
    docs_w, docs_c = word_vec.transform(texts), char_vec.transform(texts)
    questions = _questions()
    assert len(questions) > 300
    expected_w = (word_vec.transform(questions) @ docs_w.T).toarray()
    expected_c = (char_vec.transform(questions) @ docs_c.T).toarray()
    for i, q in enumerate(questions):
        for vectorize, expected in ((index.word, expected_w), (index.char, expected_c)):
            idx, w, _ = vectorize(q)
            got = index.matrix.scores(idx, w)
            np.testing.assert_allclose(got, expected[i], rtol=0, atol=1e-9, err_msg=q)


def test_fast_scores_equal_scikit_learn(real_bot: FaqBot) -> None:
    """The one-pass build + hand-rolled query vector + term-major gather equal a
    TfidfVectorizer fitted on the raw texts, its transform, and cosine."""
    _assert_scores_equal_scikit_learn(real_bot.kb, real_bot.index)


def test_direct_kernel_scores_equal_scipys_public_path(real_bot: FaqBot) -> None:
    """The gather that calls scipy's C kernels directly scores as ``csr[idx].T @ w`` does, and
    refuses term indices outside the matrix instead of reading past it."""
    index = real_bot.index
    for q in _questions():
        idx, w, _ = real_bot.retriever._query(q)
        np.testing.assert_allclose(
            index.matrix.scores(idx, w), index.matrix.public_scores(idx, w), rtol=0, atol=1e-12
        )
    n_terms = index.matrix.indptr.size - 1
    for bad in (n_terms, -1):
        with pytest.raises(IndexError):
            index.matrix.scores(np.array([0, bad]), np.array([0.5, 0.5]))


def test_pruning_common_char_ngrams_equals_scikit_learn_max_df(
    real_bot: FaqBot, tmp_path: Path
) -> None:
    """char_max_df drops the same n-grams as TfidfVectorizer(max_df=...), keeps the same IDF
    for the rest, and a question's pruned n-grams are ignored, not counted as unknown."""
    params = real_bot.index.manifest.params.model_copy(update={"char_max_df": 0.05})
    build_index(real_bot.kb, tmp_path / "index", params)
    index = load_index(tmp_path / "index", real_bot.kb)
    pruned = index.char.ignored
    assert len(pruned) > 50 and index.manifest.n_char_terms < real_bot.index.manifest.n_char_terms
    _assert_scores_equal_scikit_learn(real_bot.kb, index)
    # a word all of whose n-grams are pruned: adding it changes nothing, not even coverage
    common = next(
        w
        for w in sorted(real_bot.index.word.vocabulary)
        if w.isalpha() and set(index.char.analyzer(w)) <= pruned
    )
    idx, _, alone = index.char("hyaluronic xqzvw")
    _, _, with_common = index.char(common + " hyaluronic xqzvw")
    assert idx.size > 0 and 0.0 < alone < 1.0
    assert with_common == pytest.approx(alone)


@pytest.mark.parametrize("q", ["how long does nanofat last", "nanofat", "cost", "zzzz"])
def test_entry_score_combines_best_second_phrasing_and_answer(real_bot: FaqBot, q: str) -> None:
    """Entry score = 1 - (1 - best)(1 - beta * second)(1 - min(1, lambda * answer)), checked
    against a plain per-entry loop over the rows."""
    from faqbot.index import ROW_ANSWER

    r = real_bot.retriever
    beta, lam = r.params.support_weight, r.params.answer_weight
    idx, w, _ = r._query(q)
    rows = real_bot.index.matrix.scores(idx, w)
    kinds = real_bot.index.row_kind
    per_entry = r.entry_scores(q)
    for pos in range(len(per_entry)):
        mine = real_bot.index.rows == pos
        phrasings = sorted(rows[mine & (kinds != ROW_ANSWER)], reverse=True)
        (answer,) = rows[mine & (kinds == ROW_ANSWER)]
        second = phrasings[1] if len(phrasings) > 1 else 0.0
        expected = 1 - (1 - phrasings[0]) * (1 - beta * second) * (1 - min(1.0, lam * answer))
        assert per_entry[pos] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    "params",
    [
        {},  # the shipped weights
        {"support_weight": 0.0},
        {"answer_weight": 0.0},
        {"support_weight": 1.0, "answer_weight": 0.0},
    ],
)
def test_rank_skips_only_entries_that_cannot_reach_the_top(real_bot: FaqBot, params) -> None:  # type: ignore[no-untyped-def]
    """rank() computes the second-best phrasing only for entries that can reach the top k;
    its entries and scores equal the full combination's top k for every question."""
    from dataclasses import replace

    from faqbot.retrieval import Retriever

    r = Retriever(real_bot.index, replace(real_bot.retriever.params, **params))
    ids = real_bot.index.entry_ids
    for q in _questions()[::3]:
        full = r.entry_scores(q)
        order = np.lexsort((np.arange(full.size), -full))
        for top_k in (1, 3, 10):
            got = r.rank(q, top_k=top_k, anchored=True)
            shown = ([got.best] if got.best else []) + got.related
            expected = [(ids[i], round(float(full[i]), 4)) for i in order[: len(shown)]]
            assert [(m.entry_id, m.score) for m in shown] == expected, (q, top_k)
            if got.best is None and full.size:
                assert full[order[0]] < r.params.min_score_anchored, q


def test_top_k_breaks_ties_by_entry_position() -> None:
    """Entries tied with the k-th best are all considered: the lowest positions win, whatever
    order the partition leaves them in."""
    from faqbot.retrieval import k_best

    entries = np.array([9, 7, 5, 3, 1, 0])
    scores = np.array([1.0, 1.0, 1.0, 1.0, 0.5, 1.0])
    got, got_scores = k_best(entries, scores, 3)
    assert got.tolist() == [0, 3, 5] and got_scores.tolist() == [1.0, 1.0, 1.0]
    assert k_best(entries, scores, 10)[0].tolist() == [0, 3, 5, 7, 9, 1]
    assert k_best(entries[:0], scores[:0], 3)[0].size == 0


def test_exact_question_scores_one(bot: FaqBot) -> None:
    ranking = bot.retriever.rank("What is nanofat grafting?")
    assert ranking.answered and ranking.best.entry_id == "basics-what-is-nanofat"
    assert abs(ranking.best.score - 1.0) < 1e-9
    assert "nanofat" in ranking.matched_terms


def test_matched_terms_are_the_question_words_found_in_the_entry(real_bot: FaqBot) -> None:
    """The vectorised look-up equals the plain definition: the question's word features (in
    question order) that some phrasing or the answer of the entry also has."""
    r, ix = real_bot.retriever, real_bot.index
    _, texts, rows, _ = documents(real_bot.kb, ix.manifest.params.include_drafts)
    entry_feats: dict[int, set[str]] = {}
    for text, pos in zip(texts, rows, strict=True):
        entry_feats.setdefault(pos, set()).update(ix.word.analyzer(text))
    for q in _questions()[::7]:
        wi, _, _ = ix.word(q)
        scores = r.entry_scores(q)
        for pos in np.argsort(-scores)[:2]:
            expected = [
                t.replace("_", " ") for t in ix.word.terms(wi) if t in entry_feats[int(pos)]
            ]
            assert r._matched_terms(wi, int(pos)) == expected, q


def test_typos_and_synonyms_still_match(bot: FaqBot) -> None:
    assert bot.retriever.rank("nanofatt recovry time").best.entry_id == "practical-downtime"
    assert bot.retriever.rank("healing time after nano fat").best.entry_id == "practical-downtime"


def test_out_of_scope_is_no_match(bot: FaqBot) -> None:
    for q in ["who painted the mona lisa", "how do I apply for a mortgage", "zzzz qqqq"]:
        assert not bot.retriever.rank(q).answered, q


def test_ranking_is_deterministic(real_bot: FaqBot) -> None:
    q = "nanofat under eyes"
    first = real_bot.retriever.rank(q, top_k=5)
    for _ in range(5):
        assert real_bot.retriever.rank(q, top_k=5) == first


def test_empty_question_scores_nothing(real_bot: FaqBot) -> None:
    assert real_bot.retriever.entry_scores("").sum() == 0
    assert not real_bot.retriever.rank("?!").answered


def test_plural_folding_leaves_invariant_words_alone() -> None:
    from faqbot.features import stem

    assert [stem(w) for w in ("scars", "therapies", "surgeries", "glass", "series", "species")] == [
        "scar",
        "therapy",
        "surgery",
        "glass",
        "series",
        "species",
    ]


def test_emoji_fold_to_spaces_and_letters_stay() -> None:
    from faqbot.text import fold

    assert fold("what IS it 😭").strip() == "what is it"
    assert fold("hi 🙋\u200d♀️ there").split() == ["hi", "there"]
    assert fold("café naïve £5,000") == "café naïve £5,000"


def test_real_kb_an_emoji_after_what_is_it_still_asks_what_it_is(real_bot: FaqBot) -> None:
    r = real_bot.ask("someone at work told me about 'nanofat' and i nodded... what IS it 😭")
    assert r.status.value == "answered" and r.answer.id == "basics-what-is-nanofat-grafting"


def test_a_sum_in_thousands_reads_as_grand() -> None:
    from faqbot.features import stem

    assert [stem(w) for w in ("5k", "25k", "2.5k", "510k", "401k", "5km", "k")] == [
        "grand",
        "grand",
        "grand",
        "510k",
        "401k",
        "5km",
        "k",
    ]


def test_real_kb_prices_given_as_sums_find_the_price_entries(real_bot: FaqBot) -> None:
    r = real_bot.ask("nanofat, more like 4k or 15k?")
    assert r.status.value == "answered" and r.answer.id.startswith("cost-")
    r = real_bot.ask("why did one clinic say 7k for nanofat and another 16k")
    assert r.status.value == "answered" and r.answer.id.startswith("cost-")
    # a number that is a name stays out of it
    assert real_bot.ask("fda 510k clearance for nanofat kits").status.value != "answered"


def test_chat_fillers_are_no_features() -> None:
    from faqbot.features import Normalizer, WordAnalyzer

    toks = Normalizer()("yo so what is nanofat lol")
    assert WordAnalyzer.features(toks) == ["nanofat", "is nanofat"]


def test_general_as_a_hedge_is_no_feature() -> None:
    from faqbot.features import CharAnalyzer, Normalizer, WordAnalyzer

    norm = Normalizer()
    assert WordAnalyzer.features(norm("ulcers in general")) == ["ulcer", "ulcer in"]
    assert WordAnalyzer.features(norm("generally ulcers")) == ["ulcer"]
    assert "general" not in WordAnalyzer.features(norm("as a general rule, ulcers"))
    # the "general" of general anaesthesia stays, for the characters too
    assert "general" in WordAnalyzer.features(norm("is general anaesthesia used"))
    assert " ge" in CharAnalyzer(norm).features(norm("under a general"))
    assert " ge" not in CharAnalyzer(norm).features(norm("ulcers in general"))


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        (
            "As a nurse I'm curious whether nanofat is used for non-healing ulcers in general",
            "indications-chronic-wounds",
        ),
        (
            "caesarean scar on the lower tummy - is nanofat used on those generally?",
            "indications-surgical-scars",
        ),
        ("does nanofat need a general anaesthetic", "anaesthesia-general"),
    ],
)
def test_general_as_a_hedge_does_not_ask_about_anaesthesia(
    real_bot: FaqBot, question: str, entry_id: str
) -> None:
    response = real_bot.ask(question)
    assert response.answer is not None and response.answer.id == entry_id, question


def test_hedges_are_no_features() -> None:
    from faqbot.features import Normalizer, WordAnalyzer

    plain = WordAnalyzer.features(Normalizer()("could you explain what nanofat grafting is"))
    hedged = Normalizer()(
        "sorry, maybe a dumb question: could you kindly explain what nanofat grafting is"
    )
    assert WordAnalyzer.features(hedged) == plain


def test_no_hedge_is_a_word_an_entry_uses(real_bot: FaqBot) -> None:
    """Hedges are dropped from entries too: one that an entry uses (as "guys" in "do guys get
    fat grafting") would take a meaning away from it."""
    from faqbot.features import HEDGES

    words: set[str] = set()
    for entry in real_bot.kb.entries:
        for text in (entry.question, *entry.alternates, entry.answer):
            words.update(real_bot.scope.normalize(text))
    assert sorted(HEDGES & words) == []


@pytest.mark.parametrize(
    "question",
    [
        "yo so what is nanofat lol",
        "ngl idk what nanofat even is tbh",
        "ok maybe a dumb question but what even is nanofat",
        "could you kindly explain what nanofat grafting actually is",
        "sorry if this is a silly question but what is nanofat exactly",
        "explain nanofat to a beginner",
        "what is nanofat, merci",
        "danke, what is nanofat",
    ],
)
def test_chat_fillers_do_not_bury_a_plain_question(real_bot: FaqBot, question: str) -> None:
    """Fillers no entry uses would count as unknown words and lower every score."""
    response = real_bot.ask(question)
    assert response.answer is not None
    assert response.answer.id == "basics-what-is-nanofat-grafting", question


@pytest.mark.parametrize(
    "question",
    [
        "can people with lupus have nanofat?",
        "is fat grafting safe for people with hypertension",
        "can someone with epilepsy have microfat",
    ],
)
def test_conditions_the_sources_never_name_find_the_medical_conditions_entry(
    real_bot: FaqBot, question: str
) -> None:
    """faq/synonyms.yaml reads such conditions as "medical condition" (a deliberate group)."""
    resp = real_bot.ask(question)
    assert resp.status.value == "answered"
    assert resp.answer is not None and resp.answer.id == "candidates-medical-conditions"


def test_pidgin_function_words_do_not_name_another_subject(real_bot: FaqBot) -> None:
    """ "wetin" (what) is unknown to English word lists' common range and was a foreign word."""
    question = "wetin the doctor go check for consultation"
    assert real_bot.scope.check(question).foreign == ()
    response = real_bot.ask(question)
    assert response.answer is not None
    assert response.answer.id == "technique-consultation-before"


def test_yo_yo_is_no_chat_filler(real_bot: FaqBot) -> None:
    """ "yo" alone is a filler ("yo what is nanofat"); "yo-yo" weight is a synonyms.yaml term."""
    assert real_bot.scope.normalize("yo-yo dieting") == ["yoyo", "dieting"]
    response = real_bot.ask("yo-yo dieting and nanofat results")
    assert response.answer is not None
    assert response.answer.id == "results-longevity-factors"


@pytest.mark.parametrize(
    "question", ["unwanted effects of nanofat", "what unwanted effects can fat grafting have"]
)
def test_unwanted_effects_are_side_effects(real_bot: FaqBot, question: str) -> None:
    response = real_bot.ask(question)
    assert response.answer is not None
    assert response.answer.id == "risks-side-effects", question


def test_sewing_the_holes_reads_as_stitches(real_bot: FaqBot) -> None:
    response = real_bot.ask("they sew the small holes after, or leave open?")
    assert response.answer is not None
    assert "stitches" in response.answer.text.lower() + " ".join(
        s.passage.lower() for s in response.answer.sources
    )


def test_a_familiar_question_needs_the_familiar_threshold(real_bot) -> None:  # type: ignore[no-untyped-def]
    """A question that uses only the subject's words ("old op scars generally") is answered at
    ``min_score_familiar``, under the threshold of one with no word of the subject."""
    r, p = real_bot.retriever, real_bot.retriever.params
    assert p.min_score_anchored < p.min_score_familiar < p.min_score
    assert r.threshold(anchored=False, familiar=True) == p.min_score_familiar
    assert r.threshold(anchored=True, familiar=True) == p.min_score_anchored
    question = "old op scars generally"
    score = r.rank(question, top_k=1, familiar=True).best.score
    assert p.min_score_familiar <= score < p.min_score
    assert r.rank(question, top_k=1).best is None
    assert r.rank(question, top_k=1, familiar=True).best.entry_id == "indications-surgical-scars"


def test_the_familiar_threshold_never_exceeds_the_plain_one(real_bot) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from faqbot.retrieval import Retriever

    r = Retriever(real_bot.index, replace(real_bot.retriever.params, min_score=0.3))
    assert r.threshold(anchored=False, familiar=True) == 0.3


def test_the_familiar_threshold_is_a_setting(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from faqbot.settings import Settings

    monkeypatch.setenv("FAQBOT_MIN_SCORE_FAMILIAR", "0.5")
    assert Settings().min_score_familiar == 0.5
    monkeypatch.setenv("FAQBOT_MIN_SCORE_FAMILIAR", "1.5")
    with pytest.raises(ValueError):
        Settings()
