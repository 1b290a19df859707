// Canned queries that take a place or an actor (metadata.yml: near_a_place, actor_record): the box offers
// the names of the places and actors that have events, as a pick list (<datalist>), while it still takes
// any spelling or id a reader types. The names are read with the site's own JSON API and written as text.

import { element } from "./dom.js";

const DATABASE = "idlib-events";
const NAMES = {
  place: "select distinct p.name from events e join places p using (place_id) order by p.name",
  actor: "select distinct a.name from event_actors ea join actors a using (actor_id) order by a.name",
};

for (const [param, sql] of Object.entries(NAMES)) {
  const input = document.querySelector(`form.sql input[name="${param}"]`);
  if (!input) continue;
  const params = new URLSearchParams({ sql, _shape: "arrayfirst" });
  fetch(`/${DATABASE}.json?${params}`)
    .then((response) => (response.ok ? response.json() : []))
    .then((names) => {
      const list = element("datalist", { id: `${param}-names` }, ...names.map((name) => element("option", { value: name })));
      input.after(list);
      input.setAttribute("list", list.id);
      input.setAttribute("placeholder", `a ${param}'s name or any spelling`);
    });
}
