// Live job progress on the pages that list jobs: the team's job socket, /api/tools/ws/jobs.
// Reconnects with a growing pause after a drop; after a reconnect (the server closes a client
// that reads too slowly with 1013) it reads the listed jobs again from the REST API, since
// events sent meanwhile are lost.
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
      say("A new job was queued: reload the page to list it.");
    }
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

  async function reread() {
    const shown = document.querySelectorAll("tr[data-job]");
    for (const row of shown) {
      if (FINAL.includes(row.dataset.status)) continue;
      try {
        const answer = await fetch("/api/jobs/" + encodeURIComponent(row.dataset.job), { credentials: "same-origin" });
        if (!answer.ok) continue;
        const job = await answer.json();
        apply({ event: "state", job: job.guid, status: job.status, cancel_requested: job.cancel_requested, error: job.error });
        if (job.progress) {
          showPercent(row, job.progress.percent);
          showMessage(row, job.progress.message || job.progress.stage || "");
        }
      } catch (error) {
        return; // unreachable again: the next reconnect reads them
      }
    }
  }

  function say(text) {
    document.querySelectorAll("[data-live-status]").forEach(function (line) {
      line.textContent = text;
    });
  }

  function connect() {
    let pause = 1000;
    let dropped = false;
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
          if (dropped) reread();
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
        dropped = true;
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
