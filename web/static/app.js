// Horizon search page. Scraped text is only ever inserted as text (textContent, text nodes).
"use strict";

// $, el and safeLink are common.js's, shared with the people page; it is imported as a module, so
// the page runs one <script> only.
let $, el, safeLink;
const FILTERS = ["date_from", "date_to", "theme", "source", "kind", "signal"];
const FLAGS = ["region_only", "funding_open"];
const NARROW = window.matchMedia("(max-width: 760px)");  // one column: filters folded

function params() {
  const p = new URLSearchParams();
  p.set("q", $("q").value);
  for (const id of FILTERS) if ($(id).value) p.set(id, $(id).value);
  for (const id of FLAGS) if ($(id).checked) p.set(id, "true");
  return p;
}

function highlighted(text, spans) {
  // Spans are character offsets into the plain text; wrap them in <mark> as text nodes.
  const out = el("p", { className: "passage" });
  let at = 0;
  for (const [start, end] of spans) {
    out.append(document.createTextNode(text.slice(at, start)));
    out.append(el("mark", { text: text.slice(start, end) }));
    at = end;
  }
  out.append(document.createTextNode(text.slice(at)));
  return out;
}

function chips(themes, signal) {
  const span = el("span");
  for (const t of themes) span.append(el("span", { className: "chip", text: t }));
  if (signal && signal !== "neutral") span.append(el("span", { className: `chip ${signal}`, text: signal }));
  return span;
}

function why(s) {
  const parts = [`fused ${s.fused.toFixed(4)}`];
  parts.push(s.dense_rank ? `meaning #${s.dense_rank} (cos ${s.dense_score.toFixed(2)})` : "meaning –");
  parts.push(s.keyword_rank ? `keyword #${s.keyword_rank} (BM25 ${s.keyword_score.toFixed(1)})` : "keyword –");
  parts.push(`${s.matched_chunks} matching passage${s.matched_chunks === 1 ? "" : "s"}`);
  return el("div", { className: "why", text: parts.join(" · ") });
}

const VERDICTS = [["yes", "Right theme"], ["no", "Wrong theme"], ["irrelevant", "Not relevant"]];

function feedback(r) {
  // Right theme / wrong theme / not relevant for the result's first theme (issue 13);
  // without a theme only "not relevant" makes sense.
  const theme = r.themes.length ? r.themes[0] : "";
  const box = el("div", { className: "feedback", role: "group", "aria-label": "Feedback on the theme" });
  if (theme) box.append(el("span", { className: "shown", text: `${theme.replaceAll("_", " ")}?` }));
  for (const [verdict, label] of VERDICTS) {
    if (!theme && verdict !== "irrelevant") continue;
    const button = el("button", { type: "button", text: label, "data-verdict": verdict });
    button.addEventListener("click", async () => {
      for (const b of box.querySelectorAll("button")) b.disabled = true;
      const response = await fetch("/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ document_id: r.id, theme, verdict }) });
      const note = el("span", { className: "recorded", role: "status",
        text: response.ok ? `Recorded: ${label.toLowerCase()}` : `Not recorded (${response.status})` });
      box.replaceChildren(note);
    });
    box.append(button);
  }
  return box;
}

function renderResults(data) {
  const list = $("results");
  list.replaceChildren();
  const weak = data.strong_match === false;
  $("weak").hidden = !weak;
  $("status").textContent = weak ? `No strong match (${data.took_ms} ms)`
    : `${data.results.length} result${data.results.length === 1 ? "" : "s"} in ${data.took_ms} ms`;
  data.results.forEach((r) => {
    const title = el("a", { text: r.title, href: "#", "data-id": r.id, className: "open" });
    title.addEventListener("click", (e) => { e.preventDefault(); openDocument(r.id); });
    const day = r.published_at ? r.published_at.slice(0, 10) : "undated";
    const similar = el("a", { text: "More like this", href: "#" });
    similar.addEventListener("click", (e) => { e.preventDefault(); moreLike(r.id, r.title); });
    const source = el("a", { text: "Source", href: safeLink(r.url), target: "_blank", rel: "noopener noreferrer" });
    list.append(el("li", { className: "result" },
      el("h3", {}, title),
      el("div", { className: "meta" }, document.createTextNode(`${r.source} · ${r.kind} · ${day} `), chips(r.themes, r.signal)),
      highlighted(r.passage.text, r.passage.highlights),
      why(r.scores),
      el("div", { className: "actions" }, similar, source),
      feedback(r)));
  });
}

async function search() {
  const p = params();
  $("export").href = `/api/search.csv?${p}`;
  $("brief").href = `/api/brief?${p}&format=html`;  // issue 15: the paper on this search
  history.replaceState(null, "", `?${p}`);
  if (!$("q").value.trim()) { $("status").textContent = "Type a question, a name or a phrase."; return; }
  $("status").textContent = "Searching…";
  $("weak").hidden = true;
  const response = await fetch(`/api/search?${p}`);
  if (!response.ok) { $("status").textContent = `Search failed (${response.status})`; return; }
  renderResults(await response.json());
}

async function moreLike(id, title) {
  const response = await fetch(`/api/similar/${encodeURIComponent(id)}`);
  if (!response.ok) return;
  const data = await response.json();
  renderResults(data);
  $("status").textContent = `${data.results.length} documents like “${title}”`;
}

function row(dl, label, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
  dl.append(el("dt", { text: label }), el("dd", { text: Array.isArray(value) ? value.join(", ") : String(value) }));
}

function money(x) { return x == null ? null : `£${Number(x).toLocaleString("en-GB")}`; }

async function openDocument(id) {
  const response = await fetch(`/api/documents/${encodeURIComponent(id)}`);
  if (!response.ok) return;
  const d = await response.json();
  const pane = $("document");
  const close = el("button", { className: "close", "aria-label": "Close", text: "×" });
  close.addEventListener("click", () => { pane.hidden = true; document.querySelector("main").classList.remove("with-document"); });
  const dl = el("dl");
  row(dl, "Source", `${d.source} · ${d.kind}`);
  row(dl, "Published", d.published_at ? d.published_at.slice(0, 10) : "undated");
  row(dl, "Organisations", d.organisations);
  row(dl, "Themes", d.themes.filter((t) => t.above_threshold).map((t) => `${t.theme} (${t.score.toFixed(2)}${t.tentative ? ", tentative" : ""})`));
  const best = d.themes.find((t) => t.above_threshold && t.evidence);
  if (best) row(dl, "Why", best.evidence);
  const i = d.insight;
  if (i) {
    row(dl, "Signal", `${i.signal} (${i.signal_score.toFixed(2)})`);
    row(dl, "Reason", i.signal_reason);
    row(dl, "Region score", i.region_score.toFixed(2));
    row(dl, "Places", i.places);
    if (i.funding) {
      const f = i.funding;
      row(dl, "Funder", f.funder);
      row(dl, "Total", money(f.total_amount_gbp));
      row(dl, "Max award", money(f.max_award_gbp));
      row(dl, "Opens", f.opens_at && f.opens_at.slice(0, 10));
      row(dl, "Closes", f.closes_at && f.closes_at.slice(0, 10));
      row(dl, "Who may apply", f.eligible_applicants);
      row(dl, "Eligibility", f.eligibility_reason);
    }
    if (i.cluster_id) row(dl, "Story cluster", `${d.cluster_size} document${d.cluster_size === 1 ? "" : "s"}`);
  }
  row(dl, "Closes", d.closes_at && d.closes_at.slice(0, 10));
  const body = el("div");
  for (const p of d.passages) body.append(el("p", { className: "passage", text: p.text }));
  pane.replaceChildren(close, el("h2", { text: d.title }),
    el("p", {}, el("a", { href: safeLink(d.url), text: d.url, target: "_blank", rel: "noopener noreferrer" })),
    el("p", { className: "summary", text: d.summary }), dl, el("h3", { text: "Text" }), body);
  pane.hidden = false;
  document.querySelector("main").classList.add("with-document");
  if (NARROW.matches) pane.scrollIntoView({ block: "start" });
}

function fill(id, values) {
  for (const v of values) $(id).append(el("option", { value: v, text: v.replaceAll("_", " ") }));
}

async function init() {
  if (NARROW.matches) $("filters").open = false;
  const response = await fetch("/api/facets");
  if (response.ok) {
    const f = await response.json();
    fill("theme", f.themes); fill("source", f.sources); fill("kind", f.kinds); fill("signal", f.signals);
  }
  const initial = new URLSearchParams(location.search);
  if (initial.get("q")) $("q").value = initial.get("q");
  for (const id of FILTERS) if (initial.get(id)) $(id).value = initial.get(id);
  for (const id of FLAGS) $(id).checked = initial.get(id) === "true";
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); search(); });
  for (const id of [...FILTERS, ...FLAGS]) $(id).addEventListener("change", search);
  document.body.dataset.ready = "true";
  if ($("q").value) search();
}

import("/static/common.js").then((common) => {
  ({ $, el, safeLink } = common);
  return init();
});
