// Page content from data, built so that no data can run as script: the one helper every script of the
// site (static/ and the row templates) writes with. Text from the data always becomes text nodes, never
// markup (no innerHTML), and a URL from the data becomes a link only when it is http(s).

const SAME_SITE = /^[/?#](?![/\\])/; // a path on this site ("/db/table", "?q=…"); "//host" is another site

// `text` when it is an absolute http(s) URL, else null (javascript:, data:, relative or malformed).
export const webUrl = (text) => {
  if (typeof text !== "string") return null;
  try {
    const url = new URL(text.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
};

// A link target the site may write: an http(s) URL or a path on this site; anything else is dropped.
const safeTarget = (value) => (SAME_SITE.test(String(value)) ? String(value) : webUrl(String(value)));

// A new element: attributes are set as attribute values (href and src only when safeTarget allows
// them), children are nodes or strings, and strings are added as text.
export const element = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined) continue;
    if (name === "href" || name === "src") {
      const target = safeTarget(value);
      if (target !== null) node.setAttribute(name, target);
    } else {
      node.setAttribute(name, String(value));
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined)
    .map((child) => (child instanceof Node ? child : String(child))));
  return node;
};
