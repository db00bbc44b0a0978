"""Do the words people put around a question change its outcome?

    python scripts/wrapper_robustness.py                 # every dev.tsv question, 3 wrappings each
    python scripts/wrapper_robustness.py --per-question 1 --seed 1 --show 20

Chat messages come wrapped: a greeting before the question ("Hi there!"), thanks after it,
"I was wondering", who it is asked for ("asking for my sister"), a request to keep it simple.
None of that says what is asked. Each question of ``faq/eval/dev.tsv`` (every kind) is asked bare
and wrapped in a few wrappings drawn by a seeded generator from ``WRAPPINGS``, as the service
asks it (``FaqBot.ask``); a wrapping keeps the outcome when the status, the entry answered with
and, for a refusal, whether it is urgent, are the bare question's. The held-out ``test.tsv`` is
not used by default. ``WRAPPINGS`` were written for this script, apart from the phrases the
rules and tests were built on, but their first run showed "Cheers!" and "Hey there!" breaking
answers, which rules then fixed; ``CHECK_WRAPPINGS`` (``--check``) were written afterwards and
never used to change a rule.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from faqbot.evaluation import load_eval_rows
from faqbot.models import AskResponse
from faqbot.service import FaqBot

ROOT = Path(__file__).resolve().parent.parent

# "{q}" is the question without its final punctuation
WRAPPINGS = (
    "Hey there! {q}?",
    "Morning! {q}?",
    "Hello, I hope you can help. {q}?",
    "{q}? Thanks a lot.",
    "{q}? Cheers!",
    "{q}? Many thanks in advance.",
    "Quick one: {q}?",
    "Just curious - {q}?",
    "I was wondering, {q}?",
    "Could you tell me {q}?",
    "{q}? (asking for my sister)",
    "{q}? just asking for a colleague",
    "Hi, hope all is well. {q}?",
    "{q} pls",
    "{q}?? 🙏",
)
# a second set, written after the rules were made and never used to change them: it measures
# the rules on wrappings they were not built from
CHECK_WRAPPINGS = (
    "Good afternoon! {q}?",
    "Hiya. {q}?",
    "Greetings. {q}?",
    "{q}? Thank you!",
    "{q}? ty so much",
    "{q}? Best wishes, Sam",
    "Sorry to bother you. {q}?",
    "One more question: {q}?",
    "I'd love to know {q}",
    "Please tell me {q}",
    "{q}? asking for my brother",
    "{q}? (just asking for a friend)",
    "Hello again! {q}?",
    "{q}? thx in advance",
    "ok so {q}??",
)


def outcome(response: AskResponse) -> tuple[str, str | None, bool | None]:
    return (
        response.status.value,
        response.answer.id if response.answer else None,
        response.refusal.urgent if response.refusal else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=ROOT / "faq" / "eval" / "dev.tsv")
    parser.add_argument("--per-question", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print this many changed outcomes")
    parser.add_argument(
        "--check", action="store_true", help="use CHECK_WRAPPINGS, which no rule was built from"
    )
    args = parser.parse_args()
    bot = FaqBot.from_settings()
    rng = random.Random(args.seed)
    kept: Counter[str] = Counter()
    total: Counter[str] = Counter()
    shown = 0
    for row in load_eval_rows(args.file):
        bare = row.question.strip().rstrip("?!. ")
        want = outcome(bot.ask(row.question))
        for wrapping in rng.sample(CHECK_WRAPPINGS if args.check else WRAPPINGS, args.per_question):
            wrapped = wrapping.format(q=bare)
            got = outcome(bot.ask(wrapped))
            total[row.kind] += 1
            if got == want:
                kept[row.kind] += 1
            elif shown < args.show:
                shown += 1
                print(f"  {want} -> {got}: {wrapped}")
    for kind in sorted(total):
        print(f"{kind:8s} {kept[kind]:5d}/{total[kind]:<5d} {kept[kind] / total[kind]:6.1%} kept")
    n, k = sum(total.values()), sum(kept.values())
    print(f"{'all':8s} {k:5d}/{n:<5d} {k / n:6.1%} kept")


if __name__ == "__main__":
    main()
