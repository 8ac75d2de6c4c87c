// Horizon people page. Scraped text is only ever inserted as text (textContent, text nodes).
"use strict";

// $, el and safeLink are common.js's, shared with the search page; it is imported as a module, so
// the page runs one <script> only.
let $, el, safeLink;

function where(p) {
  return [p.ministerial_role || p.peerage || p.constituency, p.party, p.house]
    .filter(Boolean).join(" · ");
}

function sums(themes) {
  const t = { speeches: 0, questions: 0, answers: 0, statements: 0, supportive: 0, critical: 0 };
  for (const row of themes) for (const k of Object.keys(t)) t[k] += row[k];
  return t;
}

function counts(t) {
  const div = el("div", { className: "counts" });
  for (const [k, one] of [["speeches", "speech"], ["questions", "question"],
                          ["answers", "answer"], ["statements", "statement"]]) {
    if (t[k]) div.append(el("span", { text: `${t[k]} ${t[k] === 1 ? one : k}` }));
  }
  if (t.supportive) div.append(el("span", { className: "chip supportive", text: `${t.supportive} supportive` }));
  if (t.critical) div.append(el("span", { className: "chip critical", text: `${t.critical} critical` }));
  return div;
}

function params() {
  const p = new URLSearchParams();
  if ($("theme").value) p.set("theme", $("theme").value);
  if ($("since").value) p.set("since", $("since").value);
  if ($("region_only").checked) p.set("region_only", "true");
  return p;
}

async function load() {
  $("status").textContent = "Loading…";
  const response = await fetch(`/api/people?${params()}`);
  const list = $("people");
  list.replaceChildren();
  if (!response.ok) {
    $("status").textContent = (await response.json()).detail || `error ${response.status}`;
    return;
  }
  const data = await response.json();
  const ours = data.people.filter((r) => r.person.in_region).length;
  $("status").textContent = `${data.people.length} people with contributions, ${ours} of them the region's`;
  for (const row of data.people) {
    const link = el("a", { text: row.label, href: `#${encodeURIComponent(row.person.person_id)}` });
    link.addEventListener("click", (e) => { e.preventDefault(); openPerson(row.person.person_id); });
    const themes = el("div");
    for (const t of row.themes) themes.append(el("span", { className: "chip", text: `${t.theme} ${t.speeches + t.questions + t.answers + t.statements}` }));
    list.append(el("li", { className: row.person.in_region ? "card ours" : "card" },
      el("h3", {}, link), el("div", { className: "meta", text: where(row.person) }),
      themes, counts(sums(row.themes))));
  }
}

function row(dl, label, value) {
  if (!value) return;
  dl.append(el("dt", { text: label }), el("dd", { text: value }));
}

async function openPerson(id) {
  const pane = $("person");
  const response = await fetch(`/api/people/${encodeURIComponent(id).replace(/%2F/g, "/")}`);
  if (!response.ok) return;
  const d = await response.json();
  const p = d.person;
  const close = el("button", { className: "close", "aria-label": "Close", text: "×" });
  close.addEventListener("click", () => { pane.hidden = true; $("people-main").classList.remove("with-person"); });
  const dl = el("dl");
  row(dl, "Name", p.name || "(the sources give only a title)");
  row(dl, "Seat", p.constituency); row(dl, "Peerage", p.peerage); row(dl, "Party", p.party);
  row(dl, "House", p.house); row(dl, "Role", p.ministerial_role);
  row(dl, "In the region", p.in_region ? "yes" : "no");
  row(dl, "Also named", p.aliases.join("; "));
  const table = el("table", {}, el("tr", {}, el("th", { text: "theme" }),
    ...["sp", "q", "a", "st", "+", "−"].map((h) => el("th", { className: "n", text: h }))));
  for (const t of d.themes) {
    table.append(el("tr", {}, el("td", { text: t.theme }),
      ...[t.speeches, t.questions, t.answers, t.statements, t.supportive, t.critical]
        .map((n) => el("td", { className: "n", text: String(n) }))));
  }
  const items = el("div");
  for (const it of d.items) {
    const day = it.published_at ? it.published_at.slice(0, 10) : "undated";
    const head = el("div", {}, el("a", { href: safeLink(it.url), text: it.title, rel: "noopener" }));
    const meta = el("div", { className: "meta", text: `${day} · ${it.activity} · ${it.themes.join(", ") || "no theme"}` });
    if (it.direction !== "neutral") meta.append(" ", el("span", { className: `chip ${it.direction}`, text: it.direction }));
    items.append(el("div", { className: "item" }, head, meta,
      it.direction !== "neutral" && it.direction_sentence ? el("div", { className: "said", text: `“${it.direction_sentence}”` }) : null));
  }
  pane.replaceChildren(close, el("h2", { text: d.label }), dl,
    el("h3", { text: `By theme (${d.total} contributions)` }), table,
    el("h3", { text: "Latest" }), items);
  pane.hidden = false;
  $("people-main").classList.add("with-person");
  history.replaceState(null, "", `#${encodeURIComponent(id)}`);
}

async function init() {
  const response = await fetch("/api/facets");
  if (response.ok) {
    const facets = await response.json();
    for (const t of facets.themes) $("theme").append(el("option", { value: t, text: t }));
  }
  for (const id of ["theme", "since", "region_only"]) $(id).addEventListener("change", load);
  await load();
  if (location.hash.length > 1) openPerson(decodeURIComponent(location.hash.slice(1)));
}

import("/static/common.js").then((common) => {
  ({ $, el, safeLink } = common);
  return init();
});
