/* The statistics page's charts, drawn by Chart.js (static/vendor/chartjs, built by
   scripts/vendor_assets.sh). Each chart's numbers come from its box's data-chart
   attribute, written by the server; the table beside each chart holds the same numbers
   and is the page without JavaScript. A count an official may not see exactly ("<3")
   is null here: no bar, and the tooltip says so. */
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var language = document.documentElement.lang || undefined;
  var colours = ["#0b4f8a", "#a8201a"];

  function draw(box) {
    var spec;
    try { spec = JSON.parse(box.getAttribute("data-chart")); } catch (error) { return; }
    var horizontal = Boolean(spec.horizontal);
    box.hidden = false;
    if (horizontal) {
      box.style.height = Math.max(160, spec.labels.length * 24 + 60) + "px";
    }
    var datasets = spec.datasets.map(function (set, index) {
      return {
        label: set.label,
        data: set.values,
        notes: set.notes || [],
        backgroundColor: colours[index % colours.length],
        borderColor: colours[index % colours.length],
        fill: false,
        tension: 0.1,
        // A running total beside monthly additions: on its own axis, on the right.
        yAxisID: index === 0 ? "y" : "y1"
      };
    });
    var scales = {
      x: {beginAtZero: true, ticks: {precision: 0}},
      y: {beginAtZero: true, ticks: {precision: 0, autoSkip: !horizontal}}
    };
    if (datasets.length > 1) {
      scales.y1 = {beginAtZero: true, position: "right", grid: {drawOnChartArea: false},
                   ticks: {precision: 0}};
    }
    new window.Chart(box.querySelector("canvas"), {
      type: spec.type,
      data: {labels: spec.labels, datasets: datasets},
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        locale: language,
        plugins: {
          legend: {display: datasets.length > 1},
          tooltip: {
            callbacks: {
              label: function (item) {
                var note = item.dataset.notes[item.dataIndex];
                var value = note || item.formattedValue;
                return item.dataset.label + ": " + value;
              }
            }
          }
        },
        scales: scales
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
}());
