"""The refusal policy: does a question ask for personal medical advice?

``Policy.decide(question)`` runs before retrieval and returns a :class:`Decision` with a reason.
Two parts:

- a scikit-learn logistic-regression classifier over word 1-3-grams, trained at build time on
  the labelled questions in ``faq/policy/train.tsv`` and stored as plain arrays in the index;
- hand-written rules for urgent symptoms, where a rule is clearer than a model. A question is
  refused as urgent when it names an urgent symptom and is about someone's own situation.

The rules are plain word look-ups over tokens (no regular expressions with repetition), so no
input can make them slow.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .features import Normalizer
from .vectors import QueryVectorizer

LABELS = ("personal", "general")
DEFAULT_THRESHOLD = 0.5


class PolicyDataError(ValueError):
    pass


@dataclass(frozen=True)
class PolicyRow:
    personal: bool
    urgent: bool
    question: str


def load_policy_rows(path: Path) -> list[PolicyRow]:
    """Read a ``label<TAB>urgent<TAB>question`` file; errors name the file and line."""
    if not path.is_file():
        raise PolicyDataError(f"{path}: missing (the refusal classifier is trained on it)")
    rows: list[PolicyRow] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != ["label", "urgent", "question"]:
            raise PolicyDataError(f"{path}: header must be label, urgent, question")
        for n, rec in enumerate(reader, start=2):
            if not rec:
                continue
            if len(rec) != 3 or rec[0] not in LABELS or rec[1] not in ("0", "1") or not rec[2].strip():
                raise PolicyDataError(f"{path}:{n}: expected label(personal|general), urgent(0|1), question")
            rows.append(PolicyRow(rec[0] == "personal", rec[1] == "1", rec[2].strip()))
    return rows


class PolicyAnalyzer:
    """Word 1-3-grams, stop words kept: "my", "I", "should" carry the personal signal."""

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalize = normalizer

    def __call__(self, text: str) -> list[str]:
        t = self.normalize(text)
        return t + [f"{a} {b}" for a, b in zip(t, t[1:], strict=False)] + [
            f"{a} {b} {c}" for a, b, c in zip(t, t[1:], t[2:], strict=False)
        ]


@dataclass
class PolicyModel:
    vocabulary: list[str]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    vectorizer: QueryVectorizer

    @classmethod
    def from_arrays(
        cls,
        vocabulary: list[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: float,
        threshold: float,
        normalizer: Normalizer,
    ) -> PolicyModel:
        vec = QueryVectorizer(
            PolicyAnalyzer(normalizer), {t: i for i, t in enumerate(vocabulary)}, idf, True
        )
        return cls(vocabulary, np.asarray(idf), np.asarray(coef, dtype=np.float64), intercept, threshold, vec)

    def probability(self, text: str) -> float:
        """Probability that ``text`` asks for personal advice."""
        idx, w = self.vectorizer(text)
        z = float(w @ self.coef[idx]) + self.intercept if idx.size else self.intercept
        return 1.0 / (1.0 + math.exp(-z))


def train_policy(rows: list[PolicyRow], normalizer: Normalizer, c: float = 8.0) -> PolicyModel:
    if len({r.personal for r in rows}) < 2:
        raise PolicyDataError("the refusal training set needs both personal and general questions")
    vec = TfidfVectorizer(analyzer=PolicyAnalyzer(normalizer), sublinear_tf=True, norm="l2")
    x = vec.fit_transform([r.question for r in rows])
    y = np.array([r.personal for r in rows], dtype=int)
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    clf.fit(x, y)
    vocab = [""] * len(vec.vocabulary_)
    for t, i in vec.vocabulary_.items():
        vocab[i] = t
    return PolicyModel.from_arrays(
        vocab, vec.idf_, clf.coef_[0], float(clf.intercept_[0]), DEFAULT_THRESHOLD, normalizer
    )


# --------------------------------------------------------------------------- urgent-symptom rules

# Each rule is a set of word sequences (after normalisation); any one present is an urgent sign.
_URGENT_PHRASES = [
    # vision
    "blurry vision", "blurred vision", "vision change", "vision loss", "lost vision", "losing vision",
    "lose vision", "cant see", "can t see", "cannot see", "double vision", "went blind", "going blind",
    "blind in", "vision is blurry", "vision went", "vision has", "sight loss", "lost my sight",
    # skin colour after injection
    "turned white", "turning white", "gone white", "went white", "is white", "looks white",
    "turned pale", "turning pale", "blotchy", "mottled", "turned blue", "turning blue", "turned purple",
    "turning purple", "turned grey", "turned gray", "dusky", "blanching", "blanched",
    # pain
    "severe pain", "extreme pain", "excruciating", "unbearable pain", "pain is getting worse",
    "pain getting worse", "worsening pain", "pain is worse", "pain keeps getting worse", "agony",
    "intense pain", "pain is unbearable", "throbbing pain",
    # infection
    "fever", "feverish", "chills", "pus", "oozing", "discharge", "spreading redness",
    "redness is spreading", "redness spreading", "red streak", "red streaks", "hot and red",
    "redness getting worse", "getting redder",
    # breathing and other emergencies
    "trouble breathing", "difficulty breathing", "hard to breathe", "cant breathe", "can t breathe",
    "cannot breathe", "short of breath", "shortness of breath", "chest pain", "fainted", "passed out",
    "face drooping", "slurred speech", "throat swelling", "throat is swelling",
]
_SELF_MARKERS = frozenset(
    "i i m im me my mine myself we our she he her his him they their them suddenly now today "
    "tonight currently right".split()
)


def _phrase_keys(phrases: Iterable[str], normalizer: Normalizer) -> set[tuple[str, ...]]:
    return {tuple(normalizer(p)) for p in phrases if normalizer(p)}


@dataclass(frozen=True)
class Decision:
    """The policy's verdict: ``refuse`` with a ``reason``; ``urgent`` for urgent symptoms."""

    refuse: bool
    reason: str  # "general" | "personal_advice" | "urgent_symptoms"
    urgent: bool
    probability: float


class Policy:
    """Question in, :class:`Decision` out. Replaceable without touching retrieval."""

    def __init__(self, model: PolicyModel, normalizer: Normalizer, threshold: float | None = None):
        self.model = model
        self.normalize = normalizer
        self.threshold = model.threshold if threshold is None else threshold
        self._urgent = _phrase_keys(_URGENT_PHRASES, normalizer)
        self._urgent_max = max(len(k) for k in self._urgent)

    def urgent_sign(self, tokens: list[str]) -> bool:
        n = len(tokens)
        for i in range(n):
            for size in range(1, min(self._urgent_max, n - i) + 1):
                if tuple(tokens[i : i + size]) in self._urgent:
                    return True
        return False

    def decide(self, question: str) -> Decision:
        p = self.model.probability(question)
        personal = p >= self.threshold
        toks = self.normalize(question)
        if self.urgent_sign(toks) and (personal or any(t in _SELF_MARKERS for t in toks)):
            return Decision(True, "urgent_symptoms", True, p)
        if personal:
            return Decision(True, "personal_advice", False, p)
        return Decision(False, "general", False, p)
