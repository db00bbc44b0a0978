"""Exit 1 if the committed index/ does not match the knowledge base (someone forgot `faqbot build`)."""

import sys

from faqbot.index import IndexUnavailable, load_index
from faqbot.knowledge import load_knowledge_base
from faqbot.settings import Settings

settings = Settings()
try:
    load_index(settings.index_dir, load_knowledge_base(settings.faq_dir))
except IndexUnavailable as exc:
    print(f"committed index is not usable: {exc}", file=sys.stderr)
    sys.exit(1)
print("index/ matches the knowledge base")
