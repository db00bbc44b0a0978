"""Query-side spelling correction: "nanofat pirce" -> "nanofat price".

Character trigrams forgive most slips, but not a swapped or dropped letter in a short word:
"pirce" shares one trigram with "price", "sweling" few with "swelling". A word of the question
that neither the knowledge base nor English knows (``wordfreq``), and that is one edit (a
letter deleted, inserted, replaced, or two neighbours swapped) from a word the knowledge base
uses, is read as that word; among several, the one the knowledge base uses most. Ordinary
English words are never changed ("pride" stays "pride"), nor are short words, where one edit
reaches too many others.

Only ranking uses the corrected text; the refusal policy and the scope check read the question
as typed (a slip is already no foreign word to the scope check).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from .scope import zipf
from .text import LETTERS, MAX_WORD_LENGTH, fold
from .text import one_edit_variants as _edits

MIN_LENGTH = 4  # shorter words have too many neighbours one edit away
# words at least this common in English (Zipf scale) are words, not slips ("needled", 1.8);
# "pregant" (1.3) and "canula" (1.0) are slips English text makes often enough to be counted
ENGLISH_ZIPF = 1.5


class Speller:
    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts
        # one question is corrected for the scope check and again for ranking (and so is each
        # part ranked alone): remember the last few, as ``features.Normalizer`` does
        self._recent = lru_cache(maxsize=64)(self._correct)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Speller:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(LETTERS.findall(fold(text)))
        return cls(counts)

    def correct(self, question: str) -> str:
        """``question`` with every slip replaced (folded to lower case when anything is)."""
        return self._recent(question)

    def _correct(self, question: str) -> str:
        text = fold(question)
        fixed = LETTERS.sub(lambda m: self.word(m.group()) or m.group(), text)
        return question if fixed == text else fixed

    def word(self, word: str) -> str | None:
        """The knowledge-base word ``word`` is a slip for, or None."""
        if not MIN_LENGTH <= len(word) <= MAX_WORD_LENGTH or word in self.counts:
            return None
        if zipf(word) >= ENGLISH_ZIPF:
            return None
        known = [w for w in _edits(word) if w in self.counts]
        if not known:
            return None
        return max(sorted(known), key=self.counts.__getitem__)
