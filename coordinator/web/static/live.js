// Live job progress on the pages that list jobs: the team's job socket, /api/tools/ws/jobs.
// Reconnects with a growing pause after a drop (the server closes a client that reads too
// slowly with 1013). Events sent while no socket listened are lost, so whenever the socket is
// (re)subscribed, and when a job the page does not list is queued, the page reads its own
// address again and takes the job rows from it: the server renders them (escaped, with their
// forms), this script only moves them into place. When a job the page lists ends, the page's
// other live parts (a collection's numbers, trends and results) are taken from a new read too.
"use strict";

(function () {
  const FINAL = ["completed", "no_change", "failed", "cancelled"];
  const POLICY_VIOLATION = 1008;
  const MAX_PAUSE_MS = 30000;

  function rows(guid) {
    return document.querySelectorAll('tr[data-job="' + CSS.escape(guid) + '"]');
  }

  function field(row, name) {
    return row.querySelector('[data-field="' + name + '"]');
  }

  function showStatus(row, status, cancelRequested) {
    const pill = field(row, "status");
    if (!pill) return;
    pill.className = "pill " + status;
    pill.textContent = status.replace("_", " ") + (cancelRequested && !FINAL.includes(status) ? " (stopping)" : "");
    row.dataset.status = status;
    if (status === "completed" || status === "no_change") showPercent(row, 100);
    if (FINAL.includes(status)) {
      showMessage(row, "");
      // Nothing left to cancel; a retry button comes with the next load of the page.
      row.querySelectorAll('form[action$="/cancel"]').forEach(function (form) { form.remove(); });
    }
  }

  function showPercent(row, percent) {
    const bar = field(row, "progress");
    const text = field(row, "percent");
    if (bar && typeof percent === "number") {
      bar.value = Math.max(0, Math.min(100, percent));
      if (text) text.textContent = Math.round(bar.value) + "%";
    }
  }

  function showMessage(row, message) {
    const line = field(row, "message");
    if (line && typeof message === "string") line.textContent = message;
  }

  function showError(row, error) {
    if (!error) return;
    let line = field(row, "error");
    if (!line) {
      line = document.createElement("div");
      line.className = "failure small";
      line.dataset.field = "error";
      field(row, "progress").parentElement.parentElement.appendChild(line);
    }
    line.textContent = error;
  }

  function apply(event) {
    if (!event.job) return;
    const shown = rows(event.job);
    if (shown.length === 0 && event.event === "state" && event.status === "queued") {
      reread();
    }
    const ends = event.event === "state" && FINAL.includes(event.status) &&
      Array.from(shown).some(function (row) { return !FINAL.includes(row.dataset.status); });
    if (ends && document.querySelector("[data-live-part]")) reread();
    shown.forEach(function (row) {
      if (event.event === "progress") {
        showStatus(row, event.status, false);
        showPercent(row, event.percent);
        showMessage(row, event.message || event.stage || "");
      } else if (event.event === "state") {
        showStatus(row, event.status, event.cancel_requested);
        showError(row, event.error);
      }
    });
  }

  async function freshPage() {
    const answer = await fetch(location.pathname + location.search, { credentials: "same-origin" });
    if (!answer.ok || answer.redirected) return null; // signed out meanwhile: nothing to show
    return new DOMParser().parseFromString(await answer.text(), "text/html");
  }

  function freshRows(page) {
    const table = page && page.querySelector("table[data-live-jobs]");
    return table ? Array.from(table.tBodies[0].rows) : null;
  }

  // Each live part as the server renders it now; one that did not change stays (and keeps
  // the keyboard focus it holds).
  function replaceParts(page) {
    if (!page) return;
    document.querySelectorAll("[data-live-part]").forEach(function (part) {
      const name = CSS.escape(part.dataset.livePart);
      const fresh = page.querySelector('[data-live-part="' + name + '"]');
      if (fresh && fresh.innerHTML !== part.innerHTML) {
        part.replaceWith(document.importNode(fresh, true));
      }
    });
  }

  // The server's rows in the server's order: a job not listed yet goes after the row listed
  // before it; a listed job not final yet takes the server's row (its buttons too); a final
  // row stays, since an event newer than this read may have ended it.
  function merge(fresh) {
    const table = document.querySelector("table[data-live-jobs]");
    if (!fresh || !table) return;
    const body = table.tBodies[0];
    let previous = null;
    for (const row of fresh) {
      const shown = body.querySelector('tr[data-job="' + CSS.escape(row.dataset.job) + '"]');
      if (shown && FINAL.includes(shown.dataset.status)) {
        previous = shown;
        continue;
      }
      const adopted = document.importNode(row, true);
      if (shown) shown.replaceWith(adopted);
      else if (previous) previous.after(adopted);
      else body.prepend(adopted);
      previous = adopted;
    }
    const listed = body.rows.length > 0;
    table.closest("[data-live-table]").hidden = !listed;
    document.querySelectorAll("[data-live-empty]").forEach(function (note) { note.hidden = listed; });
  }

  let reading = null;
  let readAgain = false;

  // One read at a time; whatever asks meanwhile gets one more read after it.
  function reread() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = (async function () {
      do {
        readAgain = false;
        try {
          const page = await freshPage();
          merge(freshRows(page));
          replaceParts(page);
        } catch (error) {
          // unreachable again: the next reconnect reads them
        }
      } while (readAgain);
      reading = null;
    })();
  }

  function say(text) {
    document.querySelectorAll("[data-live-status]").forEach(function (line) {
      line.textContent = text;
    });
  }

  function connect() {
    let pause = 1000;
    function open() {
      const scheme = location.protocol === "https:" ? "wss://" : "ws://";
      const socket = new WebSocket(scheme + location.host + "/api/tools/ws/jobs");
      socket.addEventListener("message", function (message) {
        let event;
        try {
          event = JSON.parse(message.data);
        } catch (error) {
          return;
        }
        if (event.event === "subscribed") {
          pause = 1000;
          say("Live: progress updates as the agents report it.");
          document.body.dataset.live = "on";
          reread();
          return;
        }
        apply(event);
      });
      socket.addEventListener("close", function (closed) {
        document.body.dataset.live = "off";
        if (closed.code === POLICY_VIOLATION) {
          say("Live updates stopped: " + (closed.reason || "sign in again") + ".");
          return;
        }
        say("Live updates interrupted: reconnecting…");
        setTimeout(open, pause);
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      });
    }
    open();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-live-jobs]")) connect();
  });
})();
