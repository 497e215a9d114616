// The dashboard's charts (Apache ECharts, vendored): each .chart element carries its figures in
// data-chart — {kind, categories, horizontal, series: [{name, data: [{value, href}]}]} — and a
// click on a bar opens the list behind it (href), as the links of the table under it do.
(function () {
  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-chart"));
    var chart = echarts.init(el);
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: { interval: 0, rotate: spec.horizontal ? 0 : (spec.categories.length > 6 ? 30 : 0) }
    };
    var valueAxis = { type: "value", minInterval: 1 };
    chart.setOption({
      animation: false,
      // richText: the HTML tooltip writes style attributes, which the page's policy forbids.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { show: spec.series.length > 1, top: 0 },
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxis,
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, cursor: "pointer" };
      })
    });
    chart.on("click", function (params) {
      if (params.data && params.data.href) {
        window.location.href = params.data.href;
      }
    });
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() {
    document.querySelectorAll(".chart[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
