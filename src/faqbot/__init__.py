"""faqbot: answers questions about nanofat grafting from a curated, source-backed knowledge base."""

__version__ = "0.1.0"

from .knowledge import KnowledgeBase, KnowledgeBaseError, check_knowledge_base, load_knowledge_base
from .service import FaqBot, QuestionError

__all__ = [
    "FaqBot",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "QuestionError",
    "__version__",
    "check_knowledge_base",
    "load_knowledge_base",
]
