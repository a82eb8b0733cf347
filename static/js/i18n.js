// The page's language: Simplified Chinese first, English on request, remembered per device.
import { TEXTS } from "./texts.js";

const STORE_KEY = "hallcall.lang";
const LANGS = ["zh", "en"];
const listeners = new Set();

function initialLang() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (LANGS.includes(asked)) return asked;
  try {
    const saved = localStorage.getItem(STORE_KEY);
    if (LANGS.includes(saved)) return saved;
  } catch {
    // Storage can be off (private mode, kiosk lockdown): Chinese is the safe default.
  }
  return "zh";
}

let current = initialLang();
const more = {};

/** Register a page's own texts ({key: {zh, en}}), so pages need not share one big file. */
export function addTexts(texts) {
  Object.assign(more, texts);
}

export function lang() {
  return current;
}

/** The text for `key` in the current language, with {name} fields filled from `params`. */
export function t(key, params = {}) {
  const entry = TEXTS[key] ?? more[key];
  if (!entry) {
    console.warn(`i18n: no text for ${key}`);
    return key;
  }
  const template = entry[current] ?? entry.zh;
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** A field of hall data in the current language: `name` or `name_en` (Chinese when no English). */
export function pick(obj, field = "name") {
  if (!obj) return "";
  if (current === "en" && obj[`${field}_en`]) return obj[`${field}_en`];
  return obj[field] ?? "";
}

/** A window's name, or "" when it is only the default "N号窗口" (the number says it already). */
export function windowName(w) {
  if (!w) return "";
  const name = pick(w);
  const defaults = [`${w.number}号窗口`, `Window ${w.number}`];
  return defaults.includes(name) || defaults.includes(w.name) ? "" : name;
}

/** Fill every element marked with data-i18n (text) or data-i18n-{placeholder,title,aria-label}. */
export function translate(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const attr of ["placeholder", "title", "aria-label"]) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`)));
    }
  }
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  const title = document.querySelector("title[data-i18n]");
  if (title) document.title = title.textContent;
}

export function setLang(next, { remember = true } = {}) {
  if (!LANGS.includes(next)) return;
  const changed = next !== current;
  current = next;
  if (remember) {
    try {
      localStorage.setItem(STORE_KEY, next);
    } catch {
      // Not remembered; the page still switches.
    }
  }
  translate();
  if (changed) for (const fn of listeners) fn(current);
}

/** Call `fn(lang)` after every switch, to redraw what the page built from data. */
export function onLangChange(fn) {
  listeners.add(fn);
}

/** Turn a container into the visible 中文 / English switch. */
export function mountLangSwitch(container) {
  container.classList.add("lang-switch");
  container.setAttribute("role", "group");
  container.setAttribute("aria-label", "语言 / Language");
  container.replaceChildren();
  const buttons = [
    ["zh", "中文"],
    ["en", "English"],
  ].map(([code, label]) => {
    const b = document.createElement("button");
    b.type = "button";
    b.lang = code === "zh" ? "zh-CN" : "en";
    b.textContent = label;
    b.dataset.lang = code;
    b.addEventListener("click", () => setLang(code));
    container.append(b);
    return b;
  });
  const mark = () => {
    for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.lang === current));
  };
  mark();
  onLangChange(mark);
}
