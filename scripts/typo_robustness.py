"""How much one typing slip per question costs, with and without spelling correction.

    python scripts/typo_robustness.py                 # seeds 0 1 2 on faq/eval/dev.tsv
    python scripts/typo_robustness.py --seeds 0 --file faq/eval/dev.tsv

Each answerable question (answer + general) gets one slip in one word of five letters or more:
two neighbouring letters swapped, a letter dropped or a letter doubled, chosen by a seeded
random generator. The question is then asked as the service does (``FaqBot.ask``), once with
the spelling correction (``spelling.py``) and once without, and judged like ``faqbot eval``
(answered with an entry whose answer or sources contain the row's evidence). The held-out
``test.tsv`` is not used by default: the correction's settings were chosen on dev.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from faqbot.evaluation import EvidenceJudge, load_eval_rows
from faqbot.models import Status
from faqbot.service import FaqBot

ROOT = Path(__file__).resolve().parent.parent


def with_slip(question: str, rng: random.Random) -> str:
    words = question.split()
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 5]
    if not candidates:
        return question
    i = rng.choice(candidates)
    w = words[i]
    k = rng.randrange(len(w) - 1)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        w = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    elif kind == "drop":
        w = w[:k] + w[k + 1 :]
    else:
        w = w[:k] + w[k] + w[k:]
    words[i] = w
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=ROOT / "faq" / "eval" / "dev.tsv")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    bot = FaqBot.from_settings()
    judge = EvidenceJudge(bot)
    rows = [r for r in load_eval_rows(args.file) if r.kind in ("answer", "general")]
    speller = bot.retriever.speller

    def right(question: str, evidence: list[str]) -> bool:
        r = bot.ask(question)
        return r.status is Status.answered and judge.correct(r.answer.id, evidence)

    clean = sum(right(r.question, r.evidence) for r in rows)
    print(f"{args.file.name}: {len(rows)} answerable questions, {clean} right as written")
    for seed in args.seeds:
        rng = random.Random(seed)
        slipped = [(with_slip(r.question, rng), r.evidence) for r in rows]
        counts = {}
        for mode, sp in (("with correction", speller), ("without", None)):
            bot.retriever.speller = sp
            counts[mode] = sum(right(q, ev) for q, ev in slipped)
        bot.retriever.speller = speller
        print(
            f"seed {seed}: one slip per question: "
            + ", ".join(f"{mode} {n} ({n / len(rows):.1%})" for mode, n in counts.items())
        )


if __name__ == "__main__":
    main()
