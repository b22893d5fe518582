/* Garap's service worker (served by marketplace/pwa.py at /sw.js, for the whole site).

   It keeps the shell — the stylesheet, the script, the icons and the offline page — and when a
   page cannot be loaded (no connection) it shows the offline page instead of the browser's
   error. That is all it caches, on purpose:
   - Signed-in pages are never cached: they hold one person's contracts, wallet and messages
     and a CSRF token. A phone is shared or handed over; after "Log out" nothing of the account
     may still open from the cache, and a stale wallet balance or a stale "accept bid" form is
     worse than an honest "you are offline".
   - API answers are never cached either: they are private the same way, and a program reading
     the API must see the current state (a contract already delivered, a payment released).
   So navigations always go to the network, and only their failure is answered here. */
"use strict";

var CACHE = {{ cache_name_json|safe }};
var SHELL = {{ shell_json|safe }};
var OFFLINE = {{ offline_json|safe }};
var ICON = {{ icon_json|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // "reload": the network's copy, not one the HTTP cache still holds from an older release.
      return cache.addAll(SHELL.map(function (url) { return new Request(url, {cache: "reload"}); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("garap-shell-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    // The network's answer as it is (never stored); the offline page only if there is none.
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE); });
    }));
    return;
  }
  var url = new URL(request.url);
  if (url.origin === self.location.origin && SHELL.indexOf(url.pathname) !== -1 && url.pathname !== OFFLINE) {
    // The shell's files have hashed names in production: the cached copy is the right one.
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) { return hit || fetch(request); });
    }));
  }
  // Anything else (API calls, downloads, images) goes to the network untouched.
});

/* Web push (accounts/phone_channels.py): the payload is the notice, already written in the
   person's language: {title, body, url, tag}. The tag is the same for every copy of one notice,
   so a copy sent again replaces the first instead of showing twice. */
self.addEventListener("push", function (event) {
  var notice = {};
  try { notice = event.data ? event.data.json() : {}; } catch (e) { notice = {}; }
  event.waitUntil(self.registration.showNotification(notice.title || "Garap", {
    body: notice.body || "",
    tag: notice.tag || undefined,
    icon: ICON,
    badge: ICON,
    lang: "",
    data: {url: notice.url || "/"}
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target.href && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
