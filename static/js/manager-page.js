// The frame of every manager page, built here once: the header (the page's name, the hall,
// navigation, the connection badge, who is in, the language switch, logging out), the message
// line and the login form, and who may see the page. A page's HTML holds only its own content:
// its <title data-i18n> (the header shows the same name), a <main> with its #view-main, and
// optionally a <div id="top-extra" hidden> whose children go into the header before "who".
// A page calls startPage() with what to do once someone is in.
import { get, request } from "./api.js";
import { $, h } from "./dom.js";
import { mountLangSwitch, onLangChange, pick, t, translate } from "./i18n.js";
import { clearMessage, say } from "./manager-ui.js";
import { setTimeZone } from "./time.js";

const ROLES = ["staff", "manager", "admin"];

/** Whether `user` holds at least `role` (staff < manager < admin). */
export function can(user, role) {
  return Boolean(user?.role) && ROLES.indexOf(user.role) >= ROLES.indexOf(role);
}

const PAGES = [
  { path: "/dashboard", key: "mgr.nav_dashboard", role: "manager" },
  { path: "/reports", key: "mgr.nav_reports", role: "manager" },
  { path: "/workorders", key: "mgr.nav_workorders", role: "staff" },
  { path: "/admin", key: "mgr.nav_admin", role: "manager" },
  { path: "/counter", key: "mgr.nav_counter", role: "staff" },
];

export const session = {
  user: null, // {username, name, role}
  hall: null, // the hall's name and time zone, from the public snapshot
  names: new Map(), // username -> name, for "who did it" (managers may list accounts)
};

let page = null;

/** Build the header, the message line and the login view around the page's own content. */
function buildFrame() {
  const titleKey = document.querySelector("title[data-i18n]")?.dataset.i18n;
  const extra = document.getElementById("top-extra");
  const header = h(
    "header",
    { class: "top" },
    h(
      "div",
      { class: "brand" },
      h("span", { class: "brand-app", "data-i18n": titleKey }),
      h("span", { id: "hall-name", class: "brand-hall" }),
    ),
    h("nav", { id: "nav", class: "nav", "data-i18n-aria-label": "mgr.nav_label", hidden: true }),
    h(
      "div",
      { class: "top-right" },
      h("span", { id: "conn", class: "conn-badge", hidden: true, "data-i18n": "live.down" }),
      extra ? [...extra.children] : [],
      h("span", { id: "who", class: "who" }),
      h("div", { id: "lang" }),
      h("button", { id: "logout", type: "button", class: "btn-top", hidden: true, "data-i18n": "mgr.logout" }),
    ),
  );
  extra?.remove();
  const msg = h("div", { id: "msg", class: "msg", role: "status", "aria-live": "polite", hidden: true });
  document.body.prepend(header, msg);
  $("main").prepend(h("section", { id: "view-login", class: "view", hidden: true }, loginForm()));
  if (!$("link[rel=icon]")) {
    document.head.append(h("link", { rel: "icon", href: "/static/img/icon.svg", type: "image/svg+xml" }));
  }
}

/** Show whether the live connection is down (pages with live updates). */
export function showConnection(status) {
  $("#conn").hidden = status !== "down";
}

function drawFrame() {
  const user = session.user;
  const nav = $("#nav");
  nav.replaceChildren(
    ...PAGES.filter((p) => user && can(user, p.role)).map((p) =>
      h(
        "a",
        { href: p.path, class: "nav-link", "aria-current": location.pathname === p.path ? "page" : null },
        t(p.key),
      ),
    ),
  );
  nav.hidden = !user;
  $("#who").textContent = user ? `${user.name || user.username}` : "";
  $("#logout").hidden = !user;
  $("#hall-name").textContent = session.hall ? pick(session.hall) : "";
}

function loginForm() {
  const form = h(
    "form",
    { id: "login-form", class: "card login", autocomplete: "on" },
    h("h1", { "data-i18n": page.loginTitle ?? "mgr.login_title" }),
    h(
      "label",
      {},
      h("span", { "data-i18n": "mgr.username" }),
      h("input", { id: "username", name: "username", autocomplete: "username", required: true }),
    ),
    h(
      "label",
      {},
      h("span", { "data-i18n": "mgr.password" }),
      h("input", {
        id: "password",
        name: "password",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
    ),
    h("button", { id: "login-btn", type: "submit", class: "btn btn-primary", "data-i18n": "mgr.login" }),
  );
  form.addEventListener("submit", login);
  return form;
}

function showLogin() {
  session.user = null;
  $("#view-main").hidden = true;
  $("#view-login").hidden = false;
  drawFrame();
  $("#password").value = "";
  $("#username").focus();
}

async function loadNames() {
  if (!can(session.user, "manager")) return;
  try {
    const { users } = await get("/api/users");
    session.names = new Map(users.map((u) => [u.username, u.name]));
  } catch {
    // Names are a nicety: usernames are shown instead.
  }
}

/** A username as a person's name where we know it. */
export function nameOf(username) {
  if (!username) return "";
  if (username === "system") return t("mgr.by_system");
  return session.names.get(username) ?? username;
}

async function enter(user) {
  session.user = user;
  $("#view-login").hidden = true;
  $("#view-main").hidden = false;
  drawFrame();
  await loadNames();
  try {
    await page.enter(user);
  } catch (err) {
    handleError(err);
  }
}

/** Ask the server who is logged in, and show the page or the login form. */
export async function restore() {
  try {
    const me = await get("/api/me");
    if (!can(me.user, page.role)) {
      showLogin();
      say("error", t("mgr.needs_role", { role: t(`mgr.role_${page.role}`) }));
      return;
    }
    await enter(me.user);
  } catch (err) {
    if (err.status === 401) showLogin();
    else say("error", err.message);
  }
}

async function login(e) {
  e.preventDefault();
  const btn = $("#login-btn");
  if (btn.disabled) return;
  btn.disabled = true;
  try {
    const body = { username: $("#username").value.trim(), password: $("#password").value };
    await request("POST", "/api/login", { body });
    clearMessage();
    await restore();
  } catch (err) {
    say("error", err.message);
    $("#password").select();
  } finally {
    btn.disabled = false;
  }
}

async function logout() {
  try {
    await request("POST", "/api/logout");
  } catch (err) {
    if (!err.isNetwork) say("error", err.message);
  }
  page.leave?.();
  showLogin();
  say("info", t("mgr.logged_out"));
}

/** Show a refused request; a lost session goes back to the login form. */
export function handleError(err) {
  if (err?.status === 401) {
    page.leave?.();
    showLogin();
    say("error", t("mgr.session_over"));
    return;
  }
  say("error", err?.message ?? String(err));
}

async function loadHall() {
  try {
    const snap = await get("/api/snapshot");
    session.hall = snap.hall;
    setTimeZone(snap.hall?.timezone);
    drawFrame();
    return snap;
  } catch {
    return null;
  }
}

/**
 * Start a page: {role: the least role to see it, loginTitle, enter(user): draw the page,
 * leave(): stop live updates, redraw(): after a language switch}.
 */
export async function startPage(options) {
  page = options;
  buildFrame();
  mountLangSwitch($("#lang"));
  translate();
  $("#logout").addEventListener("click", logout);
  onLangChange(() => {
    clearMessage(); // written in the other language
    drawFrame();
    if (session.user) page.redraw?.();
  });
  session.snapshot = await loadHall();
  await restore();
}
