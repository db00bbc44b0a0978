"""The chat widget in a real headless Chromium (Debian's /usr/bin/chromium) against a real server.

Run with ``python -m pytest tests/test_widget_browser.py -q``. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's /usr/bin/chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright for Python is not installed"
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

ANSWER_Q = "what is nanofat"
PERSONAL_Q = "I have psoriasis, is nanofat safe for me?"
URGENT_Q = "I suddenly have blurry vision after my injection"
# "how do I renew my passport" is refused as personal advice by the current policy model, so the
# out-of-scope case uses a question without "my".
OUT_OF_SCOPE_Q = "what is the capital of France"

BOT = "#faqbot-widget .msg.bot"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    tmp = Path(tempfile.mkdtemp(prefix="faqbot-widget-"))
    port = _free_port()
    env = dict(os.environ)
    env.update(
        FAQBOT_FAQ_DIR=str(ROOT / "faq"),
        FAQBOT_INDEX_DIR=str(tmp / "index"),  # a private index; the checkout's is left alone
        FAQBOT_QUERY_LOG="",
        FAQBOT_RATE_LIMIT_PER_MINUTE="0",
    )
    logfile = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "faqbot", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"faqbot serve exited:\n{(tmp / 'serve.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready in 60 s:\n{(tmp / 'serve.log').read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        logfile.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 860})
    pg = ctx.new_page()
    pg.set_default_timeout(10_000)
    pg.goto(server + "/")
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))


def open_panel(page) -> None:
    page.locator("#faqbot-widget .launcher").click()
    sync_api.expect(page.locator("#faqbot-widget .panel")).to_be_visible()


def ask(page, question: str):
    """Type and send a question; return the bot message that answers it."""
    done = page.locator(f"{BOT}:not(.typing)")
    before = done.count()
    box = page.locator("#faqbot-widget input")
    box.fill(question)
    box.press("Enter")
    sync_api.expect(done).to_have_count(before + 1)
    sync_api.expect(page.locator(f"{BOT}.typing")).to_have_count(0)
    return done.nth(before)  # a fixed position: later messages do not change what it points to


def test_answer_shows_text_and_sources(page):
    open_panel(page)
    msg = ask(page, ANSWER_Q)
    sync_api.expect(msg).to_have_class("msg bot answered")
    text = msg.locator(".answer-text").first
    assert len(text.inner_text()) > 40
    details = msg.locator("details.sources")
    passage = details.locator("blockquote.passage").first
    assert not passage.is_visible()
    details.locator("summary").click()
    sync_api.expect(passage).to_be_visible()
    assert len(passage.inner_text()) > 10
    assert details.locator("li").count() >= 1
    for link in details.locator("a").all():  # links only for http(s), opened safely
        assert link.get_attribute("href").startswith(("http://", "https://"))
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert link.get_attribute("target") == "_blank"
    sync_api.expect(msg.locator(".disc")).to_contain_text("not medical advice")
    live = page.locator("#faqbot-widget [aria-live=polite]")
    sync_api.expect(live).to_contain_text(text.inner_text()[:30])
    nameless = page.evaluate(
        "() => [...document.getElementById('faqbot-widget').shadowRoot.querySelectorAll('button')]"
        ".filter(b => !(b.getAttribute('aria-label') || b.textContent).trim()).length"
    )
    assert nameless == 0
    passage.scroll_into_view_if_needed()
    shot(page, "answer")


def test_personal_question_is_refused_with_distinct_style(page):
    open_panel(page)
    answered = ask(page, ANSWER_Q)
    msg = ask(page, PERSONAL_Q)
    sync_api.expect(msg).to_have_class("msg bot refused")
    sync_api.expect(msg.locator(".label")).to_have_text("Can't advise on personal situations")
    sync_api.expect(msg.locator(".message")).to_contain_text("can't advise")
    assert msg.locator("[role=alert]").count() == 0
    colour = "el => getComputedStyle(el).borderLeftColor + getComputedStyle(el).backgroundColor"
    assert msg.evaluate(colour) != answered.evaluate(colour)
    assert msg.locator("details").count() == 0
    shot(page, "refusal")


def test_urgent_symptoms_show_alert_banner(page):
    open_panel(page)
    msg = ask(page, URGENT_Q)
    sync_api.expect(msg).to_have_class("msg bot urgent")
    banner = msg.locator("[role=alert]")
    sync_api.expect(banner).to_be_visible()
    sync_api.expect(banner).to_contain_text("urgent")
    bg = banner.evaluate("el => getComputedStyle(el).backgroundColor")
    assert bg == "rgb(185, 28, 28)"
    shot(page, "urgent")


def test_out_of_scope_question_shows_no_match(page):
    open_panel(page)
    msg = ask(page, OUT_OF_SCOPE_Q)
    sync_api.expect(msg).to_have_class("msg bot no-match")
    sync_api.expect(msg.locator(".message")).to_contain_text("don't have an answer")
    assert msg.locator(".chip").count() >= 1  # related questions, or starter questions
    shot(page, "no-match")


def test_clicking_a_suggestion_asks_it(page):
    open_panel(page)
    msg = ask(page, ANSWER_Q)
    chip = msg.locator(".chip").first
    question = chip.inner_text()
    n = page.locator(f"{BOT}:not(.typing)").count()
    chip.click()
    sync_api.expect(page.locator(f"{BOT}:not(.typing)")).to_have_count(n + 1)
    sync_api.expect(page.locator("#faqbot-widget .msg.user").last).to_have_text(question)
    sync_api.expect(page.locator(f"{BOT}:not(.typing)").last).to_have_class("msg bot answered")


def test_markup_in_question_is_shown_as_text(page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_panel(page)
    evil = "<img src=x onerror=alert(1)> <script>window.__x=1</script> nanofat"
    ask(page, evil)
    sync_api.expect(page.locator("#faqbot-widget .msg.user").last).to_have_text(evil)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("typeof window.__x") == "undefined"
    counts = page.evaluate(
        "() => { const r = document.getElementById('faqbot-widget').shadowRoot;"
        " return [r.querySelectorAll('img').length, r.querySelectorAll('script').length,"
        " document.querySelectorAll('img').length] }"
    )
    assert counts == [0, 0, 0]


def test_api_down_shows_retry_and_recovers(page):
    page.route("**/v1/ask", lambda route: route.abort())
    open_panel(page)
    msg = ask(page, ANSWER_Q)
    sync_api.expect(msg).to_have_class("msg bot error")
    sync_api.expect(msg).to_contain_text("couldn't reach")
    retry = msg.get_by_role("button", name="Retry")
    sync_api.expect(retry).to_be_visible()
    box = page.locator("#faqbot-widget input")
    sync_api.expect(box).to_be_enabled()
    box.fill("typing still works")
    sync_api.expect(box).to_have_value("typing still works")
    shot(page, "error")
    page.unroute("**/v1/ask")
    retry.click()
    sync_api.expect(page.locator(f"{BOT}:not(.typing)").last).to_have_class("msg bot answered")
    sync_api.expect(page.locator("#faqbot-widget .msg.bot.error")).to_have_count(0)


def test_closed_endpoint_and_timeout(browser, server):
    """data-endpoint pointing at a closed port, and a hung request aborted by the timeout."""
    ctx = browser.new_context()
    pg = ctx.new_page()
    closed = _free_port()
    html = (
        "<!doctype html><title>t</title><p>test</p>"
        f'<script src="{server}/widget.js" data-endpoint="http://127.0.0.1:{closed}" defer></script>'
    )
    pg.route(server + "/closed", lambda r: r.fulfill(body=html, content_type="text/html"))
    pg.goto(server + "/closed")
    open_panel(pg)
    msg = ask(pg, ANSWER_Q)
    sync_api.expect(msg).to_have_class("msg bot error")
    sync_api.expect(pg.locator("#faqbot-widget input")).to_be_enabled()

    html = (
        "<!doctype html><title>t</title><p>test</p>"
        f'<script src="{server}/widget.js" data-timeout="1000" defer></script>'
    )
    pg.route(server + "/slow", lambda r: r.fulfill(body=html, content_type="text/html"))
    pg.route("**/v1/ask", lambda r: None)  # never answered
    pg.goto(server + "/slow")
    open_panel(pg)
    started = time.monotonic()
    msg = ask(pg, ANSWER_Q)
    assert time.monotonic() - started < 5
    sync_api.expect(msg).to_contain_text("took too long")
    sync_api.expect(msg.get_by_role("button", name="Retry")).to_be_visible()
    ctx.close()


def test_error_body_message_is_shown_for_4xx(page):
    page.route(
        "**/v1/ask",
        lambda r: r.fulfill(
            status=422,
            content_type="application/json",
            body='{"error":{"code":"question_too_long","message":"question: String should have at most 1000 characters"}}',
        ),
    )
    open_panel(page)
    assert page.locator("#faqbot-widget input").get_attribute("maxlength") == "1000"
    msg = ask(page, ANSWER_Q)
    sync_api.expect(msg).to_contain_text("at most 1000 characters")


def test_keyboard_only(page):
    on_launcher = (
        "() => { const h = document.getElementById('faqbot-widget');"
        " return document.activeElement === h"
        " && h.shadowRoot.activeElement?.classList.contains('launcher') }"
    )
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(on_launcher):
            break
    assert page.evaluate(on_launcher), "Tab never reached the launcher"
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#faqbot-widget .panel")).to_be_visible()
    assert (
        page.evaluate(
            "() => document.getElementById('faqbot-widget').shadowRoot.activeElement?.tagName"
        )
        == "INPUT"
    )
    page.keyboard.type(ANSWER_Q)
    page.keyboard.press("Enter")
    sync_api.expect(page.locator(f"{BOT}.answered")).to_have_count(1)
    page.keyboard.press("Escape")
    sync_api.expect(page.locator("#faqbot-widget .panel")).to_be_hidden()
    assert page.evaluate(on_launcher)
    assert page.locator("#faqbot-widget .launcher").get_attribute("aria-expanded") == "false"


def test_phone_width(browser, server):
    ctx = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    pg = ctx.new_page()
    pg.goto(server + "/")
    # a page wider than the phone would widen the layout viewport and push the launcher off-screen
    assert pg.evaluate("document.documentElement.scrollWidth") <= 360
    open_panel(pg)
    box = pg.locator("#faqbot-widget .panel").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= 360 and box["y"] + box["height"] <= 740
    assert box["width"] >= 359
    msg = ask(pg, ANSWER_Q)
    msg.locator("summary").click()
    overflow = pg.evaluate(
        "() => { const l = document.getElementById('faqbot-widget').shadowRoot.querySelector('.log');"
        " return l.scrollWidth - l.clientWidth }"
    )
    assert overflow <= 0
    send = pg.locator("#faqbot-widget .send").bounding_box()
    assert send["x"] + send["width"] <= 360 and send["y"] + send["height"] <= 740
    shot(pg, "phone")
    ctx.close()


def test_no_csp_violations_on_demo_page(browser, server):
    ctx = browser.new_context()
    pg = ctx.new_page()
    problems: list[str] = []
    pg.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if "Content Security Policy" in m.text or m.type == "error"
            else None
        ),
    )
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    resp = pg.goto(server + "/")
    assert "default-src 'none'" in resp.headers["content-security-policy"]
    sync_api.expect(pg.locator("h1")).to_contain_text("faqbot")
    open_panel(pg)
    msg = ask(pg, ANSWER_Q)
    msg.locator("summary").click()
    ask(pg, URGENT_Q)
    pg.wait_for_timeout(200)
    assert pg.evaluate("window.__csp") == []
    assert problems == []
    # the styles really applied (constructable stylesheet in the shadow root)
    bg = pg.locator("#faqbot-widget .launcher").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert bg == "rgb(15, 118, 110)"
    ctx.close()


def test_feedback_posts_request_id(page):
    open_panel(page)
    msg = ask(page, ANSWER_Q)
    with page.expect_request(
        lambda r: r.url.endswith("/v1/feedback") and r.method == "POST"
    ) as info:
        msg.get_by_role("button", name="Yes, this was helpful").click()
    body = info.value.post_data_json
    assert body["helpful"] is True and body["request_id"]
    assert info.value.response().status == 200
    sync_api.expect(msg.locator(".fb")).to_have_text("Thanks for your feedback.")
