// A tiny element builder, so pages build DOM without innerHTML (hall data is never HTML).

/** h("div", {class: "x", onclick: fn, dataset: {id: 1}}, "text", child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/**
 * Make `container`'s children match `items`, reusing the element of each key, so that a
 * live update never replaces a button under a visitor's finger (a replaced button loses the tap).
 */
export function syncKeyed(container, items, keyOf, create, update) {
  const existing = new Map([...container.children].map((el) => [el.dataset.key, el]));
  const wanted = items.map((item) => {
    const key = String(keyOf(item));
    let el = existing.get(key);
    if (!el) {
      el = create(item);
      el.dataset.key = key;
    }
    update(el, item);
    return el;
  });
  const kids = container.children;
  const same = wanted.length === kids.length && wanted.every((el, i) => kids[i] === el);
  if (!same) container.replaceChildren(...wanted);
}
