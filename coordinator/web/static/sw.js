// The service worker (scope /): shows the coordinator's push notifications and, on a click,
// focuses a window already showing the page the notification is about, or opens it.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function pageOf(url) {
  // Only a page of this site: a notification can never send the user elsewhere.
  try {
    const target = new URL(url || "/", self.location.origin);
    if (target.origin === self.location.origin) return target.href;
  } catch (error) {
    // not a URL: the overview
  }
  return new URL("/", self.location.origin).href;
}

self.addEventListener("push", function (event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = typeof data.title === "string" && data.title ? data.title : "ShutterSense";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      tag: typeof data.tag === "string" ? data.tag : undefined,
      data: { url: pageOf(data.url) },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const target = pageOf(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (const client of windows) {
        if (client.url === target && "focus" in client) return client.focus();
      }
      for (const client of windows) {
        if ("navigate" in client && new URL(client.url).origin === self.location.origin) {
          return client.navigate(target).then(function (opened) {
            return opened ? opened.focus() : self.clients.openWindow(target);
          });
        }
      }
      return self.clients.openWindow(target);
    })
  );
});
