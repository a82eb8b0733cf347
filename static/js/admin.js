// The admin page (系统管理): staff accounts (list, add with a role, new password, disable and
// enable), paired rating pads (list, pair, revoke), and the services and windows
// (admin-setup.js). Administrators change accounts and the set-up; managers see them, and
// pair and revoke pads (the server's rule for pads).
import { act, get } from "./api.js";
import * as setup from "./admin-setup.js";
import "./admin-texts.js";
import { $, h } from "./dom.js";
import { t } from "./i18n.js";
import { can, handleError, nameOf, session, startPage } from "./manager-page.js";
import { field, fill, formDialog, roleName, say } from "./manager-ui.js";
import { dateTime } from "./time.js";

const PASSWORD_MIN = 8;
const USERNAME_PATTERN = "[A-Za-z0-9._\\-]{1,32}";

const admin = { users: [], pads: [], token: null };

const isAdmin = () => can(session.user, "admin");

function passwordInput(name) {
  return h("input", { name, type: "password", required: true, minlength: PASSWORD_MIN, autocomplete: "new-password" });
}

function resetPassword(u) {
  const input = passwordInput("password");
  formDialog({
    title: t("adm.reset_title", { name: u.name }),
    body: [field("adm.new_password", input, { hint: t("adm.password_hint") })],
    submitText: t("mgr.save"),
    onSubmit: async () => {
      await act(`/api/users/${encodeURIComponent(u.username)}`, { password: input.value });
      say("ok", t("adm.reset_done", { username: u.username }));
    },
  });
}

async function setActive(u, active) {
  await act(`/api/users/${encodeURIComponent(u.username)}`, { active });
  say("ok", t(active ? "adm.enabled_done" : "adm.disabled_done", { username: u.username }));
  await loadUsers();
}

function toggleActive(u) {
  if (!u.active) {
    setActive(u, true).catch(handleError);
    return;
  }
  formDialog({
    title: t("adm.disable_title", { name: u.name }),
    body: [h("p", {}, t("adm.disable_text"))],
    submitText: t("adm.disable"),
    danger: true,
    onSubmit: () => setActive(u, false),
  });
}

function drawUsers() {
  const me = session.user?.username;
  const changes = isAdmin();
  const head = h(
    "thead",
    {},
    h(
      "tr",
      {},
      ["adm.col_username", "adm.col_name", "adm.col_role", "adm.col_state", changes ? "adm.col_actions" : null]
        .filter(Boolean)
        .map((k) => h("th", {}, t(k))),
    ),
  );
  const rows = admin.users.map((u) =>
    h(
      "tr",
      { class: u.active ? "" : "is-inactive", dataset: { username: u.username } },
      h("td", { class: "num" }, u.username, u.username === me ? h("small", {}, t("adm.you")) : null),
      h("td", {}, u.name),
      h("td", {}, roleName(u.role)),
      h(
        "td",
        { dataset: { field: "state" } },
        h("span", { class: `pill ${u.active ? "pill-green" : ""}` }, t(u.active ? "adm.active" : "adm.inactive")),
      ),
      changes
        ? h(
            "td",
            {},
            h(
              "div",
              { class: "btn-row" },
              h("button", { type: "button", class: "btn btn-small", onclick: () => resetPassword(u) }, t("adm.reset")),
              u.username === me
                ? null
                : h(
                    "button",
                    {
                      type: "button",
                      class: `btn btn-small ${u.active ? "btn-quiet" : "btn-primary"}`,
                      dataset: { toggle: u.username },
                      onclick: () => toggleActive(u),
                    },
                    t(u.active ? "adm.disable" : "adm.enable"),
                  ),
            ),
          )
        : null,
    ),
  );
  fill($("#users"), head, h("tbody", {}, rows));
}

async function loadUsers() {
  try {
    admin.users = (await get("/api/users")).users;
    session.names = new Map(admin.users.map((u) => [u.username, u.name]));
    drawUsers();
  } catch (err) {
    handleError(err);
  }
}

function drawAddForm() {
  const form = $("#add-user");
  const role = h(
    "select",
    { name: "role", required: true },
    ["staff", "manager", "admin"].map((r) => h("option", { value: r }, roleName(r))),
  );
  fill(
    form,
    field(
      "adm.col_username",
      h("input", { name: "username", required: true, pattern: USERNAME_PATTERN, autocomplete: "off" }),
    ),
    field("adm.col_name", h("input", { name: "name", required: true, maxlength: 40, autocomplete: "off" })),
    field("adm.col_role", role),
    field("adm.password", passwordInput("password")),
    h("button", { type: "submit", class: "btn btn-primary" }, t("adm.add_go")),
  );
  form.append(h("small", { class: "field-hint" }, t("adm.password_hint")));
}

async function addUser(e) {
  e.preventDefault();
  const form = e.target;
  const data = Object.fromEntries(new FormData(form));
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await act("/api/users", {
      username: data.username.trim(),
      name: data.name.trim(),
      role: data.role,
      password: data.password,
    });
    say("ok", t("adm.added", { username: data.username.trim() }));
    form.reset();
    await loadUsers();
  } catch (err) {
    handleError(err);
  } finally {
    button.disabled = false;
  }
}

// -- rating pads ---------------------------------------------------------------------------

function revoke(pad) {
  formDialog({
    title: t("adm.revoke_title", { name: pad.name }),
    body: [h("p", {}, t("adm.revoke_text"))],
    submitText: t("adm.revoke"),
    danger: true,
    onSubmit: async () => {
      await act(`/api/devices/${encodeURIComponent(pad.id)}/revoke`);
      say("ok", t("adm.revoked", { name: pad.name }));
      await loadPads();
    },
  });
}

function drawPads() {
  const head = h(
    "thead",
    {},
    h(
      "tr",
      {},
      ["adm.col_pad", "adm.col_window", "adm.col_paired", "adm.col_actions"].map((k) => h("th", {}, t(k))),
    ),
  );
  const rows = admin.pads.length
    ? admin.pads.map((d) =>
        h(
          "tr",
          { dataset: { device: d.id } },
          h("td", {}, d.name),
          h("td", {}, d.window ? t("mgr.window_n", { n: d.window }) : ""),
          h("td", {}, t("adm.paired_by", { name: nameOf(d.created_by), time: dateTime(d.created_at) })),
          h(
            "td",
            {},
            h(
              "button",
              { type: "button", class: "btn btn-small btn-quiet", onclick: () => revoke(d) },
              t("adm.revoke"),
            ),
          ),
        ),
      )
    : [h("tr", {}, h("td", { colspan: 4, class: "empty" }, t("adm.no_pads")))];
  fill($("#pads"), head, h("tbody", {}, rows));
}

async function loadPads() {
  try {
    admin.pads = (await get("/api/devices")).devices;
    drawPads();
  } catch (err) {
    handleError(err);
  }
}

function drawPairForm() {
  const windows = session.snapshot?.windows ?? [];
  fill(
    $("#pair"),
    field(
      "adm.col_window",
      h(
        "select",
        { name: "window", required: true },
        windows.map((w) => h("option", { value: w.number }, t("mgr.window_n", { n: w.number }))),
      ),
    ),
    field("adm.pair_name", h("input", { name: "name", maxlength: 40, autocomplete: "off" }), { optional: true }),
    h("button", { type: "submit", class: "btn btn-primary" }, t("adm.pair_go")),
  );
  drawToken();
}

function drawToken() {
  const box = $("#pair-token");
  if (!admin.token) {
    box.replaceChildren();
    return;
  }
  fill(
    box,
    h(
      "div",
      { class: "token-box" },
      h("b", {}, t("adm.pair_token")),
      h("code", {}, admin.token.token),
      h("span", {}, admin.token.device.name),
    ),
  );
}

async function pair(e) {
  e.preventDefault();
  const form = e.target;
  const data = Object.fromEntries(new FormData(form));
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const body = { window: Number(data.window) };
    if (data.name.trim()) body.name = data.name.trim();
    admin.token = await act("/api/devices", body);
    drawToken();
    form.reset();
    await loadPads();
  } catch (err) {
    handleError(err);
  } finally {
    button.disabled = false;
  }
}

function draw() {
  $("#view-only").hidden = isAdmin();
  $("#add-card").hidden = !isAdmin();
  if (isAdmin()) drawAddForm();
  drawPairForm();
  drawUsers();
  drawPads();
  setup.draw();
}

async function enter() {
  admin.token = null;
  draw();
  await Promise.all([loadUsers(), loadPads(), setup.load()]);
}

$("#add-user").addEventListener("submit", addUser);
$("#pair").addEventListener("submit", pair);
// A window added or changed: the pairing form lists the windows from the snapshot.
setup.onChange(async () => {
  try {
    session.snapshot = await get("/api/snapshot");
    drawPairForm();
  } catch {
    // The form keeps the windows it had; a reload brings the new ones.
  }
});

startPage({
  role: "manager",
  enter,
  leave: () => {
    admin.token = null;
  },
  redraw: draw,
});
