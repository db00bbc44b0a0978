"""XSS through the widget, with a hostile API: every text field of a response carries markup,
and the source URL is a ``javascript:`` link. The widget must show it all as text.

tests/test_widget_browser.py covers markup typed by the user against the real server; here the
page, the script and the API are served by Playwright routes (no server), so the API can say
anything. Headless Chromium from Debian, like the other browser tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's /usr/bin/chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parent.parent / "src" / "faqbot" / "static"
BASE = "http://faqbot.test"
EVIL = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'


def hostile_answer(status: str) -> dict:
    related = [{"id": "x", "question": EVIL + " related", "score": 0.5}]
    body = {
        "status": status,
        "answer": None,
        "related": related,
        "message": EVIL + " message",
        "refusal": None,
        "matched_terms": [EVIL],
        "disclaimer": EVIL + " disclaimer",
        "request_id": 'r1"><img src=x onerror=window.__pwned=3>',
    }
    if status == "answered":
        body["answer"] = {
            "id": "e1",
            "question": EVIL + " question",
            "text": EVIL + " answer text",
            "topic": EVIL,
            "score": 0.9,
            "sources": [
                {
                    "source_id": "s1",
                    "title": EVIL + " title",
                    "publisher": EVIL + " publisher",
                    "url": "javascript:window.__pwned=4",
                    "passage": EVIL + " passage",
                    "start": 0,
                    "end": 10,
                },
                {
                    "source_id": "s2",
                    "title": "plain title",
                    "publisher": "",
                    "url": "https://example.org/ok",
                    "passage": "p",
                    "start": 0,
                    "end": 1,
                },
            ],
        }
        body["message"] = None
    if status == "refused":
        body["refusal"] = {"reason": EVIL, "urgent": True}
    return body


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.mark.parametrize("status", ["answered", "refused", "no_match"])
def test_hostile_api_text_is_rendered_as_text(browser, status: str) -> None:
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route(
        f"{BASE}/",
        lambda r: r.fulfill(
            content_type="text/html", body=(STATIC / "demo.html").read_text(encoding="utf-8")
        ),
    )
    page.route(
        f"{BASE}/widget.js",
        lambda r: r.fulfill(
            content_type="application/javascript",
            body=(STATIC / "widget.js").read_text(encoding="utf-8"),
        ),
    )
    page.route(
        f"{BASE}/v1/ask",
        lambda r: r.fulfill(
            content_type="application/json", body=json.dumps(hostile_answer(status))
        ),
    )
    page.route(
        f"{BASE}/v1/feedback", lambda r: r.fulfill(content_type="application/json", body="{}")
    )
    page.goto(f"{BASE}/")
    page.locator("#faqbot-widget .launcher").click()
    box = page.locator("#faqbot-widget input")
    box.fill("what is nanofat")
    box.press("Enter")
    bot = page.locator("#faqbot-widget .msg.bot:not(.typing)")
    sync_api.expect(bot).to_have_count(2)  # the greeting and the answer
    last = bot.last
    sync_api.expect(last).to_contain_text("<script>")  # shown literally
    if status == "answered":
        page.locator("#faqbot-widget details summary").first.click()  # open the sources
    page.wait_for_timeout(300)
    injected = page.evaluate(
        """() => {
            const r = document.getElementById('faqbot-widget').shadowRoot;
            return {
              img: r.querySelectorAll('img').length + document.querySelectorAll('img').length,
              script: r.querySelectorAll('script').length,
              bold: r.querySelectorAll('b').length,
              hrefs: [...r.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
              pwned: window.__pwned === undefined ? null : window.__pwned,
            };
        }"""
    )
    assert injected["pwned"] is None and dialogs == []
    assert injected["img"] == 0 and injected["script"] == 0 and injected["bold"] == 0
    assert all(h.startswith(("https://", "http://")) for h in injected["hrefs"]), injected
    if status == "answered":
        assert injected["hrefs"] == ["https://example.org/ok"]  # the javascript: link is text
    ctx.close()
