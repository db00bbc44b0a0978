"""The HTTP API: a thin FastAPI layer over :class:`faqbot.service.FaqBot`.

``create_app(settings)`` builds the app; the knowledge base and index are loaded in the lifespan,
so a broken knowledge base or a stale index stops start-up with a message that says what to run.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .knowledge import knowledge_digest
from .models import (
    Answer,
    AskRequest,
    AskResponse,
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    Status,
)
from .querylog import QueryLog
from .service import FaqBot
from .settings import Settings

log = logging.getLogger("faqbot.api")
access_log = logging.getLogger("faqbot.access")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATIC = Path(__file__).parent / "static"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


# Every status an operation can answer with is documented, with its body, so clients (and the
# schema fuzzer, tests/test_fuzz_api.py) can rely on the OpenAPI schema.
def _err(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


POST_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _err("The body is not valid JSON"),
    413: _err("The body is over the size limit (FAQBOT_MAX_BODY_BYTES)"),
    422: _err("Invalid request"),
    429: _err("Rate limited; see the Retry-After header"),
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _err("No such item")}


class EntrySummary(BaseModel):
    id: str
    question: str
    topic: str


class EntryList(BaseModel):
    entries: list[EntrySummary]
    topics: list[str]


class SourceDocument(BaseModel):
    id: str
    title: str
    publisher: str
    author: str
    date: str
    url: str
    text: str


class Readiness(BaseModel):
    status: str  # ready | stale | not_ready
    reason: str | None = None
    entries: int | None = None  # entries that answer (as listed by /v1/entries)
    gaps: int | None = None  # gap entries: questions the sources leave open
    built_at: str | None = None
    # off | ok | failing (<error type>): a failing query log does not stop answers, so it does
    # not make the service unready, but operators should see it.
    query_log: str | None = None


class JsonFormatter(logging.Formatter):
    """One JSON object per line. Values are JSON-encoded, so no input can forge a log line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        return json.dumps(data, ensure_ascii=True)


def configure_logging(level: str) -> None:
    root = logging.getLogger("faqbot")
    if not any(getattr(h, "_faqbot", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._faqbot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.propagate = False
    root.setLevel(level.upper())


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


# --------------------------------------------------------------------------- ASGI middleware


class GuardMiddleware:
    """Request ids, size limits, per-client rate limits, security headers and the access log.

    Plain ASGI (not BaseHTTPMiddleware) so it costs microseconds per request.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.rate = settings.rate_limit_per_minute / 60.0
        self.burst = float(settings.rate_limit_burst)
        self.trust_proxy = settings.trust_proxy_headers
        self.buckets: dict[str, tuple[float, float]] = {}

    def _client(self, scope: Scope) -> str:
        if self.trust_proxy:
            # The trusted proxy appends the address it saw to X-Forwarded-For; the entries
            # before it are whatever the client sent, so only the last one can be believed.
            forwarded = [v for k, v in scope.get("headers", []) if k == b"x-forwarded-for"]
            last = forwarded[-1].decode("latin-1").split(",")[-1].strip()[:64] if forwarded else ""
            if last:
                return last
        client = scope.get("client")
        return client[0] if client else "unknown"

    def _allow(self, key: str) -> float:
        """0 if allowed, else seconds until a token is available (token bucket)."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        tokens, last = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self.buckets[key] = (tokens - 1.0, now)
            if len(self.buckets) > 50_000:  # forget idle clients; bounded memory
                self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < 120}
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state = scope.setdefault("state", {})
        path = scope.get("path", "")
        status_holder = [500]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if "request_id" in state:
                    headers.append((b"x-request-id", state["request_id"].encode()))
                message["headers"] = headers
            await send(message)

        try:
            if scope["method"] == "POST" and path.startswith("/v1/"):
                wait = self._allow(self._client(scope))
                if wait > 0:
                    retry = str(max(1, math.ceil(wait)))
                    resp = error_response(
                        429,
                        "rate_limited",
                        f"too many requests; try again in {retry} s",
                        {"Retry-After": retry},
                    )
                    await resp(scope, receive, send_wrapper)
                    return
                declared = next(
                    (v for k, v in scope.get("headers", []) if k == b"content-length"), None
                )
                if declared is not None and (
                    not declared.isdigit() or int(declared) > self.max_body
                ):
                    resp = error_response(
                        413, "body_too_large", f"request body is over {self.max_body} bytes"
                    )
                    await resp(scope, receive, send_wrapper)
                    return
                receive = self._limited(receive)
            await self.app(scope, receive, send_wrapper)
        except _BodyTooLarge:
            resp = error_response(
                413, "body_too_large", f"request body is over {self.max_body} bytes"
            )
            await resp(scope, receive, send_wrapper)
        finally:
            if path.startswith("/v1/") or status_holder[0] >= 400:
                fields = {
                    "request_id": state.get("request_id"),
                    "method": scope.get("method"),
                    "path": path if len(path) < 200 else path[:200],
                    "status": status_holder[0],
                    "outcome": state.get("outcome"),
                    "entry_id": state.get("entry_id"),
                    "score": state.get("score"),
                    "latency_ms": round((time.perf_counter() - start) * 1000, 3),
                }
                access_log.info("request", extra={"fields": fields})

    def _limited(self, receive: Receive) -> Receive:
        seen = 0
        limit = self.max_body

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge(limit)
            return message

        return wrapped


class _BodyTooLarge(StarletteHTTPException):
    """A body without Content-Length grew over the limit while being read. An HTTPException, so
    FastAPI passes it on to the handler (413) instead of making it a 400 "error parsing the body"."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is over {limit} bytes")


# --------------------------------------------------------------------------- the app


def create_app(settings: Settings | None = None, bot: FaqBot | None = None) -> FastAPI:
    """Build the API. ``bot`` may be given (tests); otherwise it is loaded at start-up."""
    settings = settings or Settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.bot = bot or FaqBot.from_settings(settings)
        app.state.querylog = (
            QueryLog(settings.query_log, settings.retention_days) if settings.query_log else None
        )
        app.state.digest_checked = (0.0, True)
        loaded: FaqBot = app.state.bot
        log.info("ready", extra={"fields": loaded.served_counts()})
        try:
            yield
        finally:
            if app.state.querylog is not None:
                app.state.querylog.close()

    app = FastAPI(
        title="faqbot",
        version="1",
        summary="Answers questions about nanofat grafting from a source-backed knowledge base.",
        lifespan=lifespan,
    )
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        if first.get("type") == "json_invalid":
            return error_response(400, "invalid_json", "request body is not valid JSON")
        loc = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        code = "invalid_request"
        if loc == "question":
            if first.get("type") == "string_too_long":
                code = "question_too_long"
            elif first.get("type") in ("string_too_short", "value_error"):
                code = "empty_question"
        msg = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
        return error_response(422, code, f"{loc}: {msg}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI's "error parsing the body": a body that is not UTF-8 is not JSON either
            return error_response(400, "invalid_json", "request body is not valid JSON")
        code = {
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthorized",
            413: "body_too_large",
        }.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        return error_response(exc.status_code, code, detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", extra={"fields": {"error": type(exc).__name__}})
        return error_response(  # sent past GuardMiddleware's wrapper, so its headers are here
            500,
            "internal_error",
            "something went wrong on our side; please try again",
            {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"},
        )

    # ------------------------------------------------------------------ endpoints

    @app.post("/v1/ask", response_model=AskResponse, tags=["ask"], responses=POST_ERRORS)
    async def ask(body: AskRequest, request: Request) -> AskResponse:
        """Answer a question: `answered`, `refused` (personal medical advice) or `no_match`."""
        started = time.perf_counter()
        bot: FaqBot = request.app.state.bot
        resp = bot.ask(body.question, top_k=body.top_k)
        st = request.scope["state"]
        st["request_id"] = resp.request_id
        st["outcome"] = resp.status.value
        if resp.answer is not None:
            st["entry_id"], st["score"] = resp.answer.id, resp.answer.score
        qlog: QueryLog | None = request.app.state.querylog
        if qlog is not None:
            qlog.record(
                resp.request_id,
                resp.status.value,
                resp.answer.id if resp.answer else None,
                resp.answer.score
                if resp.answer
                else (resp.related[0].score if resp.related else None),
                (time.perf_counter() - started) * 1000,
                body.question if resp.status is not Status.refused else None,
                resp.refusal.reason if resp.refusal else None,
                bool(resp.refusal and resp.refusal.urgent),
            )
        return resp

    @app.post(
        "/v1/feedback", response_model=FeedbackResponse, tags=["feedback"], responses=POST_ERRORS
    )
    async def feedback(body: FeedbackRequest, request: Request) -> FeedbackResponse:
        """Record whether an answer helped (kept for content review)."""
        request.scope["state"]["request_id"] = body.request_id
        qlog: QueryLog | None = request.app.state.querylog
        if qlog is not None:
            qlog.feedback(body.request_id, body.helpful, body.comment)
        return FeedbackResponse()

    @app.get(
        "/v1/entries",
        response_model=EntryList,
        tags=["content"],
        responses={422: _err("Invalid request")},
    )
    async def entries(
        request: Request, topic: str | None = Query(None, max_length=80)
    ) -> dict[str, Any]:
        """The entries served, optionally for one topic."""
        bot: FaqBot = request.app.state.bot
        served = [e for e in (bot.kb.entry(i) for i in bot.index.entry_ids) if e and not e.gap]
        items = [
            {"id": e.id, "question": e.question, "topic": e.topic}
            for e in served
            if topic is None or e.topic == topic
        ]
        return {"entries": items, "topics": sorted({e.topic for e in served})}

    @app.get("/v1/entries/{entry_id}", response_model=Answer, tags=["content"], responses=NOT_FOUND)
    async def entry(entry_id: str, request: Request) -> Answer:
        """One entry with its answer and source passages."""
        bot: FaqBot = request.app.state.bot
        if not ID_RE.match(entry_id) or entry_id not in bot.index.entry_ids or entry_id in bot.gaps:
            raise StarletteHTTPException(404, "no such entry")
        return bot.answer_for(entry_id, 1.0)

    @app.get(
        "/v1/sources/{source_id}",
        response_model=SourceDocument,
        tags=["content"],
        responses=NOT_FOUND,
    )
    async def source(source_id: str, request: Request) -> dict[str, Any]:
        """A source document's metadata and full text."""
        bot: FaqBot = request.app.state.bot
        src = bot.kb.sources.get(source_id) if ID_RE.match(source_id) else None
        if src is None:
            raise StarletteHTTPException(404, "no such source")
        m = src.meta
        return {
            "id": m.id,
            "title": m.title,
            "publisher": m.publisher,
            "author": m.author,
            "date": m.date,
            "url": m.url,
            "text": src.text,
        }

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["ops"],
        response_model=Readiness,
        responses={
            200: {"model": Readiness, "description": "Ready to answer"},
            503: {"model": Readiness, "description": "Not ready: not loaded, or index stale"},
        },
    )
    async def readyz(request: Request) -> JSONResponse:
        """The index is loaded and still matches the knowledge base on disk."""
        bot: FaqBot | None = getattr(request.app.state, "bot", None)
        if bot is None:
            return JSONResponse(
                {"status": "not_ready", "reason": "index not loaded"}, status_code=503
            )
        checked_at, fresh = request.app.state.digest_checked
        if time.monotonic() - checked_at > 5:  # hashing the files is cheap, but not per request
            try:
                fresh = knowledge_digest(bot.kb.root) == bot.index.manifest.kb_digest
            except OSError:
                fresh = False
            request.app.state.digest_checked = (time.monotonic(), fresh)
        if not fresh:
            return JSONResponse(
                {
                    "status": "stale",
                    "reason": "knowledge base changed since the index was built; run `faqbot build` and restart",
                },
                status_code=503,
            )
        qlog: QueryLog | None = getattr(request.app.state, "querylog", None)
        return JSONResponse(
            {
                "status": "ready",
                **bot.served_counts(),
                "built_at": bot.index.manifest.built_at,
                "query_log": "off"
                if qlog is None
                else (f"failing ({qlog.failing})" if qlog.failing else "ok"),
            }
        )

    _mount_widget(app)
    if settings.review_token:
        _mount_review(app, settings.review_token)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            max_age=600,
        )
    app.add_middleware(GuardMiddleware, settings=settings)
    return app


def _mount_widget(app: FastAPI) -> None:
    """Serve the chat widget (``/widget.js``) and its demo page (``/``) when present."""
    widget = STATIC / "widget.js"
    demo = STATIC / "demo.html"
    csp = (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        if not widget.is_file():
            raise StarletteHTTPException(404, "widget not installed")
        return Response(
            widget.read_bytes(),
            media_type="application/javascript",
            headers={"Cache-Control": "public, max-age=300"},
        )

    @app.get("/", include_in_schema=False)
    async def demo_page() -> Response:
        if not demo.is_file():
            return JSONResponse({"service": "faqbot", "docs": "/docs", "ask": "POST /v1/ask"})
        return Response(
            demo.read_bytes(),
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": csp},
        )


def _mount_review(app: FastAPI, token: str) -> None:
    """The review report at ``/review``, for reviewers holding the bearer token."""
    expected = f"Bearer {token}".encode()

    @app.get("/review", include_in_schema=False)
    async def review_page(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not secrets.compare_digest(given, expected):
            raise StarletteHTTPException(
                401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"}
            )
        from .review import build_review, render_html

        bot: FaqBot = request.app.state.bot
        cached = getattr(request.app.state, "review_report", None)
        if cached is None:
            cached = request.app.state.review_report = build_review(bot.kb)
        nonce = secrets.token_urlsafe(16)
        csp = f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; frame-ancestors 'none'"
        return Response(
            render_html(cached, nonce=nonce),
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"},
        )


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory faqbot.api:app_from_env`` (used by ``faqbot serve``)."""
    return create_app(Settings())
