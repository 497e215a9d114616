// xplus in the field: a visit form that works without a connection (issue 20).
//
// The visit form (form[data-offline-form]) is sent in the background. When there is no
// connection it is kept on the phone (IndexedDB, photos included) and sent when the connection
// returns, with the household's fingerprint read when the form was opened: a change made in the
// office meanwhile comes back as a conflict (HTTP 409), which /offline shows with both versions
// for the helper to choose. Nothing kept on the phone is dropped unless the helper says so.
// The header shows "N 条待上传". Items belong to the account that made them and are sent only
// under it (a shared phone must not send one helper's visit as another's).
(function () {
  "use strict";
  var DB = "xplus-field", STORE = "outbox", MAX_SIDE = 1600, QUALITY = 0.82;
  var zh = document.documentElement.lang !== "en";
  function t(z, e) { return zh ? z : e; }
  var me = document.body ? document.body.getAttribute("data-user") || "" : "";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var x = db.transaction(STORE, mode), result;
        Promise.resolve(work(x.objectStore(STORE))).then(function (r) { result = r; });
        x.oncomplete = function () { db.close(); resolve(result); };
        x.onerror = function () { db.close(); reject(x.error); };
        // A full phone aborts the transaction without an error event.
        x.onabort = function () { db.close(); reject(x.error || new Error("aborted")); };
      });
    });
  }
  function all() {
    return tx("readonly", function (s) {
      return new Promise(function (resolve) {
        var req = s.getAll();
        req.onsuccess = function () { resolve(req.result || []); };
      });
    }).then(function (items) {
      return items.filter(function (i) { return i.user === me; })
        .sort(function (a, b) { return a.queued < b.queued ? -1 : 1; });
    });
  }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function drop(id) { return tx("readwrite", function (s) { s["delete"](id); }); }

  // A photo fitted within MAX_SIDE as a JPEG: a village's signal carries a tenth of it. A
  // picture the browser cannot read is sent as it is (the server's rule says what it is).
  function shrink(file) {
    if (!window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bmp.width * scale);
      canvas.height = Math.round(bmp.height * scale);
      canvas.getContext("2d").drawImage(bmp, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  // The form's fields as [name, value] pairs and its photos, shrunk.
  function capture(form) {
    var data = new FormData(form), fields = [], files = [];
    data.forEach(function (value, name) {
      if (name === "photos") { if (value && value.size) { files.push(value); } }
      else { fields.push([name, String(value)]); }
    });
    return Promise.all(files.map(shrink)).then(function (photos) {
      return { fields: fields, photos: photos };
    });
  }
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  function body(item) {
    var data = new FormData();
    item.fields.forEach(function (f) {
      // The token of the session sending it, not of the one that filled it in.
      data.append(f[0], f[0] === "_csrf" ? csrf() : f[1]);
    });
    item.photos.forEach(function (p, i) { data.append("photos", p, "photo-" + (i + 1) + ".jpg"); });
    return data;
  }
  function send(item) {
    // A signed-out session answers with a redirect to the sign-in page: not followed, so that
    // the sign-in page is never taken for a saved visit.
    return fetch(item.url, {
      method: "POST", body: body(item), credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      if (r.type === "opaqueredirect") { return { status: 401, json: {} }; }
      return r.json().catch(function () { return {}; }).then(function (json) {
        var saved = (r.status === 200 || r.status === 201) && json.household_id;
        return { status: saved ? r.status : (r.status === 200 || r.status === 201 ? 502 : r.status), json: json };
      });
    });
  }
  function field(item, name) {
    var f = item.fields.filter(function (p) { return p[0] === name; })[0];
    return f ? f[1] : "";
  }
  function setField(item, name, value) {
    item.fields = item.fields.filter(function (p) { return p[0] !== name; });
    if (value !== null) { item.fields.push([name, value]); }
  }

  // The header's status: how many wait to be sent, and how many need the helper.
  function badge() {
    var el = document.querySelector(".pending");
    if (!el || !window.indexedDB) { return Promise.resolve(); }
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; }).length;
      var held = items.length - waiting;
      var parts = [];
      if (waiting) { parts.push(t(waiting + " 条待上传", waiting + " waiting to send")); }
      if (held) { parts.push(t(held + " 条需处理", held + " need you")); }
      el.textContent = parts.join(" · ");
      el.hidden = parts.length === 0;
      el.classList.toggle("bad", held > 0);
    });
  }

  // What an answer means for a queued item: sent, held for the helper (a conflict, or refused
  // for good), or to be tried again later (no connection, signed out, the server busy).
  function outcome(status) {
    if (status === 200 || status === 201) { return "sent"; }
    if (status === 409) { return "conflict"; }
    if (status === 401 || status === 408 || status === 429 || status >= 500 || status === 0) { return "later"; }
    return "refused";
  }

  var syncing = null;
  // Sends what waits, oldest first; stops at the first failure of the connection or the
  // session (the rest waits for the next chance). One tab at a time (Web Locks), so that two
  // open pages do not send the same visit twice.
  function sync() {
    if (syncing || !navigator.onLine || !window.indexedDB) { return syncing || Promise.resolve(0); }
    var run = function () { return sendAll(); };
    syncing = (navigator.locks ? navigator.locks.request("xplus-sync", run) : run()).then(function (sent) {
      syncing = null;
      return badge().then(function () {
        document.dispatchEvent(new CustomEvent("xplus:synced", { detail: { sent: sent } }));
        return sent;
      });
    }, function () { syncing = null; return 0; });
    return syncing;
  }

  function sendAll() {
    var sent = 0;
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function (go) {
          if (!go) { return false; }
          return send(item).then(function (r) {
            var what = outcome(r.status);
            if (what === "sent") { sent++; return drop(item.id).then(function () { return true; }); }
            if (what === "later") {
              note(document, r.status === 401
                ? t("登录已失效：重新登录后自动上传。", "Signed out: sign in again and the visits are sent.")
                : t("服务器暂时无法接收，稍后自动重试。", "The server cannot take them now; tried again later."), true);
              return false;
            }
            item.state = what;
            item.message = r.json.conflict || r.json.detail || "";
            item.current = r.json.current || null;
            item.problems = r.json.problems || (r.json.errors || []).map(function (e) { return { message: e.message }; });
            if (what === "refused" && !item.message && !item.problems.length) {
              item.message = t("服务器未接受（" + r.status + "）", "Not accepted (" + r.status + ")");
            }
            return put(item).then(function () { return true; });
          }, function () { return false; });
        });
      }, Promise.resolve(true));
    }).then(function () { return sent; });
  }

  function note(root, text, bad) {
    var el = root.querySelector(".queued-note, .sync-status");
    if (el) { el.hidden = false; el.textContent = text; el.classList.toggle("error", !!bad); }
  }

  // Keeps a filled-in form on the phone.
  function queue(form, captured) {
    var item = {
      id: Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10),
      user: me, url: form.getAttribute("action"), household: form.getAttribute("data-household"),
      label: form.getAttribute("data-label") || "", fields: captured.fields,
      photos: captured.photos, queued: new Date().toISOString(), state: "waiting"
    };
    return put(item).then(function () {
      // A fresh form for the next visit: the day and the way stay, what was said goes.
      form.querySelectorAll("textarea, input[name=location], input[type=file]").forEach(function (f) { f.value = ""; });
      var income = form.querySelector("input[name=update_income]");
      if (income) { income.checked = false; }
      var previews = form.querySelector(".photo-previews");
      if (previews) { previews.textContent = ""; }
      note(form, t("走访已保存在本机，联网（并登录）后自动上传。", "The visit is kept on this phone and sent when it is online (and signed in)."));
      return badge();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-offline-form") || !window.indexedDB || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    capture(form).then(function (captured) {
      if (!navigator.onLine) { return queue(form, captured); }
      var item = { url: form.getAttribute("action"), fields: captured.fields, photos: captured.photos };
      return send(item).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          window.location.assign("/households/" + encodeURIComponent(r.json.household_id) + "?saved=visit#visits");
          return;
        }
        if (r.status === 422) {
          note(form, (r.json.problems || []).map(function (p) { return p.message; }).join("；"), true);
          return;
        }
        if (r.status === 409) {
          // The conflict is shown where every conflict is: the list of what waits on the phone.
          return queue(form, captured).then(sync).then(function () { window.location.assign("/offline"); });
        }
        if (outcome(r.status) === "later") {
          // Signed out or the server busy: kept on the phone, sent later like an offline visit.
          return queue(form, captured);
        }
        note(form, r.json.detail || t("未能保存（" + r.status + "）", "Not saved (" + r.status + ")"), true);
      }, function () { return queue(form, captured); });
    }).catch(function () {
      note(form, t("未能保存在本机（手机存储空间可能已满），请稍后再试。", "Could not keep it on this phone (its storage may be full); try again."), true);
    }).then(function () { if (button) { button.disabled = false; } });
  });

  // The form opened on the day's visit already kept (to update it): another day is another
  // visit, so the kept visit's words are not carried to it.
  document.addEventListener("change", function (event) {
    var input = event.target, form = input.form;
    if (input.name !== "date" || !form || !form.hasAttribute("data-earlier-date")) { return; }
    if (input.value !== form.getAttribute("data-earlier-date")) {
      form.querySelectorAll("textarea, input[name=location]").forEach(function (f) { f.value = ""; });
      form.querySelector("input[name=_replaces]").value = "";
      form.removeAttribute("data-earlier-date");
      var warn = form.parentNode.querySelector(".notice.warn");
      if (warn) { warn.hidden = true; }
    }
  });

  // Photos chosen: small previews under the input.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-photos")) { return; }
    var box = input.form && input.form.querySelector(".photo-previews");
    if (!box) { return; }
    box.textContent = "";
    Array.prototype.slice.call(input.files, 0, 4).forEach(function (f) {
      var img = document.createElement("img");
      img.src = URL.createObjectURL(f);
      img.alt = t("待上传的照片", "photo to send");
      box.appendChild(img);
    });
  });

  // "获取当前位置" fills the location field.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-locate]");
    if (!button) { return; }
    var input = button.parentNode.querySelector("input");
    if (!navigator.geolocation) { input.placeholder = t("此设备无法定位", "no location on this device"); return; }
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (p) {
      input.value = p.coords.latitude.toFixed(6) + "," + p.coords.longitude.toFixed(6);
      button.disabled = false;
    }, function () {
      input.placeholder = t("未能获取位置（可手动填写或留空）", "no location (type it or leave it empty)");
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  // Signing out with visits still on the phone: they stay, and are sent at the next sign-in;
  // the pages kept for reading offline are the account's and go with it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute && form.getAttribute("action") === "/logout") { forgetPages(); }
  }, true);

  // The helper's households and their forms, kept for reading offline while online: at most
  // every ten minutes (each is a page read from the server).
  function keepForOffline() {
    if (!navigator.onLine || !navigator.serviceWorker || !navigator.serviceWorker.controller) { return; }
    var key = "xplus-kept-at", last = Number(localStorage.getItem(key) || 0);
    if (Date.now() - last < 600000) { return; }
    localStorage.setItem(key, String(Date.now()));
    var links = document.querySelectorAll("a[data-offline-keep], .mine-name");
    var urls = Array.prototype.slice.call(links, 0, 200).map(function (a) { return a.getAttribute("href"); });
    urls.push("/offline", "/mine");
    navigator.serviceWorker.controller.postMessage({ keep: urls });
  }

  // Pages kept on the phone belong to the account that read them: gone when another signs in,
  // and never kept for an account that does not work in the field.
  function forgetPages() {
    localStorage.removeItem("xplus-kept-at");
    if (!window.caches) { return Promise.resolve(); }
    return caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("xplus-pages") === 0; })
        .map(function (k) { return caches["delete"](k); }));
    });
  }

  // A form read from the phone's copy on a later day: the day is today, not the day it was kept
  // (and the visit it showed is that day's, not today's).
  function today() {
    var d = new Date(), p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
  }
  function freshDay(form) {
    var input = form.querySelector("input[name=date]"), served = form.getAttribute("data-today");
    if (input && served && served !== today() && input.value === served) {
      input.value = today();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  window.xplusField = { all: all, put: put, drop: drop, sync: sync, badge: badge, field: field, setField: setField };
  document.addEventListener("DOMContentLoaded", function () {
    if (!me) {
      // The sign-in page: whoever signs in next starts without the last account's pages.
      if (document.querySelector('form[action="/login"]')) { forgetPages(); }
      return;
    }
    document.querySelectorAll("form[data-offline-form]").forEach(freshDay);
    var fieldStaff = document.body.getAttribute("data-field") === "1";
    var owner = localStorage.getItem("xplus-pages-user");
    var ready = owner === me ? Promise.resolve() : forgetPages().then(function () {
      localStorage.setItem("xplus-pages-user", me);
    });
    if (navigator.serviceWorker && fieldStaff) {
      ready.then(function () {
        return navigator.serviceWorker.register("/sw.js");
      }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function () {
        if (navigator.serviceWorker.controller) { keepForOffline(); }
        else { navigator.serviceWorker.addEventListener("controllerchange", keepForOffline); }
      })["catch"](function () {});
    } else if (navigator.serviceWorker) {
      navigator.serviceWorker.getRegistrations().then(function (regs) {
        regs.forEach(function (r) { r.unregister(); });
      });
      forgetPages();
    }
    if (window.indexedDB) { badge().then(sync); }
  });
  window.addEventListener("online", function () { sync(); });
})();
