// Texts of the counter page's help calls and managers' messages, Chinese and English.
import { addTexts } from "./i18n.js";

addTexts({
  "counter.help_title": { zh: "呼叫帮办", en: "Help call" },
  "counter.help_waiting": { zh: "{time} 呼叫 · 已等 ", en: "called {time} · waiting " },
  "counter.help_coming": { zh: "{name} 正在前往（{time}）", en: "{name} is on the way ({time})" },
  "counter.help_go": { zh: "我去处理", en: "I'm going" },
  "counter.help_done": { zh: "已解决", en: "Resolved" },
  "counter.help_went": { zh: "已告知：您正在前往{point}", en: "Noted: you are on your way to {point}" },
  "counter.help_closed": { zh: "{point}的呼叫已解决", en: "The call at {point} is resolved" },
  "counter.message_title": { zh: "管理员消息", en: "Message from the manager" },
  "counter.message_from": { zh: "{name} · {time}", en: "{name} · {time}" },
  "counter.message_ok": { zh: "知道了", en: "Got it" },
});
