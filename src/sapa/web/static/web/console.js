/* Sapa console: live updates over the websocket, presence, keyboard shortcuts.
   No framework; htmx does the fetching. */
(function () {
  "use strict";
  var body = document.body;
  var t = function (key) { return body.dataset["t" + key] || ""; };
  var ticketId = body.dataset.ticketId ? parseInt(body.dataset.ticketId, 10) : null;

  function emit(name, detail) { body.dispatchEvent(new CustomEvent(name, { detail: detail })); }

  function debounce(fn, ms) {
    var timer = null;
    return function () { var args = arguments; clearTimeout(timer); timer = setTimeout(function () { fn.apply(null, args); }, ms); };
  }

  function toast(text) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { el.hidden = true; }, 4000);
  }

  /* ---- websocket with reconnection ---- */
  var socket = null;
  var retry = 0;
  var queue = [];
  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    else queue.push(message);
  }
  function connect() {
    if (!body.dataset.wsPath || !document.querySelector(".topbar")) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + body.dataset.wsPath);
    socket.addEventListener("open", function () {
      retry = 0;
      body.dataset.live = "on";
      if (ticketId) send({ type: "watch", ticket_id: ticketId });
      while (queue.length) socket.send(JSON.stringify(queue.shift()));
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      handle(data);
    });
    socket.addEventListener("close", function () {
      body.dataset.live = "off";
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * Math.pow(2, retry));
    });
  }

  /* Heartbeat: while a console is open its agent counts as online for the chat. */
  setInterval(function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
  }, 60000);

  var ticketsChanged = debounce(function () { emit("sapa:tickets-changed"); }, 250);
  var ticketChanged = debounce(function () { emit("sapa:ticket-changed"); }, 150);

  function handle(data) {
    if (data.type === "ticket.changed") {
      ticketsChanged();
      if (ticketId && data.ticket_id === ticketId) {
        ticketChanged();
        if (data.kind === "message") {
          var draft = document.getElementById("reply-text");
          if (draft && draft.value.trim()) toast(t("NewMessage"));
        }
      }
    } else if (data.type === "notification.created") {
      emit("sapa:notification");
    } else if (data.type === "ticket.presence") {
      presence(data);
    } else if (ticketId && data.ticket_id === ticketId) {
      if (data.type === "chat.typing") visitorTyping(data.typing);
      else if (data.type === "chat.read") markRead(data.up_to);
      else if (data.type === "chat.page") visitorPage(data.url, data.title);
    }
    if (data.type === "ticket.changed" && data.kind === "message" && data.ticket_id === ticketId) visitorTyping(false);
  }

  /* ---- a chat ticket: the visitor typing, reading, moving between pages ---- */
  var typingTimer = null;
  function visitorTyping(on) {
    var el = document.getElementById("visitor-typing");
    if (!el) return;
    clearTimeout(typingTimer);
    el.textContent = on ? t("VisitorTyping") : "";
    el.hidden = !on;
    /* A visitor who closes the tab never says "stopped": forget it after a while. */
    if (on) typingTimer = setTimeout(function () { visitorTyping(false); }, 10000);
  }
  function markRead(upTo) {
    if (typeof upTo !== "number") return;
    var known = parseInt(body.dataset.chatReadUpTo || "0", 10);
    if (upTo > known) body.dataset.chatReadUpTo = String(upTo);
    showReceipts();
  }
  function showReceipts() {
    var upTo = parseInt(body.dataset.chatReadUpTo || "0", 10);
    document.querySelectorAll("[data-read-receipt]").forEach(function (receipt) {
      var entry = receipt.closest("[data-message-id]");
      if (entry && parseInt(entry.dataset.messageId, 10) <= upTo) receipt.hidden = false;
    });
  }
  function visitorPage(url, title) {
    var el = document.getElementById("visitor-page");
    if (!el || typeof url !== "string") return;
    el.textContent = "";
    if (/^https?:\/\/[^\s]+$/i.test(url)) {
      var link = document.createElement("a");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      link.textContent = title || url;
      el.appendChild(link);
    }
    if (url) {
      var shown = document.createElement("span");
      shown.className = "page-url";
      shown.textContent = url;
      el.appendChild(shown);
    } else {
      el.textContent = el.dataset.empty || "";
    }
  }
  body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "timeline") showReceipts();
  });

  /* ---- presence on a ticket: who else is viewing or typing ---- */
  var others = {};
  function presence(data) {
    if (data.state === "left") delete others[data.agent_id];
    else others[data.agent_id] = { name: data.agent_name, state: data.state, at: Date.now() };
    renderPresence();
  }
  function renderPresence() {
    var el = document.getElementById("presence");
    if (!el) return;
    var now = Date.now();
    var lines = [];
    Object.keys(others).forEach(function (id) {
      var o = others[id];
      if (now - o.at > 45000) { delete others[id]; return; }
      lines.push(o.name + " " + (o.state === "typing" && now - o.at < 8000 ? t("Typing") : t("Viewing")));
    });
    el.textContent = lines.join(" · ");
    el.hidden = lines.length === 0;
  }
  if (ticketId) {
    setInterval(function () { send({ type: "presence", state: "viewing" }); renderPresence(); }, 20000);
    var lastTyping = 0;
    document.addEventListener("input", function (event) {
      if (!event.target.matches("[data-presence]")) return;
      var now = Date.now();
      if (now - lastTyping > 3000) { lastTyping = now; send({ type: "presence", state: "typing" }); }
    });
  }

  /* ---- forms: autosubmit, tabs, macros, bulk selection ---- */
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]") && el.form) el.form.requestSubmit();
    if (el.id === "macro-select" && el.value && window.htmx) {
      var url = el.dataset.macroUrl.replace(/\/0\/$/, "/" + el.value + "/");
      htmx.ajax("GET", url, { target: "#reply-text", swap: "outerHTML" }).then(function () {
        var area = document.getElementById("reply-text");
        if (area) area.focus();
      });
      el.value = "";
    }
    if (el.matches(".ticket-row input[type=checkbox]")) updateSelection();
  });
  function updateSelection() {
    var boxes = document.querySelectorAll(".ticket-row input[type=checkbox]:checked");
    var label = document.getElementById("bulk-count");
    if (label && boxes.length) label.textContent = boxes.length + " " + t("Selected");
  }
  function selectTab(name) {
    document.querySelectorAll("[data-tab]").forEach(function (tab) {
      var on = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
    var area = document.querySelector(name === "note" ? "#note-text" : "#reply-text");
    if (area) area.focus();
  }
  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[data-tab]");
    if (tab) selectTab(tab.dataset.tab);
  });
  /* Tabs follow the ARIA pattern: arrow keys move between them. */
  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest("[role=tab]");
    if (!tab || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll("[role=tab]"));
    var next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    selectTab(next.dataset.tab);
    next.focus();
    event.preventDefault();
  });

  /* ---- keyboard: / search, j/k move, o or Enter open, x select, r reply, n note ---- */
  var cursor = -1;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".ticket-row")); }
  function move(step) {
    var list = rows();
    if (!list.length) return;
    cursor = Math.max(0, Math.min(list.length - 1, cursor + step));
    list.forEach(function (row, i) { row.classList.toggle("selected", i === cursor); });
    list[cursor].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    var typing = event.target.matches("input, textarea, select, [contenteditable]");
    if (event.key === "Escape" && typing) { event.target.blur(); return; }
    if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
    var list = rows();
    switch (event.key) {
      case "/": event.preventDefault(); var search = document.getElementById("global-search"); if (search) search.focus(); break;
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": case "Enter": if (list[cursor]) location.href = list[cursor].dataset.href; break;
      case "x": if (list[cursor]) { var box = list[cursor].querySelector("input[type=checkbox]"); box.checked = !box.checked; updateSelection(); } break;
      case "r": if (ticketId) { event.preventDefault(); selectTab("reply"); } break;
      case "n": if (ticketId) { event.preventDefault(); selectTab("note"); } break;
    }
  });

  /* New rows (live refresh) flash briefly. */
  var known = new Set(rows().map(function (row) { return row.dataset.ticketId; }));
  body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "inbox-rows") return;
    rows().forEach(function (row) {
      if (!known.has(row.dataset.ticketId)) row.classList.add("fresh");
      known.add(row.dataset.ticketId);
    });
    cursor = -1;
  });

  /* ---- settings pages: copy a snippet, colour swatches ---- */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var status = button.parentNode.querySelector(".copy-status");
    var done = function () { if (status) status.textContent = t("Copied"); };
    source.select();
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(source.value).then(done, function () { document.execCommand("copy"); done(); });
    else { document.execCommand("copy"); done(); }
  });
  document.querySelectorAll("[data-colour]").forEach(function (swatch) {
    if (/^#[0-9a-f]{6}$/i.test(swatch.dataset.colour)) swatch.style.backgroundColor = swatch.dataset.colour;
  });

  connect();
})();

// Knowledge base: insert article link
(function () {
  "use strict";
  /* Clicking a result moves focus off the textarea: remember where its caret was. */
  document.addEventListener("focusout", function (event) {
    var area = event.target;
    if (area.tagName !== "TEXTAREA" || !area.id) return;
    area.dataset.kbCaret = area.selectionStart + "," + area.selectionEnd;
  });
  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest("[data-kb-insert]");
    if (!pick) return;
    var picker = pick.closest("[data-kb-target]");
    var area = picker && document.getElementById(picker.dataset.kbTarget);
    if (!area) return;
    var caret = (area.dataset.kbCaret || "").split(",");
    var start = caret.length === 2 ? parseInt(caret[0], 10) : area.value.length;
    var end = caret.length === 2 ? parseInt(caret[1], 10) : area.value.length;
    var before = area.value.slice(0, start), after = area.value.slice(end);
    var line = pick.dataset.kbInsert;
    var text = (before && !/\s$/.test(before) ? "\n" : "") + line + (after && !/^\s/.test(after) ? "\n" : "");
    area.value = before + text + after;
    area.focus();
    area.selectionStart = area.selectionEnd = start + text.length;
    area.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
