"""Ranking: a question in, the best entries with scores out. Nothing else.

A question's slips ("pirce") are first read as the knowledge-base words they are one edit from
(``spelling.py``), when a speller is given.

An entry's score combines three pieces of evidence as a noisy-OR (each can only raise it):

    score = 1 - (1 - best) * (1 - support_weight * second) * (1 - min(1, answer_weight * answer))

``best`` is the best cosine similarity between the question and any of the entry's phrasings
(canonical question and alternates), ``second`` the second-best phrasing (an entry several of its
phrasings support is a safer answer than one with a single lucky match), and ``answer`` the
cosine with the entry's answer text, which carries the specific words of its sources ("PHAT",
"orbicularis oris") that no phrasing may repeat. An exact match of a phrasing still scores 1.
Cosine is a weighted blend of word (and word-pair) TF-IDF and character n-gram TF-IDF; the
blend is done by scaling the query, so one gather over one term-major matrix scores all rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .index import ROW_ANSWER, Index
from .spelling import Speller


@dataclass(frozen=True)
class RetrievalParams:
    word_weight: float = 0.35  # share of the word features in the blend (the rest: char n-grams)
    support_weight: float = 0.5  # weight of an entry's second-best phrasing (see module doc)
    answer_weight: float = 2.0  # weight of the answer text's cosine (see module doc)
    min_score: float = 0.6  # below this the best entry is not an answer: no_match
    # the same, for questions that name the subject (scope.py). On dev every value from 0.3
    # to 0.45 scores alike (0.5 loses five answers); 0.44 sits under dev's lowest right answer
    # (0.463) and above the off-topic questions that name the subject in three helper
    # probes ("does insurance cover nanofat" 0.417, "can you drink alcohol after nanofat" 0.424).
    min_score_anchored: float = 0.44
    # the same, for questions that use a word specific to the subject and none of their own
    # (``ScopeCheck.familiar``: "old op scars generally", "do they have to grow the cells in a
    # lab first"). 0.55 took the never-read probe rounds +24 / -6 and +7 / -1, the read ones
    # +37 / -10 and dev -1; the losses are questions on neighbouring subjects ("what is the
    # half-life of lidocaine"). 0.5 and 0.52 lost more than they gained beyond 0.55.
    min_score_familiar: float = 0.55
    min_margin: float = 0.0  # best must beat the runner-up by this much when both are weak
    margin_below: float = 0.0  # the margin rule applies only to best scores under this
    suggest_ratio: float = 0.7  # no_match suggestions need this share of the answer threshold
    related_score: float = 0.2  # related entries beside an answer need at least this score
    # a gap entry (Entry.gap) that is the best match turns a question into an explained
    # no_match when it scores what an answer needs (the threshold above) and at least this; a
    # looser match gives way to the next entry. On the probe rounds no answerable question had
    # a gap entry as its best match, at any score: 0.7 (the first choice) left nine
    # out-of-scope questions answered by the runner-up ("can dogs get fat grafting").
    gap_min_score: float = 0.0


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float


@dataclass(frozen=True)
class Ranking:
    answered: bool
    best: Match | None  # the entry answered with (None for no_match)
    related: list[Match]  # other good matches, or suggestions for a no_match
    matched_terms: list[str]
    # for a no_match: the gap entry (a question the sources leave open) the question matched
    gap: Match | None = None


class Retriever:
    def __init__(
        self, index: Index, params: RetrievalParams | None = None, speller: Speller | None = None
    ) -> None:
        self.index = index
        self.params = params or RetrievalParams()
        self.speller = speller  # slips corrected before ranking (spelling.py)
        rows = index.rows
        self._ids = index.entry_ids
        self._position = {entry_id: pos for pos, entry_id in enumerate(self._ids)}
        starts = (
            np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if rows.size else np.zeros(0, int)
        )
        self._starts = starts
        self._ends = np.r_[starts[1:], rows.size]
        self._is_answer = index.row_kind == ROW_ANSWER
        self._answer_rows = np.flatnonzero(self._is_answer)  # one per entry, in entry order
        if self._answer_rows.size != starts.size:
            raise ValueError("every indexed entry needs exactly one answer row")
        self._seg_len = self._ends - self._starts
        self._entry_of_start = rows[starts] if rows.size else rows

    def _query(self, question: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The blended query vector, and the word-feature indices (for matched terms).

        Each part is scaled by its blend weight and by the share of the question it covers: a
        question that is mostly words the knowledge base never uses scores low even if its one
        known word ("how") matches an entry well.
        """
        a = self.params.word_weight
        if self.speller is not None:
            question = self.speller.correct(question)
        wi, ww, wcov = self.index.word(question)
        ci, cw, ccov = self.index.char(question)
        return (
            np.concatenate([wi, ci]),
            np.concatenate([ww * (a * wcov), cw * ((1.0 - a) * ccov)]),
            wi,
        )

    def entry_scores(self, question: str) -> np.ndarray:
        """One score per indexed entry, in ``index.entry_ids`` order."""
        idx, w, _ = self._query(question)
        return self._entry_scores(idx, w)

    def _entry_scores(self, idx: np.ndarray, w: np.ndarray) -> np.ndarray:
        return self._combine(self.index.matrix.scores(idx, w))

    def _combine(self, row_scores: np.ndarray) -> np.ndarray:
        """Per-row cosines -> per-entry scores (see the module docstring)."""
        out = np.zeros(len(self._ids))
        entries, scores = self._contenders(row_scores, out.size)  # k = all: every entry
        out[entries] = scores
        return out

    def _contenders(self, row_scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The entries that can be among the ``k`` best, with their exact scores (the module
        docstring's formula); every other entry scores strictly lower than the ``k``-th best.
        With ``k`` the number of entries, that is every entry (:meth:`_combine`).

        The second-best phrasing, the costly part of the combination, is computed only where it
        can matter. It lies between 0 and the best phrasing, so an entry's score lies between
        its scores at those two ends; an entry whose highest possible score is below the
        ``k``-th best lowest cannot reach the top ``k``. (Floating-point rounding is monotonic,
        so the bounds hold as computed.)
        """
        if self._starts.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        p = self.params
        phrasings = np.where(self._is_answer, 0.0, row_scores)
        best = np.maximum.reduceat(phrasings, self._starts)
        miss = 1.0 - best
        # exactly 1.0 when a weight is 0, so each factor then leaves the product unchanged
        answer = 1.0 - np.minimum(1.0, p.answer_weight * row_scores[self._answer_rows])
        # the score at both ends of the second phrasing's range, [0, best]; which end is
        # higher depends on the sign of ``miss`` (an exact match can round a cosine above 1)
        at_zero = 1.0 - miss * answer
        at_best = 1.0 - miss * (1.0 - p.support_weight * best) * answer
        lowest, highest = np.minimum(at_zero, at_best), np.maximum(at_zero, at_best)
        k = min(k, lowest.size)
        kth = np.partition(lowest, lowest.size - k)[lowest.size - k]
        seg = np.flatnonzero(highest >= kth)
        lengths = self._seg_len[seg]
        rows, offsets = _ranges(self._starts[seg], lengths)
        second = _second_phrasing(phrasings[rows], best[seg], offsets, lengths)
        exact = miss[seg] * (1.0 - p.support_weight * second) * answer[seg]
        return self._entry_of_start[seg], 1.0 - exact

    def rank(
        self,
        question: str,
        top_k: int = 3,
        out_of_scope: bool = False,
        anchored: bool = False,
        familiar: bool = False,
    ) -> Ranking:
        """The best entries for ``question``. ``out_of_scope`` (the question names a subject the
        knowledge base does not cover) turns any answer into a no_match without suggestions;
        ``anchored`` (it names the knowledge base's own subject) applies ``min_score_anchored``,
        ``familiar`` (it uses only words of the subject) ``min_score_familiar``."""
        p = self.params
        idx, w, word_idx = self._query(question)
        k = min(top_k + 1, len(self._ids))
        if k == 0:
            return Ranking(False, None, [], [])
        entries, entry_scores = self._contenders(self.index.matrix.scores(idx, w), k)
        top, top_scores = k_best(entries, entry_scores, k)
        scores = dict(zip(top.tolist(), top_scores.tolist(), strict=True))
        best = int(top[0])
        best_score = scores[best]
        runner_up = scores[int(top[1])] if top.size > 1 else 0.0
        threshold = self.threshold(anchored, familiar)
        answered = (
            not out_of_scope
            and best_score >= threshold
            and not (best_score < p.margin_below and best_score - runner_up < p.min_margin)
        )
        if answered:
            related = [
                Match(self._ids[i], round(scores[i], 4))
                for i in top[1 : top_k + 1].tolist()
                if scores[i] >= p.related_score
            ]
            return Ranking(
                True,
                Match(self._ids[best], round(best_score, 4)),
                related,
                self._matched_terms(word_idx, best),
            )
        suggestions = [
            Match(self._ids[i], round(scores[i], 4))
            for i in top[:top_k].tolist()
            if not out_of_scope and scores[i] >= p.suggest_ratio * threshold
        ]
        return Ranking(False, None, suggestions, [])

    def threshold(self, anchored: bool, familiar: bool = False) -> float:
        """The score an answer needs (``min_score_anchored`` for questions naming the subject,
        ``min_score_familiar`` for questions using only its words, never more than
        ``min_score``)."""
        p = self.params
        if anchored:
            return p.min_score_anchored
        return min(p.min_score_familiar, p.min_score) if familiar else p.min_score

    def matched_terms(self, question: str, entry_id: str) -> list[str]:
        """The question's word features found in one entry's phrasings or answer."""
        return self._matched_terms(self.index.word(question)[0], self._position[entry_id])

    def _matched_terms(self, word_idx: np.ndarray, entry_pos: int) -> list[str]:
        """The question's word features that occur in the entry's phrasings or answer."""
        mat = self.index.matrix
        lo, hi = self._starts[entry_pos], self._ends[entry_pos]
        # entry positions and start positions coincide because rows are written entry by entry
        starts = mat.indptr[word_idx]
        lengths = mat.indptr[word_idx + 1] - starts
        keep = lengths > 0  # reduceat needs every segment non-empty
        word_idx, starts, lengths = word_idx[keep], starts[keep], lengths[keep]
        if word_idx.size == 0:
            return []
        # every posting of the question's word terms at once, then: does any fall in the entry?
        pos, offsets = _ranges(starts, lengths)
        docs = mat.indices[pos]
        inside = np.logical_or.reduceat((docs >= lo) & (docs < hi), offsets)
        return [term.replace("_", " ") for term in self.index.word.terms(word_idx[inside])]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions ``starts[i] .. starts[i] + lengths[i] - 1`` of every range, concatenated,
    and where each range begins in that concatenation."""
    offsets = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths), offsets


def k_best(entries: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best of ``entries`` by score, ties broken by entry position, and their scores.
    Every entry tied with the k-th best is sorted, so which of them make the cut never depends
    on how the partition happened to order them."""
    k = min(k, scores.size)
    if k == 0:
        return entries[:0], scores[:0]
    kth = -np.partition(-scores, k - 1)[k - 1]
    cut = np.flatnonzero(scores >= kth)
    cut = cut[np.lexsort((entries[cut], -scores[cut]))][:k]
    return entries[cut], scores[cut]


def _second_phrasing(
    phrasings: np.ndarray, top: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """Per segment (entry), the second-highest of ``phrasings`` (row scores with the answer
    rows at 0), given each segment's highest ``top``; 0 if it has fewer than two."""
    is_top = phrasings >= np.repeat(top, lengths)
    ties = np.add.reduceat(is_top, starts)
    second = np.maximum.reduceat(np.where(is_top, -np.inf, phrasings), starts)
    second = np.where(ties >= 2, top, second)
    return np.where(np.isfinite(second), second, 0.0)
