// channelkit emulator page: vanilla script, no build step, nothing loaded
// from the network. Everything the bot sent is drawn with textContent,
// never as HTML.
"use strict";

const state = {
  platforms: [],
  current: null,
  logs: {},       // platform id → log element
  unread: {},
  pending: {},    // platform id → performance.now() of the last send
};
// Latencies from a send to its first answer drawn, for the browser test.
window.emulatorLatencies = [];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function str(v) { return typeof v === "string" ? v : ""; }

// ---------------------------------------------------------------- setup

async function init() {
  const res = await fetch("api/config");
  const cfg = await res.json();
  state.platforms = cfg.platforms;
  const tabs = document.getElementById("tabs");
  const logs = document.getElementById("logs");
  for (const p of cfg.platforms) {
    const b = el("button", { type: "button", id: "tab-" + p.id, onclick: () => select(p.id) }, p.name);
    tabs.append(el("li", {}, b));
    const log = el("div", { id: "log-" + p.id, class: "log", role: "log", "aria-live": "polite", "aria-label": p.name + " conversation", tabindex: "0", hidden: true });
    logs.append(log);
    state.logs[p.id] = log;
  }
  const wanted = location.hash.slice(1);
  select(cfg.platforms.some(p => p.id === wanted) ? wanted : cfg.platforms[0].id);
  document.getElementById("composer").addEventListener("submit", ev => {
    ev.preventDefault();
    const input = document.getElementById("msg");
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    send({ kind: "text", text });
  });
  listen();
}

function platform(id) { return state.platforms.find(p => p.id === id); }

function select(id) {
  state.current = id;
  const p = platform(id);
  document.body.className = "p-" + id;
  document.querySelector(".phone").className = "phone p-" + id;
  for (const q of state.platforms) {
    const tab = document.getElementById("tab-" + q.id);
    tab.setAttribute("aria-current", q.id === id ? "true" : "false");
    state.logs[q.id].hidden = q.id !== id;
  }
  state.unread[id] = 0;
  renderUnread(id);
  document.getElementById("platform-name").textContent = p.name;
  document.getElementById("platform-state").textContent = p.connected ? "· connected" : "· no webhook URL";
  document.getElementById("target").textContent = p.connected ? "Webhooks go to " + p.target : "No webhook URL for this platform: the emulator was started without one.";
  document.getElementById("note").textContent = p.note || "";
  const dl = document.getElementById("settings");
  dl.replaceChildren();
  for (const s of p.settings) dl.append(el("dt", { text: s.name }), el("dd", { text: s.value }));
  const buttons = document.getElementById("event-buttons");
  buttons.replaceChildren();
  for (const a of p.actions || []) {
    buttons.append(el("button", { type: "button", "data-kind": a, onclick: () => send({ kind: a }) }, a));
  }
  document.querySelector(".events").hidden = !(p.actions || []).length;
  history.replaceState(null, "", "#" + id);
  scrollDown(state.logs[id]);
}

function renderUnread(id) {
  const tab = document.getElementById("tab-" + id);
  let badge = tab.querySelector(".unread");
  const n = state.unread[id] || 0;
  if (!n) { if (badge) badge.remove(); return; }
  if (!badge) { badge = el("span", { class: "unread" }); tab.append(badge); }
  badge.textContent = String(n);
  badge.setAttribute("aria-label", n + " new");
}

// ---------------------------------------------------------------- sending

async function send(action) {
  const id = state.current;
  action.platform = id;
  state.pending[id] = { t0: performance.now(), what: action.text || action.data || action.kind };
  const last = document.getElementById("last-webhook");
  document.getElementById("last-drawn").textContent = "";
  try {
    const res = await fetch("api/send", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(action) });
    const out = await res.json();
    if (!res.ok) {
      note(id, out.error || ("the emulator answered HTTP " + res.status), true);
      delete state.pending[id];
      return;
    }
    last.textContent = "Webhook answered HTTP " + out.status + " in " + out.ms.toFixed(1) + " ms.";
  } catch (err) {
    note(id, "the emulator did not answer: " + err, true);
  }
}

function listen() {
  const status = document.getElementById("stream");
  const es = new EventSource("api/events");
  es.onopen = () => { status.textContent = "live"; };
  es.onerror = () => { status.textContent = "reconnecting…"; };
  es.onmessage = m => {
    let ev;
    try { ev = JSON.parse(m.data); } catch { return; }
    draw(ev);
  };
}

// ---------------------------------------------------------------- drawing

function scrollDown(log) { log.scrollTop = log.scrollHeight; }

function append(id, node) {
  const log = state.logs[id];
  if (!log) return;
  log.append(node);
  scrollDown(log);
  if (id !== state.current) {
    state.unread[id] = (state.unread[id] || 0) + 1;
    renderUnread(id);
  }
}

function note(id, text, isError) {
  append(id, el("p", { class: "note" + (isError ? " error" : ""), text }));
}

function draw(ev) {
  const id = ev.platform;
  switch (ev.kind) {
    case "user": return drawUser(ev);
    case "answer": return drawAnswer(ev);
    case "error": return note(id, ev.error, true);
    case "call": return drawCall(ev);
  }
}

function drawUser(ev) {
  const shown = ev.shown || "(" + ev.label + ")";
  const row = el("div", { class: "row user", "data-seq": ev.seq },
    el("span", { class: "who", text: "you · " + ev.label }),
    el("div", { class: "bubble", text: shown }));
  row.append(meta(ev, "webhook the bot received"));
  append(ev.platform, row);
}

function drawCall(ev) {
  const typing = document.getElementById("typing");
  if (/typing|typingOn/.test(ev.label)) {
    if (ev.platform === state.current) {
      typing.hidden = false;
      setTimeout(() => { typing.hidden = true; }, 3000);
    }
  }
  let text = ev.label + " · " + ev.via + (ev.status ? " · " + ev.status : "");
  const n = el("div", { class: "note call", "data-seq": ev.seq }, el("span", { text }));
  if (ev.body !== undefined || ev.refused) {
    const d = el("details", {}, el("summary", { text: "JSON" }), el("pre", { text: pretty(ev.body) + (ev.refused ? "\nrefused: " + ev.refused : "") }));
    n.append(d);
  }
  append(ev.platform, n);
}

function pretty(body) {
  if (body === undefined) return "";
  if (typeof body === "string") return body;
  return JSON.stringify(body, null, 2);
}

// meta is what goes with a bubble: how it travelled, what the platform
// would refuse, and the exact JSON.
function meta(ev, summary) {
  const m = el("div", { class: "meta" });
  m.append(el("div", { class: "via", text: ev.via + (ev.status ? " · HTTP " + ev.status : "") }));
  if (ev.kind === "answer") {
    if (ev.problems && ev.problems.length) {
      m.append(el("div", { text: "The platform would refuse this:" }));
      const ul = el("ul", { class: "problems" });
      for (const p of ev.problems) ul.append(el("li", { text: p }));
      m.append(ul);
    } else {
      m.append(el("div", { class: "ok", text: "✓ nothing the platform would refuse" }));
    }
    if (ev.refused) m.append(el("div", { class: "problems", text: "refused: " + ev.refused }));
  }
  m.append(el("details", {}, el("summary", { text: summary }), el("pre", { text: pretty(ev.body) })));
  return m;
}

function drawAnswer(ev) {
  const id = ev.platform;
  const group = el("div", { class: "row bot answer", "data-seq": ev.seq, "data-via": ev.label });
  group.append(el("span", { class: "who", text: "bot · " + ev.label }));
  const body = typeof ev.body === "object" ? ev.body : {};
  const ctx = { id, group };
  try {
    const render = { line: drawLINE, kakao: drawKakao, talktalk: drawTalkTalk, naverworks: drawWorks, clova: drawClova }[id];
    render(body, ctx);
  } catch (err) {
    group.append(el("p", { class: "note error", text: "could not draw this answer: " + err.message }));
  }
  group.append(meta(ev, "JSON the platform received"));
  append(id, group);
  const sent = state.pending[id];
  if (sent !== undefined) {
    delete state.pending[id];
    requestAnimationFrame(() => {
      const ms = performance.now() - sent.t0;
      window.emulatorLatencies.push({ platform: id, what: sent.what, ms });
      document.getElementById("last-drawn").textContent = "Answer drawn " + ms.toFixed(1) + " ms after sending.";
    });
  }
}

function bubble(text) {
  const b = el("div", { class: "bubble", text });
  const n = [...text].length;
  if (n > 400) {
    b.classList.add("long");
    b.setAttribute("tabindex", "0");
    const frag = el("div", { class: "row bot" }, b, el("span", { class: "count", text: n.toLocaleString("en") + " characters" }));
    return frag;
  }
  return b;
}

function image(url, alt, square) {
  const name = str(url).split("/").pop() || "image";
  return el("div", { class: "img" + (square ? " square" : ""), role: "img", "aria-label": "image " + (alt || name) }, el("span", { text: "image: " + name }));
}

// act is a button of an answer: pressing it sends what the platform would.
function act(label, action, cls) {
  if (!action) return el("button", { type: "button", class: cls || "act", disabled: true, text: label });
  if (action.link) {
    return el("button", { type: "button", class: (cls || "act") + " link", title: action.link, onclick: () => note(state.current, "This opens " + action.link + " (not followed in the emulator).") }, label);
  }
  return el("button", { type: "button", class: cls || "act", onclick: () => send(action) }, label);
}

function chips(items) {
  const c = el("div", { class: "chips", role: "group", "aria-label": "quick replies" });
  for (const [label, action] of items) c.append(act(label, action, "chip"));
  return c;
}

// ------------------------------------------------------------------ LINE

function lineAction(a) {
  if (!a) return null;
  switch (a.type) {
    case "postback": return { kind: "postback", data: a.data, shown: a.displayText };
    case "message": return { kind: "text", text: a.text };
    case "uri": return { link: a.uri };
    case "location": return { kind: "location" };
    case "camera": case "cameraRoll": return { kind: "image" };
  }
  return null;
}

function drawLINE(body, ctx) {
  const msgs = Array.isArray(body.messages) ? body.messages : [];
  let qr = null;
  for (const m of msgs) {
    ctx.group.append(lineMessage(m));
    if (m.quickReply && Array.isArray(m.quickReply.items)) qr = m.quickReply.items;
  }
  if (qr) ctx.group.append(chips(qr.map(i => [i.action && i.action.label || "", lineAction(i.action)])));
}

function lineMessage(m) {
  switch (m.type) {
    case "text": case "textV2": return bubble(str(m.text));
    case "image": return el("div", { class: "card" }, image(m.previewImageUrl || m.originalContentUrl));
    case "video": return el("div", { class: "card" }, image(m.previewImageUrl), el("div", { class: "body", text: "▶ video" }));
    case "audio": return bubble("▶ audio");
    case "sticker": return bubble("sticker " + m.packageId + "/" + m.stickerId);
    case "location": return el("div", { class: "card" }, el("div", { class: "body" }, el("div", { class: "title", text: "Location: " + str(m.title) }), el("div", { class: "desc", text: str(m.address) })));
    case "template": return lineTemplate(m.template || {});
    case "flex": return lineFlexContainer(m.contents || {});
  }
  return bubble("(" + m.type + " message)");
}

function lineTemplate(t) {
  const column = c => {
    const card = el("div", { class: "card" });
    if (c.thumbnailImageUrl) card.append(image(c.thumbnailImageUrl));
    const b = el("div", { class: "body" });
    if (c.title) b.append(el("div", { class: "title", text: c.title }));
    if (c.text) b.append(el("div", { class: "desc", text: c.text }));
    card.append(b);
    const btns = el("div", { class: "buttons" });
    for (const a of c.actions || []) btns.append(act(a.label, lineAction(a)));
    card.append(btns);
    return card;
  };
  switch (t.type) {
    case "buttons": case "confirm": return column(t);
    case "carousel": return el("div", { class: "carousel" }, ...(t.columns || []).map(column));
    case "image_carousel": return el("div", { class: "carousel" }, ...(t.columns || []).map(c => el("div", { class: "card" }, image(c.imageUrl, "", true), act(c.action && c.action.label || "", lineAction(c.action)))));
  }
  return bubble("(template " + t.type + ")");
}

function lineFlexContainer(c) {
  if (c.type === "carousel") return el("div", { class: "carousel" }, ...(c.contents || []).map(lineBubble));
  return lineBubble(c);
}

function lineBubble(b) {
  const card = el("div", { class: "card flex-bubble" });
  for (const part of ["header", "hero", "body", "footer"]) {
    if (!b[part]) continue;
    const node = lineComponent(b[part]);
    if (part !== "hero") node.classList.add("body");
    card.append(node);
  }
  return card;
}

function lineComponent(c) {
  switch (c.type) {
    case "box": {
      const box = el("div", { class: "flex-box" });
      box.style.display = "flex";
      box.style.flexDirection = c.layout === "horizontal" || c.layout === "baseline" ? "row" : "column";
      box.style.gap = { none: "0", xs: ".1em", sm: ".25em", md: ".5em", lg: ".75em", xl: "1em", xxl: "1.25em" }[c.spacing] || ".25em";
      for (const k of c.contents || []) box.append(lineComponent(k));
      return box;
    }
    case "text": {
      const t = el("div", { class: "flex-text " + (c.weight || "") + " " + (c.size || ""), text: str(c.text) || (c.contents || []).map(s => str(s.text)).join("") });
      return t;
    }
    case "image": return image(c.url);
    case "button": {
      const a = c.action || {};
      return act(a.label || "", lineAction(a), "act flex-button style-" + (c.style || "link"));
    }
    case "separator": return el("hr", { class: "flex-sep" });
    case "filler": case "spacer": return el("div", {});
    case "icon": return el("span", { text: "•" });
  }
  return el("div", { text: "(" + c.type + ")" });
}

// ---------------------------------------------------------------- Kakao

function kakaoAction(b, quick) {
  if (!b) return null;
  const trigger = (quick ? "QUICKREPLY_BUTTON_" : "CARD_BUTTON_") + (b.action === "block" ? "BLOCK" : "MESSAGE");
  switch (b.action) {
    case "message": case "block":
      return { kind: "postback", text: b.messageText || b.label, extra: b.extra, blockId: b.blockId, trigger };
    case "webLink": return { link: b.webLinkUrl };
    case "osLink": return { link: b.osLink && (b.osLink.pc || b.osLink.mobile) || "an app link" };
    case "phone": return { link: "tel:" + b.phoneNumber };
    case "share": return { link: "the share sheet" };
    case "operator": return { link: "a human operator (상담직원 연결)" };
    case "addChannel": return { link: "adding the channel" };
  }
  return null;
}

function drawKakao(body, ctx) {
  if (body.useCallback) {
    ctx.group.append(el("p", { class: "note", text: "useCallback: the answer follows by callback" }));
    if (body.data && body.data.text) ctx.group.append(bubble(String(body.data.text)));
    return;
  }
  const t = body.template || {};
  for (const o of t.outputs || []) ctx.group.append(kakaoOutput(o));
  if (Array.isArray(t.quickReplies) && t.quickReplies.length) {
    ctx.group.append(chips(t.quickReplies.map(q => [q.label, kakaoAction(q, true)])));
  }
  if (!t.outputs && body.data) ctx.group.append(el("p", { class: "note", text: "data only: " + JSON.stringify(body.data) }));
}

function kakaoOutput(o) {
  const kind = Object.keys(o)[0];
  const v = o[kind] || {};
  switch (kind) {
    case "simpleText": return bubble(str(v.text));
    case "simpleImage": return el("div", { class: "card" }, image(v.imageUrl, v.altText));
    case "carousel": {
      const items = (v.items || []).map(i => kakaoCard(v.type, i));
      if (v.header) items.unshift(kakaoCard("basicCard", { title: v.header.title, description: v.header.description, thumbnail: v.header.thumbnail }));
      return el("div", { class: "carousel" }, ...items);
    }
    default: return kakaoCard(kind, v);
  }
}

function kakaoButtons(bs) {
  const d = el("div", { class: "buttons" });
  for (const b of bs || []) d.append(act(b.label, kakaoAction(b)));
  return d;
}

function kakaoCard(kind, v) {
  const card = el("div", { class: "card k-" + kind });
  const body = el("div", { class: "body" });
  switch (kind) {
    case "basicCard": case "textCard":
      if (v.thumbnail && v.thumbnail.imageUrl) card.append(image(v.thumbnail.imageUrl, v.thumbnail.altText, v.thumbnail.fixedRatio));
      if (v.title) body.append(el("div", { class: "title", text: v.title }));
      if (v.description) body.append(el("div", { class: "desc", text: v.description }));
      break;
    case "commerceCard": {
      const th = (v.thumbnails || [])[0];
      if (th) card.append(image(th.imageUrl, th.altText));
      if (v.profile) body.append(el("div", { class: "desc", text: str(v.profile.nickname) }));
      if (v.title) body.append(el("div", { class: "title", text: v.title }));
      if (v.description) body.append(el("div", { class: "desc", text: v.description }));
      const cur = v.currency === "won" || !v.currency ? "원" : " " + v.currency;
      if (v.discount || v.discountRate) {
        const final = v.discountedPrice || (v.price - (v.discount || 0));
        body.append(el("div", { class: "desc" }, el("s", { text: Number(v.price).toLocaleString("ko") + cur })));
        body.append(el("div", { class: "price", text: Number(final).toLocaleString("ko") + cur + (v.discountRate ? " (" + v.discountRate + "%)" : "") }));
      } else if (v.price !== undefined) {
        body.append(el("div", { class: "price", text: Number(v.price).toLocaleString("ko") + cur }));
      }
      break;
    }
    case "listCard": {
      if (v.header) card.append(el("div", { class: "list-head", text: str(v.header.title) }));
      for (const it of v.items || []) {
        const row = el("div", { class: "list-item" });
        if (it.imageUrl) row.append(image(it.imageUrl));
        const txt = el("div", {}, el("div", { class: "title", text: str(it.title) }), el("div", { class: "desc", text: str(it.description) }));
        row.append(txt);
        if (it.action) {
          const a = kakaoAction({ action: it.action, messageText: it.messageText || it.title, blockId: it.blockId, extra: it.extra, webLinkUrl: it.link && it.link.web, label: it.title });
          const b = act("", a, "act list-item-button");
          b.append(row);
          card.append(b);
        } else card.append(row);
      }
      card.append(kakaoButtons(v.buttons));
      return card;
    }
    case "itemCard":
      if (v.thumbnail && v.thumbnail.imageUrl) card.append(image(v.thumbnail.imageUrl));
      if (v.head) body.append(el("div", { class: "title", text: str(v.head.title) }));
      if (v.imageTitle) body.append(el("div", { class: "title", text: str(v.imageTitle.title) }), el("div", { class: "desc", text: str(v.imageTitle.description) }));
      for (const it of v.itemList || []) body.append(el("div", { class: "item-row" }, el("span", { class: "k", text: str(it.title) }), el("span", { text: str(it.description) })));
      if (v.itemListSummary) body.append(el("div", { class: "item-row" }, el("strong", { text: str(v.itemListSummary.title) }), el("strong", { text: str(v.itemListSummary.description) })));
      if (v.title) body.append(el("div", { class: "title", text: v.title }));
      if (v.description) body.append(el("div", { class: "desc", text: v.description }));
      break;
    default:
      body.append(el("div", { class: "desc", text: "(" + kind + ")" }));
  }
  card.append(body);
  card.append(kakaoButtons(v.buttons));
  return card;
}

// -------------------------------------------------------------- TalkTalk

function talkAction(b) {
  if (!b) return null;
  const d = b.data || {};
  switch (b.type) {
    case "TEXT": return { kind: "postback", text: d.title, data: d.code };
    case "LINK": return { link: d.mobileUrl || d.url };
    case "OPTION": return { link: "an option menu" };
    case "PAY": return { link: "NAVER Pay" };
  }
  return null;
}

function drawTalkTalk(body, ctx) {
  let qr = null;
  if (body.textContent) { ctx.group.append(bubble(str(body.textContent.text))); qr = body.textContent.quickReply; }
  if (body.imageContent) { ctx.group.append(el("div", { class: "card" }, image(body.imageContent.imageUrl || body.imageContent.imageId))); qr = body.imageContent.quickReply; }
  if (body.compositeContent) {
    const list = (body.compositeContent.compositeList || []).map(talkComposite);
    ctx.group.append(list.length > 1 ? el("div", { class: "carousel" }, ...list) : list[0] || bubble("(empty composite)"));
    qr = body.compositeContent.quickReply;
  }
  if (body.event && body.event !== "send") ctx.group.append(el("p", { class: "note", text: body.event + " event" }));
  if (qr && qr.buttonList) ctx.group.append(chips(qr.buttonList.map(b => [b.data && b.data.title || "", talkAction(b)])));
}

function talkComposite(c) {
  const card = el("div", { class: "card" });
  if (c.image) card.append(image(c.image.imageUrl || c.image.imageId));
  const body = el("div", { class: "body" });
  if (c.title) body.append(el("div", { class: "title", text: c.title }));
  if (c.description) body.append(el("div", { class: "desc", text: c.description }));
  if (c.elementList && c.elementList.data) {
    for (const d of c.elementList.data) {
      body.append(el("div", { class: "item-row" }, el("span", { text: str(d.title) }), el("span", { class: "k", text: str(d.description) })));
      if (d.button) body.append(act(d.button.data && d.button.data.title || "", talkAction(d.button)));
    }
  }
  card.append(body);
  const btns = el("div", { class: "buttons" });
  for (const b of c.buttonList || []) btns.append(act(b.data && b.data.title || "", talkAction(b)));
  card.append(btns);
  return card;
}

// ----------------------------------------------------------- NAVER WORKS

function worksAction(a) {
  if (!a) return null;
  switch (a.type) {
    case "postback": return { kind: "postback", data: a.data, shown: a.displayText };
    case "message": return { kind: "text", text: a.text || a.label, data: a.postback };
    case "uri": return { link: a.uri };
    case "location": return { kind: "location" };
    case "camera": case "cameraRoll": return { kind: "image" };
  }
  return null;
}

function drawWorks(body, ctx) {
  const c = body.content || {};
  switch (c.type) {
    case "text": ctx.group.append(bubble(str(c.text))); break;
    case "image": ctx.group.append(el("div", { class: "card" }, image(c.previewImageUrl || c.originalContentUrl || c.fileId))); break;
    case "sticker": ctx.group.append(bubble("sticker " + c.packageId + "/" + c.stickerId)); break;
    case "link": ctx.group.append(el("div", { class: "card" }, el("div", { class: "body", text: str(c.contentText) }), el("div", { class: "buttons" }, act(c.linkText, { link: c.link })))); break;
    case "button_template": {
      const card = el("div", { class: "card" }, el("div", { class: "body" }, el("div", { class: "desc", text: str(c.contentText) })));
      const btns = el("div", { class: "buttons" });
      for (const a of c.actions || []) btns.append(act(a.label, worksAction(a)));
      card.append(btns);
      ctx.group.append(card);
      break;
    }
    case "list_template": {
      const card = el("div", { class: "card" });
      if (c.coverData) card.append(el("div", { class: "cover" }, el("div", { class: "title", text: str(c.coverData.title) }), el("div", { text: str(c.coverData.subtitle) })));
      for (const it of c.elements || []) {
        const row = el("div", { class: "body" }, el("div", { class: "title", text: str(it.title) }), el("div", { class: "desc", text: str(it.subtitle) }));
        card.append(row);
        if (it.action) card.append(act(it.action.label, worksAction(it.action)));
      }
      const btns = el("div", { class: "buttons" });
      for (const rowActs of c.actions || []) for (const a of (Array.isArray(rowActs) ? rowActs : [rowActs])) btns.append(act(a.label, worksAction(a)));
      card.append(btns);
      ctx.group.append(card);
      break;
    }
    case "carousel":
      ctx.group.append(el("div", { class: "carousel" }, ...(c.columns || []).map(col => {
        const card = el("div", { class: "card" });
        if (col.originalContentUrl || col.fileId) card.append(image(col.originalContentUrl || col.fileId, "", c.imageAspectRatio === "square"));
        card.append(el("div", { class: "body" }, col.title ? el("div", { class: "title", text: col.title }) : null, el("div", { class: "desc", text: str(col.text) })));
        const btns = el("div", { class: "buttons" });
        for (const a of col.actions || []) btns.append(act(a.label, worksAction(a)));
        card.append(btns);
        return card;
      })));
      break;
    case "image_carousel":
      ctx.group.append(el("div", { class: "carousel" }, ...(c.columns || []).map(col =>
        el("div", { class: "card" }, image(col.originalContentUrl || col.fileId, "", true), col.action ? act(col.action.label || "open", worksAction(col.action)) : null))));
      break;
    default:
      ctx.group.append(bubble("(" + c.type + " content)"));
  }
  if (c.quickReply && Array.isArray(c.quickReply.items)) {
    ctx.group.append(chips(c.quickReply.items.map(i => [i.action && i.action.label || "", worksAction(i.action)])));
  }
}

// ----------------------------------------------------------------- CLOVA

function speechLines(s) {
  if (!s) return [];
  const one = v => v && (v.type === "URL" ? "▶ " + str(v.value) : str(v.value));
  switch (s.type) {
    case "SimpleSpeech": return [one(s.values)];
    case "SpeechList": return (s.values || []).map(one);
    case "SpeechSet": return speechLines(s.verbose || s.brief);
  }
  return [];
}

function drawClova(body, ctx) {
  const r = body.response || {};
  const speech = el("div", { class: "speech" });
  const lines = speechLines(r.outputSpeech);
  speech.append(el("div", { class: "speaks", text: "CLOVA says:" }));
  const said = el("div", { class: "said" });
  for (const l of lines) said.append(el("p", { text: l }));
  if (!lines.length) said.append(el("p", { text: "(says nothing)" }));
  speech.append(said);
  if (r.card && Object.keys(r.card).length) {
    const card = el("div", { class: "card" }, el("div", { class: "body" }, el("div", { class: "title", text: "card · " + str(r.card.type) }),
      el("pre", { text: JSON.stringify(r.card, null, 1) })));
    speech.append(card);
  }
  if (r.reprompt && r.reprompt.outputSpeech) {
    speech.append(el("p", { class: "reprompt", text: "reprompt, if you stay silent: " + speechLines(r.reprompt.outputSpeech).join(" ") }));
  }
  speech.append(el("span", { class: "session", text: r.shouldEndSession ? "■ session ended" : "● still listening" }));
  ctx.group.append(speech);
}

init();
