// Polls a background job's status (inventory.views.jobs.job_status) and moves the progress
// bar; reloads the page once the job has ended, to show its result.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var bar = document.getElementById("job-progress");
  var label = document.getElementById("job-status");
  var count = document.getElementById("job-count");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        label.textContent = s.status_label;
        if (s.percent !== null) { bar.value = s.percent; bar.textContent = s.percent + "%"; }
        else { bar.removeAttribute("value"); }
        if (s.total) count.textContent = s.done + " / " + s.total;
        if (s.finished) { if (box.dataset.finished !== "1") window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (label.textContent.trim() && !document.querySelector("[data-testid=job-result]") &&
      !document.querySelector("[data-testid=job-error]")) {
    poll();
  } else {
    box.dataset.finished = "1";
  }
})();
