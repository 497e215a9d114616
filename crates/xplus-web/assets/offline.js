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
    return fetch(item.url, {
      method: "POST", body: body(item), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (json) {
        return { status: r.status, json: json };
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

  var syncing = null;
  // Sends what waits, oldest first; stops at the first failure of the connection or the
  // session (the rest waits for the next chance).
  function sync() {
    if (syncing || !navigator.onLine || !window.indexedDB) { return syncing || Promise.resolve(0); }
    var sent = 0;
    syncing = all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function (go) {
          if (!go) { return false; }
          return send(item).then(function (r) {
            if (r.status === 200 || r.status === 201) { sent++; return drop(item.id).then(function () { return true; }); }
            if (r.status === 409) { item.state = "conflict"; item.message = r.json.conflict || ""; item.current = r.json.current || null; return put(item).then(function () { return true; }); }
            if (r.status === 422) { item.state = "refused"; item.problems = r.json.problems || []; return put(item).then(function () { return true; }); }
            return false;
          }, function () { return false; });
        });
      }, Promise.resolve(true));
    }).then(function () {
      syncing = null;
      return badge().then(function () {
        document.dispatchEvent(new CustomEvent("xplus:synced", { detail: { sent: sent } }));
        return sent;
      });
    }, function () { syncing = null; return 0; });
    return syncing;
  }

  function note(form, text, bad) {
    var el = form.querySelector(".queued-note");
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
      note(form, t("没有网络：走访已保存在本机，联网后自动上传。", "No connection: the visit is kept on this phone and sent when the connection returns."));
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
        note(form, r.status === 401 || r.status === 403
          ? t("登录已失效，请重新登录后再保存。", "Your sign-in has expired; sign in again and save.")
          : t("保存失败（" + r.status + "），请稍后再试。", "Not saved (" + r.status + "); try again later."), true);
      }, function () { return queue(form, captured); });
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
      img.alt = f.name;
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

  // Signing out with visits still on the phone: they stay, and are sent at the next sign-in.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute && form.getAttribute("action") === "/logout" && window.caches) {
      // Pages kept for reading offline are the account's: gone with it.
      caches.keys().then(function (keys) {
        keys.filter(function (k) { return k.indexOf("xplus-pages") === 0; }).forEach(function (k) { caches["delete"](k); });
      });
    }
  }, true);

  // The helper's households and their forms, kept for reading offline while online.
  function keepForOffline() {
    if (!navigator.onLine || !navigator.serviceWorker || !navigator.serviceWorker.controller) { return; }
    var links = document.querySelectorAll("a[data-offline-keep], .mine-name");
    var urls = Array.prototype.slice.call(links, 0, 200).map(function (a) { return a.getAttribute("href"); });
    urls.push("/offline", "/mine");
    navigator.serviceWorker.controller.postMessage({ keep: urls });
  }

  window.xplusField = { all: all, put: put, drop: drop, sync: sync, badge: badge, field: field, setField: setField };
  document.addEventListener("DOMContentLoaded", function () {
    if (!me) { return; }
    if (navigator.serviceWorker) {
      navigator.serviceWorker.register("/sw.js").then(function () {
        return navigator.serviceWorker.ready;
      }).then(function () {
        if (navigator.serviceWorker.controller) { keepForOffline(); }
        else { navigator.serviceWorker.addEventListener("controllerchange", keepForOffline); }
      })["catch"](function () {});
    }
    if (window.indexedDB) { badge().then(sync); }
  });
  window.addEventListener("online", function () { sync(); });
})();
