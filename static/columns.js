// Column descriptions on table pages: Datasette 0.65 lists every column's description above the
// table, which pushes the rows below the fold on wide tables. This folds the list into a
// <details> element ("What the columns hold") and repeats each description as the tooltip of its
// column heading, so it is one hover or one click away. Descriptions stay text (./dom.js, title attributes).

import { element } from "./dom.js";

const list = document.querySelector("dl.column-descriptions");
if (list) {
  const descriptions = new Map();
  for (const term of list.querySelectorAll("dt")) {
    const detail = term.nextElementSibling;
    if (detail && detail.tagName === "DD") descriptions.set(term.textContent.trim(), detail.textContent.trim());
  }
  const details = element("details", { class: "column-descriptions" });
  list.replaceWith(details);
  details.append(element("summary", {}, `What the ${descriptions.size} columns hold`), list);
  for (const heading of document.querySelectorAll("table.rows-and-columns th[data-column]")) {
    const text = descriptions.get(heading.dataset.column);
    if (text) heading.title = text;
  }
}
