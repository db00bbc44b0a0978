"""Schemas: the knowledge base on disk, and the answers the service gives.

Everything that crosses a boundary (a YAML file, an HTTP body, a JSON line from the CLI) is one
of these pydantic models, so the CLI and the HTTP API share one shape.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
SOURCE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --------------------------------------------------------------------------- knowledge base


class SourceMeta(_Strict):
    """One source document's metadata (``faq/sources/sources.yaml``). Empty means not stated."""

    id: str = Field(pattern=SOURCE_ID_PATTERN)
    file: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.txt$")
    title: str
    publisher: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    kind: str = ""

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if v and not re.match(r"^https?://[^\s<>\"']+$", v):
            raise ValueError("url must be empty or an http(s) URL")
        return v

    @field_validator("date")
    @classmethod
    def _iso_date(cls, v: str) -> str:
        if v:
            date.fromisoformat(v)
        return v


class Citation(_Strict):
    source: str = Field(pattern=SOURCE_ID_PATTERN)
    quote: str = Field(min_length=4, max_length=1200)


class ReviewStatus(StrEnum):
    draft = "draft"
    approved = "approved"


class Review(_Strict):
    status: ReviewStatus = ReviewStatus.draft
    reviewer: str = ""
    date: str = ""
    # sha256 of what was approved (question, answer, citations); a later edit lapses the approval.
    hash: str = ""

    @field_validator("date")
    @classmethod
    def _iso_date(cls, v: str) -> str:
        if v:
            date.fromisoformat(v)
        return v


class Entry(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    question: str = Field(min_length=5, max_length=300)
    alternates: list[str] = Field(min_length=3)
    answer: str = Field(min_length=20, max_length=1500)
    citations: list[Citation] = Field(default_factory=list)
    # a question people ask that the sources do not answer: the entry catches its phrasings so
    # that it gets an honest no match, with ``answer`` saying what the sources leave out
    gap: bool = False
    review: Review = Field(default_factory=Review)
    topic: str = ""  # filled from the file's topic by the loader

    @model_validator(mode="after")
    def _cited_unless_a_gap(self) -> Entry:
        if self.gap and self.citations:
            raise ValueError("a gap entry answers nothing, so it cites nothing")
        if not self.gap and not self.citations:
            raise ValueError("an entry needs at least one citation (or `gap: true`)")
        return self

    @field_validator("alternates")
    @classmethod
    def _non_empty(cls, v: list[str]) -> list[str]:
        v = [a.strip() for a in v]
        if any(not a for a in v):
            raise ValueError("alternates must not be empty strings")
        return v

    def content_hash(self) -> str:
        """Hash of what a reviewer approves: the question, the answer and the citations."""
        payload: dict[str, object] = {
            "question": self.question,
            "answer": self.answer,
            "citations": [[c.source, c.quote] for c in self.citations],
        }
        if self.gap:  # only when set, so that every other entry keeps its approved hash
            payload["gap"] = True
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def approved(self) -> bool:
        """Approved and unchanged since approval (an edited entry lapses to draft)."""
        return (
            self.review.status is ReviewStatus.approved and self.review.hash == self.content_hash()
        )

    @property
    def phrasings(self) -> list[str]:
        return [self.question, *self.alternates]


class TopicFile(_Strict):
    topic: str = Field(pattern=ID_PATTERN)
    entries: list[Entry] = Field(min_length=1)


# --------------------------------------------------------------------------- answers


class Status(StrEnum):
    answered = "answered"
    refused = "refused"
    no_match = "no_match"


class SourcePassage(BaseModel):
    source_id: str
    title: str
    publisher: str
    url: str
    passage: str = Field(description="The quote, verbatim as it stands in the source text.")
    start: int = Field(description="Character offset of the passage in the source text.")
    end: int = Field(description="Character offset just past the passage.")


class Answer(BaseModel):
    id: str
    question: str = Field(description="The entry's canonical question.")
    text: str
    topic: str
    score: float
    sources: list[SourcePassage]


class Related(BaseModel):
    id: str
    question: str
    score: float


class Refusal(BaseModel):
    reason: str = Field(description="Why the question was refused, e.g. 'personal_advice'.")
    urgent: bool


class AskResponse(BaseModel):
    status: Status
    answer: Answer | None = None
    related: list[Related] = Field(default_factory=list)
    message: str | None = None
    refusal: Refusal | None = None
    matched_terms: list[str] = Field(
        default_factory=list, description="Query terms that matched the best entry."
    )
    disclaimer: str
    request_id: str


class AskRequest(BaseModel):
    # strict: "top_k": "3" is a type error, as the schema says, not silently coerced
    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(min_length=1, max_length=1000)
    top_k: int = Field(default=3, ge=1, le=10, strict=False)

    @field_validator("top_k", mode="before")
    @classmethod
    def _json_integer(cls, v: object) -> object:
        # JSON Schema's "integer" admits 3.0 but not "3" or true; lax int parsing would take all
        # three (and rejects 2.5 itself), so only strings and booleans are turned away here.
        if isinstance(v, str | bool):
            raise ValueError("must be an integer")
        return v

    @field_validator("question")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("question must contain some text")
        return v


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    request_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    helpful: bool
    comment: str | None = Field(default=None, max_length=1000)


class FeedbackResponse(BaseModel):
    status: Literal["recorded"] = "recorded"


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody
