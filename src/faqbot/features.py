"""Feature extraction ("analyzers") for TF-IDF: words, word pairs and character n-grams.

The same analyzer objects are handed to scikit-learn's ``TfidfVectorizer`` at build time and
used directly on each question at query time, so both see exactly the same features. An
analyzer is fully described by its parameters (stored in the index manifest) and the synonym
groups in ``faq/synonyms.yaml``: loading an index never unpickles anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from .text import fold, tokens

# Hedges, politeness and talk about the asking itself ("maybe a dumb question but what is
# nanofat", "could you kindly explain ...", "sorry, I have heard ..."): they say nothing of the
# topic, and each one, unknown to every entry, would weigh as the rarest word. Singular forms
# only, so that none of them changes how a plural is folded; no entry uses any of them (a test
# checks), so dropping them takes nothing from an entry.
HEDGES = frozenset(
    [
        "maybe",
        "perhaps",
        "probably",
        "possibly",
        "hopefully",
        "honestly",
        "seriously",
        "literally",
        "truly",
        "kindly",
        "sorry",
        "apology",
        "pardon",
        "excuse",
        "dear",
        "folk",
        "dumb",
        "silly",
        "stupid",
        "daft",
        "naive",
        "noob",
        "newbie",
        "clueless",
        "beginner",
        "layman",
        "laymans",
        "layperson",
        "novice",
        "dummy",
        "wonder",
        "guess",
        "bother",
        "understand",
        "hear",
        "heard",
    ]
)

# Chat fillers and shorthand ("yo what even is nanofat lol", "do u need a surgeon or nah"): no
# entry uses them, so as features they would only count as unknown words and lower every score.
# They are dropped before word pairs are formed.
# sign-offs ("... Cheers!", "Kind regards, Anna", "thanx"): chat fillers to ranking, and
# greetings to the scope check's pleasantries (``scope._GREETINGS``)
SIGN_OFFS = frozenset(["cheers", "regards", "thanx", "thnx", "tyvm", "xoxo"])

CHAT_FILLERS = (
    frozenset(
        [
            "yo",
            "lol",
            "lmao",
            "omg",
            "tbh",
            "ngl",
            "haha",
            "hahaha",
            "idk",
            "u",
            "ur",
            "r",
            "ya",
            "bc",
            "cuz",
            "coz",
            "wat",
            "wut",
            "nah",
            "tho",
            "tru",
            "rn",
            "fr",
            "lowkey",
            "btw",
            "imo",
            "pls",
            "plz",
            "thx",
            "ty",
            "um",
            "uh",
            "hmm",
            "yeah",
            "yep",
            "yea",
            # the same in Nigerian Pidgin ("how long the result go last sef", "why dem dey call it")
            # and a Spanish greeting and thanks around an English question
            "dey",
            "dem",
            "wetin",
            "sef",
            "abeg",
            "wey",
            "oya",
            "abi",
            "hola",
            "gracias",
            # thanks, greetings and "please" in other languages, around an English question
            # ("ADSC what is full name of it, shukran")
            "shukran",
            "merci",
            "danke",
            "bitte",
            "grazie",
            "obrigado",
            "obrigada",
            "spasibo",
            "xiexie",
            "namaste",
            "dhanyavad",
            "salaam",
            "salam",
            "hallo",
            "bonjour",
            "ciao",
            "arigato",
            "porfavor",
        ]
    )
    | SIGN_OFFS
    | HEDGES
)

# Function words that carry no topic. Words that carry intent ("how", "long", "much", "when",
# "why", "who") are kept: "how long" and "how much" ask different things.
STOP_WORDS = (
    frozenset(
        [
            "a",
            "an",
            "the",
            "of",
            "to",
            "and",
            "or",
            "in",
            "on",
            "for",
            "is",
            "are",
            "be",
            "been",
            "being",
            "it",
            "its",
            "this",
            "that",
            "these",
            "those",
            "with",
            "as",
            "at",
            "by",
            "from",
            "was",
            "were",
            "do",
            "does",
            "did",
            "done",
            "i",
            "me",
            "my",
            "mine",
            "you",
            "your",
            "yours",
            "we",
            "our",
            "us",
            "they",
            "them",
            "their",
            "he",
            "she",
            "his",
            "her",
            "can",
            "could",
            "would",
            "should",
            "will",
            "shall",
            "may",
            "might",
            "must",
            "there",
            "here",
            "so",
            "if",
            "than",
            "then",
            "also",
            "just",
            "about",
            "into",
            "any",
            "some",
            "get",
            "got",
            "have",
            "has",
            "had",
            "am",
            "im",
            "i'm",
            "please",
            "tell",
            "know",
            "want",
            "like",
            "really",
            "what",
            "which",
            # discourse fillers: they say nothing about the topic ("what exactly is nanofat")
            "actually",
            "exactly",
            "basically",
            "even",
            "ever",
            "anyway",
            "hi",
            "hello",
            "hey",
            "thanks",
            "thank",
            "ok",
            "okay",
            "wondering",
            "curious",
            "explain",
            "explained",
            "simply",
            "quick",
            "question",
        ]
    )
    | CHAT_FILLERS
)


# "in general", "as a general rule", "generally": how widely the asker means the question, not
# the "general" of general anaesthesia ("is nanofat used for ulcers in general" asks nothing
# about anaesthesia). Dropped from ranking's features on both sides, entries and questions.
_GENERAL_HEDGED_BY = frozenset(["rule", "question", "term", "sense"])


def without_hedged_general(toks: Sequence[str]) -> list[str]:
    """``toks`` without "generally" and without a "general" that follows "in" or comes before
    "rule", "question", "term" or "sense"."""
    if "general" not in toks and "generally" not in toks:
        return list(toks)
    out, last = [], len(toks) - 1
    for i, t in enumerate(toks):
        if t == "generally" or (
            t == "general"
            and (
                (i > 0 and toks[i - 1] == "in") or (i < last and toks[i + 1] in _GENERAL_HEDGED_BY)
            )
        ):
            continue
        out.append(t)
    return out


# Words that end like a plural but are the same in the singular ("a series", "one species").
_INVARIANT = frozenset(["series", "species"])


# a sum written in thousands ("5k", "25k", "2.5k"; not "510k" or "401k", which are names)
_THOUSANDS = re.compile(r"\d{1,2}(?:\.\d)?k")


def stem(token: str) -> str:
    """Fold simple English plurals ("scars" -> "scar", "therapies" -> "therapy"). A sum in
    thousands ("5k") is read as the word for one ("5 grand"), which synonyms.yaml can map."""
    if token in STOP_WORDS or token in _INVARIANT:
        return token
    if token[-1] == "k" and token[0].isdigit() and _THOUSANDS.fullmatch(token):
        return "grand"
    n = len(token)
    if n > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if n > 3 and token[-1] == "s" and token[-2] not in "sui'" and not token[0].isdigit():
        return token[:-1]
    return token


class Normalizer:
    """Text -> normalised tokens: fold case/Unicode, tokenise, fold plurals, merge synonyms."""

    def __init__(self, synonym_groups: Sequence[Sequence[str]] = ()) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}
        for group in synonym_groups:
            canonical = "_".join(self._base(group[0]))
            for term in group:
                key = tuple(self._base(term))
                if key:
                    self.phrases.setdefault(key, canonical)
        self.max_len = max((len(k) for k in self.phrases), default=1)
        # first words of the multi-word phrases: any other word needs only a one-word look-up
        self._starts = frozenset(k[0] for k in self.phrases if len(k) > 1)
        self._single = {k[0]: v for k, v in self.phrases.items() if len(k) == 1}
        # One question is normalised by the policy, the urgent rules, the scope check and both
        # retrieval analyzers: remember the last few results instead of redoing the work.
        self._recent = lru_cache(maxsize=64)(self._tokens)

    @staticmethod
    def _words(text: str) -> list[str]:
        """The text's words before stemming (a hyphen splits words)."""
        return tokens(fold(text).replace("-", " "))

    @classmethod
    def _base(cls, text: str) -> list[str]:
        return [stem(t) for t in cls._words(text)]

    def __call__(self, text: str) -> list[str]:
        return list(self._recent(text))

    def uncached(self, text: str) -> tuple[str, ...]:
        """The same tokens, bypassing the memo (for one pass over many texts at build time)."""
        return self._tokens(text)

    def many(self, texts: Iterable[str]) -> Iterator[tuple[str, ...]]:
        """:meth:`uncached` of each text, for one pass over many texts at build time (a large
        build normalises over a million). Each distinct raw word is stemmed once per call, and a
        text none of whose words starts a multi-word phrase skips the phrase scan."""
        memo: dict[str, str] = {}  # raw word -> stem (this call's texts only)
        single, starts = self._single, self._starts
        for text in texts:
            base = []
            for raw in self._words(text):
                word = memo.get(raw)
                if word is None:
                    word = memo[raw] = stem(raw)
                base.append(word)
            if self.phrases and starts.isdisjoint(base):
                yield tuple([single.get(w, w) for w in base])
            else:
                yield tuple(self._merge(base))

    def _tokens(self, text: str) -> tuple[str, ...]:
        return tuple(self._normalize(text))

    def _normalize(self, text: str) -> list[str]:
        return self._merge(self._base(text))

    def _merge(self, base: list[str]) -> list[str]:
        """Stemmed words -> tokens: multi-word phrases (longest first) and one-word synonyms
        replaced by their group's canonical token."""
        if not self.phrases:
            return base
        out: list[str] = []
        i, n = 0, len(base)
        phrases, max_len, starts, single = self.phrases, self.max_len, self._starts, self._single
        while i < n:
            tok = base[i]
            if tok in starts:  # longest phrase first
                for size in range(min(max_len, n - i), 1, -1):
                    hit = phrases.get(tuple(base[i : i + size]))
                    if hit is not None:
                        out.append(hit)
                        i += size
                        break
                else:
                    out.append(single.get(tok, tok))
                    i += 1
            else:
                out.append(single.get(tok, tok))
                i += 1
        return out


class WordAnalyzer:
    """Content words and adjacent word pairs (pairs keep "how long" apart from "how much")."""

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalize = normalizer

    def __call__(self, text: str) -> list[str]:
        return self.features(self.normalize(text))

    @staticmethod
    def features(toks: Sequence[str]) -> list[str]:
        """The features of already normalised tokens."""
        toks = [t for t in without_hedged_general(toks) if t not in CHAT_FILLERS]
        feats = [t for t in toks if t not in STOP_WORDS]
        feats += [
            f"{a} {b}"
            for a, b in zip(toks, toks[1:], strict=False)
            if not (a in STOP_WORDS and b in STOP_WORDS)
        ]
        return feats


class CharAnalyzer:
    """Character n-grams inside word boundaries of the content words (typo tolerance)."""

    def __init__(self, normalizer: Normalizer, n_min: int = 3, n_max: int = 3) -> None:
        self.normalize = normalizer
        self.n_min, self.n_max = n_min, n_max

    def __call__(self, text: str) -> list[str]:
        return self.features(self.normalize(text))

    @staticmethod
    def padded(toks: Sequence[str]) -> list[str]:
        """The content words, each padded with a space on both sides (its n-grams' source)."""
        return [f" {tok} " for tok in without_hedged_general(toks) if tok not in STOP_WORDS]

    def features(self, toks: Sequence[str]) -> list[str]:
        """The features of already normalised tokens."""
        grams: list[str] = []
        lo, hi = self.n_min, self.n_max
        for w in self.padded(toks):
            length = len(w)
            for n in range(lo, min(hi, length) + 1):
                grams += [w[i : i + n] for i in range(length - n + 1)]
        return grams


@lru_cache(maxsize=8)
def _cached_normalizer(groups: tuple[tuple[str, ...], ...]) -> Normalizer:
    return Normalizer(groups)


def make_normalizer(groups: Sequence[Sequence[str]]) -> Normalizer:
    return _cached_normalizer(tuple(tuple(g) for g in groups))
