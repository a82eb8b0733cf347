// Talking to the HallCall server: JSON in and out, the user's language, one key per action.
// Every page's HTTP goes through here (websockets are live.js): timeouts, retries, errors.
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

/**
 * One try. `auth` is an Authorization header (a rating pad's "Device TOKEN", or "Bearer
 * SESSION" while a manager pairs it); `cookies: false` sends and keeps no cookies, so that a
 * staff login left by another page never reaches the pad, and the pad's login sets none.
 */
async function once(method, path, { body, key, auth, cookies = true, accept = "application/json", timeoutMs }) {
  const headers = { Accept: accept, "Accept-Language": lang() === "en" ? "en" : "zh-CN" };
  const device = deviceId();
  if (device) headers["X-Device-Id"] = device;
  if (auth) headers.Authorization = auth;
  if (key) headers["Idempotency-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs ?? TIMEOUT_MS);
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: cookies ? "same-origin" : "omit",
      cache: "no-store",
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Send with retries and return the response if it is a success; else throw ApiError. */
async function send(method, path, options = {}) {
  const retries = method === "GET" || options.key ? RETRY_DELAYS_MS : [];
  let response;
  for (let attempt = 0; ; attempt++) {
    try {
      response = await once(method, path, options);
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
  if (response.ok) return response;
  let data = null;
  try {
    data = await response.json();
  } catch {
    // A proxy's HTML error page, or an empty body.
  }
  const err = data?.error;
  if (err?.message) throw new ApiError(response.status, err.code, err.message, err.params);
  throw new ApiError(response.status, `http_${response.status}`, t("error.server"));
}

/**
 * Send one request and return its JSON. `key` makes a write idempotent: the same key is sent
 * on every retry, so a request that reached the server before the network dropped is one
 * action, not two. `auth` and `cookies` as for once(). Throws ApiError with a message in the
 * user's language.
 */
export async function request(method, path, { body, key, auth, cookies } = {}) {
  const response = await send(method, path, { body, key, auth, cookies });
  try {
    return await response.json();
  } catch {
    return null; // an empty body
  }
}

export const get = (path) => request("GET", path);

/** One user action: a POST with a fresh Idempotency-Key. Call it once per click or key press. */
export const act = (path, body) => request("POST", path, { body, key: uuid() });

const FILE_TIMEOUT_MS = 120000; // an export of a long period takes the server a while

/** A file the server makes (an export), as {blob, name}; a refusal comes back as ApiError. */
export async function getFile(path, fallbackName = "export") {
  const response = await send("GET", path, { accept: "*/*", timeoutMs: FILE_TIMEOUT_MS });
  const disposition = response.headers.get("content-disposition") ?? "";
  const found = /filename="?([^";]+)"?/i.exec(disposition);
  return { blob: await response.blob(), name: found ? found[1] : fallbackName };
}
