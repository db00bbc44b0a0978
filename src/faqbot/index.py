"""Build, save and load the search index (``index/``) in safe, inspectable files.

Layout of an index folder:

- ``manifest.json``: format version, parameters, library versions, knowledge-base hash, build time,
  the entry ids in row order, and the refusal model's intercept and threshold;
- ``vocab_word.json`` / ``vocab_char.json`` / ``vocab_policy.json``: the terms, position = column;
- ``pruned_char.json``: character n-grams left out as too common (``char_max_df``); a question's
  occurrences of them are ignored, as scikit-learn's ``transform`` ignores them;
- ``idf_word.npy`` / ``idf_char.npy`` / ``idf_policy.npy``: inverse document frequencies;
- ``matrix.npz``: the document matrix stored term-major (CSR ``indptr``, ``indices``, ``data``),
  word columns first, then character n-gram columns;
- ``rows.npy``: for each document row, the entry it belongs to (index into the entry ids) and
  ``row_kind.npy``: 0 for a phrasing (question or alternate), 1 for the answer text;
- ``coef_policy.npy``: the refusal classifier's coefficients.

Nothing is pickled: ``numpy.load(..., allow_pickle=False)`` and ``json`` only, so loading an index
cannot run code. Writing goes to a temporary folder beside the target, then renames into place.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
import zipfile
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy
import scipy.sparse as sp
from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

# scikit-learn is imported inside the functions that fit: loading and serving an index never
# needs it (importing it took 1.4 s of every `faqbot ask`)

from .features import CharAnalyzer, WordAnalyzer, make_normalizer
from .knowledge import KnowledgeBase, knowledge_digest
from .policy import PolicyDataError, PolicyModel, PolicyRow, load_policy_rows, train_policy
from .vectors import QueryVectorizer, TermMajorMatrix

FORMAT_VERSION = 2  # 2: pruned_char.json, uncompressed matrix.npz
ROW_PHRASING, ROW_ANSWER = 0, 1


class IndexUnavailable(Exception):
    """The index is missing, unreadable or stale. The message says what to run."""


class IndexParams(BaseModel):
    char_ngram_min: int = 3
    char_ngram_max: int = 3  # trigrams: as good on dev as 3-5-grams, half the postings
    sublinear_tf: bool = True
    # character n-grams found in more than this share of the indexed texts (" na", "fat") are
    # left out, as scikit-learn's max_df does: they say little and make most of the postings
    char_max_df: float = 1.0
    include_drafts: bool = False


class Manifest(BaseModel):
    format_version: int
    built_at: str
    kb_digest: str
    params: IndexParams
    versions: dict[str, str]
    entry_ids: list[str]
    n_rows: int
    n_word_terms: int
    n_char_terms: int
    policy_intercept: float
    policy_threshold: float
    policy_train_rows: int


@dataclass
class Index:
    manifest: Manifest
    word: QueryVectorizer
    char: QueryVectorizer
    matrix: TermMajorMatrix
    rows: np.ndarray  # row -> entry position
    row_kind: np.ndarray
    policy: PolicyModel

    @property
    def entry_ids(self) -> list[str]:
        return self.manifest.entry_ids


def _analyzers(
    kb_synonyms: list[list[str]], params: IndexParams
) -> tuple[WordAnalyzer, CharAnalyzer]:
    norm = make_normalizer(kb_synonyms)
    return WordAnalyzer(norm), CharAnalyzer(norm, params.char_ngram_min, params.char_ngram_max)


def documents(
    kb: KnowledgeBase, include_drafts: bool
) -> tuple[list[str], list[str], list[int], list[int]]:
    """The texts the index is fitted on: one row per phrasing and one per answer. A gap entry's
    answer (what the sources leave out) is no evidence for any question: its row is empty."""
    entries = kb.served_entries(include_drafts)
    ids = [e.id for e in entries]
    texts, rows, kinds = [], [], []
    for pos, e in enumerate(entries):
        for p in e.phrasings:
            texts.append(p)
            rows.append(pos)
            kinds.append(ROW_PHRASING)
        texts.append("" if e.gap else e.answer)
        rows.append(pos)
        kinds.append(ROW_ANSWER)
    return ids, texts, rows, kinds


def fit_vectorizers(
    kb: KnowledgeBase, texts: list[str], params: IndexParams
) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """Reference scikit-learn vectorizers with the index's parameters (analyzers on raw text,
    ``max_df`` pruning the common character n-grams). The build computes the same model in one
    pass (:func:`fit_matrices`); the tests check the two agree."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    word_an, char_an = _analyzers(kb.synonyms, params)
    out = []
    for analyzer, max_df in ((word_an, 1.0), (char_an, params.char_max_df)):
        vec = TfidfVectorizer(
            analyzer=analyzer,
            sublinear_tf=params.sublinear_tf,
            norm="l2",
            smooth_idf=True,
            max_df=max_df,
        )
        vec.fit(texts)
        out.append(vec)
    return out[0], out[1]


@dataclass
class FittedBlock:
    terms: list[str]  # position = column
    idf: np.ndarray
    docs: sp.csr_matrix  # one L2-normalised row per text
    pruned: list[str]  # terms in more than max_df of the texts, left out of the model


def _tfidf_block(
    terms: list[str], counts: sp.csr_matrix, sublinear_tf: bool, max_df: float
) -> FittedBlock:
    """scikit-learn's TF-IDF over a term-count matrix, as TfidfVectorizer does after counting:
    terms in more than ``max_df`` of the texts are dropped first (their names are kept, so
    queries can ignore them too), then TfidfTransformer fits the IDF and weights the rows."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    pruned: list[str] = []
    keep = np.ones(len(terms), dtype=bool)
    if max_df < 1.0:  # no term is in more than all of the texts: nothing to count
        df = np.bincount(counts.indices, minlength=len(terms))
        keep = df <= max_df * counts.shape[0]
    if not keep.all():
        pruned = [t for t, k in zip(terms, keep, strict=True) if not k]
        terms = [t for t, k in zip(terms, keep, strict=True) if k]
        counts = counts[:, np.flatnonzero(keep)]
    tfidf = TfidfTransformer(sublinear_tf=sublinear_tf, norm="l2", smooth_idf=True)
    idf = tfidf.fit(counts).idf_
    # TfidfTransformer.transform's arithmetic, done in place: it copies the matrix several
    # times over, which set the peak memory of a large build
    docs = counts.astype(np.float64, copy=False)  # new data array, shared indices
    del counts
    if sublinear_tf:
        np.log(docs.data, out=docs.data)
        docs.data += 1.0
    step = 1 << 22
    for lo in range(0, docs.nnz, step):
        docs.data[lo : lo + step] *= idf[docs.indices[lo : lo + step]]
    normalize(docs, norm="l2", copy=False)
    return FittedBlock(terms, idf, docs, pruned)


def _word_counts(features: Iterable[list[str]]) -> tuple[list[str], sp.csr_matrix]:
    """What ``CountVectorizer(analyzer=...)`` counts for texts already turned into features:
    the vocabulary in its order (alphabetical) and the count matrix (rows with sorted column
    indices). Terms get ids in a dictionary as scikit-learn's own loop does, but without its
    dictionary per text: the counting is one sort of (text, term) keys in numpy, about twice as
    fast on a large build."""
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # a new term gets the next id
    ids = array("q")
    lengths = array("q")
    for feats in features:
        ids.extend(map(vocabulary.__getitem__, feats))
        lengths.append(len(feats))
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    terms = list(vocabulary)
    del vocabulary
    order = sorted(range(len(terms)), key=terms.__getitem__)
    rank = np.empty(len(terms), dtype=np.int64)
    rank[order] = np.arange(len(terms), dtype=np.int64)
    n_texts = len(lengths)
    texts = np.repeat(np.arange(n_texts, dtype=np.int64), np.frombuffer(lengths, dtype=np.int64))
    keys = texts * len(terms) + rank[np.frombuffer(ids, dtype=np.int64)]
    del texts, ids, rank
    keys, counts = np.unique(keys, return_counts=True)
    rows, cols = np.divmod(keys, len(terms))
    del keys
    indptr = np.zeros(n_texts + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_texts), out=indptr[1:])
    matrix = sp.csr_matrix(
        (counts.astype(np.int64, copy=False), cols.astype(np.int32), indptr),
        shape=(n_texts, len(terms)),
    )
    return [terms[i] for i in order], matrix


_SEP = "\x00"  # between padded tokens and between texts; never inside a token


def _padded(tokens: Sequence[str]) -> str:
    """A text's content tokens as CharAnalyzer pads them, separated for :func:`_char_counts`."""
    return _SEP.join(CharAnalyzer.padded(tokens))


CHUNK_DOCS = 50_000  # texts counted together: bounds the temporary arrays of a large build


def _char_counts(
    padded: list[str], n_min: int, n_max: int
) -> tuple[list[str], sp.csr_matrix] | None:
    """What CountVectorizer(analyzer=CharAnalyzer) counts, computed with numpy, a chunk of
    texts at a time (a pure-Python analyzer and scikit-learn's per-feature dictionary loop took
    most of a large build). ``padded`` holds :func:`_padded` of each text. Returns None when a
    token is not ASCII or n_max > 8 (the caller then counts the slow way)."""
    if n_max > 8:
        return None
    parts = [
        _count_chunk(padded[lo : lo + CHUNK_DOCS], n_min, n_max)
        for lo in range(0, len(padded), CHUNK_DOCS)
    ]
    return _assemble_char_counts(parts, len(padded))


_ChunkCounts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _assemble_char_counts(
    parts: list[_ChunkCounts | None], n_texts: int
) -> tuple[list[str], sp.csr_matrix] | None:
    """One count matrix from :func:`_count_chunk`'s chunks, in order (None if any chunk is:
    a token that is not ASCII). The list is emptied as it goes."""
    if any(p is None for p in parts):
        return None
    empty = np.zeros(0, np.int64)
    codes = np.unique(np.concatenate([p[0] for p in parts])) if parts else empty
    # the vocabulary in scikit-learn's order: alphabetical
    terms = [_decode(int(c)) for c in codes]
    order = sorted(range(len(terms)), key=terms.__getitem__)
    rank = np.empty(len(terms), dtype=np.int32)
    rank[order] = np.arange(len(terms), dtype=np.int32)
    indices, data, row_nnz = [], [], []
    while parts:
        uniq, cols, counts, nnz = parts.pop(0)  # type: ignore[misc]
        indices.append(rank[np.searchsorted(codes, uniq)][cols])
        data.append(counts)
        row_nnz.append(nnz)
    indptr = np.zeros(n_texts + 1, dtype=np.int64)
    if row_nnz:
        np.cumsum(np.concatenate(row_nnz), out=indptr[1:])
    matrix = sp.csr_matrix(
        (
            np.concatenate(data) if data else empty,
            np.concatenate(indices) if indices else empty,
            indptr,
        ),
        shape=(n_texts, len(terms)),
    )
    matrix.sort_indices()  # with n-grams of several sizes, code order is not alphabetical
    return [terms[i] for i in order], matrix


def _count_chunk(
    texts: list[str], n_min: int, n_max: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """One chunk: all its texts in one byte array (0 between padded tokens and between texts),
    each n-gram an integer (7 bits per character, its size above them), counted per text by
    sorting. Returns (the chunk's distinct codes, sorted; per (text, n-gram) entry in text
    order: its column among those codes and its count; entries per text)."""
    try:
        buf = np.frombuffer((_SEP.join(texts) + _SEP).encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        return None
    n_docs = len(texts)
    doc_of = np.repeat(
        np.arange(n_docs, dtype=np.int32),
        np.fromiter((len(t) + 1 for t in texts), np.int64, count=n_docs),
    )
    seps = np.zeros(buf.size + 1, dtype=np.int32)
    np.cumsum(buf == ord(_SEP), out=seps[1:])
    codes, docs = [], []
    for n in range(n_min, n_max + 1):
        m = buf.size - n + 1
        if m <= 0:
            continue
        ok = seps[n : n + m] == seps[:m]  # no separator inside the window
        code = np.full(m, n << 56, dtype=np.int64)
        for k in range(n):
            code |= buf[k : k + m].astype(np.int64) << (7 * (n - 1 - k))
        codes.append(code[ok])
        docs.append(doc_of[:m][ok])
    code = np.concatenate(codes) if codes else np.zeros(0, np.int64)
    doc = np.concatenate(docs) if docs else np.zeros(0, np.int32)
    del codes, docs, seps, doc_of, buf
    uniq, inv = np.unique(code, return_inverse=True)
    width = max(len(uniq), 1)
    key, counts = np.unique(doc.astype(np.int64) * width + inv.ravel(), return_counts=True)
    rows, cols = np.divmod(key, width)
    return uniq, cols.astype(np.int32), counts.astype(np.int32), np.bincount(rows, minlength=n_docs)


def _decode(code: int) -> str:
    n = code >> 56
    return "".join(chr((code >> (7 * (n - 1 - k))) & 0x7F) for k in range(n))


def fit_matrices(
    kb: KnowledgeBase, texts: list[str], params: IndexParams
) -> tuple[FittedBlock, FittedBlock]:
    """Word and character TF-IDF blocks, one counting pass each (no separate fit and
    transform). Each text is normalised once: the word pass also hands its padded tokens, a
    chunk of texts at a time, to a second thread that counts their character n-grams. The word
    counts are pure Python, the character counts mostly numpy sorting, which runs outside the
    GIL: on two cores the two overlap (a 100k-entry build spent a fifth of its time waiting for
    the character counts after the words)."""
    word_an, char_an = _analyzers(kb.synonyms, params)
    norm = word_an.normalize
    n_min, n_max = params.char_ngram_min, params.char_ngram_max
    vectorised = n_max <= 8  # what :func:`_count_chunk` can encode
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="faqbot-char-counts") as pool:
        chunks: list[Future[_ChunkCounts | None]] = []
        padded: list[str] = []

        def word_features() -> Iterator[list[str]]:
            for toks in norm.many(texts):
                if vectorised:
                    padded.append(_padded(toks))
                    if len(padded) == CHUNK_DOCS:
                        chunks.append(pool.submit(_count_chunk, padded[:], n_min, n_max))
                        padded.clear()
                yield word_an.features(toks)

        terms, counts = _word_counts(word_features())
        if padded:
            chunks.append(pool.submit(_count_chunk, padded[:], n_min, n_max))
            padded.clear()
        word = _tfidf_block(terms, counts, params.sublinear_tf, 1.0)
        parts = [chunk.result() for chunk in chunks]
    fast = _assemble_char_counts(parts, len(texts)) if vectorised else None
    if fast is None:
        fast = _word_counts(char_an.features(toks) for toks in norm.many(texts))
    char = _tfidf_block(*fast, params.sublinear_tf, params.char_max_df)
    return word, char


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


# The refusal classifier's training data. Its settings (C, threshold, Naive-Bayes power) were
# chosen by 5-fold cross-validation over train + dev (scripts/policy_cv.py), so the shipped model
# is then fitted on both; policy/test.tsv is never used for either.
POLICY_TRAIN_FILES = ("train.tsv", "dev.tsv")


def policy_training_rows(policy_dir: Path) -> list[PolicyRow]:
    """The labelled questions the refusal classifier is fitted on (``train.tsv`` is required;
    ``dev.tsv`` is added when present)."""
    rows = load_policy_rows(policy_dir / POLICY_TRAIN_FILES[0])
    for name in POLICY_TRAIN_FILES[1:]:
        if (policy_dir / name).is_file():
            rows += load_policy_rows(policy_dir / name)
    return rows


def build_index(
    kb: KnowledgeBase, out_dir: Path | str, params: IndexParams | None = None
) -> Manifest:
    """Fit the retrieval and refusal models on ``kb`` and write them atomically to ``out_dir``."""
    params = params or IndexParams()
    out_dir = Path(out_dir)
    ids, texts, rows, kinds = documents(kb, params.include_drafts)
    if not ids:
        raise IndexUnavailable(
            "no entries to index: none is approved (approve entries with `faqbot approve`, "
            "or build with drafts for staging: FAQBOT_INCLUDE_DRAFTS=1)"
        )
    word, char = fit_matrices(kb, texts, params)
    blocks = [word.docs, char.docs]
    del word.docs, char.docs
    matrix = TermMajorMatrix.from_blocks(blocks)
    try:
        policy_rows = policy_training_rows(kb.root / "policy")
        policy = train_policy(policy_rows, make_normalizer(kb.synonyms))
    except PolicyDataError as exc:  # a start-up message, not a traceback
        raise IndexUnavailable(f"{exc}; fix it, then run `faqbot build`") from None
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        kb_digest=knowledge_digest(kb.root),
        params=params,
        versions={
            "faqbot": _faqbot_version(),
            "python": platform.python_version(),
            "scikit-learn": _sklearn_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        entry_ids=ids,
        n_rows=len(texts),
        n_word_terms=len(word.terms),
        n_char_terms=len(char.terms),
        policy_intercept=policy.intercept,
        policy_threshold=policy.threshold,
        policy_train_rows=len(policy_rows),
    )
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    except OSError as exc:
        raise IndexUnavailable(
            f"cannot write the index to {out_dir} ({exc.strerror or type(exc).__name__}); "
            "set FAQBOT_INDEX_DIR to a writable folder, then run `faqbot build`"
        ) from None
    try:
        _write_json(tmp / "vocab_word.json", word.terms)
        _write_json(tmp / "vocab_char.json", char.terms)
        _write_json(tmp / "pruned_char.json", char.pruned)
        _write_json(tmp / "vocab_policy.json", policy.vocabulary)
        np.save(tmp / "idf_word.npy", word.idf)
        np.save(tmp / "idf_char.npy", char.idf)
        np.save(tmp / "idf_policy.npy", policy.idf)
        np.save(tmp / "coef_policy.npy", policy.coef)
        np.save(tmp / "rows.npy", np.asarray(rows, dtype=np.int32))
        np.save(tmp / "row_kind.npy", np.asarray(kinds, dtype=np.int8))
        np.savez(  # uncompressed: zlib over float64 weights took most of a large build
            tmp / "matrix.npz",
            indptr=matrix.indptr.astype(np.int64),
            indices=matrix.indices.astype(np.int32),
            data=matrix.data.astype(np.float64),
            n_docs=np.asarray(matrix.n_docs),
        )
        # The manifest goes last: a folder without one is never a complete index.
        (tmp / "manifest.json").write_text(manifest.model_dump_json(indent=2) + "\n")
        _swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _faqbot_version() -> str:
    from . import __version__

    return __version__


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _swap_into_place(tmp: Path, target: Path) -> None:
    for f in tmp.iterdir():  # make the data durable before it becomes visible
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    if not target.exists():
        os.rename(tmp, target)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def _need(path: Path) -> Path:
    if not path.is_file():
        raise IndexUnavailable(f"index file {path.name} is missing; run `faqbot build`")
    return path


_KINDS = {  # dtype kinds of the arrays build_index writes: f float, iu integer
    **dict.fromkeys(("idf_word", "idf_char", "idf_policy", "coef_policy", "data"), "f"),
    **dict.fromkeys(("rows", "row_kind", "indptr", "indices"), "iu"),
}


def _well_formed(
    arrays: dict[str, np.ndarray], raw: dict[str, np.ndarray], vocabs: list[object]
) -> bool:
    """Types, dimensions and value ranges of a sound index, before the cross-file counts: a
    damaged file must be refused here, not crash a query later."""
    if not all(isinstance(v, list) and all(isinstance(t, str) for t in v) for v in vocabs):
        return False
    named = {**arrays, **raw}
    for name, kind in _KINDS.items():
        a = named[name]
        if a.ndim != 1 or a.dtype.kind not in kind:
            return False
        if kind == "f" and not np.isfinite(a).all():
            return False
    indptr, indices, rows = raw["indptr"], raw["indices"], arrays["rows"]
    return (
        raw["n_docs"].ndim == 0
        and raw["n_docs"].dtype.kind in "iu"
        and indptr.size > 0
        and int(indptr[0]) == 0
        and bool((np.diff(indptr) >= 0).all())
        and (indices.size == 0 or int(indices.min()) >= 0)
        and (rows.size == 0 or int(rows.min()) >= 0)
        and bool(np.isin(arrays["row_kind"], (ROW_PHRASING, ROW_ANSWER)).all())
    )


def load_index(index_dir: Path | str, kb: KnowledgeBase) -> Index:
    """Load an index built from ``kb``; raise :class:`IndexUnavailable` if missing, corrupt or stale."""
    index_dir = Path(index_dir)
    if not (index_dir / "manifest.json").is_file():
        raise IndexUnavailable(f"no index at {index_dir.name}/; run `faqbot build` to create it")
    try:
        manifest = Manifest.model_validate_json((index_dir / "manifest.json").read_bytes())
    except (ValidationError, OSError) as exc:
        raise IndexUnavailable(
            f"index manifest is unreadable or corrupt ({type(exc).__name__}); run `faqbot build`"
        ) from None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexUnavailable(
            f"index format {manifest.format_version} is not {FORMAT_VERSION}; run `faqbot build`"
        )
    if manifest.kb_digest != kb.digest:
        raise IndexUnavailable(
            "index is stale: the knowledge base changed since it was built; run `faqbot build`"
        )
    try:
        word_terms = json.loads(_need(index_dir / "vocab_word.json").read_text(encoding="utf-8"))
        char_terms = json.loads(_need(index_dir / "vocab_char.json").read_text(encoding="utf-8"))
        pruned_char = json.loads(_need(index_dir / "pruned_char.json").read_text(encoding="utf-8"))
        policy_terms = json.loads(
            _need(index_dir / "vocab_policy.json").read_text(encoding="utf-8")
        )
        arrays = {
            name: np.load(_need(index_dir / f"{name}.npy"), allow_pickle=False)
            for name in ("idf_word", "idf_char", "idf_policy", "coef_policy", "rows", "row_kind")
        }
        with np.load(_need(index_dir / "matrix.npz"), allow_pickle=False) as z:
            raw = {k: z[k] for k in ("indptr", "indices", "data", "n_docs")}
        if not _well_formed(arrays, raw, [word_terms, char_terms, policy_terms, pruned_char]):
            raise IndexUnavailable("index files are malformed (corrupt); run `faqbot build`")
        mat = TermMajorMatrix(raw["indptr"], raw["indices"], raw["data"], int(raw["n_docs"]))
    except IndexUnavailable:
        raise
    except (ValueError, TypeError, OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise IndexUnavailable(
            f"index files are corrupt or truncated ({type(exc).__name__}); run `faqbot build`"
        ) from None
    n_terms = len(word_terms) + len(char_terms)
    consistent = (
        len(word_terms) == manifest.n_word_terms == arrays["idf_word"].shape[0]
        and len(char_terms) == manifest.n_char_terms == arrays["idf_char"].shape[0]
        and mat.indptr.shape[0] == n_terms + 1
        and mat.n_docs == manifest.n_rows == arrays["rows"].shape[0] == arrays["row_kind"].shape[0]
        and len(policy_terms) == arrays["idf_policy"].shape[0] == arrays["coef_policy"].shape[0]
        and (mat.indices.size == 0 or int(mat.indices.max()) < mat.n_docs)
        and int(mat.indptr[-1]) == mat.indices.size == mat.data.size
        and (arrays["rows"].size == 0 or int(arrays["rows"].max()) < len(manifest.entry_ids))
    )
    if not consistent:
        raise IndexUnavailable(
            "index files do not agree with each other (corrupt); run `faqbot build`"
        )
    missing = [i for i in manifest.entry_ids if kb.entry(i) is None]
    if missing:
        raise IndexUnavailable(
            f"index names entries not in the knowledge base ({missing[0]}); run `faqbot build`"
        )
    word_an, char_an = _analyzers(kb.synonyms, manifest.params)
    offset = len(word_terms)
    return Index(
        manifest=manifest,
        word=QueryVectorizer(
            word_an,
            {t: i for i, t in enumerate(word_terms)},
            arrays["idf_word"],
            manifest.params.sublinear_tf,
        ),
        char=QueryVectorizer(
            char_an,
            {t: i + offset for i, t in enumerate(char_terms)},
            np.concatenate([np.zeros(offset), arrays["idf_char"]]),
            manifest.params.sublinear_tf,
            ignored=frozenset(pruned_char),
        ),
        matrix=mat,
        rows=arrays["rows"].astype(np.int64),
        row_kind=arrays["row_kind"].astype(np.int64),
        policy=PolicyModel.from_arrays(
            policy_terms,
            arrays["idf_policy"],
            arrays["coef_policy"],
            manifest.policy_intercept,
            manifest.policy_threshold,
            make_normalizer(kb.synonyms),
        ),
    )
