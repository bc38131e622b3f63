// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID" type="application/json">
// ({"type": "bar", "labels": [...], "datasets": [{"label": "...", "data": [...]}]}). Each chart has
// its table beside it, so nothing is lost without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var palette = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#9e9d24"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    spec.datasets.forEach(function (dataset, index) {
      dataset.backgroundColor = dataset.backgroundColor || palette[index % palette.length];
    });
    new Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true, animation: false,
        plugins: { legend: { display: spec.datasets.length > 1 } },
        // The value axis names the unit (%, EUR, p.p.) when the table gives one.
        scales: spec.unit ? { y: { title: { display: true, text: spec.unit } } } : {}
      }
    });
  });
});
