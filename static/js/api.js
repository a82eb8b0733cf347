// Talking to the HallCall server: JSON in and out, the user's language, one key per action.
import { lang, t } from "./i18n.js";
import { noteServerDate } from "./time.js";

const TIMEOUT_MS = 10000;
const RETRY_DELAYS_MS = [400, 1200]; // a dropped request is sent again with the same key

/** A refused or failed request, with a message ready to show in the user's language. */
export class ApiError extends Error {
  constructor(status, code, message, params = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.params = params;
  }

  get isNetwork() {
    return this.status === 0;
  }
}

/** A random UUID. crypto.randomUUID exists only in secure contexts (https or localhost),
 *  and the hall LAN serves plain http by address, so fall back to getRandomValues. */
export function uuid() {
  if (globalThis.crypto?.randomUUID) {
    try {
      return crypto.randomUUID();
    } catch {
      // fall through
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** This device's id: the server scopes a logged-out device's idempotency keys by it. */
function deviceId() {
  try {
    let id = localStorage.getItem("hallcall.device");
    if (!id) {
      id = uuid();
      localStorage.setItem("hallcall.device", id);
    }
    return id;
  } catch {
    return "";
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function once(method, path, body, key) {
  const headers = { Accept: "application/json", "Accept-Language": lang() === "en" ? "en" : "zh-CN" };
  const device = deviceId();
  if (device) headers["X-Device-Id"] = device;
  if (key) headers["Idempotency-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Send one request and return its JSON. `key` makes a write idempotent: the same key is sent
 * on every retry, so a request that reached the server before the network dropped is one
 * action, not two. Throws ApiError with a message in the user's language.
 */
export async function request(method, path, { body, key } = {}) {
  const retries = method === "GET" || key ? RETRY_DELAYS_MS : [];
  let response;
  for (let attempt = 0; ; attempt++) {
    try {
      response = await once(method, path, body, key);
      break;
    } catch (err) {
      // A timeout is not retried: the visitor has waited long enough; say so now.
      if (err.name === "AbortError" || attempt >= retries.length) {
        throw new ApiError(0, "network", t("error.network"));
      }
      await sleep(retries[attempt]);
    }
  }
  noteServerDate(response.headers.get("date"));
  let data = null;
  try {
    data = await response.json();
  } catch {
    // A proxy's HTML error page, or an empty body.
  }
  if (!response.ok) {
    const err = data?.error;
    if (err?.message) throw new ApiError(response.status, err.code, err.message, err.params);
    throw new ApiError(response.status, `http_${response.status}`, t("error.server"));
  }
  return data;
}

export const get = (path) => request("GET", path);

/** One user action: a POST with a fresh Idempotency-Key. Call it once per click or key press. */
export const act = (path, body) => request("POST", path, { body, key: uuid() });
