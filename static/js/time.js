// Times as the hall reads them: in the hall's time zone, and by the server's clock.
import { lang } from "./i18n.js";

let timeZone = "Asia/Shanghai";
let offsetMs = 0; // server clock minus this device's clock; hall PCs often have no NTP

export function setTimeZone(tz) {
  if (!tz) return;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    timeZone = tz;
  } catch {
    console.warn(`unknown time zone ${tz}; keeping ${timeZone}`);
  }
}

/** Learn the server's clock from an HTTP Date header (one-second resolution is enough). */
export function noteServerDate(header) {
  const at = header ? Date.parse(header) : NaN;
  if (!Number.isNaN(at)) offsetMs = at + 500 - Date.now();
}

/** Now, by the server's clock, in epoch milliseconds. */
export const serverNow = () => Date.now() + offsetMs;

const locale = () => (lang() === "en" ? "en-GB" : "zh-CN");

function fmt(epochMs, options) {
  return new Intl.DateTimeFormat(locale(), { timeZone, ...options }).format(new Date(epochMs));
}

/** 14:05 */
export const clockTime = (epochSec) => fmt(epochSec * 1000, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** 14:05:09 */
export const clockSeconds = (epochMs) =>
  fmt(epochMs, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** 2026年11月28日 星期六 / Saturday 28 November 2026 */
export const longDate = (epochMs) =>
  fmt(epochMs, { year: "numeric", month: "long", day: "numeric", weekday: "long" });

/** 2026年11月28日 14:05 / 28 Nov 2026, 14:05 */
export const dateTime = (epochSec) =>
  fmt(epochSec * 1000, {
    year: "numeric",
    month: lang() === "en" ? "short" : "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });

/** How long since an epoch-seconds time, as m:ss or h:mm:ss. */
export function elapsed(epochSec) {
  const s = Math.max(0, Math.floor(serverNow() / 1000 - epochSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** Whole minutes since an epoch-seconds time. */
export const minutesSince = (epochSec) => Math.max(0, Math.floor((serverNow() / 1000 - epochSec) / 60));
