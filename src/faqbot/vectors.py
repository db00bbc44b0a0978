"""Sparse TF-IDF query vectors computed straight from a fitted vocabulary and IDF.

``TfidfVectorizer.transform`` costs about half a millisecond per call; a question needs only a
dictionary look-up per feature, a few multiplications and a gather over a term-major (CSR,
one row per term) matrix. The results equal scikit-learn's to floating-point precision; the
tests check that.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

try:  # scipy's own C kernels behind ``csr[rows]`` and ``csc @ x``, without its argument checks
    from scipy.sparse._sparsetools import csc_matvec, csr_row_index
except ImportError:  # a scipy that moved them: the public (slower) path below still works
    csc_matvec = csr_row_index = None


class QueryVectorizer:
    """Maps text to (term indices, L2-normalised tf-idf weights) like a fitted TfidfVectorizer."""

    def __init__(
        self,
        analyzer: Callable[[str], list[str]],
        vocabulary: dict[str, int],
        idf: np.ndarray,
        sublinear_tf: bool,
        ignored: frozenset[str] = frozenset(),
    ) -> None:
        self.analyzer = analyzer
        self.ignored = ignored  # terms pruned from the model: neither known nor unknown
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=np.float64)
        self.sublinear_tf = sublinear_tf
        self.max_idf = float(self.idf.max()) if self.idf.size else 1.0

    def __call__(self, text: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Term indices, L2-normalised weights, and the share of the question's weight that the
        vocabulary covers (features never seen at fit time weigh as the rarest term would)."""
        vocab = self.vocabulary
        counts = Counter(self.analyzer(text))
        known = [f for f in counts if f in vocab]
        if not known:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64), 0.0
        idx = np.fromiter((vocab[f] for f in known), dtype=np.int64, count=len(known))
        tf = np.fromiter((counts[f] for f in known), dtype=np.float64, count=len(known))
        ignored = self.ignored
        unknown_tf = [c for f, c in counts.items() if f not in vocab and f not in ignored]
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
            unknown_tf = [math.log(c) + 1.0 for c in unknown_tf]
        w = tf * self.idf[idx]
        norm2 = float(w @ w)
        unknown2 = sum(t * t for t in unknown_tf) * self.max_idf**2
        norm = math.sqrt(norm2)
        coverage = math.sqrt(norm2 / (norm2 + unknown2)) if norm2 > 0 else 0.0
        return idx, (w / norm if norm > 0 else w), coverage

    def terms(self, idx: np.ndarray) -> list[str]:
        inverse = getattr(self, "_inverse", None)
        if inverse is None:
            inverse = self._inverse = {i: t for t, i in self.vocabulary.items()}
        return [inverse[int(i)] for i in idx]


class TermMajorMatrix:
    """Document vectors stored term-major: row t lists the documents containing term t.

    One scipy CSR matrix holds the postings; ``indptr``, ``indices`` and ``data`` are its arrays
    (no second copy).
    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_docs: int):
        self.n_docs = int(n_docs)
        # scipy keeps 32-bit indices while they fit (half the memory of 64-bit at 100k entries)
        self.csr = sp.csr_matrix(
            (np.asarray(data, dtype=np.float64), indices, indptr),
            shape=(len(indptr) - 1, self.n_docs),
        )

    @property
    def indptr(self) -> np.ndarray:
        return self.csr.indptr

    @property
    def indices(self) -> np.ndarray:
        return self.csr.indices

    @property
    def data(self) -> np.ndarray:
        return self.csr.data

    @classmethod
    def from_blocks(cls, blocks: list[sp.spmatrix]) -> TermMajorMatrix:
        """Stack document-major blocks (same documents, different terms) side by side, stored
        term-major. The list is emptied as it goes: each block is freed once converted, so a
        large build holds at most one block in both layouts at a time."""
        n_docs = blocks[0].shape[0] if blocks else 0
        parts = []
        while blocks:
            # CSC of documents == CSR of terms (postings sorted by document): .T is free
            parts.append(sp.csc_matrix(blocks.pop(0)).T)
        if not parts:
            return cls(np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0), n_docs)
        stacked = sp.vstack(parts, format="csr")
        del parts
        return cls(stacked.indptr, stacked.indices, stacked.data, n_docs)

    def scores(self, idx: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Dot product of the query with every document (cosine, as both are L2-normalised).

        The query's rows of the term-major matrix (their postings copied once), seen as
        documents x query terms, times the weights: one pass over the postings of the query's
        terms and a dense result. (A sparse 1 x terms query times the matrix took half as long
        again: scipy's sparse product first counts its output in a pass of its own.)

        The copy and the product call the C kernels that ``csr[idx].T @ weights`` runs,
        directly: scipy's indexing checks its arguments for about 120 of the 165 microseconds
        it takes here. The kernels trust their arguments: the matrix's arrays are checked once
        when the index is loaded (``index._well_formed``: indptr starts at 0 and never
        decreases, document indices in range), the term indices here on every call.
        """
        if idx.size == 0:
            return np.zeros(self.n_docs)
        weights = np.asarray(weights, dtype=np.float64)
        if csr_row_index is None:
            return self.public_scores(idx, weights)
        indptr = self.csr.indptr
        if int(idx.min()) < 0 or int(idx.max()) >= indptr.size - 1:
            raise IndexError("term index out of range")
        rows = idx.astype(indptr.dtype, copy=False)
        starts = indptr[rows]
        gathered = np.empty(rows.size + 1, dtype=indptr.dtype)
        gathered[0] = 0
        np.cumsum(indptr[rows + 1] - starts, out=gathered[1:])
        n = int(gathered[-1])
        docs = np.empty(n, dtype=self.csr.indices.dtype)
        values = np.empty(n, dtype=np.float64)
        csr_row_index(rows.size, rows, indptr, self.csr.indices, self.csr.data, docs, values)
        out = np.zeros(self.n_docs)
        csc_matvec(self.n_docs, rows.size, gathered, docs, values, weights, out)
        return out

    def public_scores(self, idx: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """:meth:`scores` through scipy's public API (the fallback, and the tests' reference)."""
        if idx.size == 0:
            return np.zeros(self.n_docs)
        return self.csr[idx].T @ np.asarray(weights, dtype=np.float64)
