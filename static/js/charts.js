// Draws every plotly figure of a page: the figure's JSON sits in a <script type="application/json">
// (Django's json_script) named by the chart's data-figure attribute; no inline script is needed.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-figure]").forEach(function (div) {
      var source = document.getElementById(div.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      var config = Object.assign({responsive: true, displaylogo: false,
        modeBarButtonsToRemove: ["lasso2d", "select2d"]}, figure.config || {});
      Plotly.newPlot(div, figure.data, figure.layout, config);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
