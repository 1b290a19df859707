// Map popups and view for the events and places tables, on top of datasette-cluster-map.
//
// The plugin draws a curated popup only when a row has a `popup` column of JSON, and fits its view to
// every marker. We do not want a presentation column in the published tables, and one event held in
// another country (an agreement signed in Astana) would shrink Syria to one cluster. No plugin option
// covers either, so this script (a) adds the popup to the rows the map fetches, in the browser, and
// (b) fits the view to where most markers are, saying what lies outside it and which rows have no
// point (events located only to a governorate or region, geo_precision 3, and places with no point of their
// own, and the events at them).
//
// Every value from the data stays text: the note is built with ./dom.js, and the popup's title and
// description are handed to the plugin as plain text, which it escapes itself (clusterMapEscapeHTML in
// datasette-cluster-map 0.18.2 escapes title, description and link before Leaflet writes the popup);
// the popup's link is a row path built here. tests/test_hostile_site.py checks both with hostile names.

import { element } from "./dom.js";
import { tildeEncode } from "./urls.js";

const DATABASE = "idlib-events";
const FOCUS_KM = 600; // markers farther than this from the median marker are left out of the first view

const tableName = () => {
  const match = location.pathname.match(new RegExp(`^/${DATABASE}/(events|events_flat|places)$`));
  return match ? match[1] : null;
};

const label = (cell) => (cell && typeof cell === "object" ? cell.label || cell.value : cell);
const value = (cell) => (cell && typeof cell === "object" ? cell.value : cell);

// What each geo_precision means, per table: the schema's categories, which the build puts in the site's
// metadata for plugins/value_labels.py.
let PRECISION = {};
const precisionLabels = fetch("/-/metadata.json")
  .then((response) => response.json())
  .then((metadata) => metadata.plugins?.["value-labels"] || {})
  .catch(() => ({}));

const popups = {
  events: (row) => ({
    title: [row.event_date + (row.event_date_end ? ` to ${row.event_date_end}` : ""), row.event_type]
      .join(" · "),
    description: [
      `${label(row.place_id)}, ${PRECISION[row.geo_precision] || ""}`,
      row.sub_event_type,
      row.summary,
    ].filter(Boolean).join(". "),
    link: `/${DATABASE}/events/${tildeEncode(row.event_id)}`,
  }),
  // The one-CSV view: names instead of ids, the same event pages.
  events_flat: (row) => ({
    title: [row.event_date + (row.event_date_end ? ` to ${row.event_date_end}` : ""), row.event_type]
      .join(" · "),
    description: [
      `${row.place}, ${PRECISION[row.geo_precision] || ""}`,
      row.sub_event_type,
      row.summary,
    ].filter(Boolean).join(". "),
    link: `/${DATABASE}/events/${tildeEncode(row.event_id)}`,
  }),
  places: (row) => ({
    title: row.name,
    description: [row.place_type, row.governorate, row.country, PRECISION[row.geo_precision]]
      .filter(Boolean).join(", "),
    link: `/${DATABASE}/places/${tildeEncode(row.place_id)}`,
  }),
};

const located = [];
let unlocated = 0;

const distanceKm = ([lat1, lng1], [lat2, lng2]) => {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.sqrt(a));
};

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

// The markers near the median marker: the first view fits these.
const focus = () => {
  const centre = [median(located.map((m) => m.at[0])), median(located.map((m) => m.at[1]))];
  return { near: located.filter((m) => distanceKm(m.at, centre) <= FOCUS_KM) };
};

let outside = [];

// The note under the map, written as text nodes: marker names come from the data.
const note = (table) => {
  const far = outside;
  const parts = [];
  if (far.length) {
    const names = [...new Set(far.map((m) => m.name))].join(", ");
    parts.push(`${far.length} marker${far.length === 1 ? "" : "s"} outside this view (${names}): zoom out to see ${far.length === 1 ? "it" : "them"}. `);
  }
  if (unlocated) {
    const params = new URLSearchParams(location.search);
    const listed = params.get("latitude__isnull") === "1"; // this page is already their list
    params.set("latitude__isnull", "1");
    const one = unlocated === 1;
    const what = table !== "places"
      ? `event${one ? " is" : "s are"} located only to a governorate or region, or to a place with no point of its own,`
      : `place${one ? " has" : "s have"} no point of ${one ? "its" : "their"} own (regions, governorates, countries, places known only to lie in one)`;
    parts.push(`${unlocated} ${what} and ${one ? "is" : "are"} not drawn as a point`);
    parts.push(...(listed ? [located.length ? "." : "; so no map is shown."]
      : [": ", element("a", { href: `${location.pathname}?${params}` }, "list them"), "."]));
  }
  let paragraph = document.querySelector("p.map-note");
  if (!paragraph) {
    paragraph = element("p", { class: "map-note" });
    document.querySelector(".leaflet-container")?.insertAdjacentElement("afterend", paragraph);
  }
  paragraph.replaceChildren(...parts);
};

const addPopups = async (response, table) => {
  const data = await response.clone().json();
  PRECISION = (await precisionLabels)[table]?.geo_precision || {};
  for (const row of data.rows || []) {
    if (row.latitude === null || row.longitude === null) {
      unlocated += 1;
      continue;
    }
    const name = { events: label(row.place_id), events_flat: row.place, places: row.name }[table];
    located.push({ at: [row.latitude, row.longitude], name });
    row.popup = popups[table](row);
  }
  note(table);
  return new Response(JSON.stringify(data), { status: response.status, headers: response.headers });
};

const table = tableName();
if (table && window.datasette?.leaflet) {
  const mapData = `${location.pathname}.json`;
  const fetchPage = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input.url, location.href);
    if (url.pathname !== mapData || url.searchParams.get("_shape") !== "objects") return fetchPage(input, init);
    // The map reads the rows, their count and the next page's URL: no facets, no facet suggestions (the
    // page above the map has its own). The next page's URL keeps these arguments.
    url.searchParams.set("_nofacet", "1");
    url.searchParams.set("_nosuggest", "1");
    const response = await fetchPage(url.href, init);
    return response.ok ? addPopups(response, table) : response;
  };
  // Leaflet is loaded by the plugin; the same module URL gives the same Leaflet, and this hook is in
  // place before the plugin creates its map (it waits for the marker-cluster script first).
  import(window.datasette.leaflet.JAVASCRIPT_URL).then(() => {
    window.L.Map.addInitHook(function () {
      const fitAll = this.fitBounds;
      const container = this.getContainer();
      this.fitBounds = function (bounds, options) {
        const wanted = window.L.latLngBounds(bounds);
        if (!located.length || !wanted.isValid()) {
          // No row of this page has a point (the "list them" page): no empty map, and no error.
          container.style.display = "none";
          return this;
        }
        container.style.display = "";
        // Only the plugin's fit to every marker is narrowed to the focus; any smaller fit (a click on a
        // cluster zooms to its markers) is Leaflet's own.
        if (!located.every((m) => wanted.contains(m.at))) return fitAll.call(this, bounds, options);
        const { near } = focus();
        const target = near.length ? window.L.latLngBounds(near.map((m) => m.at)) : wanted;
        const result = fitAll.call(this, target, { padding: [30, 30], maxZoom: 11, ...options, animate: false });
        const view = this.getBounds();
        outside = located.filter((m) => !view.contains(m.at));
        note(table);
        return result;
      };
    });
  });
}
