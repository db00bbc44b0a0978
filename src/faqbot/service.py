"""The answering core: ``FaqBot.ask(question)`` runs the policy, then retrieval, then builds
the response. The CLI and the HTTP API are thin layers over this one class.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field, replace

from .features import make_normalizer
from .index import Index, IndexParams, IndexUnavailable, build_index, load_index
from .knowledge import KnowledgeBase, load_knowledge_base
from .models import Answer, AskResponse, Refusal, Related, SourcePassage, Status
from .policy import (
    Decision,
    Policy,
    asks_if_ok_for_me,
    asks_if_suited,
    asks_to_have_it,
    asks_what_it_does_to_me,
    asks_what_suits_me,
    asks_whether_i,
    asks_whether_they_can_have_it,
    comments_only,
    names_a_person,
    names_own_procedure,
    speaks_then_asks_whether_i,
    takes_a_medicine,
)
from .retrieval import Match, Ranking, RetrievalParams, Retriever
from .scope import (
    QUESTION_WORDS,
    Scope,
    ScopeCheck,
    then_feels,
    then_heard,
    then_mine,
    without_asides,
    zipf,
)
from .settings import Settings
from .spelling import Speller

# matched words at least this common in English (Zipf) say nothing of what a question is about
# ("how", "many", "time"; not "cost", "results" or "swelling"): ``FaqBot._frame_only``
GENERIC_ZIPF = 5.5
# a question comparing another treatment with fat may be answered by any of this many best entries
COMPARISON_CANDIDATES = 3
# words that make a question naming another treatment a comparison (normalised tokens)
_COMPARING = frozenset(["fat", "compared", "compare", "comparison", "versus", "vs", "than"])
# words a question about another treatment alone shares with an entry comparing it with fat
# without being about that comparison ("facelift price", "are lip fillers safe": "safe" is read
# as its synonyms group "risk")
_NOT_COMPARING = frozenset(["vs", "versus", "cost", "risk"])
# words that ask whether something treats a condition ("can nanofat cure lupus")
_TREATING = frozenset(["cure", "treat", "treatment", "therapy", "fix", "reverse", "help"])
# after "treatment", a place: where the fat goes ("eczema at the treatment site"), not treating
_PLACES = frozenset(["area", "site", "zone", "region", "spot"])
# the topic of the entries on who can have the procedure (with a condition, say)
_CANDIDACY = "candidates"

log = logging.getLogger("faqbot")

MAX_QUESTION_CHARS = 1000
DISCLAIMER = "General information from published sources, not medical advice."
REFUSAL_MESSAGE = (
    "I'm sorry, I can't advise on a personal medical situation. A qualified clinician who can "
    "examine you and knows your history is the right person to ask; the general topics below "
    "may help you prepare for that conversation."
)
URGENT_MESSAGE = (
    "What you describe may need urgent attention. Please contact your surgeon or clinic now, or "
    "your local emergency services if it is severe or getting worse. This service cannot assess "
    "symptoms."
)
NO_MATCH_MESSAGE = (
    "Sorry, I don't have an answer to that. I can answer general questions about nanofat, "
    "microfat and fat transfer: what they are, how they are done, recovery, cost and risks."
)
NO_MATCH_WITH_SUGGESTIONS = (
    "Sorry, I don't have an answer to that. Did you mean one of these questions?"
)
GAP_SUGGESTIONS = "These related questions may help."


# how much better a message's leading question alone must match than the whole message to answer
# for it (FaqBot._leading_question_first): on the probe rounds and dev, the alone-answers that
# were right beat the whole by 0.13-0.5, the ones that lost a comment's meaning by under 0.1
LEADING_MARGIN = 0.1
# how far below an area's entry (``ScopeConfig.area_topics``) the entry answering the aspect a
# question asks of that area may score and still answer it (FaqBot._aspect_of_an_area). On the
# body-area probe round the right aspect entries scored 0.03-0.14 under the area's entry; two
# more, 0.20 and 0.26 under, are left to the area's entry.
ASPECT_MARGIN = 0.15
ASPECT_CANDIDATES = 10  # the best entries searched for one answering the aspect


class QuestionError(ValueError):
    """The question cannot be answered as given (empty, too long). ``code`` names the problem."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def validate_question(question: object) -> str:
    if not isinstance(question, str):
        raise QuestionError("invalid_question", "question must be a string")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            "question_too_long",
            f"question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}",
        )
    if not question.strip():
        raise QuestionError("empty_question", "question is empty; type a question")
    return question


def ensure_index(kb: KnowledgeBase, settings: Settings) -> Index:
    """Load the index, rebuilding it first if it is missing or stale and the settings allow."""
    params = IndexParams(include_drafts=settings.include_drafts)
    try:
        index = load_index(settings.index_dir, kb)
        if index.manifest.params.include_drafts != settings.include_drafts:
            raise IndexUnavailable(
                "index was built with a different include_drafts setting; run `faqbot build`"
            )
        return index
    except IndexUnavailable as exc:
        if settings.rebuild == "never":
            raise
        log.warning("rebuilding index: %s", exc)
    build_index(kb, settings.index_dir, params)
    return load_index(settings.index_dir, kb)


@dataclass
class FaqBot:
    kb: KnowledgeBase
    index: Index
    retriever: Retriever
    policy: Policy
    scope: Scope
    # per entry, the other treatments its question and alternates name (``_compares_with``)
    _comparators: dict[str, frozenset[tuple[str, ...]]] = field(init=False, repr=False)
    # entries for questions the sources do not answer (``Entry.gap``): never an answer
    gaps: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._comparators = {
            e.id: frozenset().union(
                *(self.scope.comparators_named(t) for t in (e.question, *e.alternates))
            )
            for e in self.kb.entries
        }
        self.gaps = frozenset(e.id for e in self.kb.entries if e.gap)
        self._topics = {e.id: e.topic for e in self.kb.entries}
        # the aspects each entry's own phrasings ask about (``ScopeConfig.aspects``)
        self._aspects = {
            e.id: frozenset().union(
                *(self.scope.aspects_named(t) for t in (e.question, *e.alternates))
            )
            for e in self.kb.entries
        }

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> FaqBot:
        """Load the knowledge base and its index (raises KnowledgeBaseError / IndexUnavailable)."""
        settings = settings or Settings()
        kb = load_knowledge_base(settings.faq_dir)
        index = ensure_index(kb, settings)
        return cls.from_parts(kb, index, settings)

    @classmethod
    def from_parts(cls, kb: KnowledgeBase, index: Index, settings: Settings) -> FaqBot:
        params = RetrievalParams(
            word_weight=settings.word_weight,
            support_weight=settings.support_weight,
            answer_weight=settings.answer_weight,
            min_score=settings.min_score,
            min_score_anchored=settings.min_score_anchored,
            min_score_familiar=settings.min_score_familiar,
            suggest_ratio=settings.suggest_ratio,
            related_score=settings.related_score,
            gap_min_score=settings.gap_min_score,
        )
        normalizer = make_normalizer(kb.synonyms)
        policy = Policy(index.policy, normalizer, settings.policy_threshold)
        texts = [s.text for s in kb.sources.values()]
        # a gap entry's words ("alcohol", "flight") are not this subject's words
        texts += [t for e in kb.entries if not e.gap for t in (e.question, *e.alternates, e.answer)]
        scope = Scope(kb.scope, normalizer, texts)
        speller = Speller.from_texts([*texts, *(t for g in kb.synonyms for t in g)])
        return cls(kb, index, Retriever(index, params, speller), policy, scope)

    # ------------------------------------------------------------------ answering

    def ask(self, question: str, top_k: int = 3, request_id: str | None = None) -> AskResponse:
        """Answer one question. Raises :class:`QuestionError` for empty or too-long input."""
        question = validate_question(question)
        top_k = max(1, min(int(top_k), 10))
        rid = request_id or secrets.token_hex(8)
        decision, scope = self.decide(question)
        if decision.refuse:
            ranking = self.retriever.rank(question, top_k=3)
            topics = ([ranking.best] if ranking.best else []) + ranking.related
            return AskResponse(
                status=Status.refused,
                related=[self._related(m) for m in self._answers(topics)[:3]],
                message=URGENT_MESSAGE if decision.urgent else REFUSAL_MESSAGE,
                refusal=Refusal(reason=decision.reason, urgent=decision.urgent),
                disclaimer=DISCLAIMER,
                request_id=rid,
            )
        # an aside ("explain like im five", "asking for a friend") says nothing of the topic
        question = without_asides(question) or question
        definition = self._definition(question, scope, top_k)
        ranking = definition or self._answer(question, scope, top_k, scope.anchored)
        # a definition stands as found: the rest of the message only said how they heard of it
        if definition is None and ranking.best is not None:
            ranking = self._leading_question_first(question, scope, top_k, ranking)
            ranking = self._without_pleasantries_first(question, scope, top_k, ranking)
            ranking = self._aspect_of_an_area(question, scope, top_k, ranking)
        elif ranking.best is None and ranking.gap is None and not self._excluded(scope):
            # the asker's own context, or a comment after the question, can bury the question:
            # try the question on its own
            for find_part in (
                self.scope.question_part,
                self.scope.leading_question,
                self.scope.without_pleasantries,
                self.scope.without_group,
            ):
                part = find_part(question)
                # not when the part leaves a treatment behind ("my wife wants breast implants,
                # what sizes do they come in")
                alone = (
                    None if part is None else self._answer_alone(part, scope, top_k, foreign=False)
                )
                if alone is not None and alone.best is not None:
                    ranking = alone
                    break
            else:  # neither answered: the best of the message's several questions, if any
                ranking = (
                    self._best_part(question, scope, top_k)
                    or self._best_part(question, scope, top_k, clauses=True)
                    or ranking
                )
        if ranking.best is None:
            if ranking.gap is not None:  # a question the sources leave open: say so
                gap = self.kb.entry(ranking.gap.entry_id)
                assert gap is not None  # gaps are entries of this knowledge base
                message = f"{gap.answer} {GAP_SUGGESTIONS}" if ranking.related else gap.answer
            else:
                message = NO_MATCH_WITH_SUGGESTIONS if ranking.related else NO_MATCH_MESSAGE
            return AskResponse(
                status=Status.no_match,
                related=[self._related(m) for m in ranking.related],
                message=message,
                disclaimer=DISCLAIMER,
                request_id=rid,
            )
        return AskResponse(
            status=Status.answered,
            answer=self.answer_for(ranking.best.entry_id, ranking.best.score),
            related=[self._related(m) for m in ranking.related],
            matched_terms=ranking.matched_terms,
            disclaimer=DISCLAIMER,
            request_id=rid,
        )

    def _leading_question_first(
        self, question: str, scope: ScopeCheck, top_k: int, ranking: Ranking
    ) -> Ranking:
        """A message that asks, then only comments ("What exactly is nanofat? My neighbour
        keeps going on about it.", ``Scope.leading_question``) is answered as its question alone
        when that finds a clearly better match (by ``LEADING_MARGIN``) than the whole message:
        the comment's words ("keeps going") can pull the whole message to an entry the question
        never asked about. A comment can also say what the question means ("do ppl actually
        like their nanofat results? satisfaction wise"): then the two score alike and the whole
        message stands."""
        part = self.scope.leading_question(question)
        alone = None if part is None else self._answer_alone(part, scope, top_k, foreign=False)
        return _clearly_better(alone, ranking)

    def _aspect_of_an_area(
        self, question: str, scope: ScopeCheck, top_k: int, ranking: Ranking
    ) -> Ranking:
        """A question that names an area and asks one aspect of treating it ("are you awake
        for nanofat to the wrinkles or are you put under", "how many nanofat treatments do acne
        scars usually take") finds the area's entry first: the area's words are rarer than the
        aspect's. It is answered by the best entry of another topic whose own phrasings name an
        aspect the question names, when that entry scores what an answer needs and at most
        ``ASPECT_MARGIN`` below the area's. The area's entry then comes first among the related
        ones. A question asking only what nanofat does for the area names no aspect ("can
        nanofat soften smoker's lines"), and keeps its answer."""
        best, areas = ranking.best, self.scope.area_topics
        if best is None or self._topics.get(best.entry_id) not in areas:
            return ranking
        asked = self.scope.aspects_named(question)
        if not asked:
            return ranking
        wide = self.retriever.rank(question, top_k=ASPECT_CANDIDATES, anchored=scope.anchored)
        # gap entries never answer nor are offered (``_gaps_apart``)
        matches = self._answers(([wide.best] if wide.best else []) + wide.related)
        aspect = next(
            (
                m
                for m in matches
                if self._topics.get(m.entry_id) not in areas
                and not asked.isdisjoint(self._aspects[m.entry_id])
            ),
            None,
        )
        floor = max(self.retriever.threshold(scope.anchored), best.score - ASPECT_MARGIN)
        if aspect is None or aspect.score < floor:
            return ranking
        related = [m for m in matches if m.entry_id != aspect.entry_id][:top_k]
        return Ranking(
            True, aspect, related, self.retriever.matched_terms(question, aspect.entry_id)
        )

    def _definition(self, question: str, scope: ScopeCheck, top_k: int) -> Ranking | None:
        """A message that names something, then asks only what it is ("my dermatologist
        mentioned nanofat grafting today. what is that?", ``Scope.definition_asked``), is
        answered as "what is <that>" when that finds an answer: the words around the name
        ("dermatologist", "today") say how the asker heard of it, not what they ask. None
        otherwise: the message is ranked whole. ``ask`` passes the question with its asides
        ("explain like im five") left out, so that the thing named is found before them."""
        asked = self.scope.definition_asked(question)
        alone = None if asked is None else self._answer_alone(asked, scope, top_k, foreign=False)
        return alone if alone is not None and alone.best is not None else None

    def _without_pleasantries_first(
        self, question: str, scope: ScopeCheck, top_k: int, ranking: Ranking
    ) -> Ranking:
        """A message that greets, thanks or says the asker is curious around its question
        ("Good morning. I was wondering, what is nanofat?", ``Scope.without_pleasantries``) is
        answered as its question alone whenever that finds an answer: the pleasantries' words
        ("morning", "research") say nothing of the topic and can only pull the message to an
        entry that uses them ("Hi! I'm doing some research. what are the side effects of
        nanofat?" kept the safety-data entry when the bare question matched only 0.0995 better,
        under the 0.1 a comment must be beaten by).
        When the question alone is out of scope ("Quick one: are you a real person?"), so is the
        message."""
        part = self.scope.without_pleasantries(question)
        if part is None or ranking.best is None:
            return ranking
        if self._excluded(self._scope(part)):  # "Quick one: are you a real person?"
            return Ranking(False, None, [], [])
        alone = self._answer_alone(part, scope, top_k, foreign=True)
        return alone if alone is not None and alone.best is not None else ranking

    def _best_part(
        self, question: str, scope: ScopeCheck, top_k: int, clauses: bool = False
    ) -> Ranking | None:
        """The best answer to any one question of a message that asks several, when the
        message as a whole finds nothing. A part answers only when it names every other
        treatment or subject the message names ("I had botox last week. How long does the
        swelling last?" is about the botox)."""
        best = None
        for part in self.scope.question_parts(question, clauses):
            alone = self._answer_alone(part, scope, top_k, foreign=True)
            if alone is None or alone.best is None:
                continue
            if best is None or alone.best.score > best.best.score:
                best = alone
        return best

    def _answer_alone(
        self, part: str, whole: ScopeCheck, top_k: int, *, foreign: bool
    ) -> Ranking | None:
        """The ranking that answers one part of a message on its own, or None when the part
        does not name every other treatment (and, with ``foreign``, every other subject) the
        whole message names: only then can it answer for the message."""
        scope = self._scope(part)
        if not whole.comparators <= scope.comparators:
            return None
        if foreign and not set(whole.foreign) <= set(scope.foreign):
            return None
        return self._answer(part, scope, top_k, whole.anchored)

    @staticmethod
    def _excluded(scope: ScopeCheck) -> bool:
        """Out of scope for a reason no entry can lift (a foreign word, small talk): no answer
        and no suggestions. A comparator alone may still be answered (``_compares_with``)."""
        return scope.out_of_scope and not scope.comparator_only

    def _rank(
        self,
        text: str,
        scope: ScopeCheck,
        top_k: int,
        anchored: bool,
        familiar_threshold: bool = True,
    ) -> Ranking:
        """The ranking for ``text`` under its scope check's rules, gap entries set apart.
        ``familiar_threshold=False`` holds a familiar question (``ScopeCheck.familiar``) to the
        plain threshold."""
        ranking = self._rank_entries(text, scope, top_k, anchored, familiar_threshold)
        return self._gaps_apart(text, ranking, anchored)

    def _gaps_apart(self, text: str, ranking: Ranking, anchored: bool) -> Ranking:
        """Gap entries (``Entry.gap``) never answer and are never offered. One that is the best
        match with the score an answer needs (and ``gap_min_score``) makes the question a no
        match that says what the sources leave open; a looser match gives way to the next entry
        above the answer threshold."""
        if not self.gaps:
            return ranking
        related = self._answers(ranking.related)
        best = ranking.best
        if best is None or best.entry_id not in self.gaps:
            return replace(ranking, related=related)
        threshold = self.retriever.threshold(anchored)
        if best.score >= max(threshold, self.retriever.params.gap_min_score):
            return Ranking(False, None, related, [], gap=best)
        runner_up = next((m for m in related if m.score >= threshold), None)
        if runner_up is None:
            return Ranking(False, None, related, [])
        terms = self.retriever.matched_terms(text, runner_up.entry_id)
        return Ranking(True, runner_up, [m for m in related if m is not runner_up], terms)

    def _rank_entries(
        self,
        text: str,
        scope: ScopeCheck,
        top_k: int,
        anchored: bool,
        familiar_threshold: bool = True,
    ) -> Ranking:
        """The ranking for ``text`` under its scope check's rules."""
        if not scope.comparator_only:
            return self.retriever.rank(
                text,
                top_k=top_k,
                out_of_scope=self._excluded(scope),
                anchored=anchored,
                familiar=familiar_threshold and scope.familiar,
            )
        wide = self.retriever.rank(text, top_k=max(top_k, COMPARISON_CANDIDATES), anchored=anchored)
        if self._compares_with(wide, scope):
            return Ranking(True, wide.best, wide.related[:top_k], wide.matched_terms)
        return self._comparison(text, wide, scope, top_k, anchored)

    def _comparison(
        self, text: str, wide: Ranking, scope: ScopeCheck, top_k: int, anchored: bool
    ) -> Ranking:
        """A question that names another treatment and fat, or a comparison word ("is the
        vascular occlusion risk lower with fat than with fillers?", "allergy risk compared to
        fillers"), compares the two: when the best entry is not about that treatment, the next
        entry above the answer threshold that compares with it answers. Otherwise the question
        is about the other treatment alone ("how long does lip filler last"): no answer and no
        suggestions."""
        if not _COMPARING.isdisjoint(self.scope.normalize(text)):
            threshold = self.retriever.threshold(anchored)
            found = ([wide.best] if wide.best else []) + wide.related
            for match in wide.related:
                if match.score < threshold:
                    break
                terms = self.retriever.matched_terms(text, match.entry_id)
                related = [m for m in found if m is not match][:top_k]
                candidate = Ranking(True, match, related, terms)
                if self._compares_with(candidate, scope):
                    return candidate
        return Ranking(False, None, [], [])

    def _answer(self, text: str, scope: ScopeCheck, top_k: int, anchored: bool) -> Ranking:
        """The ranking that answers ``text``: :meth:`_rank`, unless the text is about a health
        condition rather than this subject."""
        ranking = self._rank(text, scope, top_k, anchored)
        if self._about_a_condition(text, ranking, scope):
            return self._treated_elsewhere(text, ranking, anchored) or Ranking(False, None, [], [])
        if self._frame_only(text, ranking, anchored):
            return Ranking(False, None, [], [])
        return ranking

    def _treated_elsewhere(self, text: str, ranking: Ranking, anchored: bool) -> Ranking | None:
        """For a question whether it treats a condition that found an entry on who can have the
        procedure (:meth:`_about_a_condition`), the next entry above the answer threshold that
        is on another topic and shares a word with the question that is not common English
        (``GENERIC_ZIPF``: "people" says nothing) besides the condition, the treating word and
        the subject's name: "diabetic ppl w nonhealing sores can fat cells help close em" is
        about chronic wounds, which the sources do discuss. None when there is none."""
        toks = self.scope.normalize(text)
        if not _treating(toks):
            return None
        threshold = self.retriever.threshold(anchored)
        # words every such question shares with any entry: the condition, the treating word and
        # the subject's name ("can nanofat cure lupus" shares nothing more with any entry)
        besides = self.scope.conditions | _TREATING | self.scope.anchor_words
        found = ([ranking.best] if ranking.best else []) + ranking.related
        for match in ranking.related:
            if match.score < threshold:
                break
            if self._topics.get(match.entry_id) == _CANDIDACY:
                continue
            terms = self.retriever.matched_terms(text, match.entry_id)
            if any(" " not in t and t not in besides and zipf(t) < GENERIC_ZIPF for t in terms):
                return Ranking(True, match, [m for m in found if m is not match], terms)
        return None

    def _frame_only(self, text: str, ranking: Ranking, anchored: bool) -> bool:
        """Does an answer rest only on the question's frame? "how many time zones does russia
        have" matches the entry on how many sessions people need through "how many" and "time"
        alone, while "russia" and "zones", words no source or entry uses, say what it is about.
        A question that does not name this subject, whose matched words are all common English
        (``GENERIC_ZIPF``) and which has such a word of its own, gets no answer."""
        if anchored or ranking.best is None:
            return False
        if any(any(zipf(w) < GENERIC_ZIPF for w in t.split()) for t in ranking.matched_terms):
            return False  # a word of some substance matched ("swelling", "dark circles")
        return bool(self.scope.unknown_content(self.scope.normalize(text)))

    def _about_a_condition(self, question: str, ranking: Ranking, scope: ScopeCheck) -> bool:
        """Is the question about a health condition itself? "what causes type 2 diabetes" finds
        the entry on who can have nanofat with a medical condition through "diabetes" alone. A
        question that names a condition (``scope.yaml``'s ``conditions``) and not the subject,
        and shares no word with the entry found besides the condition and the question words,
        is about the condition: no answer, no suggestions. So is one, named or not, that asks
        whether something treats the condition (``_TREATING``: "can nanofat cure lupus") when the
        entry found is one on who can have the procedure (the ``candidates`` topic): the
        sources never say it treats such conditions. The refusal check does not apply this ("i
        have hashimotos can i do it" is a personal question about the procedure)."""
        conditions = self.scope.conditions
        if ranking.best is None or not conditions:
            return False
        toks = self.scope.normalize(question)
        if conditions.isdisjoint(toks):
            return False
        if _treating(toks):
            # whether it treats the condition, found only by the entry on whether people with
            # the condition can have it ("can nanofat cure lupus", "stem cell therapy for
            # multiple sclerosis"): the sources never say it does
            entry = self.kb.entry(ranking.best.entry_id)
            if entry is not None and entry.topic == _CANDIDACY:
                return True
        return not scope.anchored and not _shares_a_word(ranking, besides=conditions)

    def _compares_with(self, ranking: Ranking, scope: ScopeCheck) -> bool:
        """Is the answer found about the other treatments the question names? A question about
        fillers alone ("how long does lip filler last") is about fillers, not nanofat, unless
        the entry found is itself about them: its question or its alternates name every one of
        them ("good option for ppl who react badly to fillers?" -> the entry on using one's own
        tissue, whose alternates compare it with filler), and it shares a word with the
        question besides their names, the question words and the words of price or risk ("why
        are people moving away from fillers" -> the entry on that trend; not "what is a chemical
        peel made of" -> the entry comparing nanofat with peels, nor "facelift price" or "are lip
        fillers safe")."""
        best = ranking.best
        if best is None or not scope.comparators <= self._comparators[best.entry_id]:
            return False
        # words any comparison shares with any entry say nothing about what it is about
        names = {t for phrase in scope.comparators for t in phrase}
        return _shares_a_word(ranking, besides=names | _NOT_COMPARING)

    def decide(self, question: str) -> tuple[Decision, ScopeCheck]:
        """The refusal decision for ``question`` (policy, then the scope check) and the scope
        check itself. Personal advice is not refused when the question is about another subject
        ("how do I reset my router" is out of scope, not a medical question), unless symptoms
        sound urgent or it speaks of the asker's procedure without naming it
        (``_about_own_procedure``: a part ending on a bare "after", "my appt", "i have a
        pacemaker ok for me"), nor when it is about paying (``scope.yaml``'s ``business``: "can
        i use my hsa for nanofat"), nor when the asker speaks of themselves and then asks an
        impersonal question ("I have a burn scar on my arm. Do fat grafts help burn scars?",
        ``Policy.general_question``; not "... will it work on me?" or "... is that normal?").
        A question that uses no word of this subject but that an entry answers
        ("at 72 am i too old for this": "this" is the procedure) is about this one. A question
        about this subject that asks what the asker should do ("should i choose general
        anesthesia or local", ``asks_should_i``) asks for a recommendation: personal advice. So
        does one that asks whether the asker may do something after their procedure ("can i sleep
        on my side the night after nanofat", ``asks_leave_after``) when no entry answers it at
        the threshold of a question without an anchor (as one does "can I go back to work after
        nanofat") and no gap entry says the sources leave it open. So does one in which the asker
        speaks of themselves and then asks whether they can, should or will (``asks_whether_i``:
        "i smoke weed sometimes, can i get nanofat"), or says they are on something the sources
        never name (``takes_a_medicine``: "can i get nanofat while on accutane"). Asides (who
        the question is asked for, "explain like im 5", "would you be so kind as to tell me":
        ``without_asides``), greetings and thanks around it (``Scope.without_pleasantries``)
        and how the asker feels after it (``then_feels``: "will there be scars? scars freak me
        out a little") are left out: the question's own words decide."""
        asked = without_asides(question) or self.scope.without_pleasantries(question)
        if asked is None:  # "... ? i'm impatient and kind of dreading the wait"
            feeling = then_feels(question)
            if feeling is not None and comments_only(self.policy.normalize(feeling[1])):
                asked = feeling[0]
        if asked is not None:
            return self.decide(asked)[0], self._scope(question)
        decision = self.policy.decide(question)
        scope = self._scope(question)
        toks = self.scope.normalize(question)
        if decision.refuse and not decision.urgent and self._not_advice(question, toks, scope):
            decision = Decision(False, "general", False, decision.probability)
        elif not decision.refuse and (
            (not scope.out_of_scope and self._asks_for_a_plan(question, toks, decision, scope))
            # "can i get nanofat while on accutane"; and the medicine's name, a word the sources
            # never use, may leave the message out of scope ("do i keep taking my sertraline
            # around the procedure")
            or (scope.domain and _own_medicine(toks, scope))
        ):
            decision = Decision(True, "personal_advice", False, decision.probability)
        return decision, scope

    def _scope(self, text: str) -> ScopeCheck:
        """The scope check of ``text`` with its slips on the subject's words read as those
        words, as ranking reads them ("fat graftng" names the subject)."""
        speller = self.retriever.speller
        return self.scope.check(speller.correct(text) if speller else text)

    def _not_advice(self, question: str, toks: list[str], scope: ScopeCheck) -> bool:
        """Is a question the classifier finds personal not a request for advice on this subject:
        about paying, about another subject, or a general question after the asker's own
        context? See :meth:`decide`."""
        if scope.business:  # "can i use my hsa for nanofat" asks about paying
            return True
        if (
            scope.other_subject
            and not self._about_own_procedure(question, toks, scope)
            and self._rank(question, scope, 1, scope.anchored).best is None
        ):
            return True
        part = self.scope.question_part(question)
        if part is not None and self.policy.general_question(part):
            return True
        # a general question, then a comment on the asker's own ("does nanofat work on hands?
        # mine look older than my face") or on where they read it ("... i have read this on a
        # forum"): the comment asks nothing about their case. A question the asker marked with
        # its question mark before where they read it need only be impersonal, however it opens.
        for split, general in (
            (then_mine(question), self.policy.general_question),
            (then_heard(question), self.policy.impersonal),
        ):
            if (
                split is not None
                and general(split[0])
                and comments_only(self.policy.normalize(split[1]))
            ):
                return True
        return False

    def _about_own_procedure(self, question: str, toks: list[str], scope: ScopeCheck) -> bool:
        """Does a message that names no word of this subject still speak of the asker's own
        procedure, left unnamed? A part ending on a bare "after" (``Scope.a_part_ends_after_it``),
        "my appt" (``names_own_procedure``), the asker's context then "ok for me"
        (``asks_if_ok_for_me``), "can i do this" (``asks_to_have_it``), "my dad ..., can he do it"
        (``asks_whether_they_can_have_it``), "am I too old for this" (``asks_if_suited``), or a
        medicine the asker is on (``_own_medicine``). In this chat that is the fat grafting,
        whatever other subject the message names."""
        return (
            self.scope.a_part_ends_after_it(question)
            or names_own_procedure(toks)
            or asks_if_ok_for_me(toks)
            or asks_to_have_it(toks)
            or asks_whether_they_can_have_it(toks)
            or asks_if_suited(toks)
            or _own_medicine(toks, scope)
        )

    def _asks_for_a_plan(
        self, question: str, toks: list[str], decision: Decision, scope: ScopeCheck
    ) -> bool:
        """Does a question about this subject ask what the asker should do (``asks_should_i``;
        about this subject also when it speaks of the procedure left unnamed, "what should i eat
        before my procedure", ``_about_own_procedure``), whether they can, should or will after
        speaking of themselves (``asks_whether_i``) or what it will do to them
        (``asks_what_it_does_to_me``), or whether they may do something after their
        procedure (``asks_leave_after``) with no entry or gap entry to answer it? See
        :meth:`decide`."""
        if (decision.asks_should_i or asks_what_suits_me(toks)) and (
            scope.anchored
            or self._about_own_procedure(question, toks, scope)
            or self._rank(question, scope, 1, scope.anchored).best is not None
        ):
            return True
        own = self.scope.after_own_context(question)
        if own is not None:
            asked, had_a_procedure = self.scope.normalize(own[0]), own[1]
            if asks_whether_i(asked) and not had_a_procedure:
                return True  # "i smoke weed sometimes, can i get nanofat": their own case
            if asks_what_it_does_to_me(asked):
                return True  # "I've had keloids before, will nanofat give me keloids?"
        if speaks_then_asks_whether_i(toks):
            return True  # "im breastfeeding can i get nanofat done"
        return (
            decision.asks_leave_after
            and scope.anchored
            # at the plain threshold: "can I sleep on my side after fat transfer" finds the
            # donor-area entry at the familiar one
            and _unanswered(
                self._rank(question, scope, 1, anchored=False, familiar_threshold=False)
            )
        )

    def answer_for(self, entry_id: str, score: float) -> Answer:
        entry = self.kb.entry(entry_id)
        assert entry is not None  # the index only names entries of this knowledge base
        return Answer(
            id=entry.id,
            question=entry.question,
            text=entry.answer,
            topic=entry.topic,
            score=score,
            sources=[
                SourcePassage(
                    source_id=src.id,
                    title=src.meta.title,
                    publisher=src.meta.publisher,
                    url=src.meta.url,
                    passage=passage,
                    start=start,
                    end=end,
                )
                for src, start, end, passage in self.kb.passages(entry)
            ],
        )

    def served_counts(self) -> dict[str, int]:
        """The indexed entries that answer, and the indexed gap entries (``/readyz``)."""
        ids = self.index.entry_ids
        gaps = sum(1 for i in ids if i in self.gaps)
        return {"entries": len(ids) - gaps, "gaps": gaps}

    def _answers(self, matches: list[Match]) -> list[Match]:
        """``matches`` without the gap entries: only entries that answer are offered."""
        return [m for m in matches if m.entry_id not in self.gaps]

    def _related(self, match) -> Related:  # type: ignore[no-untyped-def]
        entry = self.kb.entry(match.entry_id)
        return Related(
            id=match.entry_id, question=entry.question if entry else "", score=match.score
        )


def _treating(toks: list[str]) -> bool:
    """Does a question (normalised) use a word of treating (``_TREATING``: "can nanofat cure
    lupus")? "Treatment" before a place ("rosacea flares at the treatment site") says where,
    not what it treats."""
    return any(
        t in _TREATING and not (t == "treatment" and i + 1 < len(toks) and toks[i + 1] in _PLACES)
        for i, t in enumerate(toks)
    )


def _own_medicine(toks: list[str], scope: ScopeCheck) -> bool:
    """Does the question (its tokens) name the asker, or open with the medicine ("on warfarin can
    i"), and a medicine they are on (``takes_a_medicine``)?"""
    own = names_a_person(toks) or toks[:1] == ["on"]  # "on warfarin can i": the asker's
    return own and takes_a_medicine(toks, frozenset(scope.foreign))


def _clearly_better(alone: Ranking | None, whole: Ranking) -> Ranking:
    """A part's ranking in place of the whole message's when both answer and the part's best
    match beats the whole's by ``LEADING_MARGIN``; else the whole's."""
    if alone is None or alone.best is None or whole.best is None:
        return whole
    return alone if alone.best.score > whole.best.score + LEADING_MARGIN else whole


def _unanswered(ranking: Ranking) -> bool:
    """No entry answers and no gap entry matches."""
    return ranking.best is None and ranking.gap is None


def _shares_a_word(ranking: Ranking, besides: frozenset[str] | set[str]) -> bool:
    """Does the question share a word with the entry found, other than ``besides``, the question
    words and word pairs?"""
    return any(
        " " not in t and t not in besides and t not in QUESTION_WORDS for t in ranking.matched_terms
    )
