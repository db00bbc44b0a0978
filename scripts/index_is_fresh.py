"""Exit 1 if the committed index/ does not match the knowledge base (someone forgot `faqbot build`)."""

import sys

from faqbot.index import IndexUnavailable, load_index, policy_training_rows
from faqbot.knowledge import load_knowledge_base
from faqbot.settings import Settings

settings = Settings()
try:
    index = load_index(settings.index_dir, load_knowledge_base(settings.faq_dir))
except IndexUnavailable as exc:
    print(f"committed index is not usable: {exc}", file=sys.stderr)
    sys.exit(1)
# The hash covers the files, not which of them the build reads: check the refusal model was
# fitted on the rows the current code trains on.
expected = len(policy_training_rows(settings.faq_dir / "policy"))
if index.manifest.policy_train_rows != expected:
    print(
        f"committed index's refusal model was fitted on {index.manifest.policy_train_rows} "
        f"questions, the build now uses {expected}: run `faqbot build`",
        file=sys.stderr,
    )
    sys.exit(1)
print("index/ matches the knowledge base")
