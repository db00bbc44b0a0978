"""All settings in one object, read from ``FAQBOT_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .retrieval import RetrievalParams

_RETRIEVAL = RetrievalParams()


def project_root() -> Path:
    """The folder holding ``faq/``: the current directory if it has one, else the checkout."""
    cwd = Path.cwd()
    if (cwd / "faq").is_dir():
        return cwd
    return Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAQBOT_", extra="ignore")

    faq_dir: Path = Field(default_factory=lambda: project_root() / "faq")
    index_dir: Path = Field(default_factory=lambda: project_root() / "index")
    # What to do at start-up when the index is missing or stale: rebuild it, or refuse to start.
    rebuild: Literal["if-stale", "never"] = "if-stale"
    include_drafts: bool = False  # serve draft entries too (staging only)

    # Retrieval: the defaults are RetrievalParams' (calibrated on faq/eval/dev.tsv)
    word_weight: float = Field(_RETRIEVAL.word_weight, ge=0, le=1)
    support_weight: float = Field(_RETRIEVAL.support_weight, ge=0, le=1)
    answer_weight: float = Field(_RETRIEVAL.answer_weight, ge=0, le=10)
    min_score: float = Field(_RETRIEVAL.min_score, ge=0, le=1)
    # for questions naming nanofat/fat transfer
    min_score_anchored: float = Field(_RETRIEVAL.min_score_anchored, ge=0, le=1)
    # for questions using only words of the subject (ScopeCheck.familiar)
    min_score_familiar: float = Field(_RETRIEVAL.min_score_familiar, ge=0, le=1)
    suggest_ratio: float = Field(_RETRIEVAL.suggest_ratio, ge=0, le=1)  # share of the threshold
    related_score: float = Field(_RETRIEVAL.related_score, ge=0, le=1)
    # a gap entry (a question the sources leave open) needs this besides the answer threshold
    gap_min_score: float = Field(_RETRIEVAL.gap_min_score, ge=0, le=1)
    policy_threshold: float | None = Field(None, ge=0, le=1)

    # HTTP
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = Field(16 * 1024, ge=1024)
    rate_limit_per_minute: int = Field(60, ge=0)  # per client address; 0 turns it off
    rate_limit_burst: int = Field(20, ge=1)
    trust_proxy_headers: bool = False
    log_level: str = "INFO"
    # Bearer token for /review (off when unset). Nothing rate-limits guesses, so it must be long.
    review_token: str | None = Field(None, min_length=16)

    # Query log (SQLite). Empty path turns it off.
    query_log: Path | None = Field(
        default_factory=lambda: project_root() / "var" / "queries.sqlite3"
    )
    retention_days: int = Field(30, ge=1)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, v: object) -> object:
        if isinstance(v, str):
            return [o.strip() for o in v.split(",") if o.strip()]
        return v

    @field_validator("cors_origins", mode="after")
    @classmethod
    def _exact_origins(cls, v: list[str]) -> list[str]:
        for origin in v:
            u = urlsplit(origin)
            if u.scheme not in ("http", "https") or not u.netloc or "*" in origin or u.path:
                raise ValueError(
                    f"CORS origin {origin!r} must be an exact origin such as "
                    "https://clinic.example (no wildcard, no path)"
                )
        return v

    @field_validator("query_log", "review_token", mode="before")
    @classmethod
    def _empty_is_off(cls, v: object) -> object:
        return None if v in ("", None) else v
