"""Building, saving and loading the index: safe formats, atomic writes, stale and corrupt files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from faqbot import index as index_mod
from faqbot.index import IndexUnavailable, build_index, load_index
from faqbot.knowledge import load_knowledge_base
from faqbot.policy import load_policy_rows

FILES = {
    "manifest.json",
    "vocab_word.json",
    "vocab_char.json",
    "pruned_char.json",
    "vocab_policy.json",
    "idf_word.npy",
    "idf_char.npy",
    "idf_policy.npy",
    "coef_policy.npy",
    "rows.npy",
    "row_kind.npy",
    "matrix.npz",
}


def test_build_writes_inspectable_files_without_pickle(kb_dir: Path, tmp_path: Path) -> None:
    kb = load_knowledge_base(kb_dir)
    out = tmp_path / "index"
    manifest = build_index(kb, out)
    assert {p.name for p in out.iterdir()} == FILES
    data = json.loads((out / "manifest.json").read_text())
    assert data["kb_digest"] == kb.digest
    assert {"scikit-learn", "numpy", "scipy", "python"} <= set(data["versions"])
    assert data["entry_ids"] == ["basics-what-is-nanofat", "basics-cells", "practical-downtime"]
    assert manifest.params.include_drafts is False
    for f in out.glob("*.npy"):
        arr = np.load(f, allow_pickle=False)  # raises if the file held Python objects
        assert arr.dtype != object
    with np.load(out / "matrix.npz", allow_pickle=False) as z:
        assert set(z.files) == {"indptr", "indices", "data", "n_docs"}
    vocab = json.loads((out / "vocab_word.json").read_text())
    assert "nanofat" in vocab and "cost" not in vocab  # the draft entry about cost is not indexed


def test_term_major_matrix_is_the_documents_transposed(kb_dir: Path, tmp_path: Path) -> None:
    """Built block by block, the stored matrix is exactly the word and character TF-IDF blocks
    side by side, transposed, each postings list sorted by document."""
    import scipy.sparse as sp

    from faqbot.index import documents, fit_matrices

    kb = load_knowledge_base(kb_dir)
    build_index(kb, tmp_path / "index")
    index = load_index(tmp_path / "index", kb)
    params = index.manifest.params
    _, texts, _, _ = documents(kb, params.include_drafts)
    word, char = fit_matrices(kb, texts, params)
    expected = sp.hstack([word.docs, char.docs]).T.tocsr()
    got = index.matrix.csr
    assert got.shape == expected.shape and got.nnz == expected.nnz > 0
    assert abs(got - expected).max() == 0
    for t in range(got.shape[0]):
        postings = got.indices[got.indptr[t] : got.indptr[t + 1]]
        assert (np.diff(postings) > 0).all()


def test_drafts_are_indexed_only_when_asked(kb_dir: Path, tmp_path: Path) -> None:
    kb = load_knowledge_base(kb_dir)
    m = build_index(kb, tmp_path / "i", index_mod.IndexParams(include_drafts=True))
    assert "practical-cost" in m.entry_ids


def test_stale_index_is_refused(kb_dir: Path, tmp_path: Path) -> None:
    kb = load_knowledge_base(kb_dir)
    build_index(kb, tmp_path / "index")
    (kb_dir / "synonyms.yaml").write_text("groups:\n  - [nanofat, nano fat]\n")
    kb2 = load_knowledge_base(kb_dir)
    with pytest.raises(IndexUnavailable, match="stale.*faqbot build"):
        load_index(tmp_path / "index", kb2)


@pytest.mark.parametrize(
    "damage",
    [
        "missing_dir",
        "missing_file",
        "truncated_npz",
        "garbage_manifest",
        "wrong_shape",
        "pickled_npy",
        "negative_document",
        "decreasing_indptr",
    ],
)
def test_damaged_index_gives_clear_error(kb_dir: Path, tmp_path: Path, damage: str) -> None:
    kb = load_knowledge_base(kb_dir)
    out = tmp_path / "index"
    build_index(kb, out)
    if damage == "missing_dir":
        out = tmp_path / "nowhere"
    elif damage == "missing_file":
        (out / "idf_char.npy").unlink()
    elif damage == "truncated_npz":
        raw = (out / "matrix.npz").read_bytes()
        (out / "matrix.npz").write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage_manifest":
        (out / "manifest.json").write_text("{not json")
    elif damage == "wrong_shape":
        np.save(out / "rows.npy", np.zeros(3, dtype=np.int32))
    elif damage == "pickled_npy":
        np.save(out / "coef_policy.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
    elif damage in ("negative_document", "decreasing_indptr"):
        # same sizes, bad values: the scoring kernels would read or write out of bounds
        with np.load(out / "matrix.npz", allow_pickle=False) as z:
            raw = {k: z[k].copy() for k in z.files}
        if damage == "negative_document":
            raw["indices"][0] = -1
        else:
            raw["indptr"][1], raw["indptr"][2] = raw["indptr"][2], raw["indptr"][1] - 1
        np.savez(out / "matrix.npz", **raw)
    with pytest.raises(IndexUnavailable, match="faqbot build"):
        load_index(out, kb)


def test_crash_mid_build_keeps_previous_index(kb_dir: Path, tmp_path: Path, monkeypatch) -> None:
    kb = load_knowledge_base(kb_dir)
    out = tmp_path / "index"
    build_index(kb, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_save = np.save
    calls = []

    def failing_save(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(index_mod.np, "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        build_index(kb, out, index_mod.IndexParams(include_drafts=True))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".index")] == []
    load_index(out, kb)  # still loads


def test_rebuild_replaces_index(kb_dir: Path, tmp_path: Path) -> None:
    kb = load_knowledge_base(kb_dir)
    out = tmp_path / "index"
    build_index(kb, out)
    m2 = build_index(kb, out, index_mod.IndexParams(include_drafts=True))
    assert load_index(out, kb).manifest.entry_ids == m2.entry_ids
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faq", "index"]


@pytest.mark.parametrize("chunk", [50_000, 97])
@pytest.mark.parametrize("n_min,n_max", [(3, 3), (2, 5), (1, 8)])
def test_vectorised_char_counts_equal_count_vectorizer(
    n_min: int, n_max: int, chunk: int, monkeypatch
) -> None:
    """The numpy n-gram counter gives exactly CountVectorizer's vocabulary (alphabetical) and
    counts, for one size and for mixed sizes, in one chunk or many, on the real knowledge
    base's texts."""
    from sklearn.feature_extraction.text import CountVectorizer

    from faqbot.features import CharAnalyzer, make_normalizer
    from faqbot.index import _char_counts, _padded, documents

    monkeypatch.setattr(index_mod, "CHUNK_DOCS", chunk)
    kb = load_knowledge_base(Path(__file__).resolve().parent.parent / "faq")
    _, texts, _, _ = documents(kb, include_drafts=True)
    texts += ["", "?!", "a", "ünïcödé nanofát", "x" * 300]
    norm = make_normalizer(kb.synonyms)
    fast = _char_counts([_padded(norm(t)) for t in texts], n_min, n_max)
    assert fast is not None
    terms, counts = fast
    ref = CountVectorizer(analyzer=CharAnalyzer(norm, n_min, n_max))
    expected = ref.fit_transform(texts).tocsr()
    assert terms == sorted(ref.vocabulary_, key=ref.vocabulary_.__getitem__)
    assert counts.shape == expected.shape
    assert (counts != expected).nnz == 0


def test_word_counts_equal_count_vectorizer() -> None:
    """The numpy word counter gives exactly CountVectorizer's vocabulary (alphabetical) and
    counts, repeated features and featureless texts included; no features at all is the same
    error."""
    from sklearn.feature_extraction.text import CountVectorizer

    from faqbot.features import WordAnalyzer, make_normalizer
    from faqbot.index import _word_counts, documents

    kb = load_knowledge_base(Path(__file__).resolve().parent.parent / "faq")
    _, texts, _, _ = documents(kb, include_drafts=True)
    texts += ["", "the of and", "fat fat fat nanofat fat", "x" * 300]
    analyzer = WordAnalyzer(make_normalizer(kb.synonyms))
    terms, counts = _word_counts(analyzer(t) for t in texts)
    ref = CountVectorizer(analyzer=analyzer)
    expected = ref.fit_transform(texts).tocsr()
    assert terms == sorted(ref.vocabulary_, key=ref.vocabulary_.__getitem__)
    assert counts.shape == expected.shape and counts.dtype == expected.dtype
    assert (counts != expected).nnz == 0 and counts.has_sorted_indices
    with pytest.raises(ValueError, match="empty vocabulary"):
        _word_counts(iter([[], []]))


def test_batch_normalisation_equals_one_text_at_a_time() -> None:
    """``Normalizer.many`` (the build's pass) gives each text the tokens ``uncached`` gives it,
    multi-word synonyms and plurals included."""
    from faqbot.features import make_normalizer
    from faqbot.index import documents

    kb = load_knowledge_base(Path(__file__).resolve().parent.parent / "faq")
    _, texts, _, _ = documents(kb, include_drafts=True)
    texts += ["", "Nano fat and nano-fat, stem cells?", "scars scars therapies series", "ünï"]
    norm = make_normalizer(kb.synonyms)
    assert list(norm.many(texts)) == [norm.uncached(t) for t in texts]


def test_build_counts_characters_alike_in_one_chunk_or_many(monkeypatch) -> None:
    """The character counts made chunk by chunk in a second thread during the word pass give
    the same blocks whether the texts fit in one chunk or take many."""
    from faqbot.index import IndexParams, documents, fit_matrices

    kb = load_knowledge_base(Path(__file__).resolve().parent.parent / "faq")
    _, texts, _, _ = documents(kb, include_drafts=True)
    one = fit_matrices(kb, texts, IndexParams())
    monkeypatch.setattr(index_mod, "CHUNK_DOCS", 97)
    many = fit_matrices(kb, texts, IndexParams())
    for a, b in zip(one, many, strict=True):
        assert a.terms == b.terms and np.array_equal(a.idf, b.idf)
        assert (a.docs != b.docs).nnz == 0


def test_char_counts_fall_back_beyond_eight_characters() -> None:
    from faqbot.index import _char_counts, _padded

    assert _char_counts([_padded(("nanofat",))], 3, 9) is None


def test_policy_is_fitted_on_train_and_dev_never_test(kb_dir: Path, tmp_path: Path) -> None:
    policy = kb_dir / "policy"
    n_train = len(load_policy_rows(policy / "train.tsv"))
    kb = load_knowledge_base(kb_dir)
    assert build_index(kb, tmp_path / "a").policy_train_rows == n_train  # dev.tsv is optional
    (policy / "dev.tsv").write_text(
        "label\turgent\tquestion\n"
        "personal\t0\tshould I stop my fish oil before my graft?\n"
        "general\t0\twhy do clinics ask about supplements?\n",
        encoding="utf-8",
    )
    (policy / "test.tsv").write_text(
        "label\turgent\tquestion\npersonal\t0\twould my kiwi allergy matter?\n", encoding="utf-8"
    )
    kb = load_knowledge_base(kb_dir)
    manifest = build_index(kb, tmp_path / "b")
    assert manifest.policy_train_rows == n_train + 2
    vocab = json.loads((tmp_path / "b" / "vocab_policy.json").read_text())
    assert "supplement" in vocab  # a dev-only word is learnt
    assert "kiwi" not in vocab  # a test-only word is not


def test_freshness_script_catches_a_stale_or_differently_trained_index(
    kb_dir: Path, tmp_path: Path
) -> None:
    """scripts/index_is_fresh.py (a CI step) passes a fresh index and names what to run
    otherwise, including when the refusal model was fitted on other rows than the build uses."""
    import os
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "scripts" / "index_is_fresh.py"
    out = tmp_path / "index"
    build_index(load_knowledge_base(kb_dir), out)
    env = {**os.environ, "FAQBOT_FAQ_DIR": str(kb_dir), "FAQBOT_INDEX_DIR": str(out)}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60
        )

    assert run().returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["policy_train_rows"] += 1
    (out / "manifest.json").write_text(json.dumps(manifest))
    res = run()
    assert res.returncode == 1 and "faqbot build" in res.stderr
    (kb_dir / "synonyms.yaml").write_text("groups: []\n", encoding="utf-8")
    res = run()
    assert res.returncode == 1 and "faqbot build" in res.stderr
