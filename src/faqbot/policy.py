"""The refusal policy: does a question ask for personal medical advice?

``Policy.decide(question)`` runs before retrieval and returns a :class:`Decision` with a reason.
Two parts:

- a scikit-learn logistic-regression classifier over word 1-3-grams and character 2-5-grams,
  with Naive-Bayes feature scaling, trained at build time on the labelled questions in
  ``faq/policy/train.tsv`` and ``dev.tsv`` (see ``index.POLICY_TRAIN_FILES``) and stored as plain
  arrays in the index;
- hand-written rules for urgent symptoms, where a rule is clearer than a model. A question is
  refused as urgent when it names an urgent symptom and is about someone's own situation, which
  includes a message typed as a report rather than a question ("fever 101 after fat transfer").
  A few more rules read the shape of the message: "what should I do" (and "what to do" of a
  named person) asks for advice, and so does a statement of someone's state after a procedure
  ("my lips lumpy after nanofat"); a local search ("best pizza near me") does not.

The rules are plain word look-ups over tokens (no regular expressions with repetition), so no
input can make them slow.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:  # imported where the classifier is fitted: answering never needs them
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

from .features import Normalizer

LABELS = ("personal", "general")
# Chosen by 5-fold CV on train+dev (scripts/policy_cv.py): 0.55 and 0.6 are within one error.
DEFAULT_THRESHOLD = 0.55
# Naive-Bayes feature scaling (Wang & Manning 2012, "NBSVM"): each feature is multiplied by
# |log-count ratio| ** NB_POWER before the regression, so words that separate the two labels in
# the training set count for more. Chosen with C and the threshold by 5-fold CV on train+dev.
NB_POWER = 0.5
# Below this probability a question is taken as general even if it names an urgent sign.
URGENT_MIN_PROBABILITY = 0.1
# a report of an urgent sign dated "after" something is someone's situation from this many words
REPORT_MIN_WORDS = 5


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
            if (
                len(rec) != 3
                or rec[0] not in LABELS
                or rec[1] not in ("0", "1")
                or not rec[2].strip()
            ):
                raise PolicyDataError(
                    f"{path}:{n}: expected label(personal|general), urgent(0|1), question"
                )
            rows.append(PolicyRow(rec[0] == "personal", rec[1] == "1", rec[2].strip()))
    return rows


# Clause boundaries: punctuation followed by whitespace or the end (whitespace alone never
# separates: a line break typed mid-sentence changes nothing). One character and a one-character
# look-ahead, no repetition: linear in the text, whatever it holds.
_CLAUSE_END = re.compile(r"[.?!;:,](?=\s|$)")
QUESTION_PREFIX = "q:"  # marks features of the question's last clause


def last_clause(text: str) -> str:
    """The last clause of ``text``: in "I'm 45 and my skin is dry, does nanofat help with
    dryness?" the part that asks ("does nanofat help with dryness"), after the context."""
    parts = [p for p in _CLAUSE_END.split(text) if p.strip()]
    return parts[-1].strip() if parts else text


class PolicyAnalyzer:
    """Word 1-3-grams, stop words kept: "my", "I", "should" carry the personal signal.

    The last clause's words and word pairs are added again with a ``q:`` prefix, with a marker
    saying whether that clause names a person: "I" in the context ("I'm 28, is there a minimum
    age?") weighs differently from "I" in the request itself ("can I have it at 28?").
    """

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalize = normalizer

    def __call__(self, text: str) -> list[str]:
        t = self.normalize(text)
        clause = last_clause(text)
        # a question of one clause (the usual case) needs no second normalisation
        q = t if clause == text.strip().rstrip(".?!;:,") else self.normalize(clause)
        return (
            t
            + [f"{a} {b}" for a, b in zip(t, t[1:], strict=False)]
            + [f"{a} {b} {c}" for a, b, c in zip(t, t[1:], t[2:], strict=False)]
            + [QUESTION_PREFIX + w for w in q]
            + [f"{QUESTION_PREFIX}{a} {b}" for a, b in zip(q, q[1:], strict=False)]
            + [QUESTION_PREFIX + ("PERSON" if names_a_person(q) else "NOPERSON")]
        )


class PolicyCharAnalyzer:
    """Character 2-5-grams inside word boundaries ("hashimotos" shares most of its grams with
    "hashimoto's"): tolerance for typos and unseen word forms."""

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalize = normalizer

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for tok in self.normalize(text):
            out += self.grams(tok)
        return out

    @staticmethod
    def grams(word: str) -> list[str]:
        """The 2-5-grams of one word, padded with a space on both sides."""
        padded = f" {word} "
        return [padded[i : i + n] for n in range(2, 6) for i in range(len(padded) - n + 1)]


CHAR_PREFIX = "c:"  # marks character features in the stored vocabulary (word terms: none or q:)


# The word block: its analyzer and, per feature, (idf, idf * coefficient).
Block = tuple[Callable[[str], list[str]], dict[str, tuple[float, float]]]


class CharBlock:
    """The character block, scored word by word. A word's 2-5-grams are its own (they never
    cross a word boundary), so each word of the training vocabulary has its known n-grams
    worked out once, as positions in the block's arrays; a question's counts are then one numpy
    ``unique`` over its words' positions. Other words (typos, names) are worked out on every
    call and never kept."""

    def __init__(
        self, table: dict[str, tuple[float, float]], words: frozenset[str], normalizer: Normalizer
    ) -> None:
        self.normalize = normalizer
        self.position = {gram: i for i, gram in enumerate(table)}
        self.idf = np.array([v[0] for v in table.values()], dtype=np.float64)
        self.weight = np.array([v[1] for v in table.values()], dtype=np.float64)
        self.words = words
        self._grams: dict[str, np.ndarray] = {}  # at most one entry per word of ``words``

    def grams(self, word: str) -> np.ndarray:
        """Positions of the word's known n-grams (PolicyCharAnalyzer's), repeats kept."""
        found = self._grams.get(word)
        if found is None:
            position = self.position
            found = np.array(
                [position[g] for g in PolicyCharAnalyzer.grams(word) if g in position],
                dtype=np.int64,
            )
            if word in self.words:
                self._grams[word] = found
        return found

    def score(self, text: str) -> tuple[float, float]:
        """The block's dot product with the weights and its squared L2 norm, before
        normalisation (sublinear tf)."""
        parts = [self.grams(word) for word in self.normalize(text)]
        if not parts:
            return 0.0, 0.0
        grams, counts = np.unique(np.concatenate(parts), return_counts=True)
        tf = np.log(counts) + 1.0
        weighted = tf * self.idf[grams]
        return float(tf @ self.weight[grams]), float(weighted @ weighted)


@dataclass
class PolicyModel:
    """Logistic regression over two separately L2-normalised TF-IDF blocks (words, characters).

    Stored as one vocabulary (word terms, then character terms prefixed ``c:``), one IDF array
    and one coefficient array in the same order. Loaded, the word block becomes a table of
    feature -> (idf, idf * coefficient): its score is one dict look-up per distinct feature in
    plain floats (the block's L2 norm and its dot product with the weights from the same loop).
    The character block is a :class:`CharBlock`.
    """

    vocabulary: list[str]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    words: Block
    chars: CharBlock | None

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
        idf = np.asarray(idf, dtype=np.float64)
        coef = np.asarray(coef, dtype=np.float64)
        n_word = sum(1 for t in vocabulary if not t.startswith(CHAR_PREFIX))
        if any(t.startswith(CHAR_PREFIX) for t in vocabulary[:n_word]):
            raise ValueError("policy vocabulary: word terms must come before character terms")
        weights = [(float(w), float(w * c)) for w, c in zip(idf, coef, strict=True)]
        words: Block = (
            PolicyAnalyzer(normalizer),
            dict(zip(vocabulary[:n_word], weights[:n_word], strict=True)),
        )
        chars = None
        if n_word < len(vocabulary):
            grams = (t[len(CHAR_PREFIX) :] for t in vocabulary[n_word:])
            # the training vocabulary's single words: word terms with no space and no prefix
            known = frozenset(
                t for t in vocabulary[:n_word] if " " not in t and ":" not in t and t.isascii()
            )
            chars = CharBlock(dict(zip(grams, weights[n_word:], strict=True)), known, normalizer)
        return cls(vocabulary, idf, coef, intercept, threshold, words, chars)

    def probability(self, text: str) -> float:
        """Probability that ``text`` asks for personal advice: the logistic function of the
        intercept plus, per block, the L2-normalised tf-idf vector (sublinear tf, as both blocks
        are fitted; features unseen in training ignored, as scikit-learn's ``transform``)
        dotted with the weights."""
        z = self.intercept
        analyzer, table = self.words
        num = norm2 = 0.0
        get = table.get
        for feature, count in Counter(analyzer(text)).items():
            entry = get(feature)
            if entry is not None:
                tf = 1.0 if count == 1 else 1.0 + math.log(count)
                num += tf * entry[1]
                norm2 += (tf * entry[0]) ** 2
        if norm2 > 0.0:
            z += num / math.sqrt(norm2)
        if self.chars is not None:
            num, norm2 = self.chars.score(text)
            if norm2 > 0.0:
                z += num / math.sqrt(norm2)
        return 1.0 / (1.0 + math.exp(-z))


@dataclass
class PolicyFit:
    """The fitted scikit-learn parts the stored :class:`PolicyModel` is made from (kept to check
    that the stored model scores exactly as scikit-learn does)."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    scale: np.ndarray  # Naive-Bayes feature scaling, word columns then character columns
    clf: LogisticRegression

    def probability(self, texts: list[str]) -> np.ndarray:
        """scikit-learn's own probability that each text is personal."""
        x = sp.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()
        return self.clf.predict_proba(x @ sp.diags(self.scale))[:, 1]


def fit_policy(rows: list[PolicyRow], normalizer: Normalizer, c: float = 32.0) -> PolicyFit:
    """Fit the classifier's scikit-learn parts. C was chosen by 5-fold CV on train+dev."""
    if len({r.personal for r in rows}) < 2:
        raise PolicyDataError("the refusal training set needs both personal and general questions")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [r.question for r in rows]
    word = TfidfVectorizer(analyzer=PolicyAnalyzer(normalizer), sublinear_tf=True, norm="l2")
    char = TfidfVectorizer(
        analyzer=PolicyCharAnalyzer(normalizer), sublinear_tf=True, norm="l2", min_df=2
    )
    x = sp.hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    y = np.array([r.personal for r in rows], dtype=int)
    scale = nb_scale(x, y) ** NB_POWER
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    clf.fit(x @ sp.diags(scale), y)
    return PolicyFit(word, char, scale, clf)


def train_policy(rows: list[PolicyRow], normalizer: Normalizer, c: float = 32.0) -> PolicyModel:
    """Fit the classifier and turn it into plain arrays (see :class:`PolicyModel`)."""
    fit = fit_policy(rows, normalizer, c)
    vocab = _ordered_terms(fit.word.vocabulary_)
    vocab += [CHAR_PREFIX + t for t in _ordered_terms(fit.char.vocabulary_)]
    return PolicyModel.from_arrays(
        vocab,
        np.concatenate([fit.word.idf_, fit.char.idf_]),
        fit.clf.coef_[0] * fit.scale,  # the scaling folded into the weights
        float(fit.clf.intercept_[0]),
        DEFAULT_THRESHOLD,
        normalizer,
    )


def nb_scale(x: sp.csr_matrix, y: np.ndarray) -> np.ndarray:
    """|log-count ratio| of each feature: how much more often (add-one smoothed) it occurs in
    one label's questions than in the other's, relative to each label's total."""
    present = (x > 0).astype(np.float64)
    p = np.asarray(present[y == 1].sum(axis=0)).ravel() + 1.0
    q = np.asarray(present[y == 0].sum(axis=0)).ravel() + 1.0
    return np.abs(np.log((p / p.sum()) / (q / q.sum())))


def _ordered_terms(vocabulary: dict[str, int]) -> list[str]:
    terms = [""] * len(vocabulary)
    for t, i in vocabulary.items():
        terms[i] = t
    return terms


# --------------------------------------------------------------------------- urgent-symptom rules


# Urgent signs are concepts, not fixed phrases: a sign word together with a word that makes it
# alarming ("vision" + "blurry"), or a word that is alarming on its own ("pus", "fever").
# Matching is set membership over the question's tokens, linear in its length. Tokens have their
# plurals folded ("chills" -> "chill", "blotches" -> "blotche"): the lists use the folded forms.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FEVER_READINGS = " ".join(
    [str(d) for d in range(38, 43)]
    + [f"{d}.{t}" for d in range(38, 42) for t in range(10)]
    + [str(d) for d in range(100, 106)]
    + [f"{d}.{t}" for d in range(100, 105) for t in range(10)]
)
_READINGS = _words(_FEVER_READINGS)
_ALARMING_ALONE = _words(
    "fever feverish chill pus oozing blind blindness breathless breathlessness blanched blanching "
    "mottled dusky excruciating unbearable agony agonizing agonising slurred drooping blotchy "
    "blotche lacy marbled blistering"
)
# words of pigment: blotches with them are a colour of the skin, not an alarming sign
_PIGMENT = _words("brown tan melasma pigment pigmentation pigmented hyperpigmentation freckle")
# colours of skin starved of blood, or bruised
_SKIN_COLOURS = _words(
    "white pale purple blue grey gray dark patchy black bluish blueish greyish grayish"
)
# words of a colour changing or of skin starved of blood ("turned white", "went blue and cold")
_COLOUR_CHANGES = _words(
    "went turned turning gone going became becoming changed changing cold spreading numb net"
)
# the colours stretch marks come in ("white and purple stretch marks"): with them a colour
# describes the marks, not skin starved of blood
_MARK_COLOURS = _words("white purple purplish silver silvery red pink")
_SIGN_PAIRS: list[tuple[frozenset[str], frozenset[str]]] = [
    # vision
    (
        _words("vision sight eyesight seeing"),
        _words(
            "blurry blurred blur blurring dark darkness loss lost losing lose flicker flickering "
            "flickery double gone black spot spots dim shadow curtain"
        ),
    ),
    (_words("see seeing light"), _words("flashing flashe flash")),
    (_words("see seeing"), _words("double shadow")),
    (_words("eye eyes eyelid eyelids"), _words("shut blurry blurred patchy")),
    (_words("under_eye"), _words("shut")),  # "under eyes" is one token after synonyms.yaml
    # skin colour after an injection
    (
        _SKIN_COLOURS,
        _COLOUR_CHANGES,
    ),
    # two colours of a skin starved of blood ("pale like paper and now blueish")
    (_words("white pale"), _words("blue bluish blueish purple purplish grey gray greyish grayish")),
    # bleeding that does not stop
    (
        _words("bleeding bleed bleeds bled blood"),
        _words("stop stopping stopped heavy heavily soaked soaking pouring gushing through keep"),
    ),
    # a headache with a stiff neck
    (_words("headache headaches"), _words("stiff")),
    # pain that is severe or getting worse
    (
        _words("pain"),
        _words(
            "severe extreme extremely terrible intense worse worsening increasing throbbing awful "
            "more getting strong"
        ),
    ),
    # infection
    (
        _words("redness red pink"),
        _words("spreading spread spreads streak hot warm growing creeping doubled"),
    ),
    # a raised temperature: "a temperature of 38.5", "thermometer says 39.4", "I have a temperature"
    (_words("temperature thermometer temp"), _words(f"have running got high {_FEVER_READINGS}")),
    # discharge from a wound ("the donor site is leaking yellowish fluid")
    (
        _words("discharge fluid leaking leak leaks drainage draining"),
        _words("yellow yellowish green greenish smelly smell wound thick cloudy foul"),
    ),
    (_words("faint"), _words("feel feeling felt")),
    # breathing, throat, heart, stroke signs
    (
        _words("breath breathe breathing"),
        _words("trouble difficulty hard cant cannot t short shortness catch struggling barely"),
    ),
    (_words("throat tongue"), _words("tight tightening closing swelling swollen swell thick")),
    (
        _words("swallow swallowing"),
        _words("difficult difficulty hard trouble cant cannot t struggling struggle"),
    ),
    (_words("chest"), _words("pain tight tightness pressure")),
    (_words("air"), _words("enough gasping")),
    (_words("heart"), _words("racing pounding")),
    # fainting since the procedure, not once long ago ("fainted during a blood test once")
    (_words("fainted fainting"), _words("after today home yesterday tonight")),
    # a swollen calf after surgery (a clot in a leg vein)
    (_words("calf calve"), _words("swollen swelling swell")),
]
# Pairs whose words must stand close together (at most NEAR_SIGN words apart): "one side of my
# face feels numb and weak" is a stroke sign; "faces ... thin and hollow with age ... are the
# stem cells too weak" is not.
_NEAR_SIGN_PAIRS: list[tuple[frozenset[str], frozenset[str]]] = [
    (_words("face"), _words("numb weakness weak droop drooping")),
]
NEAR_SIGN = 5


def _near(tokens: list[str], a: frozenset[str], b: frozenset[str]) -> bool:
    """Is a word of ``a`` at most ``NEAR_SIGN`` words from a word of ``b``? Linear."""
    last_a = last_b = -NEAR_SIGN - 1
    for i, t in enumerate(tokens):
        if t in a:
            last_a = i
            if i - last_b <= NEAR_SIGN:
                return True
        if t in b:
            last_b = i
            if i - last_a <= NEAR_SIGN:
                return True
    return False


_PAIN_TRAIT = _words("tolerance threshold")
# Words that date a sign's onset to now: in a report ("sudden double vision after nanofat") the
# sign is someone's present state, however unsure the classifier is; so it is beside the asker
# when the word can only be a date ("suddenly i see double after nanofat, is it emergency?"),
# not "sudden" ("I heard fat injections can cause sudden blindness, is that true?") or "now".
# ("yesterday", "tonight" and "ago" date a sign whoever it is about: ``happened_recently``.)
_ONSET = _words("sudden suddenly now today currently since")
_ONSET_DATES = _words("suddenly today")
# Words that put the sign in someone's present situation rather than in a general question.
_SITUATION = _words(
    "i im me my mine myself we our she he her his him they their them suddenly sudden now today "
    "tonight yesterday currently right ago since hour hours minute minutes morning started got "
    "starting still keeps"
)

# A question that opens with none of these words and has no question mark is a report, not a
# question: "fever 101 after fat transfer", "chest pain and short of breath after fat transfer".
# An urgent sign in a report is someone's present situation. (In the training rows every
# general question naming an urgent sign is phrased as a question: "can nanofat cause
# blindness", "fever after fat grafting?"); words about chances keep a report general
# ("nanofat blindness risk").
_CORE_QUESTION_WORDS = _words(
    "how what which when where why who whom can could should would will is are do does did"
)
_QUESTION_OPENERS = _CORE_QUESTION_WORDS | _words("whats isn aren doesn don has have if any")
_ABOUT_CHANCES = _words("risk chance rate odd likely likelihood often common rare statistic")


# Question words. A message with none of them anywhere and no question mark states something
# rather than asking it (``tells_own_state``); a part of a message that starts with one is a
# question typed without its question mark (``Policy.probability``: "how many will I need").
_ASKING = _CORE_QUESTION_WORDS | _words("am may might must shall")
_IN_GENERAL = _words("general generally typically usually")


# what was done at a place of the body ("where fat removed", "where they injected")
_DONE_THERE = _words("injected removed taken harvested grafted")


def _where_it_was_done(tokens: list[str], i: int) -> bool:
    """Does the "where" at ``i`` say where something was done ("hard knot in my belly where
    fat removed"), not ask it ("where is the fat removed from")? Not the first word, and a
    ``_DONE_THERE`` word within the next four."""
    return i > 0 and not _DONE_THERE.isdisjoint(tokens[i + 1 : i + 5])


def tells_own_state(question: str, tokens: list[str]) -> bool:
    """Does the message state how someone is after a procedure, or where it was done, asking
    nothing ("my lips lumpy after nanofat", "tingling in my cheek after fat transfer", "hard
    knot in my belly where fat removed")? Such a report asks for a judgement of that person's
    state: personal advice."""
    if "?" in question or not _IN_GENERAL.isdisjoint(tokens):  # "... in general"
        return False
    done = {i for i, t in enumerate(tokens) if t == "where" and _where_it_was_done(tokens, i)}
    dated = "after" in tokens or bool(done)
    asks = any(t in _ASKING and i not in done for i, t in enumerate(tokens))
    return dated and not asks and names_a_person(tokens)


# a judgement asked of a state ("normal?", "is that ok"), and words that date the state to the
# asker's own procedure ("still", "10 days ago", "day 3", "3 wks")
_JUDGED = _words("normal ok okay")
_TIME_UNITS = _words("hour hr minute min day week wk month mo")
_DATED = _words("still ago")


# asking what a state is ("is that nerve damage", "what is it", "could this be an infection")
_JUDGE_IT = {
    ("is", "that"),
    ("is", "this"),
    ("is", "it"),
    ("could", "that"),
    ("could", "this"),
    ("could", "it"),
    ("does", "that"),
    ("does", "this"),
    ("does", "it"),  # "i got a hard bump in my lip after nanofat, does it need to be dissolved"
}


def _names_own_part(tokens: list[str]) -> bool:
    """Does the text speak of something of the asker's own ("my scalp"), not of someone they
    know ("my friend")?"""
    return any(a == "my" and b not in _PERSON for a, b in zip(tokens, tokens[1:], strict=False))


def reports_then_asks_what_it_is(tokens: list[str]) -> bool:
    """Does the asker say how a part of them is after a procedure, then ask what it is ("my
    scalp is numb and tingly after the procedure, is that nerve damage", "white blisters on my
    cheek after nanofat what is it")? Such a report asks for that state to be judged. Not what
    someone else said ("my friend said bruising lasts a month after fat transfer, is that
    true") nor a question in general ("... is that usual")."""
    if "after" not in tokens or not _IN_GENERAL.isdisjoint(tokens):
        return False
    at = tokens.index("after")
    if not _names_own_part(tokens[:at]):
        return False  # "my scalp", not "my friend said"
    return any((a, b) in _JUDGE_IT for a, b in zip(tokens[at:], tokens[at + 1 :], strict=False))


# what comes before "wrong" when it asks what is wrong ("what's wrong with it", "is something
# wrong with my cheek"), not what could go wrong ("what can go wrong with nanofat")
_IS_WRONG = _words("what whats s is something anything")  # "whats" folds to "what"


def asks_to_judge_my_state(tokens: list[str]) -> bool:
    """Does the message ask to judge something of the asker's: what is wrong with it ("the skin
    on my chin feels tight and shiny after fat grafting, whats wrong with it"), what this is on
    them ("what is this rash on my face after nanofat microneedling"), or whether it is
    something ("can you tell if my swelling is an allergic reaction")? Only of the asker's own
    ("my chin"), not of someone they know ("my friend")."""
    if not _names_own_part(tokens):
        return False
    for i, t in enumerate(tokens[1:-1], start=1):
        if t == "wrong" and tokens[i - 1] in _IS_WRONG and tokens[i + 1] == "with":
            return True
        if t == "is" and tokens[i - 1] in ("what", "whats") and tokens[i + 1] == "this":
            return True
        if t == "tell" and tokens[i + 1] in ("if", "whether"):
            return True
    return False


def asks_if_own_state_is_normal(tokens: list[str]) -> bool:
    """Does a report that dates a state to the asker's procedure ask whether it is normal
    ("nanofat 4 days ago and still puffy, normal??", "pain is like 8/10 on day 3 post op is
    that normal")? A question that opens as one asks in general ("is it normal to still look
    puffy a few days after nanofat")."""
    if not tokens or tokens[0] in _QUESTION_OPENERS or _JUDGED.isdisjoint(tokens):
        return False
    return _dated(tokens)


def _dated(tokens: list[str]) -> bool:
    """Does the message date a state ("still", "ago", "3 wk", "day 3")?"""
    return not _DATED.isdisjoint(tokens) or any(
        (a.isdigit() and b in _TIME_UNITS) or (a == "day" and b.isdigit())
        for a, b in zip(tokens, tokens[1:], strict=False)
    )


# when something happened, in words no general question uses: an urgent sign said to have
# started then is someone's present situation, however the rest is phrased ("got chest pain
# after the sedation last night")
_RECENTLY = _words("yesterday tonight ago")
_LAST = _words("night evening week")


# words that say a state goes on ("keeps bleeding", "hasn't stopped", "still"): an urgent sign
# said to go on is someone's present situation, however the rest is phrased
_ONGOING = _words("still keep keeps hasnt hasn wont won isnt isn")


# years (as normalised: plurals folded): a state dated years back is long-standing, not a
# present emergency ("her skin is still tight and discolored from radiation years ago")
_YEARS = _words("year yr yrs decade")


def _years_back(tokens: list[str]) -> bool:
    """Does the message date something years back ("years ago", "for years")?"""
    return any(
        (a in _YEARS and b == "ago") or (a == "for" and b in _YEARS)
        for a, b in zip(tokens, tokens[1:], strict=False)
    )


# people in general: after them "still" means "even so" ("why do people still get fat grafting")
_PEOPLE_IN_GENERAL = _words("people patient surgeon doctor clinic")


def goes_on(tokens: list[str]) -> bool:
    """Does the message say a state goes on ("donor site keeps bleeding through the
    bandage", "bleeding hasnt stopped"), not of people in general ("why do people still get
    it") and not since years back?"""
    return any(
        t in _ONGOING and not (i > 0 and tokens[i - 1] in _PEOPLE_IN_GENERAL)
        for i, t in enumerate(tokens)
    ) and not _years_back(tokens)


# words with which a comment asks after all ("... want to know if it's ok for me")
_ASKS_AFTER_ALL = _words("if whether want wonder wondering know check")


def comments_only(tokens: list[str]) -> bool:
    """Does a part of a message only comment: it asks nothing and reports no present state
    (nothing goes on or happened recently or on a dated day, no urgent sign)? "mine look older
    than my face lol" after "does nanofat work on hands?"."""
    return (
        _ASKING.isdisjoint(tokens)
        and _ASKS_AFTER_ALL.isdisjoint(tokens)
        and not _dated(tokens)
        and not goes_on(tokens)
        and not happened_recently(tokens)
        and not urgent_sign(tokens)
    )


def happened_recently(tokens: list[str]) -> bool:
    """Does the message say something happened recently ("yesterday", "two hours ago", "last
    night")? "last" alone is not enough ("how long does the pain last"), nor is "ago" after
    years ("radiation years ago")."""
    if any(
        t in _RECENTLY and not (t == "ago" and i > 0 and tokens[i - 1] in _YEARS)
        for i, t in enumerate(tokens)
    ):
        return True
    return any(a == "last" and b in _LAST for a, b in zip(tokens, tokens[1:], strict=False))


# a word for fever, beside which a reading (``_FEVER_READINGS``) is a temperature someone took
_FEVER_WORDS = _words("fever feverish temp temperature")


def reads_a_temperature(tokens: list[str]) -> bool:
    """Does the message give a measured body temperature beside a word for fever? Someone
    took it: "fever 101 after fat transfer" reports a present state."""
    return not _FEVER_WORDS.isdisjoint(tokens) and not _READINGS.isdisjoint(tokens)


def reports_a_sign(question: str, tokens: list[str]) -> bool:
    """Is the question a report rather than a question (see ``_QUESTION_OPENERS``)?"""
    return (
        bool(tokens)
        and "?" not in question
        and tokens[0] not in _QUESTION_OPENERS
        and _ABOUT_CHANCES.isdisjoint(tokens)
    )


# --------------------------------------------------------------------------- whose situation

# Personal advice is advice for a particular person, and a question that asks for it names that
# person: the asker ("I", "my", "we") or someone they know ("my mum", "she", "her husband"). A
# question naming nobody ("nanofat healing phases day by day", "should smokers stop before
# nanofat") asks about people in general, whatever words the classifier reacts to. In the
# training set 644 of 646 personal questions name someone (the other two are urgent and handled
# by the urgent rules). Tokens are normalised: "I'm" -> "i", "m"; plurals folded.
_PERSON = _words(
    "i im ive id me my mine myself we our ours us he she him her his hers "
    "husband wife spouse partner boyfriend girlfriend fiance fiancee son daughter child kid baby "
    "teen teenager mum mom mother dad father parent sister brother friend aunt uncle niece "
    "nephew cousin gran granny grandma grandmother grandpa grandfather grandparent grandad "
    "granddad nan nana nanna colleague "
    "coworker boss"
)


def looks_for_a_place(tokens: list[str]) -> bool:
    """Is the message a local search ("best pizza near me", "where can i get a flu shot near
    me")? "me" there asks for a place, not advice about the asker."""
    return tokens[-2:] == ["near", "me"]


def names_a_person(tokens: list[str]) -> bool:
    """Does the question name someone whose situation could be judged?"""
    return not _PERSON.isdisjoint(tokens)


# The plurals of the words above that name a group of people (``names_no_one_to_judge``).
_GROUPS = _words(
    "husbands wives spouses partners boyfriends girlfriends fiances fiancees sons daughters "
    "children kids babies teens teenagers mums moms mothers dads fathers parents sisters "
    "brothers friends aunts uncles nieces nephews cousins grandmas grandmothers grandpas "
    "grandfathers grandparents colleagues coworkers"
)
# the words before "teens" / "teen" that make it a time of life ("acne scars from their teens",
# "spots as a teen"), not a teenager the asker knows ("my teen daughter")
_TEEN_YEARS = frozenset(
    [("from", "their"), ("since", "their"), ("in", "their"), ("during", "their"), ("as", "a")]
)
# words that make the group someone's own ("my kids", "her sisters")
_POSSESSIVES = _words("my our your his her their")
_RAW_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


# "i read", "someone told me": the asker only as the one who heard a claim
_HEARD = _words("read heard understood saw seen")
_TOLD = _words("told tell")
# what a writer or teacher asks for ("give me a definition for my report", "for my lit review",
# "asking for my readers"): the asker only as the one who will pass the answer on
_ASK_FOR = _words("give tell explain show send")
# turns of phrase in which the asker only comments on the asking ("sounds a bit medieval if I'm
# honest", "is someone pulling my leg", "a friend of mine says they're tiny", "I can't keep up
# with it all"): their words name no one whose case is judged
_ASIDES = (
    ("if", "i'm", "honest"),
    ("if", "im", "honest"),
    ("to", "be", "honest"),
    ("pulling", "my", "leg"),
    ("a", "friend", "of", "mine"),
    ("i", "can't", "keep", "up"),
    ("i", "cant", "keep", "up"),
    ("i", "genuinely", "wondered"),
    ("i", "was", "wondering"),
    ("i've", "been", "reading"),
    ("i'm", "still", "a", "bit", "lost"),
)
_ASIDE_STARTS = frozenset(a[0] for a in _ASIDES)
# a clinician the question names, whose "his" or "her" is no one whose case is judged
_CLINICIANS = _words("dr doctor surgeon surgeons doctors dermatologist professor prof")
# someone spoken of again as "he", "she", "his" ... (a clinician's here; someone close in
# ``asks_whether_they``)
_THEM = _words("he she him her his")
_WORKS = _words(
    "report essay thesis dissertation article paper review lit blog project presentation "
    "assignment class course section notes slides readers audience followers students "
    "newsletter podcast channel viewers homework coursework revision"
)
# works that can be named with what they are on ("my anatomy notes"; not "my c section")
_WORKS_ON = _words(
    "report essay thesis dissertation article paper project presentation assignment notes slides "
    "homework coursework"
)
# what the asker needs for such a work ("i need the number for my homework")
_NEEDS_FOR_A_WORK = _words("need needed want writing")


# how a message says someone close only asked the question ("my mum wants to know ...", "... my
# dad is curious", "grandad asked me ..."): the asker passes it on, as "asking for my mum" does
_ONLY_ASKED = (
    ("wants", "to", "know"),
    ("wanted", "to", "know"),
    ("would", "like", "to", "know"),
    ("is", "curious"),
    ("was", "curious"),
    ("was", "wondering"),
    ("is", "wondering"),
    ("wonders",),
    ("asked", "me"),
    ("asked",),
    ("asks",),
    ("keeps", "asking"),
    ("is", "asking"),
)


def _only_asked(words: list[str], i: int) -> int:
    """Where the words end that say the one named at ``i`` ("my mum", "grandad") only asked the
    question; 0 if they do not."""
    at = i + 1 if words[i] == "my" else i
    if at >= len(words) or words[at] not in _PERSON:
        return 0
    for phrase in _ONLY_ASKED:
        if tuple(words[at + 1 : at + 1 + len(phrase)]) == phrase:
            return at + 1 + len(phrase)
    return 0


# a claim someone made, and the question whether they are right ("my bf thinks nanofat is just
# a fat injection, is he right", "... correct her or nah"): the one who made it is no one whose
# case is judged
_CLAIMED = _words(
    "thinks thought says said claims claimed insists insisted swears reckons believes"
)
_RIGHT = _words("right wrong correct making lying exaggerating")


def _asks_if_they_are_right(words: list[str]) -> bool:
    """Does the message ask whether someone is right ("is he right", "is she making that up",
    "correct her")?"""
    return any(
        words[i] in ("is", "was") and words[i + 1] in ("he", "she") and words[i + 2] in _RIGHT
        for i in range(len(words) - 2)
    ) or any(
        words[i] == "correct" and words[i + 1] in ("her", "him") for i in range(len(words) - 1)
    )


def _works(words: list[str], i: int) -> bool:
    """Does the "my" at ``i`` name a work ("my report", "my anatomy notes")?"""
    after = words[i + 1 : i + 3]
    return bool(after) and (after[0] in _WORKS or after[-1] in _WORKS_ON)


def names_no_one_to_judge(question: str) -> bool:
    """Are all the people the question names groups ("can breastfeeding moms have nanofat",
    "moms with stretch marks after pregnancy, can it help"), or the asker only as the one who
    heard or read a claim ("where did nanofat originate, someone told me it started in belgium",
    "how long do results last, i read 3-5 yrs")? No one's situation is then to be judged, as in
    "people with ...". So are askers who only pass the answer on ("give me a definition for my
    report", "asking for my readers"), a clinician's "his" or "her" ("tell me about dr
    tonnard and his clinic"), and asides on the asking ("if I'm honest", "is someone pulling
    my leg", ``_ASIDES``). "my moms cheek", "her kids", "kids like me" and "i read
    bruising lasts 2 weeks, mine has lasted 3" name someone. Read from the question as typed:
    tokens have their plurals folded ("moms" -> "mom")."""
    words = _RAW_WORD.findall(question.lower())
    exempt = False
    # "give me ..." passes the answer on only in a message that says what for ("my report")
    # ... and so does "i need ...": a work named by "my", maybe with what it is on ("my anatomy
    # notes")
    for_a_work = any(w == "my" and _works(words, i) for i, w in enumerate(words))
    judged_claim = _asks_if_they_are_right(words)
    skip_to = 0  # words up to here belong to an aside (``_ASIDES``)
    for i, w in enumerate(words):
        if i < skip_to:
            continue
        aside = w in _ASIDE_STARTS and next(
            (a for a in _ASIDES if tuple(words[i : i + len(a)]) == a), None
        )
        if aside:
            exempt, skip_to = True, i + len(aside)
        elif w in _GROUPS and (i == 0 or words[i - 1] not in _POSSESSIVES):
            exempt = True  # "breastfeeding moms", not "my kids"
        elif w in ("teens", "teen") and tuple(words[max(0, i - 2) : i]) in _TEEN_YEARS:
            exempt = True  # "scars from their teens", "spots as a teen": an age, not a person
        elif w in ("i", "i've", "ive") and (
            (i + 1 < len(words) and words[i + 1] in _HEARD)
            or words[i + 1 : i + 3] == ["was", "told"]
        ):
            exempt = True  # "i read ...", "i was told ..."
        elif w == "me" and i > 0 and words[i - 1] in _TOLD:
            exempt = True  # "someone told me ..."
        elif w == "me" and i > 0 and words[i - 1] in _ASK_FOR and for_a_work:
            exempt = True  # "could you give me a definition ..."
        elif (w == "my" or w in _KIN) and (asked_to := _only_asked(words, i)):
            exempt, skip_to = True, asked_to  # "my mum wants to know ..."
        elif w == "my" and _works(words, i):
            exempt = True  # "... for my lit review", "for my anatomy notes"
        elif w == "i" and for_a_work and words[i + 1 : i + 2] and words[i + 1] in _NEEDS_FOR_A_WORK:
            exempt = True  # "i need the figure for my homework"
        elif judged_claim and w in _THEM:
            exempt = True  # "..., is he right"
        elif judged_claim and words[i + 1 : i + 2] and words[i + 1] in _CLAIMED:
            exempt = True  # "auntie thinks ..."
        elif judged_claim and w == "my" and words[i + 2 : i + 3] and words[i + 2] in _CLAIMED:
            exempt, skip_to = True, i + 2  # "my bf thinks ..."
        elif w in _THEM and not _CLINICIANS.isdisjoint(words[max(0, i - 4) : i]):
            exempt = True  # "tell me about dr tonnard and his clinic": the clinician's
        elif w in _PERSON or w.split("'")[0] in _PERSON:
            return False
    return exempt


# darkness in an eye ("total darkness in one eye", "my eye went black"): a sign of the eye's
# blood supply; darkness under or around the eyes is the colour of the skin
_DARKNESS = _words("darkness blackness blackout")
_EYE = _words("eye eyes")
_GONE_DARK = _words("went gone going turned turning")


def _dark_eye(tokens: list[str]) -> bool:
    """Does the message say an eye has gone dark (``_DARKNESS``, ``_GONE_DARK``)?"""
    for i, t in enumerate(tokens):
        if t in _DARKNESS and tokens[i + 1 : i + 2] == ["in"] and _EYE & set(tokens[i + 2 : i + 5]):
            return True  # "darkness in one eye"
        if t in _EYE:  # "one eye went black", "my eye has gone dark"
            after = tokens[i + 1 : i + 4]
            if after[:1] == ["has"]:
                after = after[1:]
            if len(after) > 1 and after[0] in _GONE_DARK and after[1] in ("dark", "black"):
                return True
    return False


def _cannot_see(tokens: list[str]) -> bool:
    for i, t in enumerate(tokens):
        if t == "see" and i > 0:
            if tokens[i - 1] in ("cant", "cannot"):
                return True
            if tokens[i - 1] == "t" and i > 1 and tokens[i - 2] in ("can", "couldn", "cant"):
                return True
    return False


# the words after "what": "what should i do", "what can i do", "what i should do" ...
_WHAT_TO_DO = frozenset(
    [
        ("should", "i", "do"),
        ("can", "i", "do"),
        ("do", "i", "do"),
        ("would", "i", "do"),
        ("i", "should", "do"),
        ("i", "can", "do"),
        ("i", "must", "do"),
    ]
)


def asks_what_to_do(tokens: list[str]) -> bool:
    """Does the question ask "what should I do" (or "what can I do", "what i should do", and
    as its last words "what i do"), or, of someone it names, "what to do" or "what now" ("lump
    in my cheek 2 months after microfat what to do"; not "what to do before nanofat")?"""
    someone = names_a_person(tokens)  # once, so that the scan stays linear in the question
    for i, t in enumerate(tokens):
        if t != "what":
            continue
        last = i + 3 == len(tokens) and tokens[i + 1 : i + 3] == ["i", "do"]
        if last or tuple(tokens[i + 1 : i + 4]) in _WHAT_TO_DO:
            return True  # "what should i do", "what i can do", and at the end "what i do"
        asks_next = tuple(tokens[i + 1 : i + 3]) == ("to", "do") or tokens[i + 1 : i + 2] == ["now"]
        if asks_next and someone:
            return True
    return False


_SHOULD = _words("should shud shld must")
# what the asker should learn, check or bring asks for information, not a recommendation ("what
# should I ask at a nanofat consultation", "what should i know before getting nanofat", "what
# should I be checking about a surgeon"), and so does the usual age ("what age should i start
# getting nanofat")
_TO_LEARN = _words("know ask bring expect look prepare check checking looking asking expecting")
_AN_AGE = frozenset([("what", "age"), ("which", "age"), ("how", "old")])


def _verb_before_asker(tokens: list[str], verbs: frozenset[str]) -> int | None:
    """Where the first "<verb> i", "<verb> we" or "<verb> my <someone>" is ("should i", "can
    we", "should my mom"): the position of its verb, or None."""
    for i in range(len(tokens) - 1):
        if tokens[i] in verbs and (
            tokens[i + 1] in ("i", "we")
            or (tokens[i + 1] == "my" and i + 2 < len(tokens) and tokens[i + 2] in _PERSON)
        ):
            return i
    return None


def asks_should_i(tokens: list[str]) -> bool:
    """Does the message ask what the asker should do ("should i choose general anesthesia or
    local", "what cream should I use")? Not what they should learn or bring, nor at what age."""
    i = _verb_before_asker(tokens, _SHOULD)
    if i is None or tuple(tokens[max(0, i - 2) : i]) in _AN_AGE:
        return False
    return _TO_LEARN.isdisjoint(tokens[i + 2 : i + 4])


# words that ask which option suits someone ("best for me", "would you recommend for my scars")
_SUITS = _words(
    "best better recommend recommended suggest suggested right ideal suitable suit suits"
)


def asks_what_suits_me(tokens: list[str]) -> bool:
    """Does the message ask which option suits the asker ("what anaesthesia is best for me", "do
    you recommend local or general anaesthesia for me", "which one you recommend me"), or
    someone they named as their own ("my mum has deep smile lines, what is better for her")? A
    word of choice followed within six words by "for me" or "for my" ("for her" or "for him"
    after "my mum"), or "recommend me"."""
    kin_named = False
    for i, t in enumerate(tokens):
        kin_named = kin_named or _own_kin_at(tokens, i)
        if t not in _SUITS:
            continue
        after = tokens[i + 1 : i + 7]
        if t in ("recommend", "suggest") and after[:1] == ["me"]:
            return True
        whom = ("me", "my", "her", "him") if kin_named else ("me", "my")
        pairs = zip(after, after[1:], strict=False)
        if any(a == "for" and b in whom for a, b in pairs):
            return True
    return False


# words in a question that point back at the asker's situation or ask for a judgement of it
# ("is that normal", "can they still take fat from there", "is something wrong", "would you
# recommend it", "is nanofat safe")
_POINTS_BACK = _words(
    "that this it these those there they them something wrong happening normal ok okay safe "
    "you your u recommend advise suggest should"
)


def speaks_of_no_one(tokens: list[str]) -> bool:
    """Does the text name nobody and point back at nothing ("that", "it", "there")?"""
    return bool(tokens) and not names_a_person(tokens) and _POINTS_BACK.isdisjoint(tokens)


# a preposition a question may open on before its question word ("at what point do surgeons
# say ...", "in which cases is it used")
_PREPOSITIONS_FIRST = _words("at in for by from on with under")


def asks_in_general(tokens: list[str]) -> bool:
    """Is this question impersonal: it opens with a question word, names nobody and points back
    at nothing ("do fat grafts help burn scars", not "is that normal" or "will it work on me")?
    ``FaqBot.decide`` asks it of the question that follows the asker's own context."""
    if not speaks_of_no_one(tokens):
        return False
    first = tokens[:2] if tokens[:1] and tokens[0] in _PREPOSITIONS_FIRST else tokens[:1]
    return bool(first) and first[-1] in _QUESTION_OPENERS


_MAY = _words("can could may")
# verbs that open a question about what will or may happen to the asker ("can i get nanofat",
# "will i scar if i get this done")
_MODALS = _words("can could may might should would will")


def asks_whether_i(tokens: list[str]) -> bool:
    """Does the question open by asking whether the asker can, should or will ("can i get
    nanofat", "will i scar if i get this done")? Not what they may ask or should know ("can i
    ask what it is made of"). ``FaqBot.decide`` asks it of the question that follows the
    asker's own context ("i smoke weed sometimes, can i get nanofat"): a question about their
    own case."""
    if len(tokens) > 3 and tokens[:3] in (["do", "i", "need"], ["do", "we", "need"]):
        return _TO_LEARN.isdisjoint(tokens[3:5])  # "do i need antivirals before ..."
    return (
        len(tokens) > 2
        and tokens[0] in _MODALS
        and tokens[1] in ("i", "we", "my")  # "will my results last as long ..."
        and _TO_LEARN.isdisjoint(tokens[2:4])
    )


def asks_what_it_does_to_me(tokens: list[str]) -> bool:
    """Does the question open by asking what the procedure will do to the asker ("will nanofat
    give me keloids", "would it leave me bruised")? ``FaqBot.decide`` asks it of the question
    that follows the asker's own context ("I get keloid scars easily, will nanofat give me
    one?"): a question about their own case. Not a request to be told ("can you tell me",
    "could someone show me")."""
    if len(tokens) < 4 or tokens[0] not in _MODALS or tokens[1] in _NOT_THE_PROCEDURE:
        return False
    # "me" within the next three words ("will the fat make me"), after no telling verb
    at = next((i for i in range(2, min(5, len(tokens))) if tokens[i] == "me"), None)
    return at is not None and _TELLING.isdisjoint(tokens[2:at])


# who may do something to the asker other than the procedure ("can you tell me"), and what
# they do when they only inform ("could someone show me")
_NOT_THE_PROCEDURE = _words("i we you u someone anyone somebody anybody")
_TELLING = _words("tell explain show let")


# the asker speaking of themselves ("im breastfeeding", "i have", "my skin"); "m" is what is
# left of "i'm"
_SELF = _words("i m im my me")


def _modal_asker(tokens: list[str], i: int) -> bool:
    """Do the words at ``i`` read "can i", "should we" ...?"""
    return i + 1 < len(tokens) and tokens[i] in _MODALS and tokens[i + 1] in ("i", "we")


def speaks_then_asks_whether_i(tokens: list[str]) -> bool:
    """Does the asker speak of themselves and then, in the same sentence, ask whether they can,
    should or will ("im breastfeeding can i get nanofat done")? :func:`asks_whether_i` of the
    rest of the message, after a first-person word."""
    for i in range(1, len(tokens) - 2):
        if _modal_asker(tokens, i) and not _SELF.isdisjoint(tokens[:i]):
            return asks_whether_i(tokens[i:])
    return False


# verbs of having the procedure done ("can i do this", "could i get it")
_HAVE_IT = _words("do have get try")
# the asker, as a question about their own case names them ("can i", "for me to")
_ASKER = _words("i me we us")


def asks_to_have_it(tokens: list[str]) -> bool:
    """Does the message ask whether the asker can have "it" or "this" ("i have hypothyroidism
    can i do this", "could i get it", "can i still do it", "is it ok for me to do this", "am i
    allowed to have this done")? In this chat the thing left unnamed is the procedure: the
    question is about this subject though it names none of its words. "it" or "this" ends the
    message or is followed by "done" (not "can i do this exercise"), and the asker is named
    before it."""
    for i in range(len(tokens) - 3):
        if (
            _modal_asker(tokens, i)
            and tokens[i + 2] in _HAVE_IT
            and tokens[i + 3] in ("it", "this")
        ):
            return True  # "could i get it ...", whatever follows
    asker = False  # named before the verb: one pass, linear in the question
    for i in range(1, len(tokens) - 1):
        asker = asker or tokens[i - 1] in _ASKER
        if (
            asker
            and tokens[i] in _HAVE_IT
            and tokens[i + 1] in ("it", "this")
            and (i + 2 == len(tokens) or tokens[i + 2] == "done")
            and (
                tokens[i - 1] == "to"
                or any(_modal_asker(tokens, j) for j in range(max(0, i - 4), i - 1))
            )
        ):
            return True
    return False


# whose procedure it is ("my appt", "her procedure"); "your appt" is the clinic's
_OWN = _POSSESSIVES - {"your"}
_OWN_EVENT = frozenset(["procedure", "appointment", "appt"])

# someone the asker knows, as a question about their case names them ("my dad", "her husband");
# ``_THEM`` are the words that speak of them again ("... use her retinol cream")
_KIN = _PERSON - _words("i im ive id me my mine myself we our ours us he she him her his hers")
# whose needs a question asks about: the asker or someone close
_PEOPLE_ASKED_FOR = _words("i we he she") | _KIN


def _own_kin_at(tokens: list[str], i: int) -> bool:
    """Do the tokens at ``i`` name someone close as the asker's own ("my mum", "her husband")?"""
    return tokens[i] in _OWN and i + 1 < len(tokens) and tokens[i + 1] in _KIN


def asks_whether_they(tokens: list[str]) -> bool:
    """Does the message ask whether someone the asker knows can, should or will ("my dad is on
    immunosuppressants, can he do it", "dad is allergic to penicillin, can he have the
    procedure", "can my mother use her retinol cream on the treated area")? That person is named
    as the asker's own ("my dad", "her husband") or opens the message ("mum had it last
    week"), then asked about as "he" or "she"; or it asks "can my mother ...", "will dad ..."
    and speaks of them again ("... use her retinol cream", "... on his hands"). Not
    what they may ask or should know ("can she ask what it is made of")."""
    for i in range(len(tokens) - 2):  # "can my mother use her ...", "will dad need ... his"
        if tokens[i] not in _MODALS:
            continue
        at = i + 2 if tokens[i + 1] == "my" else i + 1
        if at < len(tokens) - 1 and tokens[at] in _KIN:
            # about their own case: spoken of again ("her retinol cream"), not "can my husband
            # come to the consultation with me"
            return _TO_LEARN.isdisjoint(tokens[at + 1 : at + 3]) and not _THEM.isdisjoint(
                tokens[at + 1 :]
            )
    named = bool(tokens) and tokens[0] in _KIN
    for i in range(len(tokens) - 1):  # "... how soon after nanofat can she", "does he need"
        if named and tokens[i + 1] in ("he", "she"):
            if tokens[i] in _MODALS:
                return _TO_LEARN.isdisjoint(tokens[i + 2 : i + 4])
            if tokens[i] == "does" and tokens[i + 2 : i + 3] in (["need"], ["have"]):
                return True
        named = named or _own_kin_at(tokens, i)
    return False


# the asker's own case named as such ("in my case", "given my situation"): every such question
# of the read probe rounds is personal. ("am i allowed to eat before sedation" is not: the
# training set labels it general.)
_MY_CASE = _words("case situation circumstance")


def asks_about_my_case(tokens: list[str]) -> bool:
    """Does the message speak of the asker's own case as such ("I faint at the sight of blood,
    in my case is sedation better")?"""
    return any(tokens[i] == "my" and tokens[i + 1] in _MY_CASE for i in range(len(tokens) - 1))


def asks_your_view_of_me(tokens: list[str]) -> bool:
    """Does the message ask what the bot thinks of the asker's own case ("do you think I have
    enough fat for it", "do you think my skin is too thin"), or of the case of someone they
    named as their own ("my brother has a bald spot, you think nanofat can give him his hair
    back")? "do you think nanofat works" asks about the procedure."""
    kin_named = False
    for i in range(len(tokens) - 2):
        kin_named = kin_named or _own_kin_at(tokens, i)
        if (
            tokens[i] == "you"
            and tokens[i + 1] == "think"
            and (tokens[i + 2] in _SELF or (kin_named and not _THEM.isdisjoint(tokens[i + 2 :])))
        ):
            return True
    return False


# how much time someone needs asks about recovery in general ("how many days off work will i
# need after nanofat"); how many treatments, units or sessions asks for their own plan
_DURATION = _words("off day week month hour hr wk")
_NEEDS = _words("need must")
# how a question asks for an amount ("how many ml", "what volume", "the right number of
# syringes"), and the words that make the amount a price (a question of paying, not of care;
# "price", "fee" and the like reach here as "cost", faq/synonyms.yaml's word for them)
_AMOUNT_ASKED = frozenset(
    [
        ("how", "much"),
        ("how", "many"),
        ("what", "volume"),
        ("what", "amount"),
        ("what", "quantity"),
        ("right", "number"),
        ("right", "amount"),
    ]
)
_PRICE = _words("cost dollar pound euro pay paid spend quote budget afford")


def asks_how_much_they_need(tokens: list[str]) -> bool:
    """Does the message ask how many or how much the asker, or someone they name, needs ("how
    many units of hyaluronidase do I need", "how many treatments is dad going to need on his
    hands", "how many times I must do the nanofat")? Every such row of the training and dev sets
    is personal, except those asking how much time off ("how many days off work will i need").
    So is an amount asked for the asker's own body ("what volume of nanofat would you put into
    my tear troughs", "how many sessions will my arm burn scar take"): "my" within eight words
    of it, unless the message asks a price ("how much does it cost, my daughter says ...")."""
    priced = not _PRICE.isdisjoint(tokens)
    for i in range(len(tokens) - 1):
        if (tokens[i], tokens[i + 1]) not in _AMOUNT_ASKED:
            continue
        who = False
        after = tokens[i + 2 : i + 10]
        for t in after:
            if t in _DURATION:
                break
            if t == "my" and not priced:
                return True
            who = who or t in _PEOPLE_ASKED_FOR
            if t in _NEEDS and who:
                return True
        if not priced and "my" in tokens[:i] and _will_they_need(after):
            return True  # "my stretch marks cover loads, how many goes will they take"
    return False


_WILL = _words("will would")
_THEY = _words("they it these those")
_TAKE_OR_NEED = _words("take need")


def _will_they_need(tokens: list[str]) -> bool:
    """Do the tokens ask what something just named will take or need ("... will they take",
    "... would it need")? After "my ...", it is the asker's own."""
    return any(
        a in _WILL and b in _THEY and c in _TAKE_OR_NEED
        for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)
    )


_EFFECT = _words("help work")
_WHETHER = _words("do does whether")


def asks_if_it_works_for_me(tokens: list[str]) -> bool:
    """Does the message ask whether it will work for the asker ("will nanofat help me", "would
    it work on me", "does that change whether nanofat works for me")? A modal, "does" or
    "whether", "help" or "work" within the next three words, then "me" (or "on me", "for
    me"). "will nanofat make my lips bigger" asks what it does, as the training set labels
    it."""
    for i, t in enumerate(tokens):
        if t not in _MODALS and t not in _WHETHER:
            continue
        for j in range(i + 1, min(i + 4, len(tokens))):
            after = tokens[j + 1 : j + 3]
            if tokens[j] in _EFFECT and (
                after[:1] == ["me"] or after in (["on", "me"], ["for", "me"])
            ):
                return True
    return False


# how a question about whether someone can have the procedure ends ("can he do it", "can she have
# the procedure", "could he get it done")
_HAVING_IT = _words("it this done procedure")


def asks_whether_they_can_have_it(tokens: list[str]) -> bool:
    """Does the message ask whether someone the asker knows can have the procedure, left
    unnamed (``asks_whether_they``, ending as ``_HAVING_IT``: "my dad is on immunosuppressants
    after his kidney transplant, can he do it")? In this chat that is the fat grafting,
    whatever other subject the message names (as with ``asks_to_have_it``)."""
    return bool(tokens) and tokens[-1] in _HAVING_IT and asks_whether_they(tokens)


def asks_if_suited(tokens: list[str]) -> bool:
    """Does the asker ask whether they suit the procedure, left unnamed ("I'm 61 and still
    compete in powerlifting, am I too old for this")? "am I" (or "i am"), and the message ends
    on "for this" or "for it". In this chat that is the fat grafting, whatever other subject
    the message names (as with ``asks_to_have_it``)."""
    asks = any(
        (a, b) in (("am", "i"), ("i", "am")) for a, b in zip(tokens, tokens[1:], strict=False)
    )
    return asks and tokens[-2:] in (["for", "this"], ["for", "it"])


def names_own_procedure(tokens: list[str]) -> bool:
    """Does the message speak of someone's own procedure or appointment without naming it ("can
    i still go ahead w my appt friday", "on the morning of her procedure")? In this chat it is
    the fat grafting, as a bare "after" is (``scope.ends_after_it``); "my dentist appointment"
    names its own."""
    return any(tokens[i] in _OWN and tokens[i + 1] in _OWN_EVENT for i in range(len(tokens) - 1))


_OK = frozenset(["ok", "okay", "safe", "fine", "alright", "suitable"])
_SPEAKS_OF_SELF = frozenset(["i", "im", "ive", "my"])


def asks_if_ok_for_me(tokens: list[str]) -> bool:
    """Does the asker speak of themselves and end by asking whether it is ok for them ("i have a
    pacemaker ok for me", "i take prednisone every day is it ok for me", "my thyroid meds
    ok?")? The "it" left unnamed is the procedure, as with a bare "after"
    (``scope.ends_after_it``): the other subject is the asker's own context, not what they ask
    about."""
    if len(tokens) < 3 or tokens[0] not in _SPEAKS_OF_SELF:
        return False
    # "my thyroid meds ok?", "i have sjogrens, ok?": the same, typed tersely
    return tokens[-1] in _OK or (
        len(tokens) > 4 and tokens[-3] in _OK and tokens[-2:] == ["for", "me"]
    )


def asks_leave_after(tokens: list[str]) -> bool:
    """Does the message ask whether the asker may do something after their procedure ("can i
    sleep on my side the night after nanofat", "can I wash my face tonite after nanofat")? That
    asks for the asker's own aftercare instructions, unless an entry answers it ("can I go back
    to work after nanofat": ``FaqBot.decide``)."""
    i = _verb_before_asker(tokens, _MAY)
    return i is not None and "after" in tokens[i + 2 :]


# words before "on" or "taking" that make it the asker's own medicine ("i'm on warfarin", "while
# on accutane", "i am taking sertraline"); "m" is what is left of "i'm"
_ON_IT = _words("m im am while still been currently")
# words before "taking my" that ask about going on with the asker's own medicine ("do i keep
# taking my sertraline"; "do i need to stop taking vitamins in general" names none of theirs)
_GO_ON_TAKING = _words("keep continue stop")
# what the asker says they do with a medicine ("i take aspirin daily", "i inject testosterone
# weekly"): right after "i", it is theirs
_TAKE_IT = _words("take inject")


def takes_a_medicine(tokens: list[str], foreign: frozenset[str]) -> bool:
    """Does the message say the asker is on something the sources never name ("im on warfarin,
    ok for me to do it", "can i get nanofat while on accutane")? ``foreign`` holds the
    question's foreign words (``ScopeCheck.foreign``): "i'm on a budget" names no medicine.
    "i take aspirin daily" and "i inject testosterone weekly" say so as well. A message that
    opens with it ("on warfarin can i") says so too. ``FaqBot.decide`` refuses
    such a question when it names the asker: their own medicines."""
    if tokens[:1] == ["on"] and tokens[1:2] != ["the"] and not foreign.isdisjoint(tokens[1:4]):
        # "on warfarin can i", "on accutane when nanofat": the asker, left unsaid; "on the
        # stem cell diagram for fat transfer, ..." names no medicine
        return True
    return any(
        (
            (tokens[i] in ("on", "taking") and tokens[i - 1] in _ON_IT)
            or (tokens[i] == "taking" and tokens[i - 1] in _GO_ON_TAKING and tokens[i + 1] == "my")
            or (tokens[i] in _TAKE_IT and tokens[i - 1] == "i")
        )
        and not foreign.isdisjoint(tokens[i + 1 : i + 4])
        for i in range(1, len(tokens) - 1)
    )


# what "more than" is measured against when a state gets worse ("more than yesterday")
_EARLIER = _words("yesterday before earlier today last this morning day week")


def _compares_with_another(tokens: list[str]) -> bool:
    """Does every "more than" compare with something other than an earlier time ("hurts more
    than botox", not "more than yesterday")?"""
    found = False
    for i in range(len(tokens) - 1):
        if tokens[i] == "more" and tokens[i + 1] == "than":
            if i + 2 >= len(tokens) or not _EARLIER.isdisjoint(tokens[i + 2 : i + 5]):
                return False
            found = True
    return found


def urgent_sign(tokens: list[str]) -> bool:
    """Does the question name an urgent symptom (vision change, blanching or blistering skin,
    severe or worsening pain, bleeding that does not stop, infection signs, a headache with a
    stiff neck, breathing trouble)?"""
    present = set(tokens)
    if "pain" in present and not _PAIN_TRAIT.isdisjoint(tokens):
        # "my pain tolerance is terrible" describes the person, not a symptom
        present -= {"pain"}
    if not _PIGMENT.isdisjoint(tokens):
        # "brown blotchy patches (melasma)" is pigment, not skin starved of blood
        present -= {"blotchy", "blotche"}
    if (
        "stretch" in present
        and present.isdisjoint(_COLOUR_CHANGES)
        and present & _SKIN_COLOURS <= _MARK_COLOURS
    ):
        # "white and purple stretch marks" ("stretch": the stretch-marks group of synonyms.yaml);
        # "white and blue" or "turned white" is still skin starved of blood
        present -= _MARK_COLOURS
    if "more" in present and _compares_with_another(tokens):
        # "does it hurt more than botox" compares two treatments; "more than yesterday" is pain
        # getting worse
        present -= {"more"}
    if present & _ALARMING_ALONE:
        return True
    if "see" in present and present & {"eye", "eyes", "out"} and _cannot_see(tokens):
        return True
    if present & _EYE and _dark_eye(tokens):
        return True

    if any(present & a and present & b for a, b in _SIGN_PAIRS):
        return True
    return any(_near(tokens, a, b) for a, b in _NEAR_SIGN_PAIRS)


@dataclass(frozen=True)
class Decision:
    """The policy's verdict: ``refuse`` with a ``reason``; ``urgent`` for urgent symptoms."""

    refuse: bool
    reason: str  # "general" | "personal_advice" | "urgent_symptoms"
    urgent: bool
    probability: float
    # a general verdict on a message that asks what the asker should do (``asks_should_i``):
    # the service refuses it when the question is about this subject (``FaqBot.decide``)
    asks_should_i: bool = False
    # a general verdict on a message that asks whether the asker may do something after their
    # procedure (``asks_leave_after``): refused when no entry answers it (``FaqBot.decide``)
    asks_leave_after: bool = False


class Policy:
    """Question in, :class:`Decision` out. Replaceable without touching retrieval."""

    def __init__(self, model: PolicyModel, normalizer: Normalizer, threshold: float | None = None):
        self.model = model
        self.normalize = normalizer
        self.threshold = model.threshold if threshold is None else threshold

    def probability(self, question: str) -> float:
        """The classifier's probability for the whole message, or for any one question in it
        when it holds several ("I'm on blood thinners, can I still have it? Also, what is
        microfat?"): a personal question does not become general by having company."""
        p = self.model.probability(question)
        # the text before each question mark, and any text after the last one ("is it common?
        # how many will I need for my lines")
        parts = question.split("?")
        tail = parts.pop().split()
        if parts and tail and tail[0].lower().strip("\"'(") in _ASKING:
            parts.append(" ".join(tail))
        if len(parts) > 1 or (parts and tail):
            for part in parts:
                if len(part.split()) >= 3:
                    p = max(p, self.model.probability(part + "?"))
        return p

    def general_question(self, question: str) -> bool:
        """Is ``question`` impersonal (``asks_in_general``) and general to the classifier?"""
        return asks_in_general(self.normalize(question)) and self.probability(question) < (
            self.threshold
        )

    def impersonal(self, question: str) -> bool:
        """Does ``question`` name nobody, point back at nothing and read as general to the
        classifier, however it opens ("nanofat make the skin more thick")? Weaker than
        :meth:`general_question`, for a question the asker marked with its question mark."""
        return speaks_of_no_one(self.normalize(question)) and (
            self.probability(question) < self.threshold
        )

    def decide(self, question: str) -> Decision:
        p = self.probability(question)
        toks = self.normalize(question)
        # a report dated to the asker's own procedure speaks of them without naming them
        dated_report = asks_if_own_state_is_normal(toks) or reports_then_asks_what_it_is(toks)
        # "what should I do" asks for advice whatever the classifier says (every such
        # question in the training and probe sets is personal, or about another subject)
        personal = (
            p >= self.threshold
            or asks_what_to_do(toks)
            or asks_whether_they(toks)
            or asks_your_view_of_me(toks)
            or asks_about_my_case(toks)
            or asks_if_it_works_for_me(toks)
            or asks_how_much_they_need(toks)
            or tells_own_state(question, toks)
            or asks_to_judge_my_state(toks)
            or dated_report
        )
        # An urgent sign in someone's situation is urgent even when the classifier is unsure,
        # but not when it is confident the question is general ("I read that fat grafting can
        # cause blindness, how rare is that?"), unless the message says when it started or
        # that it goes on, speaks of someone's own procedure, or is a report dated "after"
        # something or to now.
        report = reports_a_sign(question, toks)
        situation = (
            ((not _SITUATION.isdisjoint(toks) or report) and p >= URGENT_MIN_PROBABILITY)
            or happened_recently(toks)
            or goes_on(toks)
            or names_own_procedure(toks)  # "after her procedure": someone's, not in general
            or (report and reads_a_temperature(toks))  # "fever 101 after fat transfer"
            # a report dated to something ("having trouble breathing after the sedation wore
            # off"), longer than a keyword query about a risk ("blindness after nanofat")
            or (len(toks) >= REPORT_MIN_WORDS and "after" in toks and report)
            or (
                not _years_back(toks)  # "still blotchy from radiation years ago"
                and (
                    (not _ONSET.isdisjoint(toks) and report)
                    or (not _ONSET_DATES.isdisjoint(toks) and not _SELF.isdisjoint(toks))
                )
            )
        )
        if urgent_sign(toks) and (personal or situation):
            return Decision(True, "urgent_symptoms", True, p)
        someone = names_a_person(toks) and not names_no_one_to_judge(question)
        if dated_report or (personal and someone and not looks_for_a_place(toks)):
            return Decision(True, "personal_advice", False, p)
        return Decision(False, "general", False, p, asks_should_i(toks), asks_leave_after(toks))
