"""Hello-world baseline for the HTTP benchmarks: one POST endpoint returning a small JSON.

It parses the same request body shape as ``/v1/ask`` (a pydantic model) and is served by uvicorn
exactly as ``faqbot serve`` serves faqbot (``uvicorn.run`` with the default ``loop="auto"`` and
``http="auto"``, no access log, no server header), so the difference between the two is faqbot's
own work per request.

    python benchmarks/hello_app.py --port 8001 --workers 1
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel, Field


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=1000)
    top_k: int = Field(default=3, ge=1, le=10)


app = FastAPI(title="hello")


@app.post("/v1/ask")
async def ask(body: AskRequest) -> dict[str, object]:
    return {"status": "ok", "chars": len(body.question)}


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def main() -> None:
    import uvicorn

    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    ap.add_argument("--port", type=int, default=8001, help="port to listen on")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = ap.parse_args()
    uvicorn.run(
        "hello_app:app",
        app_dir=str(Path(__file__).resolve().parent),
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
