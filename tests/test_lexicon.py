"""The shipped verb lexicon (src/faqbot/data/verbs.txt) and the script that makes it."""

from __future__ import annotations

import importlib.util
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from faqbot.scope import _verbs

ROOT = Path(__file__).resolve().parent.parent
LEXICON = ROOT / "src" / "faqbot" / "data" / "verbs.txt"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "verb_lexicon", ROOT / "scripts" / "verb_lexicon.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_listed_word_is_only_a_verb_to_lemminflect() -> None:
    from lemminflect import getAllLemmas

    words = _verbs()
    assert len(words) > 10_000
    not_only_verbs = [w for w in words if getAllLemmas(w).keys() != {"VERB"}]
    assert not_only_verbs == []


def test_the_lexicon_is_what_the_script_writes_from_the_installed_libraries() -> None:
    header = LEXICON.read_text(encoding="utf-8").splitlines()[:2]
    made_with = re.findall(r"(lemminflect|wordfreq) ([\w.]+)", " ".join(header))
    if any(version(name) != v for name, v in made_with):
        pytest.skip(f"verbs.txt was made with {made_with}; other versions are installed")
    assert sorted(_verbs()) == _script().verb_only_words(), (
        "src/faqbot/data/verbs.txt is stale: run python scripts/verb_lexicon.py"
    )


def test_the_script_writes_the_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _script()
    out = tmp_path / "data" / "verbs.txt"
    monkeypatch.setattr(module, "OUT", out)
    monkeypatch.setattr(module, "verb_only_words", lambda: ["abate", "weigh"])
    assert module.main() == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[-2:] == ["abate", "weigh"] and lines[0].startswith("#")
    assert [p.name for p in out.parent.iterdir()] == ["verbs.txt"]  # no temporary file left
