// tarjama's feeds page: each watched feed's latest items; opening one draws its Arabic and its
// English side by side, sentence by sentence, with the checks' flags (as the article page does).
// Plain browser JavaScript, no framework and no build step, so the page works offline.
"use strict";

const API_KEY = "tarjama.apiKey.v1"; // the article page's key, shared
const $ = (id) => document.getElementById(id);
let flagHelp = {};

function apiKey() {
  return (localStorage.getItem(API_KEY) || "").trim();
}

function keyHeaders() {
  const key = apiKey();
  return key ? { "X-API-Key": key } : {};
}

function withKey(url) {
  const key = apiKey();
  return key ? `${url}${url.includes("?") ? "&" : "?"}api_key=${encodeURIComponent(key)}` : url;
}

function showError(message) {
  const alert = $("alert");
  alert.textContent = message;
  alert.hidden = false;
}

async function getJSON(url) {
  const response = await fetch(url, { headers: keyHeaders() });
  if (!response.ok) {
    let message = `The server answered HTTP ${response.status}.`;
    try {
      message = (await response.json()).error || message;
    } catch (_) {
      // not JSON: keep the status line
    }
    if (response.status === 401) $("key-panel").open = true;
    throw new Error(message);
  }
  return response.json();
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function when(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : "never";
}

// --- the list ---------------------------------------------------------------------------------

function feedMeta(feed) {
  const parts = [`${feed.items} items`, `last poll ${when(feed.last_poll)}`];
  if (feed.last_status === "failed") {
    parts.push(`failed ${feed.failures}× in a row: ${feed.last_error}`);
  } else if (feed.last_status) {
    parts.push(feed.last_status);
  }
  parts.push(`next poll ${when(feed.next_poll)}`);
  const meta = el("p", { className: "feed-meta", textContent: parts.join(" · ") });
  if (feed.last_status === "failed") meta.classList.add("failed");
  return meta;
}

function itemRow(feed, item) {
  const row = el("details", { className: "feed-item" });
  row.dataset.key = item.key;
  const summary = el("summary");
  if (item.arabic) {
    summary.append(
      el("span", { className: "item-en", lang: "en", textContent: item.title_en || "(no title)" }),
      el("span", { className: "item-ar", lang: "ar", dir: "rtl", textContent: item.title }),
    );
    if (item.flags.length) {
      summary.append(
        el("span", {
          className: "marker flagged",
          textContent: `${item.flags.length} flag${item.flags.length > 1 ? "s" : ""}`,
          title: item.flags.map((f) => f.replaceAll("_", " ")).join(", "),
        }),
      );
    }
  } else {
    summary.append(
      el("span", { className: "item-en", textContent: item.title || "(no title)" }),
      el("span", { className: "marker", textContent: "not Arabic: passed through" }),
    );
  }
  row.append(summary, el("div", { className: "item-body" }));
  row.addEventListener("toggle", () => {
    if (row.open && !row.dataset.loaded) openItem(feed, item, row);
  });
  return row;
}

function feedCard(feed) {
  const english = feed.english_url;
  const links = el(
    "span",
    { className: "feed-links" },
    "English feed:",
    el("a", { href: withKey(english), textContent: feed.kind || "source" }),
    el("a", { href: withKey(`${english}?format=rss`), textContent: "RSS" }),
    el("a", { href: withKey(`${english}?format=atom`), textContent: "Atom" }),
    el("a", { href: withKey(`${english}?format=json`), textContent: "JSON" }),
  );
  const card = el(
    "section",
    { className: "card feed" },
    el(
      "div",
      { className: "feed-head" },
      el("h2", { textContent: feed.title ? `${feed.name} · ${feed.title}` : feed.name }),
      links,
    ),
    feedMeta(feed),
  );
  card.dataset.feed = feed.name;
  for (const warning of feed.warnings) {
    card.append(el("p", { className: "hint", textContent: `Reading the feed: ${warning}` }));
  }
  for (const item of feed.latest) card.append(itemRow(feed, item));
  return card;
}

async function load() {
  try {
    const data = await getJSON("/web/feeds/list");
    flagHelp = data.flag_help;
    const feeds = $("feeds");
    feeds.replaceChildren(...data.feeds.map(feedCard));
    $("status-text").textContent = data.feeds.length
      ? `${data.feeds.length} feed${data.feeds.length > 1 ? "s" : ""} watched.`
      : "No feeds are watched yet: add one with 'tarjama feeds add NAME URL'.";
    $("alert").hidden = true;
  } catch (error) {
    $("status-text").textContent = "";
    showError(error.message);
  }
}

// --- one item, side by side ---------------------------------------------------------------------

function flagBadge(code) {
  const help = flagHelp[code] || code;
  const badge = el("span", { className: "flag", tabIndex: 0, textContent: code.replaceAll("_", " ") });
  badge.dataset.flag = code;
  badge.dataset.tip = help;
  badge.setAttribute("role", "note");
  badge.setAttribute("aria-label", `${code.replaceAll("_", " ")}: ${help}`);
  return badge;
}

function sentence(segment, side) {
  const span = el("span", { className: "seg", tabIndex: 0 });
  span.dataset.seg = segment.id;
  span.append(el("span", { className: "seg-text", textContent: side === "src" ? segment.source : segment.target }));
  if (side === "tgt" && segment.flags.length) {
    span.classList.add("flagged");
    span.append(el("span", { className: "flags" }, ...segment.flags.map(flagBadge)));
  }
  return span;
}

function column(block, side) {
  const p = el("p", { className: side });
  if (side === "src") {
    p.lang = "ar";
    p.dir = "rtl";
  } else {
    p.lang = "en";
  }
  const segments = block.segments.length
    ? block.segments
    : [{ id: "", source: block.source, target: block.target, flags: block.flags }];
  segments.forEach((segment, i) => {
    if (i) p.append(" ");
    p.append(sentence(segment, side));
  });
  return p;
}

function pairRow(block) {
  const row = el("div", { className: "pair" });
  if (block.kind === "heading" || block.kind === "title") row.classList.add("heading");
  if (block.kind.startsWith("attribute")) row.classList.add("attribute");
  row.append(column(block, "src"), column(block, "tgt"));
  return row;
}

function highlightTwins(body) {
  body.addEventListener("mouseover", (event) => {
    const seg = event.target.closest(".seg");
    for (const node of body.querySelectorAll(".seg.hl")) node.classList.remove("hl");
    if (!seg || !seg.dataset.seg) return;
    for (const twin of body.querySelectorAll(`.seg[data-seg="${CSS.escape(seg.dataset.seg)}"]`)) {
      twin.classList.add("hl");
    }
  });
}

async function openItem(feed, item, row) {
  const body = row.querySelector(".item-body");
  body.textContent = "Loading…";
  try {
    const data = await getJSON(
      `/web/feeds/item?feed=${encodeURIComponent(feed.name)}&key=${encodeURIComponent(item.key)}`,
    );
    row.dataset.loaded = "1";
    body.replaceChildren();
    if (!data.arabic) {
      body.append(el("p", { className: "hint", textContent: "This item is not in Arabic: the English feed carries it as it is." }));
    }
    body.append(
      el("div", { className: "pair pair-head", ariaHidden: "true" },
        el("div", { className: "src", dir: "rtl", lang: "ar", textContent: "العربية" }),
        el("div", { className: "tgt", textContent: "English" })),
      ...data.blocks.map(pairRow),
    );
    if (data.link) body.append(el("p", { className: "hint" }, el("a", { href: data.link, textContent: data.link, rel: "noopener noreferrer" })));
    if (data.full_text_en) {
      body.append(el("h3", { textContent: "Full article" }));
      const paragraphs = (text) => text.split(/\n\n+/);
      const ar = paragraphs(data.full_text || "");
      const en = paragraphs(data.full_text_en);
      ar.forEach((source, i) => {
        body.append(pairRow({ kind: "paragraph", source, target: en[i] || "", flags: [], segments: [] }));
      });
      if (data.full_text_flags.length) {
        body.append(el("p", { className: "flags" }, ...data.full_text_flags.map(flagBadge)));
      }
    } else if (data.full_text_error) {
      body.append(el("p", { className: "hint", textContent: `Full article: ${data.full_text_error}` }));
    }
    highlightTwins(body);
  } catch (error) {
    body.textContent = "";
    showError(error.message);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const key = $("api-key");
  key.value = apiKey();
  key.addEventListener("input", () => localStorage.setItem(API_KEY, key.value.trim()));
  key.addEventListener("change", load);
  load();
});
