/* Sapa chat widget. One tag on any site:
 *   <script src="https://SAPA/chat/widget.js" data-sapa-key="KEY" async></script>
 * Plain JavaScript, no framework, no build step. Everything renders inside a shadow root, so
 * the host page's CSS and ours never meet. Every word shown comes from the server (the
 * session's `strings`); text from the server is only ever set with textContent. The protocol
 * is described in docs/chat-widget.md.
 */
(() => {
  "use strict";
  const script = document.currentScript || document.querySelector("script[data-sapa-key]");
  if (!script || !script.src || window.__sapaChat) return;
  window.__sapaChat = true;

  const KEY = script.getAttribute("data-sapa-key") || "";
  const BASE = new URL(script.src, location.href).origin;
  const STORE = "sapa-chat:" + KEY;
  const TYPING_EVERY_MS = 2000;
  const TYPING_IDLE_MS = 4000;
  const AGENT_TYPING_MS = 6000;
  const PING_MS = 25000;
  const PONG_WAIT_MS = 10000;
  const WS_RETRY_MS = 60000;
  const WS_FAILURES_BEFORE_POLLING = 3;
  const TEXTAREA_MAX_PX = 120;
  const ICONS = {
    chat: "M4 5h16v11H9l-5 4z",
    close: "M6 6l12 12M18 6L6 18",
    send: "M4 12l16-8-6 16-2-6z",
    clip: "M20 11l-8 8a5 5 0 0 1-7-7l8-8a3.5 3.5 0 0 1 5 5l-8 8a2 2 0 0 1-3-3l7-7",
    file: "M6 3h8l4 4v14H6zM14 3v4h4",
  };

  // ---- small tools -------------------------------------------------------------------------
  const memory = {};
  function stored(area, name) {
    if (area + name in memory) return memory[area + name];
    try {
      return window[area].getItem(name);
    } catch (error) {
      return null;
    }
  }
  function store(area, name, value) {
    try {
      window[area].setItem(name, value);
      delete memory[area + name];
    } catch (error) {
      memory[area + name] = value; // private mode, blocked storage: this page view only
    }
  }

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") el.className = value;
      else if (name === "text") el.textContent = value;
      else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) el.append(child);
    return el;
  }

  function icon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "icon");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // 1 s, 2 s, 4 s ... 30 s, each ±25 % so that many widgets do not come back in step.
  const backoff = (attempt) => Math.min(30000, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);

  function newId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  const state = {
    lang: pickLang(),
    token: null,
    S: {},
    widget: {},
    visitor: {},
    availability: { online: true, message: "" },
    status: null,
    agent: null,
    wsPath: "/ws/chat/",
    eventsPath: "/chat/v1/events",
    messages: new Map(), // id -> Message
    pending: new Map(), // client_id -> {client_id, text, choice, file}
    cursor: 0, // the newest message id the server has sent us as an event
    agentReadUpTo: 0,
    sentReadUpTo: 0,
    seenUpTo: 0,
    open: false,
    prechat: false,
  };
  const t = (key, values) =>
    String(state.S[key] || "").replace(/\{(\w+)\}/g, (all, name) =>
      values && name in values ? String(values[name]) : all
    );

  function pickLang() {
    const wanted =
      script.getAttribute("data-sapa-lang") || document.documentElement.lang || navigator.language || "";
    return /^en/i.test(wanted) ? "en" : "id";
  }

  function formatSize(bytes) {
    const units = ["B", "KB", "MB", "GB"];
    let value = Number(bytes) || 0;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    const number = new Intl.NumberFormat(state.lang, { maximumFractionDigits: unit ? 1 : 0 });
    return number.format(value) + " " + units[unit];
  }

  function formatTime(iso) {
    const date = new Date(iso || Date.now());
    if (isNaN(date)) return "";
    const today = new Date().toDateString() === date.toDateString();
    const options = today
      ? { hour: "2-digit", minute: "2-digit" }
      : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
    return new Intl.DateTimeFormat(state.lang === "en" ? "en-GB" : "id-ID", options).format(date);
  }

  // A link only for http(s), resolved against Sapa (attachment URLs are Sapa-relative).
  function safeUrl(url, base) {
    try {
      const parsed = new URL(String(url), base);
      return /^https?:$/.test(parsed.protocol) ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function link(href, ...children) {
    return h("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, ...children);
  }

  // Text as text nodes, with http(s) URLs made into links; CSS keeps the line breaks.
  function appendText(parent, text) {
    const pattern = /\bhttps?:\/\/[^\s<>"']+/gi;
    let at = 0;
    for (const match of text.matchAll(pattern)) {
      let url = match[0].replace(/[.,;:!?)\]]+$/, "");
      const href = safeUrl(url);
      if (!href) continue;
      parent.append(text.slice(at, match.index), link(href, url));
      at = match.index + url.length;
    }
    parent.append(text.slice(at));
  }

  // ---- HTTP --------------------------------------------------------------------------------
  async function api(method, path, body, signal) {
    const isForm = body instanceof FormData;
    const headers = { "X-Sapa-Visitor": state.token || "" };
    if (!isForm) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(BASE + path, {
        method,
        headers,
        body: body === undefined || isForm ? body : JSON.stringify(body),
        credentials: "omit",
        mode: "cors",
        signal,
      });
    } catch (error) {
      throw failure(0, null, error.name === "AbortError" ? "" : t("network"));
    }
    let data = {};
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch (error) {
        data = {};
      }
    }
    if (!response.ok) throw failure(response.status, data);
    return data;
  }

  // {"detail": "..."} or {"detail": [{"loc": [..., field], "msg": "..."}]}
  function failure(status, data, message) {
    const error = new Error(message || t("error"));
    error.status = status;
    error.fields = {};
    const detail = data && data.detail;
    if (typeof detail === "string" && detail) error.message = detail;
    if (Array.isArray(detail) && detail.length) {
      for (const item of detail) {
        const loc = (item && item.loc) || [];
        error.fields[loc[loc.length - 1]] = item.msg;
      }
      error.message = detail.map((item) => item && item.msg).filter(Boolean).join(" ") || error.message;
    }
    return error;
  }

  // ---- the page ------------------------------------------------------------------------------
  const ui = {};

  function build() {
    const w = state.widget;
    const host = document.getElementById("sapa-chat") || document.body.appendChild(h("div", { id: "sapa-chat" }));
    const shadow = host.shadowRoot || host.attachShadow({ mode: "open" });
    const css = h("link", { rel: "stylesheet", href: BASE + "/static/chat/widget.css" });
    const root = h("div", { class: "sapa", lang: state.lang, hidden: true });
    css.addEventListener("load", () => (root.hidden = false));
    css.addEventListener("error", () => console.warn("Sapa chat: could not load widget.css"));
    applyColour(root, w.colour);
    ui.root = root;

    ui.badge = h("span", { class: "badge", "aria-hidden": "true", hidden: true });
    ui.unread = h("span", { id: "sapa-unread", class: "sr" });
    ui.launcher = h(
      "button",
      {
        type: "button",
        class: "launcher",
        "aria-expanded": "false",
        "aria-controls": "sapa-panel",
        "aria-describedby": "sapa-unread",
        "aria-label": t("open_chat"),
        onclick: () => setOpen(!state.open, true),
      },
      icon("chat"),
      icon("close"),
      ui.badge,
      ui.unread
    );

    ui.title = h("h2", { id: "sapa-title", class: "title", text: w.title || "" });
    ui.dot = h("span", { class: "dot", "aria-hidden": "true" });
    ui.availability = h("span");
    ui.agent = h("p", { class: "agent", hidden: true });
    const close = h(
      "button",
      { type: "button", class: "icon-button close", "aria-label": t("close_chat"), onclick: () => setOpen(false, true) },
      icon("close")
    );
    const header = h(
      "header",
      { class: "head" },
      h("div", { class: "head-text" }, ui.title, h("p", { class: "availability" }, ui.dot, ui.availability), ui.agent),
      close
    );

    ui.offline = h(
      "div",
      { class: "notice", role: "status", hidden: true },
      h("strong", { text: t("offline_title") }),
      (ui.offlineWhen = h("p"))
    );
    ui.empty = h("p", { class: "empty", text: t("empty") });
    ui.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": t("messages") });
    ui.typingText = h("span");
    ui.typing = h(
      "div",
      { class: "typing", hidden: true },
      h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")),
      ui.typingText
    );
    ui.typingLive = h("div", { class: "sr", "aria-live": "polite" });
    ui.prechatForm = buildPrechat();
    ui.ended = buildEnded();
    ui.scroll = h("div", { class: "scroll" }, ui.offline, ui.empty, ui.log, ui.typing, ui.prechatForm, ui.ended);

    ui.conn = h("p", { class: "conn", role: "status", hidden: true });
    ui.error = h("p", { class: "error", role: "alert", hidden: true });
    ui.composer = buildComposer();

    ui.panel = h(
      "section",
      { id: "sapa-panel", class: "panel", role: "dialog", "aria-labelledby": "sapa-title", tabindex: "-1", hidden: true },
      header,
      ui.scroll,
      ui.typingLive,
      ui.conn,
      ui.error,
      ui.composer
    );
    ui.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        setOpen(false, true);
      }
    });
    root.append(ui.launcher, ui.panel);
    shadow.replaceChildren(css, root);
  }

  function buildComposer() {
    const types = state.widget.upload_types || [];
    ui.file = h("input", { type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true", accept: types.join(",") || null });
    ui.file.addEventListener("change", () => {
      const file = ui.file.files && ui.file.files[0];
      ui.file.value = "";
      if (file) upload(file);
    });
    ui.text = h("textarea", {
      id: "sapa-text",
      rows: "1",
      maxlength: "5000",
      placeholder: t("placeholder"),
      "aria-label": t("message_label"),
      enterkeyhint: "send",
    });
    ui.text.addEventListener("input", () => {
      grow();
      typing();
    });
    ui.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        submit();
      }
    });
    ui.text.addEventListener("paste", (event) => {
      const file = event.clipboardData && event.clipboardData.files[0];
      if (file) {
        event.preventDefault();
        upload(file);
      }
    });
    const attach = h(
      "button",
      { type: "button", class: "icon-button attach", "aria-label": t("attach"), title: t("attach"), onclick: () => ui.file.click() },
      icon("clip")
    );
    const send = h("button", { type: "submit", class: "icon-button send", "aria-label": t("send"), title: t("send") }, icon("send"));
    const form = h("form", { class: "composer" }, attach, ui.file, ui.text, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    return form;
  }

  function grow() {
    ui.text.style.height = "auto";
    ui.text.style.height = Math.min(ui.text.scrollHeight + 2, TEXTAREA_MAX_PX) + "px";
  }

  const KNOWN_FIELDS = {
    name: { type: "text", autocomplete: "name" },
    email: { type: "email", autocomplete: "email", inputmode: "email" },
    whatsapp: { type: "tel", autocomplete: "tel", inputmode: "tel", hint: "whatsapp_hint" },
  };

  function prechatFields() {
    const prechat = state.widget.prechat || {};
    return (prechat.fields || []).filter((field) => field in KNOWN_FIELDS);
  }

  function buildPrechat() {
    const prechat = state.widget.prechat || {};
    const form = h("form", { class: "card prechat", hidden: true, novalidate: true, "aria-labelledby": "sapa-prechat-title" });
    form.append(h("h3", { id: "sapa-prechat-title", text: t("prechat_title") }), h("p", { text: t("prechat_intro") }));
    ui.fields = {};
    for (const name of prechatFields()) {
      const spec = KNOWN_FIELDS[name];
      const id = "sapa-field-" + name;
      const error = h("p", { id: id + "-error", class: "field-error", hidden: true });
      const hint = spec.hint ? h("p", { id: id + "-hint", class: "hint", text: t(spec.hint) }) : null;
      const input = h("input", {
        id,
        name,
        type: spec.type,
        autocomplete: spec.autocomplete,
        inputmode: spec.inputmode,
        "aria-describedby": [hint && id + "-hint", id + "-error"].filter(Boolean).join(" "),
        value: state.visitor[name] || "",
      });
      const label = h("label", { for: id }, t("field_" + name));
      if (!prechat.required) label.append(" ", h("span", { class: "optional", text: t("optional") }));
      ui.fields[name] = { input, error };
      form.append(h("div", { class: "field" }, label, input, hint, error));
    }
    ui.prechatError = h("p", { class: "field-error", role: "alert", hidden: true });
    const actions = h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("prechat_start") }));
    if (!prechat.required) {
      actions.append(h("button", { type: "button", class: "secondary", text: t("prechat_skip"), onclick: skipPrechat }));
    }
    form.append(ui.prechatError, actions);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveProfile(form);
    });
    return form;
  }

  function buildEnded() {
    ui.transcriptEmail = h("input", { id: "sapa-transcript", type: "email", autocomplete: "email", inputmode: "email" });
    ui.transcriptResult = h("p", { class: "result", role: "status" });
    const transcript = h(
      "form",
      { class: "transcript" },
      h("label", { for: "sapa-transcript", text: t("transcript_offer") }),
      h("div", { class: "row" }, ui.transcriptEmail, h("button", { type: "submit", class: "secondary", text: t("send") })),
      ui.transcriptResult
    );
    transcript.addEventListener("submit", (event) => {
      event.preventDefault();
      sendTranscript(transcript);
    });
    return h(
      "div",
      { class: "card ended", hidden: true },
      h("p", { class: "ended-text", text: t("ended") }),
      transcript,
      h("button", { type: "button", class: "primary wide", text: t("new_conversation"), onclick: newConversation })
    );
  }

  // The text colour with the better contrast on the widget's colour, and an ink for text on
  // white that stays readable when the colour is light.
  function applyColour(root, colour) {
    if (!/^#[0-9a-f]{6}$/i.test(colour || "")) return;
    const channel = (i) => {
      const c = parseInt(colour.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const lum = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    const onWhite = 1.05 / (lum + 0.05);
    const onDark = (lum + 0.05) / 0.06;
    root.style.setProperty("--sapa-colour", colour);
    root.style.setProperty("--sapa-on-colour", onWhite >= onDark ? "#fff" : "#111827");
    root.style.setProperty("--sapa-ink", onWhite >= 4.5 ? colour : "#1f2937");
  }

  // ---- rendering ---------------------------------------------------------------------------
  function renderChrome() {
    const { online, message } = state.availability;
    ui.dot.classList.toggle("online", !!online);
    ui.availability.textContent = online ? message || t("online") : t("offline");
    ui.offline.hidden = !!online;
    // The server's message says when to expect an answer; ours is for when it has none.
    ui.offlineWhen.textContent = message || t("offline_body");
    const agentName = state.agent && state.agent.name;
    ui.agent.hidden = !agentName;
    ui.agent.textContent = agentName ? t("agent_line", { name: agentName }) : "";
    const ended = state.status === "solved" || state.status === "closed";
    if (ended && ui.ended.hidden) {
      ui.transcriptEmail.value = state.visitor.email || "";
      ui.transcriptResult.textContent = "";
    }
    ui.ended.hidden = !ended;
    ui.prechatForm.hidden = !state.prechat;
    ui.composer.hidden = state.prechat;
    ui.empty.hidden = state.prechat || ui.log.childElementCount > 0;
  }

  function renderMessage(m, sending) {
    const author = ["visitor", "bot", "agent", "system"].includes(m.author) ? m.author : "system";
    const mine = author === "visitor";
    const el = h("div", {
      class: "msg msg-" + author,
      "data-id": m.id || null,
      "data-client-id": m.client_id || null,
    });
    if (mine) el.append(h("span", { class: "sr", text: t("you") }));
    else if (author !== "system" && m.name) el.append(h("span", { class: "who", text: m.name }));
    const bubble = h("div", { class: "bubble" });
    if (m.text) appendText(bubble, String(m.text));
    for (const attachment of m.attachments || []) bubble.append(renderAttachment(attachment, sending));
    el.append(bubble);
    if (author !== "system") {
      const time = h("time", { datetime: m.created_at || null, text: formatTime(m.created_at) });
      el.append(h("div", { class: "meta" }, time, mine ? h("span", { class: "state" }) : null));
    }
    return el;
  }

  function renderAttachment(a, sending) {
    const href = a.url ? safeUrl(a.url, BASE) : null;
    const name = String(a.name || "");
    if (href && a.is_image) {
      return link(href, h("img", { class: "image", src: href, alt: name, loading: "lazy" }));
    }
    const parts = [icon("file"), h("span", { class: "file-name", text: name }), h("span", { class: "file-size", text: formatSize(a.size) })];
    if (sending) parts.push(h("span", { class: "file-size", text: t("uploading") }));
    return href ? link(href, ...parts) : h("span", { class: "file" }, ...parts);
  }

  function nearBottom() {
    const s = ui.scroll;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }
  function scrollToEnd() {
    ui.scroll.scrollTop = ui.scroll.scrollHeight;
  }

  // Server messages in id order, the visitor's unsent ones after them.
  function place(el, id) {
    let before = null;
    for (const other of ui.log.children) {
      const otherId = Number(other.dataset.id || 0);
      if (!otherId || otherId > id) {
        before = other;
        break;
      }
    }
    ui.log.insertBefore(el, before);
  }

  function receive(m, fromEvent) {
    if (!m || typeof m.id !== "number") return;
    if (fromEvent && m.id > state.cursor) state.cursor = m.id;
    if (state.messages.has(m.id)) return;
    const stick = nearBottom() || m.author === "visitor";
    state.messages.set(m.id, m);
    if (m.client_id && state.pending.has(m.client_id)) {
      state.pending.delete(m.client_id);
      const old = ui.log.querySelector('[data-client-id="' + CSS.escape(m.client_id) + '"]:not([data-id])');
      if (old) old.remove();
    }
    place(renderMessage(m), m.id);
    if (m.author === "agent") {
      showTyping(false);
      state.prechat = false; // an agent wrote first: let the visitor answer
    }
    afterChange();
    if (stick) scrollToEnd();
  }

  function afterChange() {
    renderButtons();
    renderReceipts();
    renderChrome();
    markRead();
    renderUnread();
  }

  // Quick replies under the newest bot message, until the visitor has answered it.
  function renderButtons() {
    for (const old of ui.log.querySelectorAll(".replies")) old.remove();
    let newest = null;
    for (const m of state.messages.values()) {
      if (m.author !== "system" && (!newest || m.id > newest.id)) newest = m;
    }
    if (!newest || newest.author !== "bot" || !(newest.buttons || []).length || state.pending.size) return;
    const el = ui.log.querySelector('[data-id="' + newest.id + '"]');
    if (!el) return;
    const group = h("div", { class: "replies", role: "group", "aria-label": t("quick_replies") });
    for (const button of newest.buttons) {
      const label = String(button.label || button.value || "");
      group.append(
        h("button", {
          type: "button",
          class: "reply",
          text: label,
          onclick: () => send(label, button.value === undefined ? label : String(button.value)),
        })
      );
    }
    el.append(group);
  }

  // "Read" under the visitor's newest message the agents have seen.
  function renderReceipts() {
    let last = null;
    for (const el of ui.log.querySelectorAll(".msg-visitor[data-id]")) {
      el.querySelector(".state").textContent = "";
      if (Number(el.dataset.id) <= state.agentReadUpTo) last = el;
    }
    if (last) last.querySelector(".state").textContent = t("read");
  }

  function renderUnread() {
    let count = 0;
    for (const m of state.messages.values()) {
      if ((m.author === "agent" || m.author === "bot") && m.id > state.seenUpTo) count += 1;
    }
    ui.badge.hidden = !count;
    ui.badge.textContent = count > 9 ? "9+" : String(count);
    ui.unread.textContent = count ? t("unread", { count }) : "";
  }

  function showError(message) {
    ui.error.textContent = message || t("error");
    ui.error.hidden = false;
    clearTimeout(showError.timer);
    showError.timer = setTimeout(() => (ui.error.hidden = true), 10000);
  }

  function setConn(message) {
    ui.conn.textContent = message || "";
    ui.conn.hidden = !message;
  }

  // ---- sending -----------------------------------------------------------------------------
  function submit() {
    const text = ui.text.value.trim();
    if (!text) return;
    ui.text.value = "";
    grow();
    send(text, null);
  }

  function send(text, choice) {
    const record = { client_id: newId(), text, choice };
    state.pending.set(record.client_id, record);
    showPending(record);
    post(record);
  }

  function upload(file) {
    const w = state.widget;
    const types = w.upload_types || [];
    if (types.length && !types.includes(file.type)) return showError(fileTypeError());
    if (w.max_upload_bytes && file.size > w.max_upload_bytes) {
      return showError(t("file_too_large", { size: formatSize(w.max_upload_bytes) }));
    }
    const record = { client_id: newId(), text: "", file };
    state.pending.set(record.client_id, record);
    showPending(record);
    post(record);
  }

  function fileTypeError() {
    const names = (state.widget.upload_types || []).map((type) => type.split("/").pop().replace("jpeg", "jpg"));
    return t("file_type", { types: names.join(", ").toUpperCase() });
  }

  function showPending(record) {
    const file = record.file;
    const el = renderMessage(
      {
        author: "visitor",
        client_id: record.client_id,
        text: record.text,
        created_at: new Date().toISOString(),
        attachments: file ? [{ name: file.name, size: file.size }] : [],
      },
      true
    );
    el.classList.add("is-sending");
    el.querySelector(".state").textContent = t("sending");
    ui.log.append(el);
    state.prechat = false;
    renderButtons();
    renderChrome();
    scrollToEnd();
  }

  async function post(record) {
    const el = () => ui.log.querySelector('[data-client-id="' + record.client_id + '"]:not([data-id])');
    stopTyping();
    ui.error.hidden = true;
    try {
      let data;
      if (record.file) {
        const form = new FormData();
        form.append("file", record.file, record.file.name);
        form.append("client_id", record.client_id);
        if (record.text) form.append("text", record.text);
        data = await api("POST", "/chat/v1/attachments", form);
      } else {
        data = await api("POST", "/chat/v1/messages", { text: record.text, client_id: record.client_id, choice: record.choice });
      }
      receive(data.message, false);
    } catch (error) {
      const mine = el();
      if (!mine || !state.pending.has(record.client_id)) return;
      mine.classList.replace("is-sending", "is-failed");
      const stateEl = mine.querySelector(".state");
      stateEl.replaceChildren(
        h("button", {
          type: "button",
          class: "retry",
          text: t("not_sent"),
          onclick: () => {
            mine.classList.replace("is-failed", "is-sending");
            stateEl.textContent = t("sending");
            post(record); // same client_id: the server keeps one copy
          },
        })
      );
      if (error.status === 413) showError(t("file_too_large", { size: formatSize(state.widget.max_upload_bytes) }));
      else if (error.status === 415) showError(fileTypeError());
      else if (error.status) showError(error.message);
    }
  }

  // Typing: true at most every 2 s while keys are pressed, false after 4 s idle or on send.
  let typingOn = false;
  let typingSentAt = 0;
  let typingIdle = 0;
  function typing() {
    if (!state.messages.size || !ui.text.value.trim()) return;
    const now = Date.now();
    if (now - typingSentAt >= TYPING_EVERY_MS) {
      typingSentAt = now;
      typingOn = true;
      signal("typing", { typing: true });
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }
  function stopTyping() {
    clearTimeout(typingIdle);
    if (!typingOn) return;
    typingOn = false;
    typingSentAt = 0;
    signal("typing", { typing: false });
  }

  // typing, read and page go over the websocket when it is open, else over HTTP.
  const SIGNAL_PATHS = { typing: "/chat/v1/typing", read: "/chat/v1/read", page: "/chat/v1/page" };
  function signal(type, payload) {
    if (net.ws && net.ws.readyState === WebSocket.OPEN) {
      net.ws.send(JSON.stringify(Object.assign({ type }, payload)));
    } else {
      api("POST", SIGNAL_PATHS[type], payload).catch(() => {});
    }
  }

  function markRead() {
    if (!state.open || document.visibilityState !== "visible") return;
    let newest = 0;
    for (const m of state.messages.values()) if (m.author !== "visitor" && m.id > newest) newest = m.id;
    if (newest > state.seenUpTo) {
      state.seenUpTo = newest;
      store("localStorage", STORE + ":seen", String(newest));
    }
    renderUnread();
    if (newest > state.sentReadUpTo) {
      state.sentReadUpTo = newest;
      signal("read", { up_to: newest });
    }
  }

  let agentTypingTimer = 0;
  function showTyping(on, name) {
    clearTimeout(agentTypingTimer);
    const text = on ? (name ? t("typing_name", { name }) : t("typing")) : "";
    if (ui.typing.hidden === !on && ui.typingText.textContent === text) return;
    ui.typing.hidden = !on;
    ui.typingText.textContent = text;
    ui.typingLive.textContent = text;
    if (on) {
      agentTypingTimer = setTimeout(() => showTyping(false), AGENT_TYPING_MS);
      if (nearBottom()) scrollToEnd();
    }
  }

  // ---- pre-chat, transcript, new conversation ------------------------------------------------
  function skipPrechat() {
    store("localStorage", STORE + ":prechat", "skipped");
    state.prechat = false;
    renderChrome();
    ui.text.focus();
  }

  async function saveProfile(form) {
    const values = {};
    for (const name of ["name", "email", "whatsapp"]) {
      values[name] = ui.fields[name] ? ui.fields[name].input.value.trim() : state.visitor[name] || "";
    }
    for (const { input, error } of Object.values(ui.fields)) {
      input.removeAttribute("aria-invalid");
      error.hidden = true;
    }
    ui.prechatError.hidden = true;
    const names = Object.keys(ui.fields);
    if ((state.widget.prechat || {}).required && names.every((name) => !values[name])) {
      return fieldError(names[0], t("prechat_required"));
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const data = await api("POST", "/chat/v1/profile", values);
      state.visitor = data.visitor || values;
      state.prechat = false;
      renderChrome();
      ui.text.focus();
    } catch (error) {
      const named = Object.keys(error.fields).filter((name) => ui.fields[name]);
      named.forEach((name) => fieldError(name, error.fields[name]));
      if (!named.length) {
        ui.prechatError.textContent = error.message;
        ui.prechatError.hidden = false;
      }
    } finally {
      button.disabled = false;
    }
  }

  function fieldError(name, message) {
    const field = ui.fields[name];
    if (!field) return;
    field.error.textContent = message;
    field.error.hidden = false;
    field.input.setAttribute("aria-invalid", "true");
    field.input.focus();
  }

  async function sendTranscript(form) {
    const email = ui.transcriptEmail.value.trim();
    if (!email) return ui.transcriptEmail.focus();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const data = await api("POST", "/chat/v1/transcript", { email });
      ui.transcriptResult.textContent = data.detail || "";
      ui.transcriptResult.className = "result";
    } catch (error) {
      ui.transcriptResult.textContent = error.message;
      ui.transcriptResult.className = "result field-error";
    } finally {
      button.disabled = false;
    }
  }

  async function newConversation() {
    try {
      await api("POST", "/chat/v1/new", {});
    } catch (error) {
      return showError(error.message);
    }
    state.messages.clear();
    state.pending.clear();
    state.status = null;
    state.agent = null;
    state.agentReadUpTo = 0;
    ui.log.replaceChildren();
    showTyping(false);
    renderChrome();
    ui.text.focus();
  }

  // ---- events from the server ----------------------------------------------------------------
  function handle(event) {
    if (!event || typeof event !== "object") return;
    switch (event.type) {
      case "message":
        receive(event.message, true);
        break;
      case "typing":
        showTyping(!!event.typing, event.name);
        break;
      case "read":
        state.agentReadUpTo = Math.max(state.agentReadUpTo, Number(event.up_to) || 0);
        renderReceipts();
        break;
      case "status":
        if (event.status) state.status = event.status;
        if ("agent" in event) state.agent = event.agent;
        if (event.availability) state.availability = event.availability;
        renderChrome();
        break;
      case "error":
        showError(event.message);
        break;
      case "pong":
        clearTimeout(net.pongTimer);
        break;
    }
  }

  // ---- transport: websocket, long-poll when it cannot be had ---------------------------------
  const net = { ws: null, failures: 0, attempt: 0, wsTimer: 0, pingTimer: 0, pongTimer: 0, poll: null, stopped: false };

  function connect() {
    clearTimeout(net.wsTimer);
    if (net.stopped || net.ws) return;
    if (!window.WebSocket) return startPolling();
    const url = new URL(state.wsPath, BASE);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", state.token);
    url.searchParams.set("after", String(state.cursor));
    let ws;
    try {
      ws = new WebSocket(url.href);
    } catch (error) {
      net.failures = WS_FAILURES_BEFORE_POLLING;
      return closed(null, 0, false);
    }
    net.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      net.failures = 0;
      net.attempt = 0;
      stopPolling();
      setConn("");
      net.pingTimer = setInterval(() => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send('{"type":"ping"}');
        clearTimeout(net.pongTimer);
        net.pongTimer = setTimeout(() => {
          ws.close(); // no answer: the connection is dead even if the browser has not noticed
          closed(ws, 0, true);
        }, PONG_WAIT_MS);
      }, PING_MS);
      if (typingOn) ws.send('{"type":"typing","typing":true}');
    };
    ws.onmessage = (message) => {
      try {
        handle(JSON.parse(message.data));
      } catch (error) {
        /* not ours */
      }
    };
    ws.onclose = (event) => closed(ws, event.code, opened);
  }

  function closed(ws, code, opened) {
    if (ws && net.ws !== ws) return;
    net.ws = null;
    clearInterval(net.pingTimer);
    clearTimeout(net.pongTimer);
    if (code === 4401 || code === 4403) {
      net.stopped = true;
      stopPolling();
      setConn(t("unavailable"));
      console.warn("Sapa chat: the server refused the connection (" + code + ").");
      return;
    }
    if (code === 4429) net.attempt = Math.max(net.attempt, 4);
    if (!opened) net.failures += 1;
    if (net.failures >= WS_FAILURES_BEFORE_POLLING) {
      startPolling();
      net.wsTimer = setTimeout(connect, WS_RETRY_MS);
      return;
    }
    if (opened) setConn(t("reconnecting"));
    net.wsTimer = setTimeout(connect, backoff(net.attempt++));
  }

  function startPolling() {
    if (net.poll || net.stopped) return;
    const controller = new AbortController();
    net.poll = controller;
    (async () => {
      let attempt = 0;
      while (net.poll === controller) {
        try {
          const query = "?after=" + encodeURIComponent(state.cursor) + "&wait=25";
          const data = await api("GET", state.eventsPath + query, undefined, controller.signal);
          if (net.poll !== controller) return;
          attempt = 0;
          setConn("");
          for (const event of data.events || []) handle(event);
          if (Number(data.after) > state.cursor) state.cursor = Number(data.after);
        } catch (error) {
          if (net.poll !== controller) return;
          if ([401, 403, 404].includes(error.status)) {
            net.stopped = true;
            setConn(t("unavailable"));
            return;
          }
          setConn(t("reconnecting"));
          await sleep(backoff(attempt++));
        }
      }
    })();
  }

  function stopPolling() {
    if (!net.poll) return;
    net.poll.abort();
    net.poll = null;
  }

  // ---- open / close, page changes -------------------------------------------------------------
  function setOpen(open, moveFocus) {
    state.open = open;
    ui.panel.hidden = !open;
    ui.root.classList.toggle("is-open", open);
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.setAttribute("aria-label", open ? t("close_chat") : t("open_chat"));
    store("sessionStorage", STORE + ":open", open ? "1" : "0");
    if (open) {
      scrollToEnd();
      markRead();
      if (moveFocus) focusPanel();
    } else if (moveFocus) {
      ui.launcher.focus();
    }
  }

  function focusPanel() {
    // On a phone the keyboard would cover half the conversation: focus the panel there.
    if (window.matchMedia && matchMedia("(pointer: coarse)").matches) return ui.panel.focus();
    if (state.prechat) {
      const first = Object.values(ui.fields)[0];
      return first ? first.input.focus() : ui.panel.focus();
    }
    ui.text.focus();
  }

  function watchPage() {
    let last = location.href;
    const changed = () =>
      setTimeout(() => {
        if (location.href === last) return;
        last = location.href;
        signal("page", { url: last, title: document.title });
      }, 300); // after the page has had a chance to set its new title
    const push = history.pushState;
    history.pushState = function (...args) {
      const result = push.apply(this, args);
      changed();
      return result;
    };
    addEventListener("popstate", changed);
    document.addEventListener("visibilitychange", markRead);
    addEventListener("online", () => {
      if (!net.ws && !net.stopped) connect();
    });
  }

  // ---- start -----------------------------------------------------------------------------------
  async function start() {
    let token = stored("localStorage", STORE);
    let data;
    for (let attempt = 0; ; attempt++) {
      try {
        data = await api("POST", "/chat/v1/session", {
          key: KEY,
          token,
          lang: state.lang,
          page_url: location.href,
          page_title: document.title,
        });
        break;
      } catch (error) {
        if (error.status === 403 || error.status === 404) {
          console.warn("Sapa chat: " + (error.status === 403 ? "this site may not use key " : "unknown key ") + KEY);
          return;
        }
        if ((error.status === 400 || error.status === 401) && token) {
          token = null; // a token the server no longer accepts: start as a new visitor
          continue;
        }
        if ((error.status >= 400 && error.status < 500 && error.status !== 429) || attempt >= 5) {
          console.warn("Sapa chat: could not start (" + (error.status || error.message) + ").");
          return;
        }
        await sleep(backoff(attempt + 1));
      }
    }
    state.token = data.token;
    store("localStorage", STORE, data.token);
    state.lang = data.lang === "en" ? "en" : "id";
    state.S = data.strings || {};
    state.widget = data.widget || {};
    state.visitor = data.visitor || {};
    state.availability = data.availability || state.availability;
    state.wsPath = data.ws_url || state.wsPath;
    state.eventsPath = data.events_url || state.eventsPath;

    const conversation = data.conversation;
    const messages = (conversation && conversation.messages) || [];
    const seen = stored("localStorage", STORE + ":seen");
    let newest = 0;
    for (const m of messages) if (m.author !== "visitor") newest = Math.max(newest, m.id);
    state.seenUpTo = seen === null ? newest : Number(seen) || 0;
    store("localStorage", STORE + ":seen", String(state.seenUpTo));
    const filled = prechatFields().some((name) => state.visitor[name]);
    const skipped = stored("localStorage", STORE + ":prechat") === "skipped";
    state.prechat = prechatFields().length > 0 && !filled && !skipped && !messages.length;

    build();
    if (conversation) {
      state.status = conversation.status;
      state.agent = conversation.agent;
      state.agentReadUpTo = Number(conversation.agent_read_up_to) || 0;
      for (const m of messages) receive(m, true);
    }
    afterChange();
    const remembered = stored("sessionStorage", STORE + ":open");
    if (remembered === "1" || (remembered === null && script.getAttribute("data-sapa-open") === "1")) setOpen(true, false);
    connect();
    watchPage();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
