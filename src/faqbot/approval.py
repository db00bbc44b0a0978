"""Record reviewers' approvals in the entry files, keeping comments, order and layout.

An approval stores the reviewer, the date and a hash of what was approved (question, answer,
citations). If any of those change afterwards the hash no longer matches and the entry counts
as a draft again (``Entry.approved``), so an edited answer is never served unreviewed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .knowledge import KnowledgeBase


class ApprovalError(ValueError):
    pass


def _yaml() -> YAML:
    y = YAML()  # round-trip mode: comments, key order and quoting survive
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def approve(
    kb: KnowledgeBase, entry_ids: Iterable[str], reviewer: str, when: date | None = None
) -> list[str]:
    """Mark the given entries approved by ``reviewer``; return the ids changed."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise ApprovalError("a reviewer name is required")
    ids = list(dict.fromkeys(entry_ids))
    unknown = [i for i in ids if kb.entry(i) is None]
    if unknown:
        raise ApprovalError(f"unknown entry id(s): {', '.join(unknown)}")
    day = (when or date.today()).isoformat()
    by_file: dict[str, list[str]] = {}
    for i in ids:
        by_file.setdefault(kb.files[i], []).append(i)
    y = _yaml()
    for rel, file_ids in by_file.items():
        path = kb.root / rel
        doc = y.load(path.read_text(encoding="utf-8"))
        for item in doc["entries"]:
            if item.get("id") in file_ids:
                entry = kb.entry(item["id"])
                review = item.get("review")
                if not isinstance(review, CommentedMap):
                    review = CommentedMap()
                    item["review"] = review
                last = next(reversed(review), None) if review else None
                review["status"] = "approved"
                review["reviewer"] = reviewer
                review["date"] = day
                review["hash"] = entry.content_hash()
                # A comment or blank line after the mapping hangs on its last key; keep it at the
                # end of the mapping when a key is added, so the file's layout does not shift.
                new_last = next(reversed(review))
                if last is not None and last != new_last and last in review.ca.items:
                    review.ca.items[new_last] = review.ca.items.pop(last)
        from io import StringIO

        buf = StringIO()
        y.dump(doc, buf)
        write_atomic(path, buf.getvalue())
    return ids


def unchanged_since_approval(kb: KnowledgeBase) -> list[str]:
    """Entries not currently approved whose content still matches their last approval's hash
    (for example, set back to draft by hand and not edited since)."""
    return [
        e.id
        for e in kb.entries
        if not e.approved and e.review.hash and e.review.hash == e.content_hash()
    ]
