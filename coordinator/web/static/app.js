// Every page: the agent pool badge kept current, copy buttons, confirmations, the service worker.
// Plain script from a file (the Content-Security-Policy allows no inline script); text only ever
// goes into the page through textContent, never as HTML.
"use strict";

(function () {
  const POOL_EVERY_MS = 10000;

  function poolText(pool) {
    return "Agents: " + pool.online + " online · " + pool.idle + " idle · " + pool.busy + " busy";
  }

  function watchPool() {
    const badge = document.getElementById("pool-badge");
    if (!badge) return;
    const text = badge.querySelector("[data-pool=text]");
    async function refresh() {
      try {
        const answer = await fetch("/api/agents/pool-status", { credentials: "same-origin" });
        if (answer.status === 401) return; // signed out meanwhile: the next page asks to sign in
        if (!answer.ok) return;
        const pool = await answer.json();
        badge.classList.remove("available", "busy", "offline");
        badge.classList.add(pool.status);
        text.textContent = poolText(pool);
        badge.title = "Agent pool: " + pool.online + " online, " + pool.offline + " offline, " +
          pool.idle + " idle, " + pool.busy + " busy";
        badge.dataset.status = pool.status;
      } catch (error) {
        // The coordinator is unreachable for a moment: keep the last state, try again later.
      }
    }
    setInterval(refresh, POOL_EVERY_MS);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) refresh();
    });
  }

  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", async function () {
        const source = document.querySelector(button.dataset.copy);
        const status = button.parentElement.querySelector("[data-copy-status]");
        if (!source) return;
        try {
          await navigator.clipboard.writeText(source.textContent.trim());
          if (status) status.textContent = "Copied.";
        } catch (error) {
          const range = document.createRange();
          range.selectNodeContents(source);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          if (status) status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
        }
      });
    });
  }

  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  function serviceWorker() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        // Not over https (nor on this computer's own address): no installable app, no push.
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    watchPool();
    copyButtons();
    confirmations();
    serviceWorker();
  });
})();
