"""Text normalisation shared by the knowledge base, retrieval and the refusal policy.

All functions here are linear in the input: no regular expression with nested quantifiers,
so no input can make them backtrack catastrophically.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"'}
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
# runs of letters of folded text: the words as typed ("reviews", not the token "review")
LETTERS = re.compile(r"[a-z]+")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# longer than any word of the knowledge base: no one-edit list is built for a pasted blob
MAX_WORD_LENGTH = 30


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """Unicode-compatibility fold, lower case, ASCII dashes and quotes, control chars removed,
    and emoji and other pictographs ("what IS it 😭", "🙋‍♀️") read as spaces: they say how the
    asker feels, never what they ask, and a trailing one would hide how a sentence ends."""
    text = unicodedata.normalize("NFKC", text)
    # only then can it hold a control or format character (Cc, Cf ...) or a pictograph: one pass
    if not (text.isascii() and text.isprintable()):
        text = "".join(" " if _unsaid(ch) else ch for ch in text)
    return text.translate(_DASHES).translate(_QUOTES).lower()


def _unsaid(ch: str) -> bool:
    """A control or format character, or, outside ASCII, an emoji or other symbol (So), a
    skin-tone modifier (Sk) or a variation selector: nothing a question says."""
    category = unicodedata.category(ch)
    return category[0] == "C" or (
        ch > "\x7f" and (category in ("So", "Sk") or ch in "\ufe0e\ufe0f")
    )


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of already folded text ("0.1" and "5,000" stay whole)."""
    return _TOKEN.findall(text)


def numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def phrasing_key(text: str) -> str:
    """What makes two phrasings 'the same' for duplicate detection: case and punctuation aside."""
    return " ".join(tokens(fold(text)))


_ABBREV = re.compile(r"\b(?:Dr|Drs|Mr|Mrs|Ms|vs|e\.g|i\.e|etc|approx|no|St|MD|Jr|Sr)\.$", re.I)


def count_sentences(text: str) -> int:
    parts = re.split(r"(?<=[.!?])\s+(?=[\"'(\u201c]?[A-Z0-9])", collapse_ws(text))
    count = 0
    for i, part in enumerate(parts):
        if i + 1 < len(parts) and _ABBREV.search(part):
            continue
        count += 1
    return count


def deletions(word: str) -> set[str]:
    """Every string one letter shorter than ``word`` (one letter dropped)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit_variants(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, replacement or insertion from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _ALPHABET]
    inserts = [a + c + b for a, b in splits for c in _ALPHABET]
    return deletions(word).union(swaps, replaces, inserts)
