/* Drafts kept on the phone and the outbox that sends them (docs/declarations.md, "Offline").
 *
 * - A service worker (/sw.js, Workbox) keeps the declaration pages and scripts, so a form
 *   opens without a signal.
 * - A declaration form saved without a signal becomes a draft in IndexedDB: its fields,
 *   the record it changes and the version it was opened on, its photos as blobs, and a
 *   client id that is also its Idempotency-Key.
 * - The outbox sends the drafts in the order they were saved (on reconnect, on page load,
 *   on "Gửi ngay", and every few seconds while some wait) to /api/v1/declare/…, one at a
 *   time; the server answers a replay with its first answer, so a draft whose answer was
 *   lost is sent again safely. A change to a record that moved on meanwhile comes back as
 *   a conflict (412): nothing is overwritten and the draft stays here beside it.
 */
(function () {
  "use strict";
  const config = document.getElementById("offline-config");
  if (!config) return;
  const T = (name) => config.dataset["t" + name.charAt(0).toUpperCase() + name.slice(1)] || name;
  const USER = config.dataset.user;
  const API = config.dataset.api;
  const DB_NAME = "nghean-offline";
  const STORE = "drafts";
  const PAGES = "nghean-pages"; // the service worker's caches (inventory/offline/service-worker.js)
  const ASSETS = "nghean-assets";
  const RETRY_MS = 3000;

  // -- IndexedDB ------------------------------------------------------------------------
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: "id" });
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    }
    return dbPromise;
  }
  function tx(mode, work) {
    return db().then(
      (database) =>
        new Promise((resolve, reject) => {
          const transaction = database.transaction(STORE, mode);
          const result = work(transaction.objectStore(STORE));
          transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
          transaction.onerror = () => reject(transaction.error);
          transaction.onabort = () => reject(transaction.error);
        })
    );
  }
  const putDraft = (draft) => tx("readwrite", (store) => store.put(draft));
  const deleteDraft = (id) => tx("readwrite", (store) => store.delete(id));
  function allDrafts() {
    return tx("readonly", (store) => store.getAll()).then((drafts) =>
      (drafts || []).filter((d) => d.user === USER).sort((a, b) => a.seq - b.seq)
    );
  }

  function newId() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "d-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  let seqCounter = 0;

  // -- saving a form as a draft -----------------------------------------------------------
  async function saveDraft(form) {
    if (form._photosReady) await form._photosReady;
    const data = new FormData(form);
    const fields = [];
    for (const [name, value] of data.entries()) {
      if (name === "csrfmiddlewaretoken" || name === "photos" || typeof value !== "string") continue;
      fields.push([name, value]);
    }
    const get = (name) => (data.get(name) || "").toString();
    const draft = {
      id: newId(),
      seq: Date.now() * 1000 + (seqCounter++ % 1000),
      user: USER,
      target: form.dataset.offlineForm,
      record: form.dataset.record ? Number(form.dataset.record) : null,
      recordCode: form.dataset.recordCode || "",
      version: get("version"),
      title: get("name") || get("description") || get("code") || form.dataset.recordCode || "",
      fields: fields,
      photos: (form._shrunkPhotos || []).slice(),
      state: "waiting",
      savedAt: new Date().toISOString(),
      attempts: 0,
      result: null,
    };
    await putDraft(draft);
    return draft;
  }

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (form.matches && form.matches("form[data-offline-form]") && !navigator.onLine) {
        event.preventDefault();
        saveDraft(form).then(() => {
          sessionStorage.setItem("offline-saved", "1");
          window.location.href = config.dataset.outbox;
        });
      } else if (form.matches && form.matches("form[action$='/accounts/logout/']") && !form._cleared) {
        // Unsent drafts: ask first. Then forget the kept pages (they show this user's
        // records); the drafts stay, sent only for this user when they sign in again.
        event.preventDefault();
        if (waitingCount > 0 && !window.confirm(T("logout"))) return;
        form._cleared = true;
        const cleared = "caches" in window ? caches.delete(PAGES) : Promise.resolve();
        cleared.finally(() => form.submit());
      }
    },
    true
  );

  // -- sending ------------------------------------------------------------------------------
  let csrf = null;
  async function csrfToken() {
    if (!csrf) {
      const response = await fetch(API, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw Object.assign(new Error("auth"), { status: response.status });
      csrf = (await response.json()).csrf_token;
    }
    return csrf;
  }

  async function sendOne(draft) {
    const body = new FormData();
    for (const [name, value] of draft.fields) body.append(name, value);
    draft.photos.forEach((blob, i) => body.append("photos", blob, "photo-" + (i + 1) + ".jpg"));
    const headers = { "Idempotency-Key": draft.id, "X-CSRFToken": await csrfToken(), Accept: "application/json" };
    if (draft.record) headers["If-Match"] = '"' + draft.version + '"';
    const url = API + draft.target + "/" + (draft.record ? draft.record + "/" : "");
    return fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin" });
  }

  let flushing = null;
  let lastProblem = "";
  function flush() {
    if (!flushing) {
      const run = () => flushOnce().finally(() => (flushing = null));
      flushing = navigator.locks ? navigator.locks.request("nghean-outbox", run) : run();
    }
    return flushing;
  }

  async function flushOnce() {
    lastProblem = "";
    for (const draft of await allDrafts()) {
      if (draft.state !== "waiting") continue;
      if (!navigator.onLine) {
        lastProblem = T("offline");
        break;
      }
      setState(T("sending"));
      let response;
      try {
        response = await sendOne(draft);
      } catch (error) {
        lastProblem = error.status ? T("login") : T("offline");
        if (error.status) csrf = null;
        retrySoon();
        break; // the network failed: try again shortly, in the same order
      }
      draft.attempts += 1;
      let answer = null;
      try {
        answer = await response.json();
      } catch (error) {
        answer = null;
      }
      if (response.status === 201 || response.status === 200) {
        draft.state = "sent";
      } else if (response.status === 412) {
        draft.state = "conflict";
      } else if (response.status === 400 || response.status === 404 || response.status === 422) {
        draft.state = "error";
      } else {
        if (response.status === 401 || response.status === 403) {
          csrf = null;
          lastProblem = T("login");
        }
        await putDraft(draft);
        break; // 5xx, 429, signed out: keep it waiting
      }
      draft.result = answer;
      draft.sentAt = new Date().toISOString();
      await putDraft(draft);
    }
    await render();
  }

  // -- showing ------------------------------------------------------------------------------
  let waitingCount = 0;
  function setState(text) {
    document.querySelectorAll("[data-outbox-state]").forEach((el) => (el.textContent = text));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "text" ? (node.textContent = v) : node.setAttribute(k, v)));
    children.forEach((c) => c && node.appendChild(c));
    return node;
  }

  function conflictForm(draft) {
    // The existing conflict page: the draft posted to the record's own form, on the
    // version it was made on. The server refuses it (nothing saved) and shows both sides.
    const form = el("form", { method: "post", action: "/declarations/" + draft.target + "/" + draft.record + "/edit/" });
    for (const [name, value] of draft.fields) form.appendChild(el("input", { type: "hidden", name: name, value: value }));
    const token = el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: "" });
    form.appendChild(token);
    const button = el("button", { type: "submit", "data-testid": "show-conflict", text: T("showConflict") });
    form.appendChild(button);
    form.addEventListener("submit", (event) => {
      if (token.value) return;
      event.preventDefault();
      csrfToken().then((value) => {
        token.value = value;
        form.submit();
      });
    });
    return form;
  }

  async function render() {
    const drafts = await allDrafts();
    const counts = { waiting: 0, sent: 0, conflict: 0, error: 0 };
    drafts.forEach((d) => (counts[d.state] = (counts[d.state] || 0) + 1));
    waitingCount = counts.waiting;
    Object.entries(counts).forEach(([state, n]) =>
      document.querySelectorAll('[data-count="' + state + '"]').forEach((node) => (node.textContent = String(n)))
    );
    document.querySelectorAll("[data-outbox-status]").forEach((node) => (node.hidden = counts.waiting === 0));
    if (!lastProblem && counts.waiting === 0 && drafts.length) setState(T("done"));
    else setState(lastProblem);
    const list = document.querySelector("[data-outbox-list]");
    if (!list) return;
    list.replaceChildren(
      ...drafts.map((d) => {
        const item = el(
          "li",
          { class: "outbox-item outbox-" + d.state, "data-draft": d.id, "data-state": d.state },
          el("strong", { text: d.title || d.recordCode || d.target }),
          el("span", { class: "status", text: " " + T(d.state) + " " }),
          el("small", { class: "muted", text: d.savedAt.replace("T", " ").slice(0, 16) })
        );
        if (d.photos && d.photos.length) item.appendChild(el("small", { text: " · " + T("photos") + ": " + d.photos.length }));
        if (d.state === "sent" && d.result && d.result.url) {
          item.appendChild(el("a", { href: d.result.url, class: "button", text: T("open") }));
        }
        if (d.state === "conflict") {
          const rows = (d.result && d.result.conflict) || [];
          const table = el("table", { class: "list diff", "data-testid": "draft-conflict" });
          table.appendChild(
            el("tr", {}, el("th", { text: T("field") }), el("th", { text: T("now") }), el("th", { text: T("yours") }))
          );
          rows.forEach((r) =>
            table.appendChild(
              el("tr", {}, el("td", { text: r.field }), el("td", { text: r.now == null ? "—" : String(r.now) }),
                el("td", { text: r.yours == null ? "—" : String(r.yours) }))
            )
          );
          item.appendChild(table);
          if (d.record) item.appendChild(conflictForm(d));
        }
        if (d.state === "error" && d.result) {
          const errors = d.result.errors || { "": [{ message: d.result.detail || "" }] };
          const text = Object.values(errors).flat().map((e) => e.message || e).join(" ");
          item.appendChild(el("div", { class: "field-error", role: "alert", text: text }));
        }
        if (d.state !== "waiting") {
          const remove = el("button", { type: "button", class: "link", text: T("delete") });
          remove.addEventListener("click", () => deleteDraft(d.id).then(render));
          item.appendChild(remove);
        }
        return item;
      })
    );
  }

  // -- start ---------------------------------------------------------------------------------
  const WARM_EVERY_MS = 6 * 3600 * 1000;

  async function warmPages() {
    // On the outbox page, or when the kept copies are older than a few hours: not on
    // every page a weak signal loads.
    const last = Number(localStorage.getItem("nghean-warmed") || 0);
    if (!document.querySelector("[data-outbox]") && Date.now() - last < WARM_EVERY_MS) {
      document.documentElement.dataset.offlineReady = "1";
      return;
    }
    // Keep the outbox and the empty forms (with the reference lists they carry) for a
    // visit without a signal.
    // and the scripts and styles those pages load (Leaflet, the map widget ...).
    if (!("caches" in window) || !navigator.onLine) return;
    const pages = await caches.open(PAGES);
    const assets = await caches.open(ASSETS);
    const wanted = new Set();
    for (const url of config.dataset.warm.split(" ").filter(Boolean)) {
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok || response.redirected) continue;
        const html = await response.clone().text();
        await pages.put(url, response);
        for (const match of html.matchAll(/(?:src|href)="(\/(?:static\/|map-locale\.js)[^"]*)"/g)) wanted.add(match[1]);
      } catch (error) {
        return;
      }
    }
    for (const url of wanted) {
      if (await assets.match(url, { ignoreVary: true })) continue;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (response.ok) await assets.put(url, response);
      } catch (error) {
        return;
      }
    }
    localStorage.setItem("nghean-warmed", String(Date.now()));
    document.documentElement.dataset.offlineReady = "1"; // everything a form needs is kept
  }

  async function askPersistence() {
    const node = document.querySelector("[data-storage]");
    if (!navigator.storage || !navigator.storage.persist) return;
    const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    if (node) node.textContent = persisted ? T("persisted") : T("notPersisted");
  }

  let soon = null;
  function retrySoon() {
    // A dropped request on a weak signal: try again after a second, not a whole interval.
    clearTimeout(soon);
    soon = setTimeout(() => navigator.onLine && flush(), 1000);
  }

  let timer = null;
  function keepTrying() {
    clearInterval(timer);
    timer = setInterval(() => {
      if (waitingCount > 0 && navigator.onLine) flush();
    }, RETRY_MS);
  }

  function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(config.dataset.sw, { scope: "/" }).then(
        () => navigator.serviceWorker.ready.then(warmPages),
        () => {}
      );
    }
    if (sessionStorage.getItem("offline-saved")) {
      sessionStorage.removeItem("offline-saved");
      const main = document.querySelector("main");
      const note = el("ul", { class: "messages" }, el("li", { class: "info", "data-testid": "saved-offline", text: T("saved") }));
      if (main) main.prepend(note);
    }
    document.querySelectorAll("[data-send-now]").forEach((b) => b.addEventListener("click", () => flush()));
    document.querySelectorAll("[data-clear-sent]").forEach((b) =>
      b.addEventListener("click", () =>
        allDrafts()
          .then((drafts) => Promise.all(drafts.filter((d) => d.state === "sent").map((d) => deleteDraft(d.id))))
          .then(render)
      )
    );
    window.addEventListener("online", () => flush());
    window.addEventListener("offline", () => render());
    if (document.querySelector("[data-outbox]")) askPersistence();
    render().then(() => flush());
    keepTrying();
  }

  window.ngheanOutbox = { flush: flush, drafts: allDrafts, render: render };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
