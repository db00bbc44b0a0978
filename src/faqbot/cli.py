"""The ``faqbot`` command line: a thin layer over the library.

Exit codes: 0 success; 1 a check, gate or start-up failed; 2 usage error (bad arguments or input).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .index import IndexParams, IndexUnavailable, build_index
from .knowledge import KnowledgeBaseError, check_knowledge_base, load_knowledge_base
from .models import AskResponse, Status
from .service import FaqBot, QuestionError
from .settings import Settings

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _settings(faq: Path | None = None, index: Path | None = None) -> Settings:
    s = Settings()
    updates = {k: v for k, v in (("faq_dir", faq), ("index_dir", index)) if v is not None}
    return s.model_copy(update=updates) if updates else s


def _fail(message: str, code: int = EXIT_FAIL) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _load_bot(settings: Settings) -> FaqBot:
    try:
        return FaqBot.from_settings(settings)
    except KnowledgeBaseError as exc:
        _fail(f"{exc}\nrun `faqbot check` for the full list")
    except IndexUnavailable as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


faq_option = click.option(
    "--faq",
    "faq",
    type=click.Path(path_type=Path, file_okay=False),
    help="Knowledge-base folder (default: ./faq).",
)
index_option = click.option(
    "--index",
    "index",
    type=click.Path(path_type=Path, file_okay=False),
    help="Index folder (default: ./index).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="faqbot")
def main() -> None:
    """faqbot: answers questions about nanofat grafting from a source-backed knowledge base.

    \b
    Exit codes: 0 ok, 1 failed check or gate, 2 usage error.
    Settings come from FAQBOT_* environment variables (see README).
    """


# ---------------------------------------------------------------------- check / coverage


@main.command()
@faq_option
@click.option("--coverage/--no-coverage", default=True, help="Also report source coverage.")
@click.option("--min-coverage", default=0.9, show_default=True, help="Fail below this coverage.")
@click.option("--verbose", "-v", is_flag=True, help="List the uncovered and excluded paragraphs.")
def check(faq: Path | None, coverage: bool, min_coverage: float, verbose: bool) -> None:
    """Validate the knowledge base: schema, ids, verbatim quotes, numbers, duplicates.

    \b
    Example:
      faqbot check            # all problems, then the coverage summary
      faqbot check -v         # and every uncovered source paragraph
    """
    from .coverage import coverage_report

    settings = _settings(faq)
    kb, problems = check_knowledge_base(settings.faq_dir)
    for p in problems:
        click.echo(str(p))
    failed = bool(problems)
    if kb is not None:
        n_approved = sum(e.approved for e in kb.entries)
        click.echo(
            f"{len(kb.entries)} entries in {len(kb.topics)} topics ({n_approved} approved), "
            f"{len(kb.sources)} sources, {len(problems)} problem(s)"
        )
        if coverage and kb.sources:
            rep = coverage_report(kb)
            subs = rep.substantive
            click.echo(
                f"coverage: {len(subs) - len(rep.uncovered)}/{len(subs)} substantive source "
                f"paragraphs cited ({rep.ratio:.1%}); {len(rep.excluded)} excluded"
            )
            if verbose:
                for p in rep.uncovered:
                    click.echo(f"  uncovered {p.source}@{p.start}: {p.text[:110]}")
                for p in rep.excluded:
                    click.echo(f"  excluded ({p.excluded}) {p.source}@{p.start}: {p.text[:80]}")
            if rep.ratio < min_coverage:
                click.echo(f"coverage {rep.ratio:.1%} is below {min_coverage:.0%}")
                failed = True
    sys.exit(EXIT_FAIL if failed else EXIT_OK)


# ---------------------------------------------------------------------- build


@main.command()
@faq_option
@index_option
@click.option(
    "--include-drafts",
    is_flag=True,
    envvar="FAQBOT_INCLUDE_DRAFTS",
    help="Index draft entries too (staging).",
)
def build(faq: Path | None, index: Path | None, include_drafts: bool) -> None:
    """Fit the TF-IDF index and the refusal classifier; write them atomically to index/.

    \b
    Example:
      faqbot build
    """
    settings = _settings(faq, index)
    try:
        kb = load_knowledge_base(settings.faq_dir)
        manifest = build_index(kb, settings.index_dir, IndexParams(include_drafts=include_drafts))
    except KnowledgeBaseError as exc:
        _fail(f"{exc}\nfix these (see `faqbot check`), then build again")
    except (IndexUnavailable, ValueError, OSError) as exc:
        _fail(str(exc))
    click.echo(
        f"built {settings.index_dir}: {len(manifest.entry_ids)} entries, {manifest.n_rows} rows, "
        f"{manifest.n_word_terms} word and {manifest.n_char_terms} character terms, "
        f"refusal model on {manifest.policy_train_rows} questions"
    )


# ---------------------------------------------------------------------- ask / chat


def render(resp: AskResponse) -> str:
    """A readable rendering of a response for the terminal."""
    lines: list[str] = []
    if resp.status is Status.answered and resp.answer:
        a = resp.answer
        lines += [a.text, "", f"  [{a.id}] {a.question}  (score {a.score:.2f})"]
        lines.append("  Sources:")
        for s in a.sources:
            who = ", ".join(x for x in (s.title, s.publisher) if x)
            lines.append(f"  - {who}" + (f" <{s.url}>" if s.url else ""))
            lines.append(f'    "{s.passage}"')
        if resp.related:
            lines.append("  Related:")
            lines += [f"  - {r.question} [{r.id}]" for r in resp.related]
    else:
        if resp.refusal and resp.refusal.urgent:
            lines.append("!! URGENT !!")
        lines.append(resp.message or "")
        if resp.related:
            head = "General topics:" if resp.status is Status.refused else "Suggestions:"
            lines += ["", f"  {head}"] + [f"  - {r.question} [{r.id}]" for r in resp.related]
    lines += ["", f"  {resp.disclaimer}"]
    return "\n".join(lines)


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the HTTP API's response body.")
@click.option("--top-k", default=3, show_default=True, type=click.IntRange(1, 10))
@faq_option
@index_option
def ask(
    question: str | None, as_json: bool, top_k: int, faq: Path | None, index: Path | None
) -> None:
    """Answer QUESTION; without it, answer each line of standard input as one JSON line.

    \b
    Examples:
      faqbot ask "how long does nanofat recovery take"
      faqbot ask --json "what is microfat"
      printf 'what is nanofat\\nnanofat cost\\n' | faqbot ask > answers.jsonl
    """
    bot = _load_bot(_settings(faq, index))
    if question is not None:
        try:
            resp = bot.ask(question, top_k=top_k)
        except QuestionError as exc:
            _fail(str(exc), EXIT_USAGE)
        click.echo(resp.model_dump_json() if as_json else render(resp))
        return
    bad = 0
    for n, line in enumerate(sys.stdin, start=1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            click.echo(bot.ask(line, top_k=top_k).model_dump_json())
        except QuestionError as exc:
            bad += 1
            click.echo(json.dumps({"error": {"code": exc.code, "message": f"line {n}: {exc}"}}))
    sys.exit(EXIT_USAGE if bad else EXIT_OK)


@main.command()
@faq_option
@index_option
def chat(faq: Path | None, index: Path | None) -> None:
    """Ask questions interactively; an empty line or Ctrl-D ends.

    \b
    Example:
      faqbot chat
    """
    bot = _load_bot(_settings(faq, index))
    click.echo("Ask about nanofat, microfat or fat transfer. Empty line or Ctrl-D to quit.")
    while True:
        try:
            q = click.prompt("you", default="", show_default=False, prompt_suffix="> ")
        except (EOFError, click.Abort):
            click.echo()
            break
        if not q.strip():
            break
        try:
            click.echo("\n" + render(bot.ask(q)) + "\n")
        except QuestionError as exc:
            click.echo(f"({exc})")


# ---------------------------------------------------------------------- eval


@main.command("eval")
@click.option(
    "--set",
    "eval_set",
    default="test",
    show_default=True,
    type=click.Choice(["dev", "test", "all"]),
    help="Which split of faq/eval/ to run.",
)
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Evaluate these TSV files instead.",
)
@click.option(
    "--min-answer",
    default=0.95,
    show_default=True,
    help="Gate: answerable questions correct at rank 1.",
)
@click.option(
    "--min-nomatch",
    default=0.95,
    show_default=True,
    help="Gate: out-of-scope questions not answered.",
)
@click.option(
    "--min-refusal-recall", default=0.98, show_default=True, help="Gate on the policy held-out set."
)
@click.option(
    "--max-over-refusal", default=0.03, show_default=True, help="Gate on the policy held-out set."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Do not list the misses.")
@faq_option
@index_option
def eval_(
    eval_set: str,
    files: tuple[Path, ...],
    min_answer: float,
    min_nomatch: float,
    min_refusal_recall: float,
    max_over_refusal: float,
    as_json: bool,
    quiet: bool,
    faq: Path | None,
    index: Path | None,
) -> None:
    """Measure answer, no-match and refusal quality; exit 1 below the gates.

    \b
    Example:
      faqbot eval               # the held-out test split: the figures to quote
      faqbot eval --set dev     # the split used for tuning (answers only)
    """
    from .evaluation import evaluate, evaluate_policy, load_eval_rows, per_kind_table

    settings = _settings(faq, index)
    bot = _load_bot(settings)
    if not files:
        names = ["dev", "test"] if eval_set == "all" else [eval_set]
        files = tuple(settings.faq_dir / "eval" / f"{n}.tsv" for n in names)
    rows = []
    try:
        for f in files:
            rows += load_eval_rows(f)
    except (OSError, ValueError) as exc:
        _fail(str(exc), EXIT_USAGE)
    res = evaluate(bot, rows)
    # The policy classifier has its own labelled splits: train and dev (its settings chosen by
    # cross-validation over both, then fitted on both at build) and test (never used for either;
    # the figures to quote and the CI gate). Figures on dev would be in-sample: not reported.
    heldout = settings.faq_dir / "policy" / "test.tsv"
    pol = (
        evaluate_policy(bot, heldout)
        if eval_set != "dev" and heldout.is_file() and not any(f == heldout for f in files)
        else None
    )
    gates = []
    acc = res.answerable_accuracy
    if acc is not None:
        gates.append(("answerable correct at rank 1", acc, min_answer, acc >= min_answer))
    nm = res.accuracy("nomatch")
    if nm is not None:
        gates.append(("out-of-scope not answered", nm, min_nomatch, nm >= min_nomatch))
    if pol is not None:
        gates.append(
            (
                f"refusal recall (policy {heldout.stem})",
                pol.recall,
                min_refusal_recall,
                pol.recall >= min_refusal_recall,
            )
        )
        gates.append(
            (
                f"over-refusal (policy {heldout.stem})",
                pol.over_refusal,
                max_over_refusal,
                pol.over_refusal <= max_over_refusal,
            )
        )
    passed = all(g[3] for g in gates)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "files": [str(f) for f in files],
                    "answers": res.as_dict(),
                    "policy_heldout": pol.as_dict() if pol else None,
                    "gates": [
                        {"name": n, "value": v, "limit": lim, "passed": ok}
                        for n, v, lim, ok in gates
                    ],
                },
                indent=2,
            )
        )
        sys.exit(EXIT_OK if passed else EXIT_FAIL)
    click.echo(f"evaluated {len(rows)} questions from {', '.join(f.name for f in files)}")
    for kind, ok, n, a in per_kind_table(res):
        click.echo(f"  {kind:<8} {ok:>4}/{n:<4} {a:6.1%}")
    if res.mrr3 is not None:
        click.echo(f"  MRR@3 (answer+general): {res.mrr3:.3f}")
    if res.no_match_precision is not None:
        click.echo(
            f"  no_match precision: {res.no_match_precision:.1%} of {res.predicted_no_match}"
        )
    if res.refusal_precision is not None:
        click.echo(f"  refusal precision: {res.refusal_precision:.1%} of {res.refused_total}")
    if res.total["general"]:
        click.echo(f"  general questions refused: {res.refused_general}/{res.total['general']}")
    if pol is not None:
        click.echo(
            f"policy {heldout.stem} ({heldout.name}): recall {pol.recall:.1%}, precision {pol.precision:.1%}, "
            f"over-refusal {pol.over_refusal:.1%} ({pol.fp}/{pol.fp + pol.tn}), urgent flagged {pol.urgent_flagged}/{pol.urgent_total}"
        )
        click.echo(
            f"  over-refusal on general questions that look personal (name the asker or someone "
            f"they know): {pol.over_refusal_looks_personal:.1%} "
            f"({pol.looks_personal_refused}/{pol.looks_personal})"
        )
    if eval_set == "dev":
        click.echo(
            "policy: not measured on dev (policy/dev.tsv is training data; "
            "cross-validate with `python scripts/policy_cv.py`)"
        )
    if not quiet:
        misses = res.misses + (pol.misses if pol else [])
        if misses:
            click.echo("misses:")
        for m in misses:
            click.echo(f"  [{m.kind}] {m.question!r}: expected {m.expected}; got {m.got}")
    for name, value, limit, ok in gates:
        click.echo(f"gate {'PASS' if ok else 'FAIL'}: {name} {value:.1%} (limit {limit:.0%})")
    sys.exit(EXIT_OK if passed else EXIT_FAIL)


# ---------------------------------------------------------------------- serve


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Run the HTTP API (and the widget) with uvicorn.

    \b
    Example:
      faqbot serve --port 8000
      FAQBOT_CORS_ORIGINS=https://clinic.example faqbot serve --host 0.0.0.0 --workers 2
    """
    import uvicorn

    settings = Settings()
    _load_bot(settings)  # fail fast, with a clear message, before starting workers
    uvicorn.run(
        "faqbot.api:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,
        server_header=False,
        proxy_headers=settings.trust_proxy_headers,
    )


# ---------------------------------------------------------------------- approve


@main.command()
@click.argument("entry_ids", nargs=-1)
@click.option("--reviewer", required=True, help="Who reviewed the entries against their sources.")
@click.option(
    "--all-unchanged",
    is_flag=True,
    help="Also approve every entry unchanged since its last approval.",
)
@click.option("--topic", help="Approve every entry of this topic.")
@faq_option
def approve(
    entry_ids: tuple[str, ...],
    reviewer: str,
    all_unchanged: bool,
    topic: str | None,
    faq: Path | None,
) -> None:
    """Record that REVIEWER checked ENTRY_IDS against their sources.

    The entry files keep their comments and order. Editing an approved entry's question,
    answer or citations later lapses it to draft until it is approved again.

    \b
    Examples:
      faqbot approve cost-typical-range --reviewer "A. Editor"
      faqbot approve --topic risks --reviewer "A. Editor"
      faqbot approve --all-unchanged --reviewer "A. Editor"
    """
    from .approval import ApprovalError, unchanged_since_approval
    from .approval import approve as do_approve

    settings = _settings(faq)
    try:
        kb = load_knowledge_base(settings.faq_dir)
    except KnowledgeBaseError as exc:
        _fail(f"{exc}\nfix these before approving")
    ids = list(entry_ids)
    if topic:
        ids += [e.id for e in kb.entries if e.topic == topic]
    if all_unchanged:
        ids += unchanged_since_approval(kb)
    if not ids:
        _fail("name entry ids, --topic or --all-unchanged", EXIT_USAGE)
    try:
        done = do_approve(kb, ids, reviewer)
    except ApprovalError as exc:
        _fail(str(exc), EXIT_USAGE)
    click.echo(f"approved {len(done)} entr{'y' if len(done) == 1 else 'ies'} as {reviewer}")


# ---------------------------------------------------------------------- review / report


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["html", "json", "csv"]), default="html", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (default: review.html / stdout for json and csv).",
)
@faq_option
def review(fmt: str, output: Path | None, faq: Path | None) -> None:
    """Write the content-review report: each entry beside its sources, with warnings.

    \b
    Examples:
      faqbot review                       # review.html, open it in a browser
      faqbot review --format csv > review.csv
    """
    from .approval import write_atomic
    from .review import build_review, render_html, to_csv, to_json

    settings = _settings(faq)
    kb, problems = check_knowledge_base(settings.faq_dir)
    if kb is None:
        _fail("; ".join(str(p) for p in problems))
    for p in problems:
        click.echo(f"warning: {p}", err=True)
    rep = build_review(kb)
    text = {"html": render_html, "json": to_json, "csv": to_csv}[fmt](rep)
    if output is None and fmt == "html":
        output = Path("review.html")
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output.resolve(), text)
        s = rep.summary
        click.echo(
            f"wrote {output}: {s['entries']} entries, {s['approved']} approved, {s['with_warnings']} with warnings, coverage {s['coverage']:.1%}",
            err=True,
        )


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Query log (default: FAQBOT_QUERY_LOG).",
)
def report(fmt: str, limit: int, log_path: Path | None) -> None:
    """Summarise live questions: no-match questions, weak answers, feedback, refusals.

    \b
    Example:
      faqbot report
      faqbot report --format csv > live.csv
    """
    from .report import live_report, to_csv, to_json, to_text

    path = log_path or Settings().query_log
    if path is None:
        _fail("the query log is turned off (FAQBOT_QUERY_LOG is empty)", EXIT_USAGE)
    try:
        rep = live_report(path, limit)
    except (FileNotFoundError, OSError) as exc:
        _fail(str(exc))
    click.echo({"text": to_text, "json": to_json, "csv": to_csv}[fmt](rep))
