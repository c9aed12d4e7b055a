{% load static %}/* The offline service worker (docs/declarations.md, "Offline"). Workbox is vendored at
   set-up from npm (scripts/vendor.sh) and served from our static files. It keeps the
   declaration pages (with the reference lists their forms carry), scripts and styles,
   so that a form opens without a signal; writes are never cached or replayed here: the
   page's outbox (static/js/offline.js) sends them, once each. */
importScripts("{% static 'vendor/workbox/workbox-sw.js' %}");
workbox.setConfig({ modulePathPrefix: "{% static 'vendor/workbox/' %}", debug: false });
workbox.core.setCacheNameDetails({ prefix: "nghean" });

const PAGES = "nghean-pages";
const ASSETS = "nghean-assets";
const matchOptions = { ignoreVary: true, ignoreSearch: false };
// Only a page as the server rendered it for a signed-in user: no redirect (to the login
// page), no error page.
const onlyWholePages = {
  cacheWillUpdate: async ({ response }) =>
    response && response.status === 200 && response.type === "basic" && !response.redirected ? response : null,
};

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

workbox.routing.registerRoute(
  ({ request, url }) =>
    request.mode === "navigate" && url.origin === self.location.origin && url.pathname.startsWith("/declarations/"),
  new workbox.strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 5,
    matchOptions,
    plugins: [onlyWholePages, new workbox.expiration.ExpirationPlugin({ maxEntries: 200 })],
  })
);

workbox.routing.registerRoute(
  ({ url }) =>
    url.origin === self.location.origin &&
    (url.pathname.startsWith("{% get_static_prefix %}") || url.pathname === "/map-locale.js"),
  new workbox.strategies.StaleWhileRevalidate({
    cacheName: ASSETS,
    matchOptions,
    plugins: [onlyWholePages, new workbox.expiration.ExpirationPlugin({ maxEntries: 300 })],
  })
);
