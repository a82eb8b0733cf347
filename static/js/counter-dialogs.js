// The counter page's choice dialogs: the outcome of a finish, a transfer target, a pause reason.
import { $, h } from "./dom.js";
import { pick, t, windowName } from "./i18n.js";

// Pause reasons go to the server (and the window screens) in Chinese, the hall's language.
export const PAUSE_REASONS = {
  break: "休息",
  training: "业务培训",
  fault: "系统故障",
  other: "其他",
};

/** A pause reason as stored, in the current language when it is one of ours. */
export function pauseReasonText(reason) {
  const key = Object.keys(PAUSE_REASONS).find((k) => PAUSE_REASONS[k] === reason);
  return key ? t(`counter.reason_${key}`) : reason || "";
}

export const isOpen = () => [...document.querySelectorAll("dialog")].some((d) => d.open);

function wire(dialog, onKey) {
  for (const b of dialog.querySelectorAll("[data-close]")) b.addEventListener("click", () => dialog.close());
  dialog.addEventListener("keydown", (e) => {
    if (e.repeat) {
      e.preventDefault();
      return;
    }
    if (e.key.startsWith("F") && e.key.length <= 3) e.preventDefault(); // no browser help/reload here
    if (e.target.tagName === "INPUT") return;
    onKey(e);
  });
}

/** Ask how a service ended; `done(outcome)` runs once with the choice. */
export function askOutcome(ticket, done) {
  const dialog = $("#dlg-finish");
  $("#finish-title").textContent = t("counter.finish_title", { number: ticket.number });
  dialog.onChoose = (outcome) => {
    dialog.close();
    done(outcome);
  };
  dialog.showModal();
  dialog.querySelector("[data-outcome=on_the_spot]").focus();
}

/** Ask where a ticket goes: another service, or another window. */
export function askTransfer(ticket, myWindow, services, windows, done) {
  const dialog = $("#dlg-transfer");
  let target = null;
  const go = $("#transfer-go");
  const choose = (next, button) => {
    target = next;
    for (const b of dialog.querySelectorAll(".dlg-grid .btn")) b.setAttribute("aria-pressed", String(b === button));
    go.disabled = false;
    go.focus(); // Enter now confirms; the note can still be typed first
  };
  $("#transfer-title").textContent = t("counter.transfer_title", { number: ticket.number });
  $("#transfer-services").replaceChildren(
    ...services.map((s) => {
      const same = s.id === ticket.service;
      const b = h(
        "button",
        { type: "button", class: "btn", disabled: same, "aria-pressed": "false" },
        h("b", {}, s.prefix),
        " ",
        pick(s),
        same ? h("small", {}, ` (${t("counter.current_service")})`) : null,
      );
      b.addEventListener("click", () => choose({ service: s.id }, b));
      return b;
    }),
  );
  $("#transfer-windows").replaceChildren(
    ...windows
      .filter((w) => w.number !== myWindow)
      .map((w) => {
        const b = h(
          "button",
          { type: "button", class: "btn", "aria-pressed": "false" },
          h("b", {}, t("common.window_n", { n: w.number })),
          " ",
          windowName(w),
          h("small", {}, w.staff ? ` · ${w.staff_name || w.staff}` : ` · ${t("counter.window_nobody")}`),
        );
        b.addEventListener("click", () => choose({ window: w.number }, b));
        return b;
      }),
  );
  $("#transfer-note").value = "";
  go.disabled = true;
  dialog.onChoose = () => {
    if (!target) return;
    const note = $("#transfer-note").value.trim();
    dialog.close();
    done(note ? { ...target, note } : target);
  };
  dialog.showModal();
  dialog.querySelector(".dlg-grid .btn:not(:disabled)")?.focus();
}

/** Ask why the window pauses. */
export function askPauseReason(done) {
  const dialog = $("#dlg-pause");
  const other = $("#pause-other");
  other.hidden = true;
  $("#pause-other-input").value = "";
  dialog.onChoose = (key) => {
    if (key === "other") {
      other.hidden = false;
      $("#pause-other-input").focus();
      return;
    }
    dialog.close();
    done(PAUSE_REASONS[key]);
  };
  dialog.onOther = () => {
    const text = $("#pause-other-input").value.trim();
    dialog.close();
    done(text || PAUSE_REASONS.other);
  };
  dialog.showModal();
  dialog.querySelector("[data-reason]").focus();
}

/** Wire the three dialogs once. */
export function setUpDialogs() {
  const finish = $("#dlg-finish");
  const outcomes = ["on_the_spot", "accepted", "not_handled"];
  for (const b of finish.querySelectorAll("[data-outcome]")) {
    b.addEventListener("click", () => finish.onChoose?.(b.dataset.outcome));
  }
  wire(finish, (e) => {
    const i = Number(e.key) - 1;
    if (outcomes[i]) {
      e.preventDefault();
      finish.onChoose?.(outcomes[i]);
    }
  });

  const transfer = $("#dlg-transfer");
  $("#transfer-go").addEventListener("click", () => transfer.onChoose?.());
  $("#transfer-note").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !$("#transfer-go").disabled && !e.repeat) {
      e.preventDefault();
      transfer.onChoose?.();
    }
  });
  wire(transfer, () => {});

  const pause = $("#dlg-pause");
  const reasons = Object.keys(PAUSE_REASONS);
  for (const b of pause.querySelectorAll("[data-reason]")) {
    b.addEventListener("click", () => pause.onChoose?.(b.dataset.reason));
  }
  $("#pause-other").addEventListener("submit", (e) => {
    e.preventDefault();
    pause.onOther?.();
  });
  wire(pause, (e) => {
    const i = Number(e.key) - 1;
    if (reasons[i]) {
      e.preventDefault();
      pause.onChoose?.(reasons[i]);
    }
  });
}
