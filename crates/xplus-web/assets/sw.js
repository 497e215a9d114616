// xplus service worker (issue 20): the pages a helper needs in a village without a signal.
//
// - The application's files are kept when it is installed, read from the server while there
//   is a connection and from the phone without one.
// - A helper's pages (我的帮扶户, a household, its visit form, /offline) are read from the
//   network while there is one, and a copy is kept; without a connection the copy is shown.
//   /mine asks for its households' pages to be kept (a message from offline.js).
// - Nothing else is kept: every other page and every write goes to the server.
// Writes made offline are not this file's: offline.js keeps them in IndexedDB.
var VERSION = "xplus-20261205";
var SHELL = "xplus-shell-" + VERSION;
var PAGES = "xplus-pages";
var FILES = [
  "/assets/app.css", "/assets/app.js", "/assets/htmx.min.js", "/assets/offline.js",
  "/assets/offline-page.js", "/assets/icon-192.png", "/manifest.webmanifest"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(FILES); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("xplus-shell-") === 0 && k !== SHELL;
    }).map(function (k) { return caches["delete"](k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The pages kept for offline reading.
function keptPage(path) {
  return path === "/mine" || path === "/offline" ||
    (/^\/households\/[^/]+(\/visit)?$/.test(path) && path !== "/households/export.xlsx");
}

function keep(request, response) {
  // Only a page as the signed-in helper saw it: not a redirect to the sign-in page.
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(PAGES).then(function (c) { c.put(request, copy); });
  }
  return response;
}

function offlineAnswer(request) {
  return caches.open(PAGES).then(function (c) {
    return c.match(request, { ignoreSearch: true }).then(function (hit) {
      if (hit) { return hit; }
      return c.match("/offline").then(function (page) {
        return page || new Response(
          "<!doctype html><meta charset=utf-8><title>没有网络</title><p>没有网络，且本机未保存此页。联网后再打开。</p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (FILES.indexOf(url.pathname) >= 0) {
    // From the server while there is one (a new version reaches the phone at once), the copy
    // kept at installation without.
    event.respondWith(fetch(request).then(function (r) {
      if (r.ok) {
        var copy = r.clone();
        caches.open(SHELL).then(function (c) { c.put(request, copy); });
      }
      return r;
    }, function () {
      return caches.match(request).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (/^\/households\/[^/]+\/visits\/.+\/photos\/\d+$/.test(url.pathname)) {
    // A photo never changes once kept.
    event.respondWith(caches.open(PAGES).then(function (c) {
      return c.match(request).then(function (hit) {
        return hit || fetch(request).then(function (r) { return keep(request, r); });
      });
    }));
    return;
  }
  if (keptPage(url.pathname) && !request.headers.get("HX-Request")) {
    event.respondWith(fetch(request).then(function (r) { return keep(request, r); }, function () {
      return offlineAnswer(request);
    }));
  }
});

// /mine asks for its households' pages and forms to be kept while there is a connection.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(PAGES).then(function (c) {
    return Promise.all(urls.filter(function (u) {
      return keptPage(new URL(u, self.location.origin).pathname);
    }).map(function (u) {
      return fetch(u, { credentials: "same-origin" }).then(function (r) {
        if (r.ok && !r.redirected) { return c.put(u, r); }
      })["catch"](function () {});
    }));
  }));
});
