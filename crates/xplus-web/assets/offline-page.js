// The /offline page: what offline.js keeps on the phone, with both versions side by side for
// each conflict and the helper's choices (issue 20). Built with DOM calls, never HTML text:
// what a helper typed is shown as text.
(function () {
  "use strict";
  var zh = document.documentElement.lang !== "en";
  function t(z, e) { return zh ? z : e; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function row(table, label, value) {
    var tr = el("tr");
    tr.appendChild(el("th", null, label));
    tr.appendChild(el("td", null, value));
    table.appendChild(tr);
  }
  var KINDS = { home: t("入户走访", "home visit"), phone: t("电话", "phone"), group: t("集中帮扶", "group") };
  var INCOME = [["wage", t("工资性收入", "wage")], ["production", t("生产经营性收入", "production")],
    ["property", t("财产性收入", "property")], ["transfer", t("转移性收入", "transfer")],
    ["production_cost", t("生产经营性支出", "production cost")], ["medical_cost", t("医疗支出", "medical cost")]];

  function mine(F, item) {
    var box = el("div", "card version-mine");
    box.appendChild(el("h3", null, t("您在手机上记录的", "Yours, on this phone")));
    var table = el("table", "compact");
    row(table, t("日期", "Date"), F.field(item, "date"));
    row(table, t("走访方式", "How"), KINDS[F.field(item, "kind")] || "");
    row(table, t("帮扶内容", "What was done"), F.field(item, "activity"));
    row(table, t("发现的情况", "What was found"), F.field(item, "found"));
    row(table, t("位置", "Place"), F.field(item, "location"));
    row(table, t("照片", "Photos"), String(item.photos.length));
    if (F.field(item, "update_income") === "1") {
      INCOME.forEach(function (c) { row(table, F.field(item, "year") + " " + c[1], F.field(item, c[0])); });
    }
    box.appendChild(table);
    return box;
  }

  function kept(item) {
    var box = el("div", "card version-kept");
    box.appendChild(el("h3", null, t("系统中现有的", "Kept in the system")));
    var now = item.current || {};
    var table = el("table", "compact");
    if (now.visit) {
      row(table, t("日期", "Date"), now.visit.date);
      row(table, t("走访方式", "How"), now.visit.kind);
      row(table, t("帮扶内容", "What was done"), now.visit.activity);
      row(table, t("发现的情况", "What was found"), now.visit.found);
    }
    (now.income || []).forEach(function (c) { row(table, now.income_year + " " + c.label, c.value); });
    box.appendChild(table);
    return box;
  }

  function button(text, cls, act) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", act);
    return b;
  }

  function render() {
    var F = window.xplusField, out = document.getElementById("outbox");
    if (!F || !out) { return; }
    F.all().then(function (items) {
      out.textContent = "";
      if (!items.length) { out.appendChild(el("div", "card", out.getAttribute("data-empty"))); }
      items.forEach(function (item) {
        var card = el("div", "card outbox-item " + item.state);
        card.setAttribute("data-item", item.id);
        var head = el("h2", null, (item.label || item.household) + " · " + F.field(item, "date"));
        card.appendChild(head);
        var state = { waiting: t("待上传", "waiting to send"), conflict: t("有冲突，请选择", "conflict: choose"), refused: t("未被接受", "not accepted") }[item.state];
        card.appendChild(el("p", item.state === "waiting" ? "muted" : "error", state + (item.message ? "：" + item.message : "")));
        (item.problems || []).forEach(function (p) { card.appendChild(el("p", "error", p.message)); });
        var both = el("div", "conflict-both");
        both.appendChild(mine(F, item));
        if (item.state === "conflict") { both.appendChild(kept(item)); }
        card.appendChild(both);
        var actions = el("p", "form-actions");
        if (item.state === "conflict") {
          actions.appendChild(button(t("以我的为准上传", "Keep mine and send"), "", function () {
            var now = item.current || {};
            F.setField(item, "_fingerprint", now.fingerprint || "");
            F.setField(item, "_replaces", now.visit ? now.visit.version : "");
            resend(F, item);
          }));
          if (F.field(item, "update_income") === "1") {
            actions.appendChild(button(t("收入以系统中的为准，只上传走访", "Keep the system's income; send the visit"), "plain", function () {
              var now = item.current || {};
              F.setField(item, "update_income", null);
              F.setField(item, "_fingerprint", now.fingerprint || "");
              F.setField(item, "_replaces", now.visit ? now.visit.version : "");
              resend(F, item);
            }));
          }
        }
        if (item.state === "refused") {
          // Refused for a reason that may pass (a household paired again, a rule setting
          // changed): tried again as it is. What it says stays on this page to copy from.
          actions.appendChild(button(t("重新上传", "Send again"), "", function () { resend(F, item); }));
        }
        if (item.state !== "waiting") {
          actions.appendChild(button(t("放弃我的这条", "Discard mine"), "danger", function () {
            if (window.confirm(t("放弃后本机不再保存这条记录，确定吗？", "The phone will no longer keep this record. Discard it?"))) {
              F.drop(item.id).then(F.badge).then(render);
            }
          }));
        }
        card.appendChild(actions);
        out.appendChild(card);
      });
    });
  }

  function resend(F, item) {
    item.state = "waiting";
    item.message = "";
    item.current = null;
    item.problems = [];
    F.put(item).then(F.sync).then(render);
  }

  document.addEventListener("DOMContentLoaded", function () {
    render();
    var now = document.querySelector("[data-sync-now]"), status = document.querySelector(".sync-status");
    if (now) {
      now.addEventListener("click", function () {
        if (!navigator.onLine) { status.textContent = t("没有网络", "No connection"); return; }
        window.xplusField.sync().then(function (n) { status.textContent = t("已上传 " + n + " 条", n + " sent"); render(); });
      });
    }
  });
  document.addEventListener("xplus:synced", render);
})();
