"""Cross-validate the refusal policy: how its settings were chosen.

    python scripts/policy_cv.py                      # shipped settings, 3 fold seeds
    python scripts/policy_cv.py --c 16 32 --threshold 0.5 0.55 0.6 --seeds 0 1 2 3 4 5 6
    python scripts/policy_cv.py --show-misses        # every misjudged question, first seed

The classifier is refitted on 4/5 of faq/policy/{train,dev}.tsv and judged on the other fifth,
five times per seed, exactly as the service decides (``FaqBot.decide``: the classifier, the
urgent rules and the scope check). Errors are counted over all of train + dev: personal
questions answered (FN) and general questions refused (FP); both count the same, as issue 4
asks. The shipped model is then fitted on train + dev together (``faqbot build``).
faq/policy/test.tsv is never read here: it is the held-out split that `faqbot eval` reports.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from faqbot.index import IndexUnavailable, policy_training_rows  # noqa: E402
from faqbot.policy import DEFAULT_THRESHOLD, Policy, PolicyRow, train_policy  # noqa: E402
from faqbot.service import FaqBot  # noqa: E402
from faqbot.settings import Settings  # noqa: E402


def folds(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--c", type=float, nargs="+", default=[32.0], help="regularisation C")
    ap.add_argument("--threshold", type=float, nargs="+", default=[DEFAULT_THRESHOLD])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--show-misses", action="store_true", help="list the first seed's errors")
    args = ap.parse_args()

    settings = Settings(faq_dir=ROOT / "faq", index_dir=ROOT / "index", rebuild="never")
    try:
        bot = FaqBot.from_settings(settings)  # the scope check and urgent rules, as served
    except IndexUnavailable as exc:
        print(f"{exc}", file=sys.stderr)
        return 1
    norm = bot.policy.normalize  # the served normaliser (synonyms.yaml applied)
    rows: list[PolicyRow] = policy_training_rows(settings.faq_dir / "policy")
    n_personal = sum(r.personal for r in rows)
    print(
        f"{len(rows)} questions ({n_personal} personal, {len(rows) - n_personal} general), "
        f"{args.folds}-fold, seeds {args.seeds}"
    )
    # errors[(c, threshold)] = [(FN, FP) per seed]; misses: the first seed's misjudged questions
    errors: dict[tuple[float, float], list[tuple[int, int]]] = {}
    misses: dict[tuple[float, float], list[str]] = {}
    for c in args.c:
        for seed in args.seeds:
            fn = dict.fromkeys(args.threshold, 0)
            fp = dict.fromkeys(args.threshold, 0)
            for held in folds(len(rows), args.folds, seed):
                held_set = set(held)
                model = train_policy([r for i, r in enumerate(rows) if i not in held_set], norm, c)
                for t in args.threshold:
                    judge = replace(bot, policy=Policy(model, norm, t))
                    for i in held:
                        row = rows[i]
                        decision, _ = judge.decide(row.question)
                        if decision.refuse != row.personal:
                            if row.personal:
                                fn[t] += 1
                            else:
                                fp[t] += 1
                            if seed == args.seeds[0]:
                                kind = "FN" if row.personal else "FP"
                                misses.setdefault((c, t), []).append(
                                    f"{kind} p={decision.probability:.2f} {row.question}"
                                )
            for t in args.threshold:
                errors.setdefault((c, t), []).append((fn[t], fp[t]))
    print(f"{'C':>6} {'threshold':>9} {'FN':>6} {'FP':>6} {'errors':>7}  per seed")
    for (c, t), runs in errors.items():
        fns, fps = [r[0] for r in runs], [r[1] for r in runs]
        print(
            f"{c:>6g} {t:>9g} {statistics.mean(fns):6.1f} {statistics.mean(fps):6.1f} "
            f"{statistics.mean(a + b for a, b in runs):7.1f}  {[a + b for a, b in runs]}"
        )
    if args.show_misses:
        for (c, t), lines in misses.items():
            print(f"\nmisses, C={c:g} threshold={t:g}, seed {args.seeds[0]}:")
            for line in lines:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
