"""Is a question about this knowledge base's subject at all?

Nearest-neighbour retrieval always has a nearest entry. "How long does swelling last after
rhinoplasty?" shares "how long", "swelling" and "last" with real entries and scores well, yet
nothing in the sources is about rhinoplasty. This module gives the service two signals that a
similarity score cannot:

- *foreign terms*: content words that neither the sources nor the entries ever use, in any
  form (by their Snowball stem: "safely" is a form of "safe", "statin" is no form of
  "statistic"), and that are real, fairly specific English words (by their frequency in the
  ``wordfreq`` lists). A typo ("diabetis") or a made-up word is unknown to wordfreq and is not
  foreign: the character n-grams deal with typos.
- *anchors*: terms that name the subject itself (``faq/scope.yaml``). A question with an anchor
  is in scope whatever else it mentions, except:
- *gaps*: subjects next to this one that users ask about and the sources never cover
  ("insurance", "cellulite", also ``faq/scope.yaml``). "Does insurance cover nanofat?" names
  the subject, and an entry on cost scores well, but nothing in the sources answers it.

A foreign word only in a part where the asker speaks of themselves ("I'm a hairdresser. What
does recovery involve at the donor site?"), or that describes the people asked about before a
question in this subject's own words, is context, not the subject (``_beyond_context``), and
``question_part`` gives the service the question without that context.

Word look-ups, and two regular expressions without nested quantifiers that split a question into
parts (only for questions with a foreign word or without an answer): linear in the question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import Stemmer  # PyStemmer: the Snowball stemmers' C implementation
import yaml

from .features import CHAT_FILLERS, SIGN_OFFS, STOP_WORDS, Normalizer
from .text import LETTERS, MAX_WORD_LENGTH, deletions, fold, one_edit_variants, tokens


class ScopeConfigError(ValueError):
    """``faq/scope.yaml`` is unreadable or invalid; ``reason`` says what, without the path."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class ScopeConfig:
    anchors: tuple[str, ...]
    comparators: tuple[str, ...] = ()
    neutral: tuple[str, ...] = ()
    # name the subject only in a question with no foreign word ("graft": "is the graft
    # permanent" is ours, "how many grafts for an FUE hair transplant" is not)
    weak_anchors: tuple[str, ...] = ()
    # phrases of the sources' own words that name another subject ("skin graft", "bone graft")
    other_subjects: tuple[str, ...] = ()
    # health conditions (synonyms.yaml group heads): a question that names one but not the
    # subject, and shares no other word with the entry found, is about the condition
    conditions: tuple[str, ...] = ()
    # subjects next to this one that the sources never cover ("insurance", "cellulite"): a
    # question naming one gets no answer even when it names the subject
    gaps: tuple[str, ...] = ()
    # gaps about paying and paperwork rather than health ("hsa", "refund"): a question naming
    # one asks nothing medical, so it is never refused as personal advice
    business: tuple[str, ...] = ()
    # finding or rating one provider ("reviews for dr smith", "dr talei reviews are they
    # legit"): a question with a word of ``provider_gaps`` as typed and a word of ``providers``
    # is a business gap. The sources say nothing of any one doctor or clinic.
    providers: tuple[str, ...] = ()
    provider_gaps: tuple[str, ...] = ()
    # entries of these topics answer what the procedure does for one area ("indications"); a
    # question naming an area and one of ``aspects`` ("how many sessions", "awake") asks what
    # an entry of another topic answers (``FaqBot._aspect_of_an_area``)
    area_topics: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    foreign_zipf: float = 4.5
    domain_zipf: float = 5.75

    @classmethod
    def load(cls, path: Path) -> ScopeConfig:
        """Read ``faq/scope.yaml``; a missing file means no anchors and the default levels."""
        defaults = cls(anchors=())
        if not path.is_file():
            return defaults
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ScopeConfigError(path, str(exc)) from None
        if not isinstance(data, dict):
            raise ScopeConfigError(path, "must be a mapping")
        lists = {}
        for key in (
            "anchors",
            "comparators",
            "neutral",
            "weak_anchors",
            "other_subjects",
            "conditions",
            "gaps",
            "business",
            "providers",
            "provider_gaps",
            "area_topics",
            "aspects",
        ):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                raise ScopeConfigError(path, f"{key!r} must be a list of strings")
            lists[key] = tuple(value)
        try:
            levels = {k: float(data.get(k, getattr(defaults, k))) for k in _LEVELS}
        except (TypeError, ValueError) as exc:
            raise ScopeConfigError(path, str(exc)) from None
        return cls(
            anchors=lists["anchors"],
            comparators=lists["comparators"],
            neutral=lists["neutral"],
            weak_anchors=lists["weak_anchors"],
            other_subjects=lists["other_subjects"],
            conditions=lists["conditions"],
            gaps=lists["gaps"],
            business=lists["business"],
            providers=lists["providers"],
            provider_gaps=lists["provider_gaps"],
            area_topics=lists["area_topics"],
            aspects=lists["aspects"],
            **levels,
        )


_LEVELS = ("foreign_zipf", "domain_zipf")


@lru_cache(maxsize=1)
def _english() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


def zipf(word: str) -> float:
    """Zipf frequency of an English word (log10 of occurrences per billion words); 0 if unknown."""
    f = _english().get(word, 0.0)
    return math.log10(f * 1e9) if f > 0 else 0.0


@dataclass(frozen=True)
class ScopeCheck:
    anchored: bool  # names the subject (nanofat, fat transfer ...)
    foreign: tuple[str, ...]  # specific words the sources never use
    # uses an anchor, a word of the sources that is not among the most common, or a word English
    # does not know (most likely a slip on one of the subject's words)
    domain: bool
    # the other treatments it names that the sources only compare with ("filler", "botox")
    comparators: frozenset[tuple[str, ...]] = frozenset()
    small_talk: bool = False  # speaks to the bot about nothing else ("who are you")
    # has a word that says what it is about, beyond question, function and neutral words
    content: bool = True
    gaps: tuple[str, ...] = ()  # subjects the sources never cover ("insurance"), as named
    business: bool = False  # one of the gaps is about paying or paperwork, not health
    # has a content word that neither the sources nor the entries use in any form and that is
    # no slip on one of theirs ("router", "cat", "car")
    unfamiliar: bool = True
    # uses an anchor or a word of the sources as rare in English as a foreign word ("scars",
    # "lab"; not "book" or "weekend")
    specific: bool = False

    @property
    def comparator(self) -> bool:
        return bool(self.comparators)

    @property
    def out_of_scope(self) -> bool:
        if self.gaps:
            return True
        return (bool(self.foreign) or self.comparator or self.small_talk) and not self.anchored

    @property
    def familiar(self) -> bool:
        """Uses a word specific to this subject and no word of its own: no foreign or unfamiliar
        word, and not out of scope ("old op scars generally"; not "recommend me a good book for
        the weekend", whose words the sources use but are everyday English). Such a question
        needs a lower score to be answered (``RetrievalParams.min_score_familiar``) than one
        without."""
        return (
            self.domain
            and self.specific
            and not self.foreign
            and not self.unfamiliar
            and not self.out_of_scope
        )

    @property
    def comparator_only(self) -> bool:
        """Out of scope only because it names another treatment: an entry that compares with
        that very treatment may still answer it ("why are people moving away from fillers")."""
        return self.comparator and not (
            self.anchored or self.foreign or self.small_talk or self.gaps
        )

    @property
    def other_subject(self) -> bool:
        """Uses no word of this subject and a word of its own: "how do I reset my router" and
        "my cat won't eat, what should I do?" are not medical questions about this knowledge
        base, whoever they are about. A message of no word of its own ("what would you recommend
        for me", "im 60 will it work on me": "it" is the procedure in this chat) names no other
        subject."""
        return not self.domain and self.content and self.unfamiliar


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    text = resources.files(__package__).joinpath("data/verbs.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.splitlines() if w and not w.startswith("#"))


def verb_only(word: str) -> bool:
    """Is ``word`` known to English only as a verb ("weigh", "liquefied", "enumerate",
    "ditching"; not "poke", "mortgage" or "tattoo")? ``data/verbs.txt`` lists such words,
    generated from lemminflect's lexicon by ``scripts/verb_lexicon.py``. A verb says what is
    done, not what it is done to, so on its own it names no other subject."""
    return word in _verbs()


# before a verb, the asker doing it ("how to sue", "how do i cancel", "can you translate"):
# then the verb is what the question is about
_DOERS = frozenset(["to", "i", "we", "you", "u", "ya", "me"])
_PARTICIPLE = ("ed", "en")


def ends_after_it(tokens: Sequence[str]) -> bool:
    """Does the message end on "after" or "before" with nothing after it ("is it normal to get
    lumps after", "can i go back to my spin class 3 days after")? In this chat the event left
    unnamed is the asker's procedure: it names the subject when nothing else names another
    (``Scope.check``), and a personal question that ends so is not about another subject
    (``FaqBot.decide``)."""
    if tokens[-2:] in (["after", "mine"], ["before", "mine"]):
        return True  # "how much tylenol should i take after mine"
    return bool(tokens) and tokens[-1] in ("after", "before", "afterwards", "beforehand")


class Scope:
    def __init__(self, config: ScopeConfig, normalizer: Normalizer, texts: Iterable[str]) -> None:
        self.config = config
        self.normalize = normalizer
        # anchors are token sequences after normalisation ("fat harvest" -> ("fat", "harvest"))
        self.anchors = _Phrases(normalizer, config.anchors)
        self.weak_anchors = _Phrases(normalizer, config.weak_anchors)
        # the one-word anchors, as normalised tokens ("nanofat", "microfat")
        self.anchor_words = frozenset(p[0] for p in self.anchors.set if len(p) == 1)
        self.other_subjects = _Phrases(normalizer, config.other_subjects)
        self.comparators = _Phrases(normalizer, config.comparators)
        # business subjects are gaps too: the sources say nothing about paying
        self.gaps = _Phrases(normalizer, (*config.gaps, *config.business))
        self.business = _Phrases(normalizer, config.business)
        self.area_topics = frozenset(config.area_topics)
        self.aspects = _Phrases(normalizer, config.aspects)
        # both matched as typed: "reviews" folds to "review" ("what does the doctor review")
        self.providers = frozenset(fold(word) for word in config.providers)
        self.provider_gaps = frozenset(fold(word) for word in config.provider_gaps)
        # a question's word sequences are listed once, up to the longest phrase of any kind
        self._longest = max(
            p.longest
            for p in (
                self.anchors,
                self.comparators,
                self.weak_anchors,
                self.other_subjects,
                self.gaps,
            )
        )
        # one-word anchors long enough to be recognised through a typing slip
        self._fuzzy_anchors = tuple(
            sorted(
                p[0] for p in self.anchors.set if len(p) == 1 and len(p[0]) >= 7 and p[0].isalpha()
            )
        )
        # the tokens that name a health condition once normalised ("diabetes" -> the group head)
        self.conditions = frozenset(t for c in config.conditions for t in normalizer(c))
        # words about how the asker feels ("nervous", "a bit of a wimp"): never another subject
        self.neutral = frozenset(t for word in config.neutral for t in normalizer(word))
        vocab: set[str] = set()
        for text in texts:
            vocab.update(normalizer(text))
        self.vocabulary = frozenset(vocab)
        self._stem = Stemmer.Stemmer("english").stemWord
        self._stems = frozenset(self._stem(w) for w in vocab)
        # the common words this subject uses, that a rare word may be a slip on (``_slip``)
        self._common = frozenset(
            w
            for w in vocab
            if len(w) >= _MIN_SLIP - 1 and w.isalpha() and zipf(w) >= SLIP_TARGET_ZIPF
        )
        # every word of the sources and entries, and every string one letter short of one:
        # two strings share a member when they are at most a letter added or dropped on each
        # side from each other (``_near_a_known_word``)
        self._shortened = frozenset(w for w in vocab if w.isalpha()) | frozenset(
            d for w in vocab if len(w) >= _MIN_SLIP - 1 and w.isalpha() for d in deletions(w)
        )
        self._pleasantries_recent = lru_cache(maxsize=64)(self._without_pleasantries)
        _english()  # load the word lists now, not on the first question
        _verbs()

    def _near_a_known_word(self, word: str) -> bool:
        """Could ``word``, which English does not know, be a slip on a word of the sources or
        entries ("swelingg", "liposuctin")? True when dropping at most one letter from each
        makes them the same (for a word of at least ``_MIN_TWO_SLIPS`` letters, two from it),
        which covers a letter added, dropped or changed, or when it is a prefix on a known word
        ("pregraft", "photoaged"). Words of other languages are seldom that close
        ("artroskopia", "kolana")."""
        for prefix in _PREFIXES:
            rest = word[len(prefix) :]
            if (
                word.startswith(prefix)
                and len(rest) >= 4
                and (rest in self.vocabulary or zipf(rest) > 0)
            ):
                return True
        shorter = deletions(word) | {word}
        if not self._shortened.isdisjoint(shorter):
            return True
        return len(word) >= _MIN_TWO_SLIPS and not self._shortened.isdisjoint(
            {s for w in shorter for s in deletions(w)}
        )

    def _related_form(self, word: str) -> bool:
        """Is ``word`` another form of a word the sources use ("safely" / "safe", "sedate" /
        "sedation", "originate" / "origins")? True when both have the same Snowball stem; a
        shared beginning is not enough ("statin" / "statistics", "compound" / "component")."""
        return self._stem(word) in self._stems

    def _slip(self, word: str, z: float) -> bool:
        """Is ``word`` a typing slip on a common word this subject uses ("usualy", "enought",
        "benifit")? English text makes such slips often enough for ``wordfreq`` to count them
        (Zipf 1.6-2.1), so they would pass for rare words naming another subject. A word rarer
        than ``SLIP_ZIPF`` and one edit from a word of the sources or entries at least as
        common as ``SLIP_TARGET_ZIPF`` is taken for that word; rare real words are seldom one
        edit from a common one ("statin" is not)."""
        return (
            _MIN_SLIP <= len(word) <= MAX_WORD_LENGTH
            and z < SLIP_ZIPF
            and not self._common.isdisjoint(one_edit_variants(word))
        )

    def _names_a_subject(self, toks: list[str], i: int) -> bool:
        """Does ``toks[i]``, a specific English word no source or entry uses, name what the
        question is about? A verb (``verb_only``) says what is done, not what about ("how do
        clinicians weigh medical risk factors"), unless the asker wants to do it ("how do i
        cancel my appointment", "how to sue a clinic") or it is a participle before a specific
        word ("a sprained ankle", "a deviated septum"; not "ranked, per the article")."""
        word = toks[i]
        if not verb_only(word) or (i > 0 and toks[i - 1] in _DOERS):
            return True
        after = toks[i + 1] if i + 1 < len(toks) else None
        return (
            word.endswith(_PARTICIPLE)
            and after is not None
            and self._content_word(after)
            and zipf(after) < self.config.foreign_zipf
        )

    def _misspelt_anchor(self, toks: list[str]) -> bool:
        """Is a word a one-slip misspelling of a one-word anchor ("naonfat", "nanofta",
        "nanaofat")? Only words unknown to English and to the sources count, so "crafting"
        is never "grafting"."""
        return any(
            len(t) >= _MIN_FUZZY
            and t not in self.vocabulary
            and zipf(t) == 0.0
            and any(one_slip(t, a) for a in self._fuzzy_anchors)
            for t in toks
        )

    def _uses_a_domain_word(self, toks: list[str]) -> bool:
        """Does a part use a word of the sources or entries rarer than ``domain_zipf``?"""
        return any(
            t in self.vocabulary
            and t.replace("_", "").isalpha()  # a year or a dose says nothing of the subject
            and zipf(t) < self.config.domain_zipf
            for t in toks
        )

    def unknown_content(self, toks: list[str]) -> list[str]:
        """The English content words of a text that neither the sources nor the entries use in
        any form and that are too common to be foreign words ("russia", "zones", "battery";
        ``UNKNOWN_ZIPF``): they still say the text is about something of its own. Slips (rare
        in English: "peeple", "usualy") and everyday words ("school", "home") are left out."""
        lo, hi = UNKNOWN_ZIPF
        return [
            t
            for t in toks
            if t not in self.vocabulary
            and self._content_word(t)
            and lo <= zipf(t) < hi
            and not self._related_form(t)
        ]

    def _content_word(self, t: str) -> bool:
        """Can a token say what a message is about: not a stop, shorthand or neutral word, at
        least three letters (a synonyms.yaml group head such as "fat_transfer" counts)?"""
        return (
            t not in STOP_WORDS
            and t not in _NEVER_FOREIGN
            and t.replace("_", "").isalpha()
            and len(t) >= 3
            and t not in self.neutral
        )

    def _uses_a_specific_word(self, toks: list[str]) -> bool:
        """Does a part use an anchor, or a word of the sources or entries as rare in English as a
        foreign word ("harvest", "donor", "implant"; not "recovery", "treatment" or "surgery")?
        A synonyms.yaml group head ("adsc") counts."""
        return bool(self.anchors.found_in(_sequences(toks, self.anchors.longest))) or any(
            t in self.vocabulary
            and t.replace("_", "").isalpha()
            and zipf(t) < self.config.foreign_zipf
            for t in toks
        )

    def _parts(self, question: str) -> tuple[list[str], str, list[str]] | None:
        """A question's parts before the last (folded), the last and its tokens, when there are
        several parts and the last uses a domain word; else None."""
        parts = _split(fold(question))
        if len(parts) < 2:
            return None
        last = self.normalize(parts[-1])
        if not self._uses_a_domain_word(last):
            return None
        return parts[:-1], parts[-1], last

    def _beyond_context(self, question: str, foreign: list[str]) -> list[str]:
        """The foreign words that name the question's subject, not only the asker's context.

        "I'm a hairdresser and on my feet all day. What does recovery involve at the donor
        site?" tells who asks, then asks about this subject: a word of a first-person part
        before the last ("hairdresser") names no other subject when the last part uses none
        of the foreign words and does use a domain word. A word that follows a procedure cue
        ("I'm having a rhinoplasty next month. How long does swelling last?") still does. So
        does a part that describes the people asked about ("people with stubborn belly fat -
        is losing some from the harvest a bonus"), when the last part uses a word specific to
        this subject (``_uses_a_specific_word``): "people with tinnitus - what is the best
        treatment" asks about tinnitus.
        """
        split = self._parts(question)
        if split is None:
            return foreign
        earlier, _, last = split
        # a description of people ("people with stubborn belly fat - ...") is context only when
        # the question after it asks about something specific to this subject ("... the
        # harvest"), not in words any subject uses ("people with tinnitus - what is the best
        # treatment")
        specific: bool | None = None  # worked out once, and only for a description of people
        context: set[str] = set()
        for part in earlier:
            toks = self.normalize(part)
            first_person = bool(_FIRST_PERSON.match(part))
            described = 0 if first_person else _people_described(toks)
            if described and specific is None:
                specific = self._uses_a_specific_word(last)
            if first_person or (described and specific):
                context.update(_not_after_a_cue(toks[: described or len(toks)]))
        return [f for f in foreign if f in last or f not in context]

    def _beyond_the_comment(self, question: str, foreign: list[str]) -> list[str]:
        """The foreign words that name the question's subject, not only a comment of the
        asker's after it ("Why is the injection kept above the muscle around the mouth? I saw a
        diagram and wondered."): a question that opens the message (``leading_question``),
        then only parts where the asker speaks of themselves. A word such a part names after a
        procedure cue still counts ("how long is the swelling? i'm getting a rhinoplasty too")."""
        lead = self.leading_question(question)
        if lead is None:
            return foreign
        comment: set[str] = set()
        for part in _split(fold(question))[1:]:
            if not _FIRST_PERSON.match(part):
                return foreign
            comment.update(_not_after_a_cue(self.normalize(part)))
        asked = set(self.normalize(lead))
        return [f for f in foreign if f in asked or f not in comment]

    def question_part(self, question: str) -> str | None:
        """The question itself, when everything before it is the asker speaking of themselves.

        "I'm a nursing student writing a report. What is nanofat actually made of?": the first
        sentence adds words no entry uses and lowers every score. Returns the last part when
        every earlier part is first-person, none mentions a procedure cue ("I had botox. How
        long does the swelling last?" stays whole) and the last part has a domain word; else
        None.
        """
        own = self.after_own_context(question)
        return own[0] if own is not None and not own[1] else None

    def without_group(self, question: str) -> str | None:
        """The question without the group of people it opens on ("people with red or brown
        marks left from acne" -> "red or brown marks left from acne"); None if it opens on none."""
        folded = fold(question).strip()
        found = _GROUP_OPENING.match(folded)
        return (folded[found.end() :] or None) if found is not None else None

    def after_own_context(self, question: str) -> tuple[str, bool] | None:
        """The last part, when everything before it is the asker speaking of themselves, and
        whether that context mentions a procedure cue ("I've had keloids before, will nanofat
        give me keloids?" -> ("will nanofat give me keloids", True)); else None. The refusal
        decision reads both: a procedure the asker had is still their own context, though
        :meth:`question_part` does not rank the last part alone then."""
        split = self._parts(question)
        if split is None or not all(_FIRST_PERSON.match(p) for p in split[0]):
            return None
        earlier, last, _ = split
        return last, any(not _PROCEDURE_CUES.isdisjoint(self.normalize(p)) for p in earlier)

    def a_part_ends_after_it(self, question: str) -> bool:
        """Does the message, or any part of it, end on a bare "after" or "before"
        (:func:`ends_after_it`): "I go to the beach 5 days after, is ok for me?"."""
        return any(ends_after_it(self.normalize(part)) for part in _split(fold(question)))

    def definition_asked(self, question: str) -> str | None:
        """What a message asks to have explained, when its last part only asks what the thing
        just named is ("SVF - what exactly is it?", "nanofat?? whats that", "... could you
        explain in plain words what it actually is", "..., what is it, short version"): "what
        is" and the part before. When that part tells where the asker came across the subject ("my
        dermatologist mentioned nanofat grafting today. what is that?"), only the subject's own
        words (an anchor) are kept: the rest is how they heard of it. Else None."""
        parts = _split(fold(question))
        if len(parts) < 2 or not (
            _WHAT_IS_IT.fullmatch(parts[-1]) or _EXPLAIN_WHAT_IT_IS.fullmatch(parts[-1])
        ):
            return None
        named = parts[-2]
        if not _CAME_ACROSS.isdisjoint(tokens(named)):
            named = self._mentioned_thing(named) or self._named_thing(named) or ""
        return f"what is {named}" if named else None

    def _mentioned_thing(self, text: str) -> str | None:
        """The name right after a word telling where the asker came across it ("AFT literature
        mentions an anaerobic refining step ...": "anaerobic refining"; "a", "about" or "a
        tiktok about" skipped), when it starts with a rare word (``MENTIONED_ZIPF``) and names
        no anchor: else None, and the anchor named is the thing."""
        words = tokens(text)
        for verb in (i for i, w in enumerate(words) if w in _CAME_ACROSS):
            at = verb + 1
            while at < len(words) and words[at] in _BEFORE_A_NAME:
                at += 1
            if at == len(words) or not words[at].isalpha() or zipf(words[at]) >= MENTIONED_ZIPF:
                continue
            lo, hi = _widen(words, at, at + 1, self.config.foreign_zipf)
            name = " ".join(words[lo:hi])
            named = self.anchors.found_in(_sequences(self.normalize(name), self._longest))
            return None if named else name
        return None

    def _named_thing(self, text: str) -> str | None:
        """The words of ``text`` naming the thing it mentions: its longest anchor, as typed,
        with the rare words joined to it ("microbotox with nanofat microneedling"); None if
        it names no anchor."""
        words = tokens(text)
        for n in range(min(self.anchors.longest, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                if tuple(self.normalize(" ".join(words[i : i + n]))) in self.anchors.set:
                    lo, hi = _widen(words, i, i + n, self.config.foreign_zipf)
                    return " ".join(words[lo:hi])
        return None

    def without_pleasantries(self, question: str) -> str | None:
        """:meth:`_without_pleasantries`, remembered for the last few questions: ``decide``
        and ``ask`` both read it."""
        return self._pleasantries_recent(question)

    def _without_pleasantries(self, question: str) -> str | None:
        """The message without the parts before or after its question that only greet, thank
        or say the asker is curious ("Good morning. I was wondering, what is nanofat?", "quick
        q - what is nanofat", "who is kami parsa? Cheers!", "... Many thanks in advance."), or
        without a request to be told that opens it ("I'd like to know what is nanofat"). Such a
        part has a word of greeting or thanks (``_GREETINGS``) and otherwise only the words that
        go with them (``_OPENERS``), chat fillers and stop words, and names no one ("for me?",
        "can i?" and "i want it" say whose case it is and stay).
        The question part keeps its question mark. None when there is nothing to leave out."""
        folded = fold(question).strip()
        spans = _part_spans(folded)
        if len(spans) < 2:
            asked = _ASKING_FRAME.match(folded)
            rest = folded[asked.end() :].strip() if asked else ""
            return rest or None
        first, last = 0, len(spans)
        while first < last - 1 and _only_pleasantry(folded[slice(*spans[first])]):
            first += 1
        while last - 1 > first and _only_pleasantry(folded[slice(*spans[last - 1])]):
            last -= 1
        if first == 0 and last == len(spans):
            return None
        start, end = spans[first][0], spans[last - 1][1]
        mark = "?" if folded[end : end + 1] == "?" else ""
        return folded[start:end] + mark

    def leading_question(self, question: str) -> str | None:
        """The question itself, when what follows it only comments ("does it hurt when they take
        the fat out? im a bit of a wimp", "ok so what actually IS nanofat?? seeing it all over
        my fyp"): the first part, when it ends with a question mark, has a question word and a
        word of this subject, and no later part opens with a question word; else None."""
        folded = fold(question)
        parts = _split(folded)
        if len(parts) < 2 or not folded.lstrip().startswith(parts[0] + "?"):
            return None
        first = self.normalize(parts[0])
        if _ASKS.isdisjoint(first) or not self._uses_a_domain_word(first):
            return None
        if any(_opens_a_question(self.normalize(part)) for part in parts[1:]):
            return None
        return parts[0]

    def question_parts(self, question: str, clauses: bool = False) -> list[str]:
        """Every part of a message of several that asks something about this subject: it has a
        question word and a word of this subject ("can someone on a tight budget afford
        nanofat, what does it normally cost" -> both). Empty for a message of one part, and
        for one with a part that opens with a question word and uses no word of this subject
        ("who won the world cup in 2022? who was in the final": it asks about another one).
        Only the first ``MAX_QUESTION_PARTS`` parts are read: each is ranked on its own. With
        ``clauses``, each part is also split at its commas ("ok so what even is nanofat, my
        sister wont stop talking abt it")."""
        parts = _split(fold(question))
        if clauses:
            parts = [c.strip() for part in parts for c in part.split(",") if c.strip()]
        if len(parts) < 2:
            return []
        found = []
        for part in parts[:MAX_QUESTION_PARTS]:
            toks = self.normalize(part)
            domain = self._uses_a_domain_word(toks)
            if _opens_a_question(toks) and not domain:
                return []  # it also asks about something else ("who won the world cup?")
            if domain and not _ASKS.isdisjoint(toks):
                found.append(part)
        return found

    def comparators_named(self, text: str) -> frozenset[tuple[str, ...]]:
        """The comparator phrases (other treatments) that ``text`` names."""
        toks = self.normalize(text)
        return self.comparators.found_in(_sequences(toks, self.comparators.longest))

    def aspects_named(self, text: str) -> frozenset[tuple[str, ...]]:
        """The ``aspects`` phrases ("how many", "awake", "donor") that ``text`` uses."""
        toks = self.normalize(text)
        return self.aspects.found_in(_sequences(toks, self.aspects.longest))

    def check(self, question: str) -> ScopeCheck:
        toks = self.normalize(question)
        grams = _sequences(toks, self._longest)
        anchored = bool(self.anchors.found_in(grams)) or self._misspelt_anchor(toks)
        foreign = [" ".join(p) for p in sorted(self.other_subjects.found_in(grams))]
        comparators = self.comparators.found_in(grams)
        weak_found = self.weak_anchors.found_in(grams)
        weak_words = {w for phrase in weak_found for w in phrase}
        domain = anchored or bool(weak_found)
        # a word of the subject besides the weak anchor's own ("harvest" + "belly", not "moon")
        seconded = False
        # ``ScopeCheck.specific``: what ``_uses_a_specific_word`` asks, from the Zipf values
        # this loop looks up anyway
        specific = anchored
        content = False  # a word that says what the message is about
        unfamiliar = False  # a word of its own (``ScopeCheck.unfamiliar``)
        unknown = []  # words English does not know that are no slip on a word of the subject
        for i, t in enumerate(toks):
            if not self._content_word(t):
                continue
            z = zipf(t)
            content = True
            if t in self.vocabulary:
                rare = z < self.config.domain_zipf
                domain = domain or rare
                specific = specific or z < self.config.foreign_zipf
                seconded = seconded or (rare and t not in weak_words)
            elif z == 0.0 and len(t) > 3 and self._near_a_known_word(t):
                # unknown to English: most likely a slip on one of this subject's words
                # ("swelingg"), so the question is not taken for another subject
                domain = True
            elif z == 0.0 and len(t) > 3:
                unknown.append(t)  # "artroskopia": another language's word, or a rare name
            elif self._related_form(t) or self._slip(t, z):
                pass  # "safely" is a form of "safe", "usualy" a slip on "usually"
            else:
                unfamiliar = True
                if (
                    0.0 < z < self.config.foreign_zipf
                    and t not in foreign
                    and self._names_a_subject(toks, i)
                ):
                    foreign.append(t)
        if unknown:
            # with the subject named, or a word specific to it ("downtime", "surgeon"), the
            # unknown word is the asker's own ("dermatologo or plastic surgeon?"); with neither
            # it names what the question is about ("artroskopia kolana, after how many weeks can
            # walk normal"): another subject
            if anchored or self._uses_a_specific_word(toks):
                domain = True
            else:
                unfamiliar = True
                foreign.extend(t for t in unknown if t not in foreign)
        if foreign:
            # "bruise like a peach", "thin like a flu jab": a likeness, not the subject
            likened = _likened(toks)
            foreign = [f for f in foreign if f.split()[0] not in likened]
        if foreign and not anchored:
            foreign = self._beyond_context(question, foreign)
        if foreign and not anchored:
            foreign = self._beyond_the_comment(question, foreign)
        # a weak anchor names the subject only when nothing in the question names another one
        # and another word of the subject seconds it; so does a bare "after" at the end (the
        # asker's procedure: "is it normal to get lumps or uneven spots after")
        anchored = anchored or (
            (ends_after_it(toks) or (bool(weak_found) and seconded))
            and not foreign
            and not comparators
        )
        found = self.gaps.found_in(grams)  # business phrases are among them
        gaps = {" ".join(p) for p in found}
        business = not self.business.set.isdisjoint(found)
        about_a_provider = self._about_a_provider(question)
        if about_a_provider:
            gaps.update(about_a_provider)
            business = True
        return ScopeCheck(
            anchored,
            tuple(foreign),
            domain,
            comparators,
            content=content,
            small_talk=_small_talk(toks),
            gaps=tuple(sorted(gaps)),
            business=business,
            unfamiliar=unfamiliar,
            specific=specific,
        )

    def _about_a_provider(self, question: str) -> set[str]:
        """The ``provider_gaps`` words of a question that names a provider at most
        ``PROVIDER_WINDOW`` words away ("reviews of dr kami parsa", "dr talei reviews"), as
        typed."""
        if not self.provider_gaps:
            return set()
        words = LETTERS.findall(fold(question))
        at = [i for i, w in enumerate(words) if w in self.providers]
        if not at:
            return set()
        return {
            w
            for i, w in enumerate(words)
            if w in self.provider_gaps and any(abs(i - j) <= PROVIDER_WINDOW for j in at)
        }


# words between a provider and a provider_gaps word ("reviews like for dr", "dr ben talei's patient
# reviews": "talei's" is two words)
PROVIDER_WINDOW = 5
# how common a word must be in English (Zipf) to count as a text's own content word in
# ``Scope.unknown_content``: rarer ones are slips or foreign words, commoner ones everyday words
UNKNOWN_ZIPF = (3.0, 5.5)


# A question's parts: sentences, a dash between words, a comma before a question word ("I work
# nights, how long is the swelling?"), or "and" before a wh-word ("what does it cost and what
# are the main risks").
_SEGMENTS = re.compile(
    r"[.!?;:]+(?:\s+|$)|\s[-\u2013\u2014]\s"
    r"|,\s*(?=(?:so\s+|but\s+|and\s+)?(?:what|wat|wut|how|is|are|do|does|can|could|will|would|why"
    r"|when|where|which|who|should|has|have)\b)"
    r"|\sand\s+(?=(?:what|how|when|where|why|which)\b)"
)


def then_mine(question: str) -> tuple[str, str] | None:
    """A message's first part and the rest, when the rest opens with "mine" ("can nanofat be
    done on hands? mine look old and crepey"): a question, then a comment on the asker's own.
    None otherwise."""
    for i, ch in enumerate(question):
        if ch in "?.,":
            rest = question[i + 1 :]
            words = rest.split(None, 1)
            return (question[:i], rest) if words and words[0].lower() == "mine" else None
    return None


def then_heard(question: str) -> tuple[str, str] | None:
    """A message's question and what follows it, when that only says where the asker came
    across the claim ("nanofat make the skin more thick? i have read this on chinese forum",
    "does it last 10 years? my friend told me so"): the question ends with its question mark
    and the rest asks nothing more. None otherwise."""
    end = question.find("?")
    if end < 0:
        return None
    rest = question[end + 1 :].strip()
    if not rest or "?" in rest or _CAME_ACROSS_CLAIM.isdisjoint(tokens(fold(rest))):
        return None
    return question[:end], rest


# how the asker feels about what they asked ("i'm paranoid after reading horror stories", "both
# freak me out a little")
_FEELINGS = frozenset(
    ["nervous", "anxious", "worried", "scared", "afraid", "frightened", "terrified", "paranoid"]
    + ["freak", "freaks", "freaked", "freaking", "dread", "dreading", "impatient", "petrified"]
    + ["squeamish", "stressed", "overwhelmed", "worry", "worrying", "wimp", "panicking"]
)
_SPEAKS_OF_ME = frozenset(["i", "me", "im"])
# words that tell of the asker's case, not only of their feelings ("i have lupus and i'm
# scared", "my face is swollen and i'm worried", "i'm scared since the injection")
_OF_A_CASE = frozenset(
    ["my", "mine", "have", "has", "had", "having", "got", "take", "taking", "took", "on"]
    + ["since", "after", "booked", "because", "cause", "coz", "cos"]
)
# a question that speaks of the asker or points at something present ("is this swelling
# normal? im so worried"): the feeling may be about their own case
_POINTS_AT_MINE = _SPEAKS_OF_ME | frozenset(["my", "mine", "this", "these"])


def then_feels(question: str) -> tuple[str, str] | None:
    """A message's question and what follows it, when that only says how the asker feels ("how
    soon would someone see results? i'm impatient and kind of dreading the wait", "will there
    be scars? both freak me out a little"): the question ends with its last question mark, and
    the rest speaks of the asker and of a feeling and of nothing of their case (``_OF_A_CASE``:
    "i have lupus and i'm scared" does), and the question neither speaks of the asker nor
    points at something present ("is this swelling normal? im so worried"). None otherwise."""
    end = question.rfind("?")
    rest = question[end + 1 :].strip() if end >= 0 else ""
    if not rest:
        return None
    words = tokens(fold(rest))
    if (
        _FEELINGS.isdisjoint(words)
        or _SPEAKS_OF_ME.isdisjoint(words)
        or not _OF_A_CASE.isdisjoint(words)
        or not _POINTS_AT_MINE.isdisjoint(tokens(fold(question[:end])))
    ):
        return None
    return question[: end + 1], rest


@lru_cache(maxsize=64)  # ``FaqBot.decide`` and ``FaqBot.ask`` both read it for one question
def without_asides(question: str) -> str | None:
    """A message without the asides that say who it is asked for ("is nanofat safe? asking
    for my mum", "asking for a friend: who performs nanofat?"), how simply to put it
    ("angiogenesis nanofat explain like im 5", ``_AS_TO_A_CHILD``) or how politely it is asked
    ("would you be so kind as to tell me whether the fat is taken from the stomach",
    ``_POLITE_REQUEST``): the question is judged on its own words, and a general one stays
    general ("im 5" is no age; "tell me" asks nothing about the asker). None when there is no
    such aside, or nothing else."""
    folded = rest = fold(question).strip()
    found = None
    if "quiring" in rest or "asking" in rest:  # the patterns' cheap precondition
        found = _ASKED_FOR_AFTER.search(rest) or _ASKED_FOR_BEFORE.match(rest)
    if found is not None:
        rest = (rest[: found.start()].rstrip(" ,;:(-") + " " + rest[found.end() :]).strip()
    if "like" in rest or "eli5" in rest:
        rest = _AS_TO_A_CHILD.sub(" ", rest).strip(" ,;:-")
    if " me" in rest or " us" in rest or "one " in rest or "body " in rest:
        rest = " ".join(_POLITE_REQUEST.sub(" ", rest).split())
    if "i " in rest or "you " in rest or "kindly" in rest or "please" in rest or "i'd" in rest:
        rest = " ".join(_FORMAL_REQUEST.sub(" ", rest).split())
    if rest == folded:
        return None
    return rest or None


def _part_spans(folded: str) -> list[tuple[int, int]]:
    """Where each non-empty part of a folded question (``_SEGMENTS``) starts and ends."""
    spans, pos = [], 0
    for sep in [*_SEGMENTS.finditer(folded), None]:
        end = len(folded) if sep is None else sep.start()
        piece = folded[pos:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((pos + lead, pos + len(piece.rstrip())))
        if sep is not None:
            pos = sep.end()
    return spans


def _only_pleasantry(part: str) -> bool:
    """Does a part only greet, thank or say the asker is curious (see
    ``Scope.without_pleasantries``): a word of ``_GREETINGS``, and otherwise only words that go
    with them, chat fillers and stop words, and no one named?"""
    words = tokens(part)
    return (
        not _GREETINGS.isdisjoint(words)
        and _NAMES_SOMEONE.isdisjoint(words)
        and all(w in _OPENERS or w in STOP_WORDS or w in CHAT_FILLERS for w in words)
    )


def _split(folded: str) -> list[str]:
    """A folded question's non-empty parts (``_SEGMENTS``)."""
    return [folded[start:end] for start, end in _part_spans(folded)]


# where the asker came across a claim ("i have read this", "my friend told me", "saw it on tiktok"):
# narrower than _CAME_ACROSS, since what follows a question must say only that
_CAME_ACROSS_CLAIM = frozenset(
    ["read", "heard", "saw", "seen", "watched", "told", "says", "said", "claims", "claimed"]
)
# who a question is asked for, said apart from it ("asking for my mum", "just asking for a
# friend"; not "it's for my eyes", which says what it is about)
_ASKED_FOR_AFTER = re.compile(
    r"(?<![a-z'])\(?(?:(?:i'?m|i\s+am|just|only)\s+)?(?:asking|enquiring|inquiring)"
    r"\s+(?:for|on\s+behalf\s+of)\s+(?:my|a|an|our)\s+[a-z']+(?:\s+[a-z']+)?\)?"
    r"[\s.!?)]*$"
)
_ASKED_FOR_BEFORE = re.compile(
    r"\(?(?:(?:i'?m|i\s+am|just|only)\s+)?(?:asking|enquiring|inquiring)"
    r"\s+(?:for|on\s+behalf\s+of)\s+(?:my|a|an|our)\s+[a-z']+(?:\s+[a-z']+)?\)?"
    r"\s*[:,.;!?-]+\s*"
)
# a request to put it simply, which gives no age ("explain like im 5", "eli5", "like i'm a kid")
_AS_TO_A_CHILD = re.compile(
    r"(?<![a-z'])(?:eli5|(?:explain(?:\s+it)?\s+|tell\s+me\s+|describe(?:\s+it)?\s+)?like\s+"
    r"(?:i'?m|i\s+am)\s+(?:(?:a\s+)?(?:5|five)(?:[\s-]+years?[\s-]+old)?"
    r"|a\s+(?:child|kid|baby|toddler)))"
    r"(?![a-z'])"
)
# a formal request to be told, where a part of a message opens, before what is asked ("I would be
# obliged if you would indicate whether ...", "Kindly inform me whether ...", "I should like to
# know how ...", "May I enquire whether ..."). What follows must be the question ("whether",
# "how", "the ..."), so "would you advise me to ..." and "would you say nanofat ..." stay whole.
# the asker as the one who would be glad ("I would", "we should", "I'd") and how glad
_I_WOULD = r"(?:i|we)(?:\s+(?:should|would)|'d)\s+"
_BE_GLAD = (
    r"be\s+(?:most\s+|very\s+|really\s+|so\s+)?"
    r"(?:grateful|obliged|glad|pleased|thankful|happy|interested)"
)
_FORMAL_REQUEST = re.compile(
    r"(?:^|(?<=[.?!,:;-])\s+)(?:"
    r"(?:(?:would|could|can|will)\s+(?:you|u)\s+(?:please\s+|kindly\s+)?"
    r"(?:be\s+(?:so\s+kind|good\s+enough)\s+(?:as\s+)?to\s+|possibly\s+)?(?:kindly\s+)?"
    r"|(?:i|we)\s+wonder(?:ed)?\s+(?:whether|if)\s+(?:you|u)\s+(?:might|could|would|can)\s+"
    r"(?:be\s+able\s+to\s+)?|(?:please\s+|kindly\s+)+"
    r"|" + _I_WOULD + r"(?:" + _BE_GLAD + r"|appreciate\s+it|like\s+it)"
    r"\s+if\s+(?:you|u)\s+(?:could|would|might|can)\s+(?:please\s+|kindly\s+)?)"
    r"(?:tell|inform|advise|explain|describe|outline|clarify|confirm|indicate|say|let)"
    r"(?:\s+(?:to\s+)?(?:me|us))?(?:\s+know)?"
    r"|" + _I_WOULD + r"(?:" + _BE_GLAD + r"\s+to|like\s+to|love\s+to)"
    r"\s+(?:know|learn|hear|find\s+out|understand|ask|enquire|inquire)"
    r"|" + _I_WOULD + r"appreciate\s+(?:knowing|learning|hearing)"
    r"|may\s+i\s+(?:please\s+)?(?:ask|enquire|inquire))"
    r"(?=\s+(?:whether|if|how|what|when|where|which|who|why|as\s+to|about|of|on|regarding"
    r"|the|a|an|is|are|does|do|can)(?![a-z']))"
    r"|if\s+(?:you|u)\s+(?:would|could|will)\s+be\s+so\s+kind(?=[\s.?!]*$)"
)
# a request to be told, where a part of a message opens ("Would you be so kind as to tell me
# whether ...", "I should be most grateful if you could explain to me ...", "give me both")
_POLITE_REQUEST = re.compile(
    r"(?:^|(?<=[.?!,:;-])\s+)(?:(?:would|could|can|will)\s+(?:you|u)\s+(?:please\s+|kindly\s+)?"
    r"(?:be\s+so\s+kind\s+as\s+to\s+|possibly\s+)?(?:tell|explain(?:\s+to)?|let)\s+me"
    r"(?:\s+know)?|would\s+it\s+be\s+possible\s+to\s+(?:tell|explain(?:\s+to)?)\s+me"
    r"|i\s+(?:should|would)\s+be\s+(?:most\s+|very\s+|really\s+)?grateful\s+if\s+you"
    r"\s+(?:could|would)\s+(?:tell|explain(?:\s+to)?)\s+me"
    r"|i\s+wonder(?:ed)?\s+(?:whether|if)\s+you\s+(?:might|could|would)\s+(?:be\s+able\s+to\s+)?"
    r"(?:tell|explain(?:\s+to)?)\s+me|please\s+(?:could\s+you\s+)?(?:tell|explain(?:\s+to)?)\s+me"
    r"|(?:give|show|list|send)\s+me|(?:spell|break|lay)\s+it\s+(?:out|down)\s+for\s+me"
    r"|(?:walk|talk|take|run)\s+(?:me|us)\s+thr(?:ough|u)"
    r"|(?:would|could|can|will)\s+(?:some|any)(?:one|body)\s+(?:please\s+)?"
    r"(?:explain(?:\s+to\s+me)?|tell\s+me|(?:walk|talk|take|run)\s+me\s+thr(?:ough|u)))"
    r"(?![a-z'])"
)
# a part in which the asker speaks of themselves ("I'm a nurse", "my job", "as a runner")
_FIRST_PERSON = re.compile(
    r"(?:so\s+|and\s+|but\s+|hi\s+|hey\s+)?(?:i|i'm|im|i've|ive|i'd|my|we|we're|our|me"
    r"|as\s+an?)\b"
)
# people in general, as a question describes who it asks about ("people with stubborn belly fat
# - ...", "for frail patients who can't have general anaesthetic, ...")
_GROUP = frozenset(
    ["people", "patient", "person", "folk", "individual", "those", "anyone", "someone", "men"]
    + ["women", "adult", "senior", "client"]
    + ["user", "sufferer", "population", "parent"]  # "vapers n zyn users, ...", "lean populations"
)


# a group of people a question opens on, and the words that introduce what describes them
_GROUP_OPENING = re.compile(
    r"(?:(?:for|in|and|what\s+about)\s+)?(?:people|patients|pts|ppl|persons?|folks?"
    r"|individuals|those|women|men|clients|adults|seniors)\s+(?:with|w/?|who(?:'ve|\s+have"
    r"|\s+has|\s+had|\s+are|\s+get)?|whose|on)(?![a-z'])\s*"
)
# words after which the words before them are described ("athletes with ...", "those who ...")
_DESCRIBED_BY = frozenset(["who", "whose", "with"])


def _people_described(toks: list[str]) -> int:
    """How many of a part's (normalised) first words describe a group of people: all of them
    when a word of ``_GROUP`` is among its first four ("people whose weight yoyos", "for frail
    patients who ..."); the group's own name when up to four words name it before they describe
    it ("endurance athletes" with very little fat, "firefighters or cooks left" with burn scars,
    "sun worshippers" who keep tanning) or name some and others of a group ("ballerinas and
    other very lean folks"), but not the description, which may name another subject ("runners
    with shin splints"); else 0."""
    if not _GROUP.isdisjoint(toks[:4]):
        return len(toks)
    for i, t in enumerate(toks[1:5], start=1):
        if t in _DESCRIBED_BY:
            return i
    if "other" in toks[:6]:
        for i, t in enumerate(toks[:8]):
            if t in _GROUP:
                return i + 1
    return 0


# who may "like a" thing ("i'd like a nose job", "would you like a"): then it is no likeness
_LIKERS = frozenset(["i", "d", "you", "u", "we", "they", "he", "she", "would", "really", "dont"])


def _likened(toks: list[str]) -> set[str]:
    """The words of what a message likens something to ("bruise like a peach", "fight the fat
    like a transplant", "thin like a flu jab": the two words after "like a"), unless someone
    would like it or it compares with that thing's own ("is sedation like a dentist's")."""
    found: set[str] = set()
    for i in range(1, len(toks) - 2):
        if (
            toks[i] == "like"
            and toks[i + 1] in ("a", "an")
            and toks[i - 1] not in _LIKERS
            and toks[i + 3 : i + 4] != ["s"]
        ):
            found.update(toks[i + 2 : i + 4])
    return found


# words after which a foreign word is a procedure the asker has had or plans ("having a ...")
_PROCEDURE_CUES = frozenset(
    ["had", "having", "getting", "got", "booked", "scheduled", "planning", "recovering", "after"]
    + ["like", "want", "wants", "considering"]  # "i'd like a rhinoplasty, how long is swelling"
    + ["need", "needs"]  # "my mum needs cataract surgery, is it done awake"
)


def _not_after_a_cue(toks: list[str]) -> Iterator[str]:
    """The words of a part of the asker's that are only context: not within three words after a
    procedure cue ("I'm having a rhinoplasty soon": "rhinoplasty" still names a subject)."""
    return (t for i, t in enumerate(toks) if _PROCEDURE_CUES.isdisjoint(toks[max(0, i - 3) : i]))


# Contractions, as the tokenizer splits them ("doesn't" -> "doesn", "t") and as people type them
# without the apostrophe ("doesnt", "theyre"): rarer than the foreign-word level in wordfreq and
# absent from the sources, yet they never name another subject.
_NEGATIVES = ("does", "is", "should", "did", "was", "have", "are", "would", "has", "could", "were")
_CONTRACTIONS = frozenset(
    [f"{w}n" for w in _NEGATIVES]  # "doesn", "isn" ... (the "t" is a token of its own)
    + [f"{w}nt" for w in _NEGATIVES]  # "doesnt", "isnt" ...
    + ["mustn", "mustnt", "needn", "neednt", "aint", "dont", "cant", "wont"]
    + ["ive", "youve", "weve", "theyve", "youre", "theyre", "youll", "theyll", "itll", "youd"]
    + ["theyd", "itd", "hes", "shes", "thats", "whats", "theres", "wheres", "whos", "hows"]
)
# Chat shorthand ("ppl", "tbh", "wks"): the same, and never another subject either. (Shorthand
# for words retrieval needs, such as "ppl" or "yrs", is also mapped to the word itself in
# faq/synonyms.yaml.)
_SHORTHAND = frozenset(
    ["ppl", "pls", "plz", "thx", "tho", "cuz", "coz", "cos", "abt", "smth", "omg", "tbh", "imo"]
    + ["btw", "idk", "sorta", "dunno", "hun", "irl", "asap", "fyi", "nvm", "atm", "tmrw", "tmr"]
    + ["hrs", "wks", "yrs", "mos", "min", "sry", "ty", "tysm", "prolly", "thru", "wat", "wut"]
    + ["ngl", "lowkey", "highkey", "diff", "fr", "rn", "bc", "lol", "lmao", "ikr", "smh", "idc"]
    + ["med", "meds", "supp", "supps", "rx", "abx"]  # medications, supplements, antibiotics
)
# tokens the foreign-word scan skips: one look-up per token
_NEVER_FOREIGN = _CONTRACTIONS | _SHORTHAND

# "who are you", "how are you", "what can you do": addressed to the bot ("you") with no word
# but a question word. A question with no subject at all ("how is it done", "who does it") is
# still answered from the knowledge base; one about the bot itself is not about the subject.
_SECOND_PERSON = frozenset(["you", "your", "yours", "yourself", "u", "ya"])
# question words: every question has one, so they say nothing about its subject
QUESTION_WORDS = frozenset(["who", "how", "why", "when", "where", "whats", "what's"])
# words with which a part asks something ("does it hurt ...", "ok so what is ...")
_ASKS = QUESTION_WORDS | frozenset(
    ["what", "which", "is", "are", "do", "does", "can", "could", "will", "would", "should"]
)


# how plainly to put it, after the question ("what is it, short version", "... in plain words")
_IN_PLAIN_WORDS = (
    r"in\s+(?:plain|simple|normal|everyday|lay(?:man'?s|person'?s)?)\s+(?:words|terms|english)"
)
_PLAINLY = (
    r"(?:[\s,]+(?:(?:the\s+)?short\s+version|in\s+short|" + _IN_PLAIN_WORDS + r"|simply|briefly"
    r"|please|pls|plz))*"
)
# a part that only asks what the thing just named is ("what is it", "whats that", "what
# exactly is this thing", "what's that about", "what actually is the stuff")
_WHAT_IS_IT = re.compile(
    r"\A(?:(?:so|ok|okay|but|and|um+|hmm+|sorry|honestly|seriously|basically)\s+)*"
    r"(?:what|wat|wut)(?:'s|s|\s+is)?(?:\s+(?:even|exactly|actually))?(?:\s+is)?"
    r"\s+(?:it|that|this|the\s+(?:thing|stuff))"
    r"(?:\s+(?:thing|stuff|procedure|treatment))?"
    r"(?:\s+(?:exactly|actually|even|then|again|anyway|really|about|all\s+about))*" + _PLAINLY
)
# the same asked as a request ("could you explain in plain words what it actually is")
_EXPLAIN_WHAT_IT_IS = re.compile(
    r"\A(?:(?:could|can|would)\s+(?:you|u)\s+)?(?:(?:please|pls|kindly)\s+)*"
    r"(?:explain|tell\s+me|describe)"
    r"(?:\s+(?:to\s+me|simply|briefly|" + _IN_PLAIN_WORDS + r"))*"
    r"\s+what\s+(?:it|that|this)(?:\s+(?:actually|really|exactly))?\s+is" + _PLAINLY
)
# words telling where the asker came across something ("my friend mentioned", "I keep seeing
# it on tiktok", "heard about")
_CAME_ACROSS = frozenset(
    ["heard", "hear", "hearing", "saw", "seen", "seeing", "see", "mentioned", "mention"]
    + ["mentions", "talking", "talk", "talks", "talked", "read", "reading", "came", "across"]
    + ["told", "tells", "keeps", "keep", "watching", "watched", "raving", "recommended"]
    + ["suggested", "offered", "offers", "posted", "posts", "sending", "sent", "advertised"]
)


# words between "mentioned" and the name of what was mentioned ("mentioned a biocream", "talking
# about this microfat thing", "saw a tiktok about ...")
_BEFORE_A_NAME = frozenset(
    ["a", "an", "the", "about", "some", "this", "that", "something", "called", "on", "in"]
    + ["tiktok", "video", "reel", "post", "article", "ad", "advert", "story", "thread", "clip"]
)
# how rare in English (Zipf) that name must be: "biocream", "anaerobic"; not "celebrity"
MENTIONED_ZIPF = 3.0


def _widen(words: list[str], lo: int, hi: int, rare: float) -> tuple[int, int]:
    """``words[lo:hi]`` widened over the rare words beside it (English frequency under
    ``rare``), and over "with" or "and" between two of them: the name of a thing ("microbotox
    with nanofat microneedling"), not the words around it ("mentioned", "today")."""

    def named(w: str) -> bool:
        return w.isalpha() and w not in STOP_WORDS and zipf(w) < rare

    while True:
        if lo > 0 and named(words[lo - 1]):
            lo -= 1
        elif lo > 1 and words[lo - 1] in ("with", "and") and named(words[lo - 2]):
            lo -= 2
        elif hi < len(words) and named(words[hi]):
            hi += 1
        elif hi + 1 < len(words) and words[hi] in ("with", "and") and named(words[hi + 1]):
            hi += 2
        else:
            return lo, hi


def _opens_a_question(toks: list[str]) -> bool:
    """Does a part open with a question word ("what does it cost", "is it safe")?"""
    return bool(toks) and toks[0] in _ASKS


# what people ask a chat bot about itself ("are you a real person?", "how are you doing today")
_ABOUT_THE_BOT = frozenset(
    [
        "real",
        "person",
        "human",
        "robot",
        "bot",
        "ai",
        "chatbot",
        "machine",
        "computer",
        "name",
        "called",
        "alive",
        "there",
        "doing",
        "today",
        "fine",
        "good",
        "well",
        "awake",
    ]
)


# greetings and thanks ("thanks so much!", "hello is anyone there?", "thank you for your help")
_PLEASANTRIES = frozenset(
    [
        "hello",
        "hi",
        "hey",
        "hiya",
        "thanks",
        "thank",
        "thx",
        "ty",
        "cheers",
        "appreciate",
        "appreciated",
        "bye",
        "goodbye",
        "anyone",
        "anybody",
        "ok",
        "okay",
        "great",
        "cool",
        "awesome",
        "perfect",
        "lovely",
        "help",
        "helpful",
        "much",
        "morning",
        "afternoon",
        "evening",
        # "g'day mate"
        "g",
        "day",
        "gday",
        "mate",
    ]
)


# words that speak to the bot, and every word a message of small talk may hold
_TO_THE_BOT = _SECOND_PERSON | _PLEASANTRIES
_SMALL_TALK_WORDS = STOP_WORDS | QUESTION_WORDS | _ABOUT_THE_BOT | _TO_THE_BOT
# words that say whose case a part is about ("for me?", "and for her?"): never a pleasantry
_NAMES_SOMEONE = frozenset(
    ["me", "my", "mine", "myself", "us", "our", "her", "him", "his", "she", "he", "them", "their"]
)
# a request to be told, before the question it wraps ("I'd like to know what is nanofat", "can
# you tell me how long it lasts")
_ASKING_FRAME = re.compile(
    r"\A(?:(?:hi|hey|hello|ok|okay|so|please)\W+)*"
    r"(?:i'?d like to know|i would like to know|i (?:want|wanna|need) to know|i wanna know"
    r"|(?:can|could) (?:you|u) (?:please )?(?:tell|explain(?: to)?) me|please (?:tell|explain(?: to)?) me"
    r"|tell me|i was wondering|i wonder|do you know)\s+"
)
# what people say before a question without saying what it is about ("Good morning", "thanks
# for your help earlier", "quick q", "I was wondering", "I'm doing some research")
_GREETINGS = (
    _PLEASANTRIES
    | SIGN_OFFS
    | frozenset(
        ["greetings", "wondering", "wondered", "wonder", "curious", "question", "questions"]
        + ["query", "q", "wishes", "hope", "hoping", "research", "researching", "thankyou"]
        + ["xx", "quick"]
    )
)
# and the words that go with them ("good morning", "quick q", "many thanks in advance", "hope
# all is well", "I'm doing some research"); no word of wanting or knowing ("i want it")
_OPENERS = _GREETINGS | frozenset(
    ["good", "earlier", "again", "reading", "doing", "bit", "little", "bot", "there"]
    + ["team", "everyone", "so", "please", "asking", "ask", "just", "one", "more", "another"]
    + ["follow", "up", "well", "day", "kind", "best", "many", "lot", "advance", "all", "x"]
    + ["m", "s", "re", "ve", "d", "ll"]
)


def _small_talk(toks: list[str]) -> bool:
    """Does the message speak to the bot, or greet or thank it, about nothing else?"""
    return not _TO_THE_BOT.isdisjoint(toks) and _SMALL_TALK_WORDS.issuperset(toks)


_MIN_FUZZY = 6  # shorter words are too easily one slip away from another word
# a word at least this long, rarer than SLIP_ZIPF in English and one slip from a common word of
# the subject is a slip on that word, not another subject (``Scope._slip``)
_MIN_SLIP = 5
SLIP_ZIPF = 2.3
# how common a word of the subject must be for a rare word one edit from it to be taken for a
# slip on it ("strech" / "stretch", Zipf 4.35)
SLIP_TARGET_ZIPF = 3.8
# a chat message asks a few questions at most; each part read is ranked alone (``question_parts``)
MAX_QUESTION_PARTS = 8


# a word unknown to English this long may be two slips from a word of the subject
_MIN_TWO_SLIPS = 7
# a word unknown to English that is one of these before a known word is that word's compound
# ("pregraft", "photoaged"), not another language's word (``Scope._near_a_known_word``)
_PREFIXES = (
    "anti",
    "micro",
    "mini",
    "multi",
    "nano",
    "non",
    "over",
    "photo",
    "post",
    "pre",
    "re",
    "self",
    "semi",
    "sub",
    "ultra",
    "un",
    "under",
)


def one_slip(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` different by exactly one typing slip: a letter added, dropped or
    changed, or two neighbours swapped? Linear in the words' length."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return True  # one letter changed
        return a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]  # swapped
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]  # one letter added or dropped


class _Phrases:
    """Normalised token sequences, looked up in a question's tokens."""

    def __init__(self, normalizer: Normalizer, terms: Iterable[str]) -> None:
        self.set = frozenset(p for p in (tuple(normalizer(a)) for a in terms) if p)
        self.longest = max((len(p) for p in self.set), default=0)

    def found_in(self, grams: frozenset[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
        """The phrases among a text's word sequences (:func:`_sequences`, up to at least
        :attr:`longest` words); empty, so false, when there are none."""
        return self.set & grams


def _sequences(toks: Sequence[str], longest: int) -> frozenset[tuple[str, ...]]:
    """Every run of 1 to ``longest`` consecutive tokens."""
    return frozenset(
        tuple(toks[i : i + n]) for n in range(1, longest + 1) for i in range(len(toks) - n + 1)
    )
