"""No regular expression in ``src/faqbot`` can be made to backtrack catastrophically.

1. An inventory: every pattern in the package source (``re.compile`` / ``re.match`` / ... with
   a literal pattern, pydantic ``Field(pattern=...)``, module-level ``*_PATTERN`` constants) is
   found by reading the source, and must be listed in ``KNOWN`` with where it is applied. A new
   pattern fails ``test_every_pattern_is_inventoried`` until someone looks at it and adds it here.
2. Every pattern, whether or not it sees user input, is run (``search``, ``findall``, ``split``;
   ``match`` for anchored ones) over adversarial inputs: long runs, alternations of the
   pattern's own characters, near-misses that fail at the very end.
3. The functions that apply patterns to user input (question normalisation, path ids, feedback
   request ids) are driven end to end with the same inputs.

The 1-second bound is a correctness bound for exponential or quadratic blow-up (a catastrophic
pattern takes minutes on these inputs), not a performance test.
"""

from __future__ import annotations

import ast
import contextlib
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqbot import features as features_mod
from faqbot import policy as policy_mod
from faqbot import scope as scope_mod
from faqbot import spelling as spelling_mod
from faqbot import text as text_mod
from faqbot.api import ID_RE, create_app
from faqbot.features import make_normalizer
from faqbot.models import FeedbackRequest
from faqbot.service import FaqBot, QuestionError

SRC = Path(__file__).resolve().parent.parent / "src" / "faqbot"
BOUND_S = 1.0
N = 50_000

# pattern -> where it is applied; "user" marks patterns that see request data.
KNOWN: dict[str, str] = {
    r"\s+": "text._WS, collapse_ws: knowledge-base quotes, eval rows",
    r"[a-z0-9]+(?:[.,][0-9]+)*": "user: text._TOKEN, tokens() on every question (Normalizer)",
    r"\d+(?:[.,]\d+)*%?": "text._NUMBER, numbers(): knowledge-base answers",
    r"\b(?:Dr|Drs|Mr|Mrs|Ms|vs|e\.g|i\.e|etc|approx|no|St|MD|Jr|Sr)\.$": "text._ABBREV: answers",
    r"(?<=[.!?])\s+(?=[\"'(\u201c]?[A-Z0-9])": "text.count_sentences: knowledge-base answers",
    r"^[a-z0-9][a-z0-9-]{0,79}$": "user: api.ID_RE on /v1/entries/{id}, /v1/sources/{id}; "
    "models.ID_PATTERN on entry ids",
    r"^[a-z0-9][a-z0-9-]{0,39}$": "models.SOURCE_ID_PATTERN: sources.yaml, citations",
    r"^[A-Za-z0-9_.-]+\.txt$": "models.SourceMeta.file: sources.yaml",
    r"^https?://[^\s<>\"']+$": "models.SourceMeta url validator: sources.yaml",
    r"^[A-Za-z0-9_-]+$": "user: models.FeedbackRequest.request_id (pydantic-core)",
    r"\b(?:Dr|Drs|Mr|Mrs|Ms|Prof)\.?(?: [A-Z][a-zA-Z'-]+)+|\b[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)+": (
        "review._NAME: knowledge-base answers"
    ),
    r"[A-Za-z-]+": "review.unsupported_names: knowledge-base quotes and answers",
    r"[a-z]+": "user: text.LETTERS, the words of every question (Speller.correct) and of "
    "questions naming a provider (Scope._about_a_provider)",
    r"[.?!;:,](?=\s|$)": "user: policy._CLAUSE_END, last_clause() on every question",
    r"[a-z]+(?:'[a-z]+)?": "user: policy._RAW_WORD, names_no_one_to_judge() on questions naming a "
    "person",
    r"[.!?;:]+(?:\s+|$)|\s[-\u2013\u2014]\s"
    r"|,\s*(?=(?:so\s+|but\s+|and\s+)?(?:what|wat|wut|how|is|are|do|does|can|could|will|would|why"
    r"|when|where|which|who|should|has|have)\b)"
    r"|\sand\s+(?=(?:what|how|when|where|why|which)\b)": (
        "user: scope._SEGMENTS, question parts of questions with a foreign word or no answer"
    ),
    r"(?:so\s+|and\s+|but\s+|hi\s+|hey\s+)?(?:i|i'm|im|i've|ive|i'd|my|we|we're|our|me"
    r"|as\s+an?)\b": "user: scope._FIRST_PERSON, matched at the start of each question part",
    "\\A(?:(?:so|ok|okay|but|and|um+|hmm+|sorry|honestly|seriously|basically)\\s+)*(?:what|wat|wut)(?:'s|s|\\s+is)?(?:\\s+(?:even|exactly|actually))?(?:\\s+is)?\\s+(?:it|that|this|the\\s+(?:thing|stuff))(?:\\s+(?:thing|stuff|procedure|treatment))?(?:\\s+(?:exactly|actually|even|then|again|anyway|really|about|all\\s+about))*(?:[\\s,]+(?:(?:the\\s+)?short\\s+version|in\\s+short|in\\s+(?:plain|simple|normal|everyday|lay(?:man'?s|person'?s)?)\\s+(?:words|terms|english)|simply|briefly|please|pls|plz))*": (
        "user: scope._WHAT_IS_IT, fullmatch on the last part of a message of several (Scope.definition_asked)"
    ),
    "\\A(?:(?:could|can|would)\\s+(?:you|u)\\s+)?(?:(?:please|pls|kindly)\\s+)*(?:explain|tell\\s+me|describe)(?:\\s+(?:to\\s+me|simply|briefly|in\\s+(?:plain|simple|normal|everyday|lay(?:man'?s|person'?s)?)\\s+(?:words|terms|english)))*\\s+what\\s+(?:it|that|this)(?:\\s+(?:actually|really|exactly))?\\s+is(?:[\\s,]+(?:(?:the\\s+)?short\\s+version|in\\s+short|in\\s+(?:plain|simple|normal|everyday|lay(?:man'?s|person'?s)?)\\s+(?:words|terms|english)|simply|briefly|please|pls|plz))*": (
        "user: scope._EXPLAIN_WHAT_IT_IS, fullmatch on the last part of a message of several (Scope.definition_asked)"
    ),
    "\\A(?:(?:hi|hey|hello|ok|okay|so|please)\\W+)*(?:i'?d like to know|i would like to know|i (?:want|wanna|need) to know|i wanna know|(?:can|could) (?:you|u) (?:please )?(?:tell|explain(?: to)?) me|please (?:tell|explain(?: to)?) me|tell me|i was wondering|i wonder|do you know)\\s+": (
        "user: scope._ASKING_FRAME, matched at the start of one-part questions (Scope.without_pleasantries)"
    ),
    "(?<![a-z'])\\(?(?:(?:i'?m|i\\s+am|just|only)\\s+)?(?:asking|enquiring|inquiring)\\s+(?:for|on\\s+behalf\\s+of)\\s+(?:my|a|an|our)\\s+[a-z']+(?:\\s+[a-z']+)?\\)?[\\s.!?)]*$": (
        "user: scope._ASKED_FOR_AFTER, searched at the end of every question (without_asides)"
    ),
    "\\(?(?:(?:i'?m|i\\s+am|just|only)\\s+)?(?:asking|enquiring|inquiring)\\s+(?:for|on\\s+behalf\\s+of)\\s+(?:my|a|an|our)\\s+[a-z']+(?:\\s+[a-z']+)?\\)?\\s*[:,.;!?-]+\\s*": (
        "user: scope._ASKED_FOR_BEFORE, matched at the start of every question (without_asides)"
    ),
    "(?<![a-z'])(?:eli5|(?:explain(?:\\s+it)?\\s+|tell\\s+me\\s+|describe(?:\\s+it)?\\s+)?like\\s+(?:i'?m|i\\s+am)\\s+(?:(?:a\\s+)?(?:5|five)(?:[\\s-]+years?[\\s-]+old)?|a\\s+(?:child|kid|baby|toddler)))(?![a-z'])": (
        "user: scope._AS_TO_A_CHILD, substituted in every question (without_asides)"
    ),
    "(?:^|(?<=[.?!,:;-])\\s+)(?:(?:would|could|can|will)\\s+(?:you|u)\\s+(?:please\\s+|kindly\\s+)?(?:be\\s+so\\s+kind\\s+as\\s+to\\s+|possibly\\s+)?(?:tell|explain(?:\\s+to)?|let)\\s+me(?:\\s+know)?|would\\s+it\\s+be\\s+possible\\s+to\\s+(?:tell|explain(?:\\s+to)?)\\s+me|i\\s+(?:should|would)\\s+be\\s+(?:most\\s+|very\\s+|really\\s+)?grateful\\s+if\\s+you\\s+(?:could|would)\\s+(?:tell|explain(?:\\s+to)?)\\s+me|i\\s+wonder(?:ed)?\\s+(?:whether|if)\\s+you\\s+(?:might|could|would)\\s+(?:be\\s+able\\s+to\\s+)?(?:tell|explain(?:\\s+to)?)\\s+me|please\\s+(?:could\\s+you\\s+)?(?:tell|explain(?:\\s+to)?)\\s+me|(?:give|show|list|send)\\s+me|(?:spell|break|lay)\\s+it\\s+(?:out|down)\\s+for\\s+me|(?:walk|talk|take|run)\\s+(?:me|us)\\s+thr(?:ough|u)|(?:would|could|can|will)\\s+(?:some|any)(?:one|body)\\s+(?:please\\s+)?(?:explain(?:\\s+to\\s+me)?|tell\\s+me|(?:walk|talk|take|run)\\s+me\\s+thr(?:ough|u)))(?![a-z'])": (
        'user: scope._POLITE_REQUEST, substituted in questions holding " me", " us", "one " or "body " (without_asides)'
    ),
    "(?:^|(?<=[.?!,:;-])\\s+)(?:(?:(?:would|could|can|will)\\s+(?:you|u)\\s+(?:please\\s+|kindly\\s+)?(?:be\\s+(?:so\\s+kind|good\\s+enough)\\s+(?:as\\s+)?to\\s+|possibly\\s+)?(?:kindly\\s+)?|(?:i|we)\\s+wonder(?:ed)?\\s+(?:whether|if)\\s+(?:you|u)\\s+(?:might|could|would|can)\\s+(?:be\\s+able\\s+to\\s+)?|(?:please\\s+|kindly\\s+)+|(?:i|we)(?:\\s+(?:should|would)|'d)\\s+(?:be\\s+(?:most\\s+|very\\s+|really\\s+|so\\s+)?(?:grateful|obliged|glad|pleased|thankful|happy|interested)|appreciate\\s+it|like\\s+it)\\s+if\\s+(?:you|u)\\s+(?:could|would|might|can)\\s+(?:please\\s+|kindly\\s+)?)(?:tell|inform|advise|explain|describe|outline|clarify|confirm|indicate|say|let)(?:\\s+(?:to\\s+)?(?:me|us))?(?:\\s+know)?|(?:i|we)(?:\\s+(?:should|would)|'d)\\s+(?:be\\s+(?:most\\s+|very\\s+|really\\s+|so\\s+)?(?:grateful|obliged|glad|pleased|thankful|happy|interested)\\s+to|like\\s+to|love\\s+to)\\s+(?:know|learn|hear|find\\s+out|understand|ask|enquire|inquire)|(?:i|we)(?:\\s+(?:should|would)|'d)\\s+appreciate\\s+(?:knowing|learning|hearing)|may\\s+i\\s+(?:please\\s+)?(?:ask|enquire|inquire))(?=\\s+(?:whether|if|how|what|when|where|which|who|why|as\\s+to|about|of|on|regarding|the|a|an|is|are|does|do|can)(?![a-z']))|if\\s+(?:you|u)\\s+(?:would|could|will)\\s+be\\s+so\\s+kind(?=[\\s.?!]*$)": (
        "user: scope._FORMAL_REQUEST, substituted in questions holding 'i ', 'you ', 'kindly', 'please' or \"i'd\" (without_asides)"
    ),
    "\\d{1,2}(?:\\.\\d)?k": (
        "user: features._THOUSANDS, matched against every word token ending in k (stem)"
    ),
    "(?:(?:for|in|and|what\\s+about)\\s+)?(?:people|patients|pts|ppl|persons?|folks?|individuals|those|women|men|clients|adults|seniors)\\s+(?:with|w/?|who(?:'ve|\\s+have|\\s+has|\\s+had|\\s+are|\\s+get)?|whose|on)(?![a-z'])\\s*": (
        "user: scope._GROUP_OPENING, matched at the start of unanswered questions (Scope.without_group)"
    ),
}

RE_FUNCS = {
    "compile",
    "match",
    "fullmatch",
    "search",
    "findall",
    "finditer",
    "split",
    "sub",
    "subn",
}


def _literal(node: ast.AST, consts: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):  # "..." + _SHARED_PART
        left, right = _literal(node.left, consts), _literal(node.right, consts)
        return None if left is None or right is None else left + right
    return None


def patterns_in_source() -> dict[str, list[str]]:
    """Every regular expression in src/faqbot, with the places it appears."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts: dict[str, str] = {}  # module-level string constants, in order of assignment
        for n in tree.body:
            value = _literal(n.value, consts) if isinstance(n, ast.Assign) else None
            if value is not None:
                consts.update((t.id, value) for t in n.targets if isinstance(t, ast.Name))
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                f = node.func
                if (
                    isinstance(f, ast.Attribute)
                    and f.attr in RE_FUNCS
                    and isinstance(f.value, ast.Name)
                    and f.value.id == "re"
                ):
                    pat = _literal(node.args[0], consts) if node.args else None
                    assert pat is not None, (
                        f"{where}: regex built at run time; inventory it by hand"
                    )
                    found.setdefault(pat, []).append(where)
                for kw in node.keywords:
                    if kw.arg in ("pattern", "regex"):
                        pat = _literal(kw.value, consts)
                        assert pat is not None, f"{where}: pattern= is not a literal"
                        found.setdefault(pat, []).append(where)
            elif (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and any(isinstance(t, ast.Name) and t.id.endswith("_PATTERN") for t in node.targets)
            ):
                found.setdefault(node.value.value, []).append(where)
    return found


def test_every_pattern_is_inventoried() -> None:
    found = patterns_in_source()
    assert len(found) >= len(KNOWN) - 1  # the scanner still works
    new = {p: w for p, w in found.items() if p not in KNOWN}
    assert not new, (
        f"regular expressions not yet reviewed for backtracking: {new}; add them to KNOWN "
        "(and check them with the adversarial inputs below)"
    )


def adversarial_inputs() -> list[str]:
    return [
        "a" * N,
        "A" * N,
        "1" * N,
        "!" * N,
        "." * N,
        " " * N,
        "\t\n" * (N // 2),
        "my " * 5000,
        "My " * 5000,
        "Aa " * (N // 3) + "!",
        "Aa" * (N // 2),
        "A'-" * (N // 3),
        "1." * (N // 2),
        "1.1," * (N // 4) + "x",
        "1" * N + ".",
        "1" * N + "%x",
        "Dr. " * (N // 4),
        "Dr Aa " * (N // 6) + "aa",
        "e.g. " * (N // 5),
        "a. " * (N // 3) + "b",
        ". " * (N // 2) + "a",
        "." + " " * N + "a",
        "http://" + "a" * N + " ",
        "https://" + "/" * N + "<",
        "a" * N + ".txt!",
        "a-" * (N // 2) + "!",
        "0" + "-" * N + "A",
        "\u00e9" * N,
        "\U0001f600" * (N // 2),
        "x\u0301" * (N // 2),
        ", " * (N // 2) + "what",
        ", so " * (N // 5) + "whatx",
        "so and " * (N // 7) + "i",
        " and" + " " * N + "whatx",
        " and " * (N // 5) + "whe",
        " - " * (N // 3) + "a",
        "?!" * (N // 2) + " ",
        "asking for my " * (N // 14) + "?",
        "i am " * (N // 5) + "asking",
        "what is it " * (N // 11) + "made of",
        "so " * (N // 3) + "what",
        "hi " * (N // 3) + "x",
        "(" * N + "asking",
        "like i'm " * (N // 9) + "6",
        "explain " * (N // 8) + "like",
        ". would you " * (N // 12) + "tell",
        "i should be most grateful if you could " * (N // 40) + "x",
        "kindly please " * (N // 14) + "tell",
        "i would be so grateful to " * (N // 26) + "know",
    ]


def _timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


@pytest.mark.parametrize("pattern", sorted(KNOWN), ids=lambda p: p[:40])
def test_pattern_is_linear_on_adversarial_input(pattern: str) -> None:
    rx = re.compile(pattern)
    for s in adversarial_inputs():
        for op in (rx.search, rx.findall, rx.split, rx.match):
            took = _timed(op, s)
            assert took < BOUND_S, f"{pattern!r}.{op.__name__} took {took:.2f}s on {s[:20]!r}..."


def test_pattern_strings_compile_identically_to_the_module_ones() -> None:
    """KNOWN holds the same strings the modules compile (not look-alikes)."""
    for rx in (
        text_mod._WS,
        text_mod._TOKEN,
        text_mod._NUMBER,
        text_mod._ABBREV,
        ID_RE,
        policy_mod._CLAUSE_END,
        scope_mod._SEGMENTS,
        scope_mod._FIRST_PERSON,
        scope_mod._WHAT_IS_IT,
        scope_mod._EXPLAIN_WHAT_IT_IS,
        scope_mod._ASKING_FRAME,
        scope_mod._ASKED_FOR_AFTER,
        scope_mod._ASKED_FOR_BEFORE,
        scope_mod._AS_TO_A_CHILD,
        scope_mod._POLITE_REQUEST,
        scope_mod._FORMAL_REQUEST,
        scope_mod._GROUP_OPENING,
        features_mod._THOUSANDS,
        text_mod.LETTERS,
    ):
        assert rx.pattern in KNOWN


# --------------------------------------------------------------------------- user-facing paths


@pytest.mark.parametrize("s", adversarial_inputs(), ids=lambda s: f"{s[:8]!r}x{len(s)}")
def test_question_normalisation_is_linear(s: str) -> None:
    norm = make_normalizer([["nanofat", "nano fat"], ["recovery", "downtime"]])
    speller = spelling_mod.Speller.from_texts(["nanofat price swelling"])
    fns = (text_mod.fold, text_mod.tokens, text_mod.collapse_ws, text_mod.phrasing_key, norm)
    fns += (speller.correct,)
    for fn in (*fns, policy_mod.last_clause):
        took = _timed(fn, s)
        assert took < BOUND_S, f"{fn} took {took:.2f}s"


def test_ask_with_adversarial_questions_is_fast(bot: FaqBot) -> None:
    """The whole answering path, at the longest question the service accepts."""
    bot.ask("what is nanofat")  # one-time lazy loading (word lists) is not what is measured
    for s in adversarial_inputs():
        q = s[:1000]
        t0 = time.perf_counter()
        with contextlib.suppress(QuestionError):
            bot.ask(q)
        assert time.perf_counter() - t0 < BOUND_S, repr(q[:20])
        with pytest.raises(QuestionError):  # longer ones are refused before any regex runs
            bot.ask(s + "x" * 1001)


def test_path_ids_and_request_ids_are_linear(bot: FaqBot, settings) -> None:
    long_ids = ["a" * N, "a-" * (N // 2) + "!", "0" + "-" * N + "A", "a" * 79 + "!" * N]
    for s in long_ids:
        assert _timed(ID_RE.match, s) < BOUND_S
        t0 = time.perf_counter()
        with contextlib.suppress(ValueError):
            FeedbackRequest(request_id=s, helpful=True)
        assert time.perf_counter() - t0 < BOUND_S
    s = settings.model_copy(update={"rate_limit_per_minute": 0, "log_level": "WARNING"})
    with TestClient(create_app(s, bot=bot)) as c:
        for i in long_ids[:2]:
            i = i[:8000]  # keep the URL a size servers accept
            t0 = time.perf_counter()
            assert c.get(f"/v1/entries/{i}").status_code == 404
            assert c.get(f"/v1/sources/{i}").status_code == 404
            assert time.perf_counter() - t0 < BOUND_S
