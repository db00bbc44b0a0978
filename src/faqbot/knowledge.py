"""Read and validate the knowledge base in ``faq/``.

``load_knowledge_base(path)`` returns a :class:`KnowledgeBase` or raises :class:`KnowledgeBaseError`
listing every problem (file, entry id, what is wrong). ``check_knowledge_base(path)`` returns the
knowledge base (or ``None``) and the full list of problems, for ``faqbot check``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .models import Entry, SourceMeta
from .scope import ScopeConfig, ScopeConfigError
from .text import collapse_ws, count_sentences, numbers, phrasing_key

# libyaml's safe loader when PyYAML was built with it (its wheels are): the same documents ten
# times faster than the pure-Python one, which took over a second of every start-up
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _safe_load(text: str) -> object:
    """``yaml.safe_load`` with :data:`_SAFE_LOADER` (what safe_load does, with that class)."""
    loader = _SAFE_LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


MAX_ANSWER_SENTENCES = 4
MIN_ALTERNATES = 3


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


class KnowledgeBaseError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"knowledge base has {len(problems)} problem(s):\n{shown}{more}")


@dataclass
class Source:
    meta: SourceMeta
    text: str
    _norm: str = field(repr=False, default="")
    _map: list[int] = field(repr=False, default_factory=list)

    def __post_init__(self) -> None:
        # Whitespace-collapsed text plus, for each of its characters, the offset in the original.
        out: list[str] = []
        offsets: list[int] = []
        in_ws = False
        for i, ch in enumerate(self.text):
            if ch.isspace():
                if not in_ws and out:
                    out.append(" ")
                    offsets.append(i)
                in_ws = True
            else:
                out.append(ch)
                offsets.append(i)
                in_ws = False
        self._norm = "".join(out)
        self._map = offsets
        self._located: dict[str, tuple[int, int] | None] = {}  # citation quotes: a bounded set

    @property
    def id(self) -> str:
        return self.meta.id

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Character offsets of ``quote`` in the original text, whitespace differences allowed.
        Remembered per quote: every answer looks up its citations again."""
        if quote not in self._located:
            self._located[quote] = self._find(quote)
        return self._located[quote]

    def _find(self, quote: str) -> tuple[int, int] | None:
        q = collapse_ws(quote)
        if not q:
            return None
        pos = self._norm.find(q)
        if pos < 0:
            return None
        return self._map[pos], self._map[pos + len(q) - 1] + 1


@dataclass
class KnowledgeBase:
    root: Path
    sources: dict[str, Source]
    entries: list[Entry]
    files: dict[str, str]  # entry id -> file it lives in (relative to root)
    synonyms: list[list[str]]
    digest: str
    scope: ScopeConfig = field(default_factory=lambda: ScopeConfig(anchors=()))  # scope.yaml

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entries}

    @property
    def topics(self) -> list[str]:
        return sorted({e.topic for e in self.entries})

    def served_entries(self, include_drafts: bool = False) -> list[Entry]:
        return [e for e in self.entries if include_drafts or e.approved]

    def passages(self, entry: Entry) -> list[tuple[Source, int, int, str]]:
        """Each citation as (source, start, end, verbatim passage from the source text)."""
        out = []
        for c in entry.citations:
            src = self.sources[c.source]
            span = src.locate(c.quote)
            if span is not None:
                out.append((src, span[0], span[1], src.text[span[0] : span[1]]))
        return out


# Files whose content decides what the index holds; their bytes make the knowledge-base hash.
def content_files(root: Path) -> list[Path]:
    files = [root / "sources" / "sources.yaml", root / "synonyms.yaml"]
    files += sorted((root / "sources").glob("*.txt"))
    files += sorted((root / "entries").glob("*.yaml"))
    files += sorted((root / "policy").glob("*.tsv"))
    return [f for f in files if f.is_file()]


def knowledge_digest(root: Path) -> str:
    h = hashlib.sha256()
    for f in content_files(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    return h.hexdigest()


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> object | None:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, None, f"not valid UTF-8 (byte {exc.start})"))
        return None
    except OSError as exc:
        problems.append(Problem(rel, None, f"cannot be read: {exc.strerror}"))
        return None
    try:
        return _safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or "invalid YAML"
        problems.append(Problem(rel, None, f"is not valid YAML{where}: {reason}"))
        return None


def _pydantic_errors(exc: ValidationError) -> Iterable[str]:
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(entry)"
        yield f"{loc}: {err['msg']}"


def _load_sources(root: Path, problems: list[Problem]) -> dict[str, Source]:
    rel = "sources/sources.yaml"
    known = len(problems)
    data = _read_yaml(root / rel, rel, problems) if (root / rel).is_file() else None
    if data is None:
        if not (root / rel).is_file():
            problems.append(Problem(rel, None, "missing: the source metadata file is required"))
        elif len(problems) == known:
            problems.append(Problem(rel, None, "is empty: expected a list of sources"))
        return {}
    if not isinstance(data, list):
        problems.append(Problem(rel, None, "must be a list of sources"))
        return {}
    sources: dict[str, Source] = {}
    for i, item in enumerate(data):
        name = item.get("id") if isinstance(item, dict) else None
        label = str(name or f"#{i + 1}")
        try:
            meta = SourceMeta.model_validate(item)
        except ValidationError as exc:
            problems += [Problem(rel, label, m) for m in _pydantic_errors(exc)]
            continue
        if meta.id in sources:
            problems.append(Problem(rel, meta.id, "duplicate source id"))
            continue
        path = root / "sources" / meta.file
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, meta.id, f"source file {meta.file} cannot be read: {exc}"))
            continue
        sources[meta.id] = Source(meta, text)
    return sources


def _load_synonyms(root: Path, problems: list[Problem]) -> list[list[str]]:
    path = root / "synonyms.yaml"
    if not path.is_file():
        return []
    data = _read_yaml(path, "synonyms.yaml", problems)
    if data is None:
        return []
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and len(g) >= 2 and all(isinstance(t, str) and t.strip() for t in g)
        for g in groups
    ):
        problems.append(
            Problem("synonyms.yaml", None, "must have `groups:` a list of lists of 2+ terms")
        )
        return []
    return [[t.strip() for t in g] for g in groups]


def _check_entry(
    entry: Entry, rel: str, sources: dict[str, Source], problems: list[Problem]
) -> None:
    quotes = []
    for c in entry.citations:
        src = sources.get(c.source)
        if src is None:
            problems.append(Problem(rel, entry.id, f"citation names unknown source {c.source!r}"))
            continue
        if src.locate(c.quote) is None:
            problems.append(
                Problem(rel, entry.id, f"quote not found verbatim in {c.source}: {c.quote[:60]!r}")
            )
        quotes.append(collapse_ws(c.quote))
    joined = " ".join(quotes)
    for num in dict.fromkeys(numbers(entry.answer)):
        if num not in joined:
            problems.append(
                Problem(
                    rel, entry.id, f"number {num!r} in the answer appears in none of its quotes"
                )
            )
    n = count_sentences(entry.answer)
    if n > MAX_ANSWER_SENTENCES:
        problems.append(
            Problem(rel, entry.id, f"answer has {n} sentences; keep it to {MAX_ANSWER_SENTENCES}")
        )
    if entry.review.status.value == "approved" and not (
        entry.review.reviewer and entry.review.date
    ):
        problems.append(Problem(rel, entry.id, "approved entries need a reviewer and a date"))


def check_knowledge_base(root: Path | str) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and validate everything under ``root``.

    Returns what could be loaded (entries that failed validation left out) and every problem
    found; ``load_knowledge_base`` is the strict version for serving.
    """
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), None, "knowledge-base folder not found")]
    sources = _load_sources(root, problems)
    synonyms = _load_synonyms(root, problems)
    try:
        scope = ScopeConfig.load(root / "scope.yaml")
    except ScopeConfigError as exc:
        problems.append(Problem("scope.yaml", None, exc.reason))
        scope = ScopeConfig(anchors=())
    entries: list[Entry] = []
    files: dict[str, str] = {}
    seen_phrasing: dict[str, str] = {}
    entry_files = sorted((root / "entries").glob("*.yaml"))
    if not entry_files:
        problems.append(Problem("entries/", None, "no entry files (*.yaml) found"))
    for path in entry_files:
        rel = path.relative_to(root).as_posix()
        known = len(problems)
        data = _read_yaml(path, rel, problems)
        if data is None:
            if len(problems) == known:  # empty, or comments only: e.g. truncated by a bad write
                problems.append(Problem(rel, None, "is empty: expected `topic:` and `entries:`"))
            continue
        if not isinstance(data, dict) or "entries" not in data or "topic" not in data:
            problems.append(Problem(rel, None, "must be a mapping with `topic:` and `entries:`"))
            continue
        topic = data.get("topic")
        if topic != path.stem:
            problems.append(Problem(rel, None, f"topic {topic!r} must match the file name"))
        raw_entries = data.get("entries")
        if not isinstance(raw_entries, list) or not raw_entries:
            problems.append(Problem(rel, None, "`entries:` must be a non-empty list"))
            continue
        for i, raw in enumerate(raw_entries):
            label = raw.get("id") if isinstance(raw, dict) else None
            label = str(label or f"entry #{i + 1}")
            if isinstance(raw, dict) and "topic" in raw:
                problems.append(Problem(rel, label, "topic is set by the file, not per entry"))
                continue
            try:
                entry = Entry.model_validate({**raw, "topic": str(topic)})
            except (ValidationError, TypeError) as exc:
                msgs = (
                    _pydantic_errors(exc)
                    if isinstance(exc, ValidationError)
                    else ["must be a mapping"]
                )
                problems += [Problem(rel, label, m) for m in msgs]
                continue
            if entry.id in files:
                problems.append(Problem(rel, entry.id, f"duplicate id (also in {files[entry.id]})"))
                continue
            files[entry.id] = rel
            _check_entry(entry, rel, sources, problems)
            for p in entry.phrasings:
                key = phrasing_key(p)
                other = seen_phrasing.get(key)
                if other and other != entry.id:
                    problems.append(
                        Problem(rel, entry.id, f"phrasing {p!r} duplicates one of entry {other}")
                    )
                seen_phrasing.setdefault(key, entry.id)
            entries.append(entry)
    kb = KnowledgeBase(root, sources, entries, files, synonyms, knowledge_digest(root), scope)
    return kb, problems


def load_knowledge_base(root: Path | str) -> KnowledgeBase:
    kb, problems = check_knowledge_base(root)
    if problems or kb is None:
        raise KnowledgeBaseError(problems)
    return kb
