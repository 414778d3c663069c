/* Sapa reviews widget. One tag on any site:
 *   <script src="https://SAPA/r/widget.js" data-sapa-reviews async></script>
 * Optional attributes: data-lang ("id" / "en"; default: the page's language), data-limit
 * (1-50, default 5), data-min-stars (1-5), data-target (a CSS selector of the element to
 * fill; default: a new element right after the script tag).
 * Plain JavaScript, no framework, no build step. Renders into a shadow root so the host
 * page's CSS and ours never meet. Every word shown comes from the server (`strings`), and
 * everything from the server is set with textContent only, never as HTML.
 */
(() => {
  "use strict";
  const script = document.currentScript || document.querySelector("script[data-sapa-reviews]");
  if (!script || !script.src) return;

  const BASE = new URL(script.src, location.href).origin;
  const wanted = script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "";
  const LANG = /^en/i.test(wanted) ? "en" : "id";

  function h(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }
  const fill = (template, values) =>
    String(template || "").replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  const glyphs = (stars) => {
    const n = Math.max(0, Math.min(5, Math.round(Number(stars) || 0)));
    return "★".repeat(n) + "☆".repeat(5 - n);
  };
  function formatDate(iso) {
    const date = new Date(String(iso) + "T00:00:00");
    if (isNaN(date.getTime())) return String(iso || "");
    try {
      return new Intl.DateTimeFormat(LANG === "en" ? "en-GB" : "id-ID", { dateStyle: "long" }).format(date);
    } catch (error) {
      return String(iso);
    }
  }
  function formatAverage(value) {
    try {
      return new Intl.NumberFormat(LANG === "en" ? "en-GB" : "id-ID", { maximumFractionDigits: 1 }).format(value);
    } catch (error) {
      return String(value);
    }
  }

  function starsLine(stars, S) {
    const line = h("p", "stars");
    line.setAttribute("role", "img");
    line.setAttribute("aria-label", fill(S.stars, { stars: stars }));
    line.textContent = glyphs(stars);
    return line;
  }

  function review(item, S) {
    const card = h("li", "review");
    card.append(starsLine(item.stars, S));
    if (item.title) card.append(h("p", "review-title", item.title));
    if (item.text) card.append(h("p", "review-text", item.text));
    const meta = h("p", "meta");
    meta.append(h("span", "name", item.name || S.customer), document.createTextNode(" · "));
    const time = h("time", "", formatDate(item.date));
    time.setAttribute("datetime", String(item.date || ""));
    meta.append(time);
    card.append(meta);
    if (item.reply && item.reply.text) {
      const reply = h("div", "reply");
      reply.append(h("p", "reply-from", S.reply_from), h("p", "reply-text", item.reply.text));
      card.append(reply);
    }
    return card;
  }

  function render(root, data) {
    const S = data.strings || {};
    const box = h("section", "sapa-reviews");
    const heading = h("h2", "heading", S.title);
    heading.id = "sapa-reviews-title";
    box.setAttribute("aria-labelledby", heading.id);
    box.append(heading);
    const summary = data.summary || {};
    if (summary.count) {
      const line = h("p", "summary");
      const glyphLine = h("span", "summary-stars", glyphs(summary.average));
      glyphLine.setAttribute("aria-hidden", "true");
      line.append(glyphLine);
      const words = summary.count === 1 ? S.summary_one : S.summary_other;
      line.append(h("span", "", fill(words, { average: formatAverage(summary.average), count: summary.count })));
      box.append(line);
    }
    const items = Array.isArray(data.items) ? data.items : [];
    if (items.length) {
      const list = h("ul", "list");
      for (const item of items) list.append(review(item, S));
      box.append(list);
    } else {
      box.append(h("p", "empty", S.empty));
    }
    if (data.more_url && /^https?:\/\//.test(data.more_url)) {
      const more = h("a", "more", S.more);
      more.href = data.more_url;
      more.target = "_blank";
      more.rel = "noopener";
      box.append(more);
    }
    root.replaceChildren(box);
  }

  function host() {
    const selector = script.getAttribute("data-target");
    let target = null;
    try {
      target = selector ? document.querySelector(selector) : null;
    } catch (error) {
      target = null; // not a valid selector: render after the tag instead
    }
    if (target) return target;
    const el = document.createElement("div");
    el.className = "sapa-reviews-host";
    script.parentNode.insertBefore(el, script.nextSibling);
    return el;
  }

  function start() {
    const el = host();
    if (el.shadowRoot || el.getAttribute("data-sapa-reviews-ready")) return;
    el.setAttribute("data-sapa-reviews-ready", "");
    const root = el.attachShadow({ mode: "open" });
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = BASE + "/r/widget.css";
    const content = document.createElement("div");
    content.setAttribute("aria-live", "polite");
    root.append(style, content);

    const params = new URLSearchParams({ lang: LANG, limit: script.getAttribute("data-limit") || "5" });
    const minStars = script.getAttribute("data-min-stars");
    if (minStars) params.set("min_stars", minStars);
    fetch(BASE + "/r/reviews.json?" + params.toString(), { credentials: "omit" })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
      .then((data) => render(content, data))
      .catch(() => content.replaceChildren()); // nothing rather than a broken box
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
