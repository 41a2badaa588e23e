/* Progress of a long import: asks the status endpoint every two seconds and moves the
   bar; when the work is done, the page reloads to show the outcome. Without
   JavaScript the page refreshes itself (a <noscript> meta refresh) and has a link. */
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section || !window.fetch) { return; }
  var bar = section.querySelector("[data-progress-bar]");
  var done = section.querySelector("[data-progress-done]");
  var total = section.querySelector("[data-progress-total]");
  var label = section.querySelector("[data-progress-label]");
  var language = document.documentElement.lang || undefined;

  function show(data) {
    if (bar) {
      bar.max = Math.max(data.total, 1);
      bar.value = data.done;
      bar.textContent = data.percent + "%";
    }
    if (done) { done.textContent = data.done.toLocaleString(language); }
    if (total) { total.textContent = data.total.toLocaleString(language); }
    if (label && data.label) { label.textContent = data.label; }
  }

  function poll() {
    fetch(section.getAttribute("data-progress-url"),
          {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        show(data);
        if (data.busy) { window.setTimeout(poll, 2000); } else { window.location.href = data.url; }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
