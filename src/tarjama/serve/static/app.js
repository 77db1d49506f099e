// tarjama's bilingual page: send an article to /web/translate, draw the Arabic and the English
// side by side sentence by sentence, keep the reader's glossary (and API key, when the server
// asks for one) in localStorage.
// Plain browser JavaScript, no framework and no build step, so the page works offline.
"use strict";

const GLOSSARY_KEY = "tarjama.glossary.v1";
const API_KEY = "tarjama.apiKey.v1";
const $ = (id) => document.getElementById(id);

// --- glossary ---------------------------------------------------------------------------------

function loadGlossary() {
  try {
    const rows = JSON.parse(localStorage.getItem(GLOSSARY_KEY) || "[]");
    return Array.isArray(rows) ? rows.filter((r) => r && typeof r === "object") : [];
  } catch {
    return []; // a damaged entry must not stop the page
  }
}

let glossary = loadGlossary();

function saveGlossary() {
  localStorage.setItem(GLOSSARY_KEY, JSON.stringify(glossary));
  $("glossary-count").textContent = String(glossary.filter((r) => r.ar && r.en).length);
}

function glossaryInput(row, key, index) {
  const input = document.createElement("input");
  input.type = "text";
  input.value = row[key] || "";
  input.dataset.field = key;
  if (key === "ar") {
    input.lang = "ar";
    input.dir = "rtl";
  } else {
    input.lang = "en";
  }
  input.setAttribute("aria-label", `${key === "ar" ? "Arabic" : "English"} term ${index + 1}`);
  input.addEventListener("input", () => {
    row[key] = input.value;
    saveGlossary();
  });
  return input;
}

function renderGlossary() {
  const body = $("glossary-rows");
  body.replaceChildren();
  glossary.forEach((row, index) => {
    const tr = document.createElement("tr");
    for (const key of ["ar", "en"]) {
      const td = document.createElement("td");
      td.append(glossaryInput(row, key, index));
      tr.append(td);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button";
    remove.textContent = "Delete";
    remove.setAttribute("aria-label", `Delete term ${index + 1}`);
    remove.addEventListener("click", () => {
      glossary.splice(index, 1);
      saveGlossary();
      renderGlossary();
    });
    const td = document.createElement("td");
    td.append(remove);
    tr.append(td);
    body.append(tr);
  });
  saveGlossary();
}

function addGlossaryRow() {
  glossary.push({ ar: "", en: "" });
  renderGlossary();
  $("glossary-panel").open = true;
  const inputs = $("glossary-rows").querySelectorAll('input[data-field="ar"]');
  inputs[inputs.length - 1].focus();
}

// --- API key: the same access check as the APIs, sent as a header ------------------------------

function apiKey() {
  return (localStorage.getItem(API_KEY) || "").trim();
}

function keyHeaders() {
  const key = apiKey();
  return key ? { "X-API-Key": key } : {};
}

function askForKey() {
  $("key-panel").open = true;
  $("api-key").focus();
}

// A link cannot carry a header: with a key, a download is fetched and handed to the browser.
async function keyedDownload(event) {
  const link = event.currentTarget;
  if (!apiKey() || !link.href) return; // no key: the plain link works
  event.preventDefault();
  clearError();
  try {
    const response = await fetch(link.href, { headers: keyHeaders() });
    if (!response.ok) {
      if (response.status === 401 || response.status === 403) askForKey();
      showError(await errorMessage(response));
      return;
    }
    const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
    const url = URL.createObjectURL(await response.blob());
    const save = Object.assign(document.createElement("a"), {
      href: url,
      download: named ? named[1] : "",
    });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    showError(`Could not reach the tarjama server (${err.message}).`);
  }
}

// --- status, errors, busy state ---------------------------------------------------------------

function showError(message) {
  const alert = $("alert");
  alert.textContent = message;
  alert.hidden = false;
}

function clearError() {
  $("alert").hidden = true;
  $("alert").textContent = "";
}

function setBusy(busy) {
  $("translate-button").disabled = busy;
  $("progress").hidden = !busy;
  $("result").setAttribute("aria-busy", String(busy));
  document.body.classList.toggle("busy", busy);
  $("status-text").textContent = busy ? "Translating…" : "";
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    const message = body.error ?? body.detail; // the server's {"error": …}; FastAPI's own 422s
    if (typeof message === "string") return message;
  } catch {
    // not JSON: fall through to the status line
  }
  return `The server could not translate this (HTTP ${response.status}).`;
}

// --- drawing the result -----------------------------------------------------------------------

function flagBadge(code, help) {
  const badge = document.createElement("span");
  badge.className = "flag";
  badge.dataset.flag = code;
  badge.dataset.tip = help;
  badge.tabIndex = 0;
  badge.setAttribute("role", "note");
  badge.setAttribute("aria-label", `${code.replaceAll("_", " ")}: ${help}`);
  badge.textContent = code.replaceAll("_", " ");
  return badge;
}

// A translation-memory match beside the English, as CAT tools show them: how alike the stored
// Arabic is (0-100), whose English it is, and the English itself; the stored Arabic on hover.
function suggestionNote(suggestion) {
  const note = document.createElement("span");
  note.className = "suggestion";
  note.dataset.score = String(suggestion.score);
  note.dataset.origin = suggestion.origin;
  note.tabIndex = 0;
  note.setAttribute("role", "note");
  const who = suggestion.origin === "human" ? "a person's translation" : "machine translation";
  note.setAttribute("aria-label", `memory match ${suggestion.score}%, ${who}: ${suggestion.target}`);
  const score = document.createElement("span");
  score.className = "suggestion-score";
  score.textContent = `${suggestion.score}%${suggestion.origin === "human" ? " ✎" : ""}`;
  const target = document.createElement("span");
  target.className = "suggestion-target";
  target.lang = "en";
  target.textContent = suggestion.target;
  const source = document.createElement("span");
  source.className = "suggestion-source";
  source.lang = "ar";
  source.dir = "rtl";
  source.textContent = suggestion.source;
  note.append(score, target, source);
  return note;
}

function sentence(segment, side, flagHelp) {
  const span = document.createElement("span");
  span.className = "seg";
  span.dataset.seg = segment.id;
  span.tabIndex = 0;
  const text = document.createElement("span");
  text.className = "seg-text";
  text.textContent = side === "src" ? segment.source : segment.target;
  span.append(text);
  if (side === "tgt" && segment.flags.length) {
    span.classList.add("flagged");
    const flags = document.createElement("span");
    flags.className = "flags";
    for (const code of segment.flags) flags.append(flagBadge(code, flagHelp[code] || code));
    span.append(flags);
  }
  const suggestions = segment.suggestions || [];
  if (side === "tgt" && suggestions.length) {
    const list = document.createElement("span");
    list.className = "suggestions";
    list.append(...suggestions.map(suggestionNote));
    span.append(list);
  }
  return span;
}

function column(block, side, flagHelp) {
  const p = document.createElement("p");
  p.className = side;
  if (side === "src") {
    p.lang = "ar";
    p.dir = "rtl";
  } else {
    p.lang = "en";
  }
  block.segments.forEach((segment, i) => {
    if (i) p.append(" ");
    p.append(sentence(segment, side, flagHelp));
  });
  return p;
}

function renderResult(data) {
  const pairs = $("pairs");
  pairs.replaceChildren();
  for (const block of data.blocks) {
    const row = document.createElement("div");
    row.className = "pair";
    if (block.kind === "heading") row.classList.add("heading");
    if (block.kind.startsWith("attribute")) row.classList.add("attribute");
    row.dataset.block = block.id;
    row.append(column(block, "src", data.flag_help), column(block, "tgt", data.flag_help));
    pairs.append(row);
  }
  for (const [kind, url] of Object.entries(data.downloads)) {
    const link = $(`download-${kind}`);
    if (link) link.href = url;
  }
  const warnings = $("warnings");
  warnings.replaceChildren(
    ...data.warnings.map((text) => Object.assign(document.createElement("li"), { textContent: text })),
  );
  warnings.hidden = data.warnings.length === 0;
  const segments = data.blocks.flatMap((b) => b.segments);
  const flagged = segments.filter((s) => s.flags.length).length;
  const matched = segments.filter((s) => (s.suggestions || []).length).length;
  $("result").hidden = false;
  $("status-text").textContent =
    `${data.name ? data.name + ": " : ""}${segments.length} sentences, ${flagged} flagged` +
    (matched ? `, ${matched} with memory matches.` : ".");
}

// Hovering or focusing a sentence on either side lights up both it and its twin.
function highlight(id) {
  for (const el of document.querySelectorAll(".seg.hl")) el.classList.remove("hl");
  if (!id) return;
  for (const el of document.querySelectorAll(`.seg[data-seg="${CSS.escape(id)}"]`)) {
    el.classList.add("hl");
  }
}

function segId(event) {
  const seg = event.target.closest && event.target.closest(".seg");
  return seg ? seg.dataset.seg : null;
}

// --- translating ------------------------------------------------------------------------------

async function translate(event) {
  event.preventDefault();
  clearError();
  const form = new FormData();
  const file = $("source-file").files[0];
  if (file) form.append("file", file, file.name);
  else form.append("text", $("source-text").value);
  // every row, half-typed ones too: the server skips those, and its errors name rows as shown
  form.append("glossary", JSON.stringify(glossary));
  setBusy(true);
  try {
    const response = await fetch("/web/translate", {
      method: "POST",
      body: form,
      headers: keyHeaders(),
    });
    if (!response.ok) {
      setBusy(false);
      if (response.status === 401 || response.status === 403) askForKey();
      showError(await errorMessage(response));
      return;
    }
    const data = await response.json();
    setBusy(false);
    renderResult(data);
  } catch (err) {
    setBusy(false);
    showError(`Could not reach the tarjama server (${err.message}).`);
  }
}

function init() {
  $("translate-form").addEventListener("submit", translate);
  $("glossary-add").addEventListener("click", addGlossaryRow);
  $("source-file").addEventListener("change", () => {
    $("clear-file").hidden = !$("source-file").files.length;
  });
  $("clear-file").addEventListener("click", () => {
    $("source-file").value = "";
    $("clear-file").hidden = true;
    $("source-file").focus();
  });
  const pairs = $("pairs");
  pairs.addEventListener("mouseover", (e) => highlight(segId(e)));
  pairs.addEventListener("mouseleave", () => highlight(null));
  pairs.addEventListener("focusin", (e) => highlight(segId(e)));
  pairs.addEventListener("focusout", () => highlight(null));
  renderGlossary();
  if (glossary.length) $("glossary-panel").open = true; // terms in use are shown, not hidden
  const key = $("api-key");
  key.value = apiKey();
  key.addEventListener("input", () => localStorage.setItem(API_KEY, key.value.trim()));
  for (const link of document.querySelectorAll(".downloads a")) {
    link.addEventListener("click", keyedDownload);
  }
  fetch("/frontend/settings")
    .then((response) => (response.ok ? response.json() : {}))
    .then((settings) => {
      if (settings.keyRequired && !apiKey()) $("key-panel").open = true;
    })
    .catch(() => {}); // the page works without it
}

document.addEventListener("DOMContentLoaded", init);
