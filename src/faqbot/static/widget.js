/* faqbot chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-endpoint="https://HOST" defer></script>
 * data-endpoint defaults to the script's origin; data-timeout (ms, default 10000) is optional.
 * No dependencies or third-party requests; API text is only ever set with textContent. */
(() => {
  "use strict";
  const HOST_ID = "faqbot-widget";
  if (document.getElementById(HOST_ID)) return;

  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const attr = (n) => (script && script.getAttribute(n)) || "";
  const origin = new URL((script && script.src) || location.href, location.href).origin;
  const endpoint = (attr("data-endpoint") || origin).replace(/\/+$/, "");
  let timeoutMs = parseInt(attr("data-timeout"), 10);
  if (!(timeoutMs >= 1000 && timeoutMs <= 60000)) timeoutMs = 10000;
  const MAXLEN = 1000;
  const STARTERS = ["What is nanofat grafting?", "How long does swelling last after nanofat?", "What are the risks?"];
  const LAUNCH = "Open chat: questions about nanofat";

  const CSS = `:host{all:initial}
*{box-sizing:border-box}
.root{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2937}
button{font:inherit;cursor:pointer}
:focus-visible{outline:3px solid #0b5d56;outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;background:#0f766e;color:#fff;display:flex;align-items:center;justify-content:center;box-shadow:0 6px 20px rgba(15,60,58,.3);transition:transform .15s,background .15s}
.launcher:hover{background:#0b5d56;transform:translateY(-1px)}
.launcher svg{width:28px;height:28px}
.launcher[aria-expanded=true] svg:first-child,.launcher[aria-expanded=false] svg+svg{display:none}
.panel{position:fixed;right:20px;bottom:92px;z-index:2147483001;width:380px;height:min(620px,calc(100vh - 112px));display:flex;flex-direction:column;background:#f6f8f8;border-radius:14px;overflow:hidden;box-shadow:0 12px 40px rgba(16,24,40,.22),0 0 0 1px rgba(16,24,40,.06)}
.panel[hidden],.count[hidden]{display:none}
.head{display:flex;align-items:center;gap:10px;padding:14px 12px 14px 18px;background:#0f766e;color:#fff}
.head div{flex:1;min-width:0}
.head h2{margin:0;font-size:16px;font-weight:600;line-height:1.3}
.head p{margin:0;font-size:12.5px;color:#e3f4f1}
.x{width:36px;height:36px;border:0;border-radius:8px;background:none;color:#fff;display:flex;align-items:center;justify-content:center}
.x:hover{background:rgba(255,255,255,.14)}
.x:focus-visible{outline-color:#fff;outline-offset:-2px}
.x svg,.send svg{width:20px;height:20px}
.log{flex:1;overflow-y:auto;padding:16px 14px 8px;display:flex;flex-direction:column;gap:12px;overscroll-behavior:contain}
.msg{max-width:92%;padding:10px 13px;border-radius:12px;overflow-wrap:anywhere}
.msg p{margin:0 0 8px;white-space:pre-line}
.msg>:last-child{margin-bottom:0}
.user{align-self:flex-end;background:#0f766e;color:#fff;border-bottom-right-radius:4px;white-space:pre-wrap}
.bot{align-self:flex-start;background:#fff;border:1px solid #dde3e3;border-bottom-left-radius:4px}
.refused{border-color:#d97706;border-left-width:4px;background:#fffbeb}
.urgent{border-color:#b91c1c;border-left-width:4px;background:#fef2f2}
.error{border-color:#9ca3af;background:#f9fafb}
.label{display:flex;align-items:center;gap:6px;font-size:13px;font-weight:600;color:#92400e}
.label svg{width:16px;height:16px;flex:none}
.alert{display:flex;gap:8px;margin:-10px -13px 10px;padding:10px 13px;background:#b91c1c;color:#fff;border-radius:8px 8px 0 0}
.alert svg{width:20px;height:20px;flex:none;margin-top:2px}
.alert strong{display:block}
details{margin:8px 0;border-top:1px solid #e5eaea;padding-top:6px}
summary{cursor:pointer;font-size:13.5px;font-weight:600;color:#0b5d56;padding:2px 0;border-radius:4px}
summary:hover{text-decoration:underline}
ol{margin:6px 0 0;padding:0 0 0 20px;font-size:13.5px}
li{margin:0 0 10px}
.src-title{font-weight:600}
.src-pub{color:#4b5563}
a{color:#0b5d56}
a:hover{color:#134e4a}
blockquote{margin:4px 0 0;padding:4px 0 4px 10px;border-left:3px solid #a7d3cd;color:#374151;font-style:italic;white-space:pre-line}
.sugg-h{margin:10px 0 6px;font-size:13px;font-weight:600;color:#4b5563}
.chips{display:flex;flex-wrap:wrap;gap:6px}
.chip{border:1px solid #0f766e;background:#fff;color:#0b5d56;border-radius:16px;padding:5px 11px;font-size:13.5px;text-align:left;line-height:1.35}
.chip:hover{background:#e6f2f1}
.msg .disc{margin:12px 0 0;font-size:12.5px;color:#4b5563}
.fb{display:flex;align-items:center;flex-wrap:wrap;gap:6px;margin-top:8px;font-size:13px;color:#4b5563}
.fb button,.retry{border:1px solid #c7d0d0;background:#fff;color:#1f2937;border-radius:8px;padding:3px 12px;font-size:13px}
.fb button:hover,.retry:hover{background:#f0f4f4}
.retry{border-color:#0f766e;color:#0b5d56;font-weight:600}
.typing{display:flex;gap:5px;align-items:center;padding:14px 16px}
.typing span{width:7px;height:7px;border-radius:50%;background:#6b7f7d;animation:fbb 1.2s infinite ease-in-out}
.typing span:nth-child(2){animation-delay:.15s}
.typing span:nth-child(3){animation-delay:.3s}
@keyframes fbb{0%,80%,100%{opacity:.3;transform:none}40%{opacity:1;transform:translateY(-3px)}}
@media (prefers-reduced-motion:reduce){.typing span{animation:none}.launcher{transition:none}}
form{display:flex;gap:8px;padding:10px 12px 12px;background:#fff;border-top:1px solid #dde3e3}
input{flex:1;min-width:0;font:inherit;font-size:16px;color:#1f2937;padding:9px 12px;border:1px solid #6b7f7d;border-radius:10px;background:#fff}
input::placeholder{color:#6b7280}
input:focus-visible{outline:2px solid #0f766e;outline-offset:0;border-color:#0f766e}
.send{flex:none;width:44px;height:44px;border:0;border-radius:10px;background:#0f766e;color:#fff;display:flex;align-items:center;justify-content:center}
.send:hover{background:#0b5d56}
.send[aria-disabled=true]{background:#8fb8b3;cursor:default}
.count{padding:0 14px 6px;background:#fff;font-size:12px;color:#4b5563;text-align:right}
@media (max-width:480px){.panel{inset:0;width:100%;height:100%;border-radius:0}}`;

  const ICONS = {
    chat: "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6A.5.5 0 0 1 5 19.2V16A2.5 2.5 0 0 1 4 14z",
    down: "M6 9l6 6 6-6",
    close: "M6 6l12 12M18 6L6 18",
    send: "M4 12l16-8-6 16-2.5-6.5z",
    shield: "M12 3l7 3v5c0 4.5-3 8.3-7 10-4-1.7-7-5.5-7-10V6zM12 8v5M12 16.5v.5",
    alert: "M12 3l10 18H2zM12 10v5M12 18v.5",
  };

  const str = (v) => (typeof v === "string" ? v : v == null ? "" : String(v));
  function h(tag, cls, text) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text != null) el.textContent = str(text);
    return el;
  }
  function icon(name, filled) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    const p = document.createElementNS(ns, "path");
    const set = (el, a) => Object.keys(a).forEach((k) => el.setAttribute(k, a[k]));
    set(svg, { viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" });
    set(p, {
      d: ICONS[name], fill: filled ? "currentColor" : "none", stroke: "currentColor",
      "stroke-width": filled ? "0" : "2", "stroke-linecap": "round", "stroke-linejoin": "round",
    });
    svg.appendChild(p);
    return svg;
  }
  function button(cls, text, label, onClick) {
    const b = h("button", cls, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }
  function httpUrl(u) {
    try {
      const url = new URL(str(u));
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }
  const sentence = (s) => ((s = str(s).trim()) ? s[0].toUpperCase() + s.slice(1) : s);

  function init() {
    const host = h("div");
    host.id = HOST_ID;
    const shadow = host.attachShadow({ mode: "open" });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      shadow.appendChild(h("style", null, CSS)); // older browsers: needs style-src 'unsafe-inline'
    }
    const root = shadow.appendChild(h("div", "root"));

    const launcher = button("launcher", null, LAUNCH, () => (panel.hidden ? open() : close(false)));
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "faqbot-panel");
    launcher.append(icon("chat", true), icon("down"));

    const panel = h("div", "panel");
    panel.id = "faqbot-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "faqbot-title");

    const head = h("div", "head");
    const titles = h("div");
    const title = titles.appendChild(h("h2", null, "Nanofat questions"));
    title.id = "faqbot-title";
    titles.appendChild(h("p", null, "Answers from published sources"));
    const closeBtn = button("x", null, "Close chat", () => close(true));
    closeBtn.appendChild(icon("close"));
    head.append(titles, closeBtn);

    const log = h("div", "log");
    log.setAttribute("role", "region");
    log.setAttribute("aria-label", "Conversation");
    const live = h("div", "sr");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");

    const form = h("form");
    form.noValidate = true;
    const input = h("input");
    input.type = "text";
    input.maxLength = MAXLEN;
    input.autocomplete = "off";
    input.placeholder = "Ask about nanofat…";
    input.setAttribute("aria-label", "Your question");
    input.setAttribute("aria-describedby", "faqbot-count");
    const send = h("button", "send");
    send.type = "submit";
    send.setAttribute("aria-label", "Send question");
    send.appendChild(icon("send"));
    form.append(input, send);
    const count = h("div", "count");
    count.id = "faqbot-count";
    count.hidden = true;

    panel.append(head, log, live, form, count);
    root.append(panel, launcher);
    document.body.appendChild(host);

    let busy = false;

    function open() {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      launcher.setAttribute("aria-label", "Close chat");
      if (!log.firstChild) welcome();
      input.focus();
    }
    function close(focusLauncher) {
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-label", LAUNCH);
      if (focusLauncher) launcher.focus();
    }
    root.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !panel.hidden) {
        e.preventDefault();
        close(true);
      }
    });

    function announce(text) {
      live.textContent = "";
      setTimeout(() => (live.textContent = text), 50);
    }
    // Append a message; bot replies scroll so the question and the start of the reply show.
    function add(el, toStart) {
      log.appendChild(el);
      const prev = el.previousElementSibling;
      const top = prev && prev.classList.contains("user") ? prev : el;
      log.scrollTop = toStart ? Math.max(0, top.offsetTop - log.offsetTop - 12) : log.scrollHeight;
      return el;
    }
    function setBusy(b) {
      busy = b;
      send.setAttribute("aria-disabled", String(b));
      log.setAttribute("aria-busy", String(b));
    }
    function suggestions(box, heading, items) {
      const qs = [];
      (Array.isArray(items) ? items : []).forEach((r) => {
        const q = str(r && typeof r === "object" ? r.question : r).trim();
        if (q && !qs.includes(q)) qs.push(q);
      });
      if (!qs.length) return;
      box.appendChild(h("p", "sugg-h", heading));
      const chips = box.appendChild(h("div", "chips"));
      qs.forEach((q) => chips.appendChild(button("chip", q, "Ask: " + q, () => ask(q))));
    }
    function welcome() {
      const m = h("div", "msg bot welcome");
      m.appendChild(h("p", null, "Hello! I answer general questions about nanofat grafting, with the published sources behind each answer. I can't give personal medical advice."));
      suggestions(m, "You could ask:", STARTERS);
      add(m);
    }
    const disclaimer = (box, d) => str(d) && box.appendChild(h("p", "disc", d));

    function renderAnswer(data) {
      const a = data.answer;
      const m = h("div", "msg bot answered");
      str(a.text).split(/\n{2,}/).forEach((para) => {
        if (para.trim()) m.appendChild(h("p", "answer-text", para.trim()));
      });
      const sources = Array.isArray(a.sources) ? a.sources : [];
      if (sources.length) {
        const det = m.appendChild(h("details", "sources"));
        det.appendChild(h("summary", null, `Sources (${sources.length})`));
        const ol = det.appendChild(h("ol"));
        sources.forEach((s) => {
          s = s || {};
          const li = ol.appendChild(h("li"));
          const url = httpUrl(s.url);
          const t = li.appendChild(h(url ? "a" : "span", "src-title", str(s.title) || "Untitled source"));
          if (url) {
            t.href = url;
            t.target = "_blank";
            t.rel = "noopener noreferrer";
            t.appendChild(h("span", "sr", " (opens in a new tab)"));
          }
          if (str(s.publisher)) li.appendChild(h("span", "src-pub", " · " + s.publisher));
          if (str(s.passage)) li.appendChild(h("blockquote", "passage", s.passage));
        });
      }
      suggestions(m, "Related questions", data.related);
      disclaimer(m, data.disclaimer);
      if (str(data.request_id)) m.appendChild(feedback(str(data.request_id)));
      add(m, true);
      announce("Answer: " + str(a.text));
    }

    function feedback(rid) {
      const row = h("div", "fb");
      row.appendChild(h("span", null, "Was this helpful?"));
      const vote = (helpful) => () => {
        row.querySelectorAll("button").forEach((b) => (b.disabled = true));
        fetchJson("/v1/feedback", { request_id: rid, helpful })
          .then(() => (row.textContent = "Thanks for your feedback."))
          .catch(() => (row.textContent = "Sorry, your feedback couldn't be sent."))
          .then(() => announce(row.textContent));
      };
      row.append(
        button("fb-yes", "Yes", "Yes, this was helpful", vote(true)),
        button("fb-no", "No", "No, this was not helpful", vote(false))
      );
      return row;
    }

    function renderRefusal(data) {
      const urgent = !!(data.refusal && data.refusal.urgent);
      const m = h("div", "msg bot " + (urgent ? "urgent" : "refused"));
      if (urgent) {
        const al = m.appendChild(h("div", "alert"));
        al.setAttribute("role", "alert");
        const txt = h("div");
        txt.append(h("strong", null, "Urgent: contact your clinic"), h("span", "message", data.message));
        al.append(icon("alert"), txt);
      } else {
        const lab = m.appendChild(h("p", "label"));
        lab.append(icon("shield"), h("span", null, "Can't advise on personal situations"));
        m.appendChild(h("p", "message", data.message));
      }
      suggestions(m, "General topics that may help", data.related);
      disclaimer(m, data.disclaimer);
      add(m, true);
      if (!urgent) announce(str(data.message)); // role=alert announces the urgent one itself
    }

    function renderNoMatch(data) {
      const m = h("div", "msg bot no-match");
      m.appendChild(h("p", "message", data.message || "Sorry, I don't have an answer to that."));
      const rel = Array.isArray(data.related) && data.related.length;
      suggestions(m, rel ? "Did you mean:" : "You could ask:", rel ? data.related : STARTERS);
      add(m, true);
      announce(str(data.message));
    }

    function renderError(message, retryQuestion) {
      const m = h("div", "msg bot error");
      m.appendChild(h("p", "message", message));
      if (retryQuestion) {
        m.appendChild(button("retry", "Retry", "Retry: " + retryQuestion, () => {
          if (busy) return;
          m.remove();
          ask(retryQuestion, true);
        }));
      }
      add(m, true);
      announce(message);
    }

    async function fetchJson(path, body) {
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), timeoutMs);
      try {
        const res = await fetch(endpoint + path, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          credentials: "omit",
          referrerPolicy: "no-referrer",
          signal: ctrl.signal,
        });
        const data = await res.json().catch(() => null);
        if (!res.ok) {
          const err = new Error("HTTP " + res.status);
          err.status = res.status;
          err.apiMessage = str(data && data.error && data.error.message);
          throw err;
        }
        return data;
      } finally {
        clearTimeout(timer);
      }
    }

    async function ask(question, isRetry) {
      question = str(question).trim().slice(0, MAXLEN);
      if (!question || busy) return;
      if (panel.hidden) open();
      if (!isRetry) add(h("div", "msg user", question));
      setBusy(true);
      const typing = h("div", "msg bot typing");
      typing.setAttribute("role", "status");
      typing.setAttribute("aria-label", "Looking for an answer");
      typing.append(h("span"), h("span"), h("span"));
      add(typing);
      try {
        const data = await fetchJson("/v1/ask", { question });
        typing.remove();
        const st = data && data.status;
        if (st === "answered" && data.answer) renderAnswer(data);
        else if (st === "refused") renderRefusal(data);
        else if (st === "no_match") renderNoMatch(data);
        else throw new Error("unexpected response");
      } catch (e) {
        typing.remove();
        const s = e && e.status;
        if (s === 429) {
          renderError("You're sending questions quickly. " + sentence(e.apiMessage || "please wait a moment") + ".", question);
        } else if (s >= 400 && s < 500 && e.apiMessage) {
          renderError("Sorry, I couldn't take that question. " + sentence(e.apiMessage) + ".", null);
        } else if (e && e.name === "AbortError") {
          renderError("Sorry, that took too long. Please try again.", question);
        } else {
          renderError("Sorry, I couldn't reach the answer service. Please check your connection and try again.", question);
        }
      } finally {
        setBusy(false);
        if (!panel.hidden && !shadow.activeElement) input.focus();
      }
    }

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const q = input.value;
      if (busy || !q.trim()) return;
      input.value = "";
      count.hidden = true;
      ask(q);
    });
    input.addEventListener("input", () => {
      const n = input.value.length;
      count.hidden = n < MAXLEN - 200;
      count.textContent = `${n} / ${MAXLEN} characters`;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
