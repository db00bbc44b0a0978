"""Temporary drafting aid: check that every quote in the given entry files is verbatim in its source.

Usage: python scripts/draft_quotes.py faq/entries/cost.yaml [...]
(Superseded by `faqbot check` once the package is installed.)
"""
import re
import sys
from pathlib import Path

import yaml

root = Path(__file__).resolve().parent.parent
meta = yaml.safe_load((root / "faq/sources/sources.yaml").read_text())
norm = lambda s: re.sub(r"\s+", " ", s).strip()
texts = {m["id"]: norm((root / "faq/sources" / m["file"]).read_text(encoding="utf-8")) for m in meta}
bad = 0
for path in sys.argv[1:]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    ids = set()
    for e in data["entries"]:
        if e["id"] in ids:
            print(f"{path}: {e['id']}: duplicate id"); bad += 1
        ids.add(e["id"])
        if len(e.get("alternates", [])) < 3:
            print(f"{path}: {e['id']}: fewer than 3 alternates"); bad += 1
        quotes = ""
        for c in e["citations"]:
            if c["source"] not in texts:
                print(f"{path}: {e['id']}: unknown source {c['source']}"); bad += 1
            elif norm(c["quote"]) not in texts[c["source"]]:
                print(f"{path}: {e['id']}: quote not verbatim in {c['source']}: {c['quote'][:70]!r}"); bad += 1
            quotes += " " + c["quote"]
        for num in re.findall(r"\d+(?:[.,]\d+)*%?", e["answer"]):
            if num not in quotes:
                print(f"{path}: {e['id']}: number {num!r} in answer is in none of its quotes"); bad += 1
    print(f"{path}: {len(data['entries'])} entries")
print("OK" if not bad else f"{bad} problem(s)")
sys.exit(1 if bad else 0)
