// Results of the /-/search page (templates/search_all.html): for every searchable table, the first
// rows that match, each linked to its row page, with the matched words highlighted in <mark> and
// long texts (article bodies) cut to the passage around the first match. Every value is written as text
// (./dom.js).

import { element } from "./dom.js";
import { tildeEncode } from "./urls.js";

const ROWS_PER_TABLE = 5;
const SNIPPET = 240; // characters of context kept around the first match in a long text

const section = document.getElementById("search-results");
const tables = JSON.parse(document.getElementById("searchable-tables").textContent);
const q = section.dataset.q;

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Words of the query, matched at the start of a word and with any ending: the search is stemmed
// (porter), so "strike" finds "strikes" and the highlight must show both.
const words = (q.match(/[\p{L}\p{N}]+/gu) || []).filter((w) => !/^(AND|OR|NOT|NEAR)$/.test(w));
const source = `(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join("|")})[\\p{L}\\p{N}]*`;
// A new RegExp at each use: a global RegExp keeps the position of its last match (lastIndex).
const pattern = () => (words.length ? new RegExp(source, "giu") : null);

// The text with every match wrapped in <mark>, cut around the first match when it is long.
const highlighted = (text) => {
  let shown = String(text);
  const regex = pattern();
  if (regex && shown.length > SNIPPET * 2) {
    const first = regex.exec(shown);
    const at = first ? first.index : 0;
    const start = Math.max(0, at - SNIPPET / 2);
    shown = (start > 0 ? "… " : "") + shown.slice(start, start + SNIPPET) + " …";
  }
  const span = element("span", { class: "snippet" });
  if (!regex) {
    span.append(shown);
    return span;
  }
  let last = 0;
  // A fresh RegExp: matchAll would start where exec (above) left this one, past the first match.
  for (const match of shown.matchAll(pattern())) {
    span.append(shown.slice(last, match.index), element("mark", {}, match[0]));
    last = match.index + match[0].length;
  }
  span.append(shown.slice(last));
  return span;
};

const rowPath = (data, row) => data.primary_keys.map((pk) => {
  const cell = row[pk];
  return tildeEncode(cell && typeof cell === "object" ? cell.value : cell);
}).join(",");

const cell = (data, base, column, value) => {
  const link = (data.expandable_columns || []).find(([fk]) => fk.column === column);
  if (value && typeof value === "object" && link) {
    const href = `${base}/${link[0].other_table}/${tildeEncode(value.value)}`;
    return element("td", {}, element("a", { href }, highlighted(value.label || value.value)));
  }
  const long = value !== null && String(value).length > 80;
  return element("td", long ? { class: "long" } : {}, value === null ? "" : highlighted(value));
};

const matches = (value) => {
  const regex = pattern();
  if (!regex || value === null || value === undefined) return false;
  return regex.test(String(value && typeof value === "object" ? value.label || value.value : value));
};

// Shown columns: the foreign keys (labelled links) and every column in which a result matched.
const shownColumns = (data) => {
  const keys = new Set((data.expandable_columns || []).map(([fk]) => fk.column));
  return data.columns.filter((c) => keys.has(c) || data.rows.some((row) => matches(row[c])));
};

const resultTable = (data, item) => {
  const base = item.url.slice(0, item.url.lastIndexOf("/"));
  const columns = shownColumns(data);
  const head = element("tr", {}, element("th", {}, "row"), ...columns.map((c) => element("th", {}, c)));
  const rows = data.rows.map((row) => {
    const key = rowPath(data, row);
    const name = data.primary_keys.map((pk) => (row[pk] && typeof row[pk] === "object" ? row[pk].value : row[pk]));
    return element("tr", {}, element("td", {}, element("a", { href: `${item.url}/${key}` }, name.join(", "))),
      ...columns.map((c) => cell(data, base, c, row[c])));
  });
  return element("div", { style: "overflow: auto" }, element("table", { class: "rows-and-columns" }, head, ...rows));
};

const search = async (item) => {
  // the rows and their count, no facets or facet suggestions (this page shows none)
  const params = new URLSearchParams({ _search: q, _shape: "objects", _labels: "on", _size: ROWS_PER_TABLE,
    _nofacet: 1, _nosuggest: 1 });
  const response = await fetch(`${item.url_json}?${params}`);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return { item, data, count: data.filtered_table_rows_count ?? data.rows.length };
};

const render = (results) => {
  section.replaceChildren();
  const found = results.filter((r) => r.count);
  const empty = results.filter((r) => !r.count).map((r) => r.item.table);
  for (const { item, data, count } of found) {
    const all = `${item.url}?_search=${encodeURIComponent(q)}`;
    const title = element("h2", { "data-table": item.table },
      element("a", { href: all }, `${count.toLocaleString()} in ${item.table}`));
    const more = count > data.rows.length
      ? element("p", {}, element("a", { href: all }, `all ${count.toLocaleString()} matching rows of ${item.table}`))
      : "";
    section.append(element("div", { class: "search-table", "data-table": item.table }, title, resultTable(data, item), more));
  }
  section.append(element("p", { class: "search-empty" },
    found.length ? `Nothing in: ${empty.join(", ") || "–"}.` : `Nothing found for “${q}”.`));
};

Promise.allSettled(tables.map(search)).then((settled) => {
  const failed = settled.filter((s) => s.status === "rejected").map((s) => s.reason.message);
  render(settled.filter((s) => s.status === "fulfilled").map((s) => s.value));
  if (failed.length) section.append(element("p", { class: "search-error" }, `Some tables could not be searched: ${failed.join("; ")}`));
});
