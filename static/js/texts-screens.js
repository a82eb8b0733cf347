// The texts of the hall screen's speech and of the window screen, in Chinese and English.
import { addTexts } from "./i18n.js";

addTexts({
  // speech, on every screen that speaks calls
  "speech.unlock": { zh: "一次点击启用语音", en: "Click once to turn on speech" },
  "speech.unlock_other": { zh: "Click once to turn on speech", en: "一次点击启用语音" },
  "speech.unlock_why": {
    zh: "浏览器禁止自动播放声音，叫号语音暂时无法播放。请在屏幕任意位置点击一次。",
    en: "The browser blocks sound until someone clicks, so calls are not spoken. Click anywhere on the screen once.",
  },

  // the window screen (窗口屏)
  "win.title": { zh: "窗口屏", en: "Window screen" },
  "win.calling": { zh: "正在呼叫", en: "Now calling" },
  "win.calling_more": { zh: "请到本窗口办理", en: "Please come to this window" },
  "win.serving": { zh: "正在办理", en: "Now serving" },
  "win.idle": { zh: "欢迎办理", en: "Welcome" },
  "win.idle_more": { zh: "请留意叫号", en: "Please wait for your number" },
  "win.paused": { zh: "暂停服务", en: "Service paused" },
  "win.nobody": { zh: "暂无人员", en: "Nobody on duty" },
  "win.staff": { zh: "工作人员：{name}", en: "Staff: {name}" },
  "win.no_staff": { zh: "本窗口暂无工作人员", en: "No staff at this window" },
  "win.unknown": { zh: "没有{n}号窗口", en: "There is no window {n}" },
  "win.unknown_more": {
    zh: "请检查地址，例如 /window/5",
    en: "Check the address, for example /window/5",
  },
});
