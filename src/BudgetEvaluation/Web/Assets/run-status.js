// Follows a scoring run: polls its status (the JSON of GET /api/evaluations/{id}, served to the session at
// /runs/{id}/status) and shows it; once the run has finished the page reloads to show its results and links.
// Without this script a <noscript> meta refresh reloads the page instead.
(function () {
  "use strict";

  var labels = { queued: "排队中", running: "评分中", succeeded: "已完成", failed: "失败" };

  function start() {
    var box = document.getElementById("run-box");
    if (!box || !window.fetch) {
      return;
    }
    var url = box.getAttribute("data-status-url");
    var status = document.getElementById("run-status");
    var count = document.getElementById("run-count");
    var progress = document.getElementById("run-progress");

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (run) {
          status.textContent = labels[run.status] || run.status;
          status.className = "run-status run-" + run.status;
          count.textContent = "已评分 " + run.results + " / " + run.projects + " 个项目";
          progress.max = Math.max(run.projects, 1);
          progress.value = run.results;
          if (run.status === "succeeded" || run.status === "failed") {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          // A lost connection or an expired session: a reload shows the real page (or the sign-in).
          window.setTimeout(function () { window.location.reload(); }, 5000);
        });
    }

    window.setTimeout(poll, 500);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
