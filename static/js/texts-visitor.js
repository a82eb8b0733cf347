// The texts of the visitor-facing pages (rating pad, phone ticket, help point, kiosk QR),
// registered with i18n.js on import, and how the hall's own rating words read in English.
import { addTexts, lang } from "./i18n.js";

addTexts({
  // rating, shared by the pad and the phone
  "rate.ask": { zh: "请您对本次服务进行评价", en: "Please rate this service" },
  "rate.ticket": { zh: "号码 {number}", en: "Number {number}" },
  "rate.ticket_staff": { zh: "号码 {number} · 工作人员 {name}", en: "Number {number} · served by {name}" },
  "rate.why": { zh: "请选择不满意的原因", en: "What was wrong? Please choose" },
  "rate.comment_label": { zh: "您的意见（可不填）", en: "Your words (optional)" },
  "rate.comment_needed": { zh: "请写明具体原因（必填）", en: "Please write what was wrong (needed)" },
  "rate.comment_placeholder": { zh: "请在这里写下您的意见", en: "Write here" },
  "rate.pick_reason_first": { zh: "请先选择一个原因", en: "Choose a reason first" },
  "rate.write_comment_first": {
    zh: "选择“{reason}”时，请写明具体原因",
    en: "With “{reason}”, please write what was wrong",
  },
  "rate.submit": { zh: "提交评价", en: "Send" },
  "rate.back": { zh: "返回", en: "Back" },
  "rate.sending": { zh: "正在提交……", en: "Sending…" },
  "rate.thanks": { zh: "感谢您的评价", en: "Thank you for your rating" },
  "rate.thanks_bad": {
    zh: "我们会尽快核实，并与您联系改进",
    en: "We will look into it promptly and put it right",
  },
  "rate.failed": { zh: "未能提交评价", en: "The rating was not sent" },
  "rate.ok": { zh: "知道了", en: "OK" },
  "rate.retry": { zh: "再试一次", en: "Try again" },
  "rate.once": { zh: "每次服务只能评价一次（一次一评）", en: "One rating for each service" },

  // the window's rating pad
  "pad.title": { zh: "服务评价", en: "Rate our service" },
  "pad.pair_title": { zh: "评价器配对", en: "Pair this rating pad" },
  "pad.pair_hint": {
    zh: "请大厅管理员登录，选择本评价器所在的窗口。配对后自动退出登录。",
    en: "A hall manager logs in and chooses the window of this pad. The login ends once it is paired.",
  },
  "pad.username": { zh: "管理员用户名", en: "Manager's username" },
  "pad.password": { zh: "密码", en: "Password" },
  "pad.login": { zh: "登录", en: "Log in" },
  "pad.pick_window": { zh: "本评价器放在哪个窗口？", en: "Which window is this pad at?" },
  "pad.pair": { zh: "配对", en: "Pair" },
  "pad.cancel": { zh: "取消", en: "Cancel" },
  "pad.unpaired": {
    zh: "此评价器已取消配对，请管理员重新配对",
    en: "This pad is no longer paired: a manager must pair it again",
  },
  "pad.welcome": { zh: "欢迎对我们的服务进行评价", en: "You are welcome to rate our service" },
  "pad.on_duty": { zh: "为您服务", en: "Serving you" },
  "pad.nobody": { zh: "本窗口暂无工作人员", en: "Nobody is at this window now" },
  "pad.paused": { zh: "暂停服务", en: "Paused" },
  "pad.checking": { zh: "正在连接……", en: "Connecting…" },

  // the visitor's ticket on a phone: rating once it is done
  "ticket.rated": { zh: "您已评价：{level}", en: "You rated this service: {level}" },
  "kiosk.outside_hours": { zh: "现在不在办理时间（{hours}）", en: "Outside opening hours ({hours})" },
  "ticket.rated_already": {
    zh: "这次服务已经评价过了（一次一评）",
    en: "This service has been rated already (one rating for each service)",
  },

  // the help point by the self-service kiosks
  "help.title": { zh: "呼叫帮办", en: "Call for help" },
  "help.unknown_point": {
    zh: "{message}。请检查本页地址，或请管理员在大厅配置的 [help_points] 中添加这个帮办点。需要帮助请到服务台。",
    en: "{message}. Check this page's address, or ask a manager to add the point under [help_points] in the hall file. For help now, please go to the information desk.",
  },
  "pad.staff_cannot_pair": {
    zh: "配对需要大厅管理员账号，窗口工作人员不能配对评价器",
    en: "Pairing needs a hall manager's account: window staff cannot pair a rating pad",
  },
  "help.button": { zh: "呼叫帮办", en: "Call for help" },
  "help.button_hint": {
    zh: "需要帮助请按这里，工作人员会过来协助您",
    en: "Press here if you need help: a member of staff will come to you",
  },
  "help.waiting": { zh: "已通知工作人员，请稍候", en: "Staff have been told. Please wait here." },
  "help.waiting_sub": { zh: "请留在原地，工作人员马上过来", en: "Please stay here: someone will come shortly" },
  "help.on_the_way": { zh: "{name} 正在赶来", en: "{name} is on the way" },
  "help.someone": { zh: "工作人员", en: "A member of staff" },
  "help.on_the_way_sub": { zh: "请稍候，马上就到", en: "Please wait: they will be here shortly" },
  "help.loading": { zh: "正在加载……", en: "Loading…" },
  "help.failed": {
    zh: "未能呼叫，请到服务台求助",
    en: "The call did not go through. Please ask at the information desk.",
  },

  // the kiosk's ticket: follow the queue on a phone when no slip prints
  "kiosk.qr_scan": { zh: "扫码在手机上查看排队进度", en: "Scan to follow the queue on your phone" },
  "kiosk.qr_alt": { zh: "您的号码的二维码", en: "QR code of your number" },
});

// The five national levels keep their exact Chinese names; English readers get a translation
// beside them. The hall's bad-review reasons are its own words: the usual ones are translated.
const LEVELS_EN = {
  5: "Very satisfied",
  4: "Satisfied",
  3: "Basically satisfied",
  2: "Dissatisfied",
  1: "Very dissatisfied",
};

const REASONS_EN = {
  办事效率低: "Slow service",
  服务态度差: "Poor attitude",
  办事指南不清晰: "Unclear guidance",
  多次跑动: "Had to come back again",
  其他: "Other",
};

/** A level's label: {main, sub}; sub is the exact Chinese name when the page is in English. */
export function levelLabel(level) {
  const en = LEVELS_EN[level.level];
  return lang() === "en" && en ? { main: en, sub: level.name } : { main: level.name, sub: "" };
}

/** A bad-review reason's label, as levelLabel. */
export function reasonLabel(reason) {
  const en = REASONS_EN[reason];
  return lang() === "en" && en ? { main: en, sub: reason } : { main: reason, sub: "" };
}
