// An article's text with the spans the data cite highlighted (templates/row-idlib-events-articles.html).
//
// Offsets are counted in characters (Unicode code points, as Python counts them), not in JavaScript's
// UTF-16 units. Spans may repeat (an event and its figure cite one sentence) or overlap: the text is cut at
// every span's start and end, and each piece inside some span becomes a <mark> that names what it is
// evidence of. Every span gets an anchor, #chars-START-END; the span the address names is marked
// "current" and scrolled to, on load and when the address changes.

import { element } from "./dom.js";

const anchor = (span) => `chars-${span.start}-${span.end}`;

export const highlightSpans = (box, body, spans) => {
  const chars = Array.from(body);
  const valid = spans.filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end && s.end <= chars.length);
  const cuts = [...new Set([0, chars.length, ...valid.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
  const starting = new Map();
  for (const span of valid) starting.set(span.start, [...(starting.get(span.start) || []), anchor(span)]);
  const text = element("div", { class: "article-text-body" });
  for (let at = 0; at < cuts.length - 1; at += 1) {
    const [from, to] = [cuts[at], cuts[at + 1]];
    for (const id of new Set(starting.get(from) || [])) text.append(element("span", { id, class: "span-anchor" }));
    const piece = chars.slice(from, to).join("");
    const covering = valid.filter((s) => s.start <= from && to <= s.end);
    if (!covering.length) {
      text.append(piece);
      continue;
    }
    text.append(element("mark", {
      class: "evidence-span",
      "data-spans": [...new Set(covering.map(anchor))].join(" "),
      title: "evidence of " + [...new Set(covering.map((s) => s.what))].join(", "),
    }, piece));
  }
  box.replaceChildren(text);
  const show = () => {
    const wanted = decodeURIComponent(location.hash.slice(1));
    for (const mark of box.querySelectorAll("mark.current")) mark.classList.remove("current");
    if (!/^chars-\d+-\d+$/.test(wanted)) return;
    const marks = [...box.querySelectorAll("mark.evidence-span")].filter((m) => m.dataset.spans.split(" ").includes(wanted));
    marks.forEach((m) => m.classList.add("current"));
    marks[0]?.scrollIntoView({ block: "center" });
  };
  window.addEventListener("hashchange", show);
  show();
};
