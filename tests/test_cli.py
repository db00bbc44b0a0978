"""The command line through its console script, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from faqbot.settings import Settings


@pytest.fixture
def env(bot, settings: Settings) -> dict[str, str]:  # `bot` builds the fixture index
    return {
        **os.environ,
        "FAQBOT_FAQ_DIR": str(settings.faq_dir),
        "FAQBOT_INDEX_DIR": str(settings.index_dir),
        "FAQBOT_QUERY_LOG": "",
    }


def run(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["faqbot", *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


def test_ask_prints_a_readable_answer_with_sources(env) -> None:
    p = run(["ask", "what is nano fat"], env)
    assert p.returncode == 0, p.stderr
    assert "mechanically emulsified" in p.stdout
    assert "Sources:" in p.stdout and "What Are Nanofat Grafts?" in p.stdout
    assert "not medical advice" in p.stdout


def test_ask_json_is_the_api_body(env) -> None:
    p = run(["ask", "--json", "--top-k", "1", "what cells are in nanofat"], env)
    body = json.loads(p.stdout)
    assert body["status"] == "answered" and body["answer"]["id"] == "basics-cells"
    assert len(body["related"]) <= 1 and body["request_id"]


def test_refusal_and_no_match_messages(env) -> None:
    p = run(["ask", "my cheek turned white after the injection"], env)
    assert p.returncode == 0 and "URGENT" in p.stdout and "surgeon" in p.stdout
    p = run(["ask", "what is the capital of peru"], env)
    assert p.returncode == 0 and "Sorry" in p.stdout


def test_batch_mode_reads_stdin_one_json_per_line(env) -> None:
    p = run(
        ["ask"],
        env,
        stdin="what is nanofat\n\nnanofat recovery time\n"
        + "x" * 1001
        + "\nwhat is the capital of peru\n",
    )
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert [line.get("status") for line in lines] == ["answered", "answered", None, "no_match"]
    assert (
        lines[2]["error"]["code"] == "question_too_long"
        and "line 4" in lines[2]["error"]["message"]
    )
    assert p.returncode == 2  # one line was unusable


def test_usage_errors_exit_2(env) -> None:
    assert run(["ask", ""], env).returncode == 2
    assert run(["ask", "--top-k", "99", "x"], env).returncode == 2
    assert run(["nonsense"], env).returncode == 2


def test_every_command_has_help_with_an_example(env) -> None:
    for cmd in ["check", "build", "ask", "chat", "eval", "serve", "approve"]:
        p = run([cmd, "--help"], env)
        assert p.returncode == 0 and "Example" in p.stdout, cmd


def test_chat_loop(env) -> None:
    p = run(["chat"], env, stdin="what is nanofat\nwhat is the capital of peru\n\n")
    assert p.returncode == 0
    assert "mechanically emulsified" in p.stdout and "Sorry" in p.stdout


def test_missing_index_with_rebuild_never_fails_clearly(env, tmp_path: Path) -> None:
    e = {**env, "FAQBOT_INDEX_DIR": str(tmp_path / "none"), "FAQBOT_REBUILD": "never"}
    p = run(["ask", "what is nanofat"], e)
    assert p.returncode == 1 and "faqbot build" in p.stderr and "Traceback" not in p.stderr


def test_stale_index_is_rebuilt_by_default(env, settings: Settings) -> None:
    (settings.faq_dir / "synonyms.yaml").write_text("groups:\n  - [nanofat, nano fat]\n")
    p = run(["ask", "--json", "what is nanofat"], env)
    assert p.returncode == 0 and json.loads(p.stdout)["status"] == "answered"
    assert "rebuilding index" in p.stderr


def test_build_and_approve_round_trip_keeps_comments(env, settings: Settings) -> None:
    p = run(["approve", "practical-cost", "--reviewer", "A. Editor"], env)
    assert p.returncode == 0, p.stderr
    text = (settings.faq_dir / "entries/practical.yaml").read_text()
    assert 'reviewer: "A. Editor"' in text or "reviewer: A. Editor" in text
    assert (settings.faq_dir / "entries/basics.yaml").read_text().startswith("# Basics: a comment")
    p = run(["build"], env)
    assert p.returncode == 0 and "4 entries" in p.stdout
    assert run(["approve", "no-such-id", "--reviewer", "x"], env).returncode == 2
