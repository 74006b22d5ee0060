// Settings > Notifications: turn push notifications on or off for this browser.
// The subscription goes to /api/push/subscriptions with the page's CSRF token.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }

  async function call(method, path, body) {
    const answer = await fetch(path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!answer.ok && answer.status !== 404) {
      let detail = answer.statusText;
      try { detail = (await answer.json()).detail; } catch (error) { /* not JSON */ }
      throw new Error(typeof detail === "string" ? detail : "the server refused (" + answer.status + ")");
    }
    return answer.status === 204 ? null : answer.json();
  }

  document.addEventListener("DOMContentLoaded", async function () {
    const status = document.querySelector("[data-push-status]");
    const on = document.querySelector('[data-push="on"]');
    const off = document.querySelector('[data-push="off"]');
    if (!status) return;
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
      status.textContent = "This browser cannot receive push notifications here (they need https, or this computer's own address).";
      return;
    }
    const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    await navigator.serviceWorker.ready;

    async function show() {
      const subscription = await registration.pushManager.getSubscription();
      on.hidden = Boolean(subscription);
      off.hidden = !subscription;
      if (Notification.permission === "denied") {
        status.textContent = "Notifications are blocked for this site: allow them in the browser's site settings.";
        on.hidden = true;
      } else {
        status.textContent = subscription ? "Notifications are on for this browser." : "Notifications are off for this browser.";
      }
    }

    on.addEventListener("click", async function () {
      on.disabled = true;
      try {
        if ((await Notification.requestPermission()) !== "granted") throw new Error("notifications were not allowed");
        const key = await call("GET", "/api/push/vapid-public-key");
        const subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(key.public_key),
        });
        await call("POST", "/api/push/subscriptions", subscription.toJSON());
      } catch (error) {
        status.textContent = "Could not turn notifications on: " + error.message;
        on.disabled = false;
        return;
      }
      on.disabled = false;
      show();
    });

    off.addEventListener("click", async function () {
      off.disabled = true;
      try {
        const subscription = await registration.pushManager.getSubscription();
        if (subscription) {
          const mine = await call("GET", "/api/push/subscriptions");
          for (const row of mine) {
            if (row.endpoint === subscription.endpoint) await call("DELETE", "/api/push/subscriptions/" + encodeURIComponent(row.guid));
          }
          await subscription.unsubscribe();
        }
      } catch (error) {
        status.textContent = "Could not turn notifications off: " + error.message;
      }
      off.disabled = false;
      show();
    });

    show();
  });
})();
