from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faqbot.index import build_index
from faqbot.knowledge import load_knowledge_base
from faqbot.service import FaqBot
from faqbot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A writable copy of the small fixture knowledge base."""
    dest = tmp_path / "faq"
    shutil.copytree(DATA / "kb", dest)
    return dest


@pytest.fixture
def settings(kb_dir: Path, tmp_path: Path) -> Settings:
    return Settings(faq_dir=kb_dir, index_dir=tmp_path / "index", query_log=None, min_score=0.3)


@pytest.fixture
def bot(settings: Settings) -> FaqBot:
    kb = load_knowledge_base(settings.faq_dir)
    build_index(kb, settings.index_dir)
    return FaqBot.from_settings(settings.model_copy(update={"rebuild": "never"}))


@pytest.fixture(scope="session")
def real_bot() -> FaqBot:
    """The real knowledge base and a fresh index of it, built in a temporary folder."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="faqbot-test-index-"))
    s = Settings(faq_dir=ROOT / "faq", index_dir=tmp / "index", query_log=None)
    yield FaqBot.from_settings(s)
    shutil.rmtree(tmp, ignore_errors=True)
