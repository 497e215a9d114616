// The dashboard's charts (Apache ECharts, vendored): each .chart element carries its figures in
// data-chart — {kind, categories, horizontal, unit, series: [{name, data: [{value, href}]}]} —
// and a click on a bar opens the list behind it (href), as the links of the table under it do.
// unit "%": shares, shown in % on the axis and in the tooltip (the tables use % too).
// The legend sits under the plot on one scrolling line, so that it never covers a bar or an
// axis label however narrow the screen.
(function () {
  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-chart"));
    var chart = echarts.init(el);
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: { interval: 0, rotate: spec.horizontal ? 0 : (spec.categories.length > 6 ? 30 : 0) }
    };
    var unit = spec.unit || "";
    var valueAxis = unit === "%"
      ? { type: "value", min: 0, axisLabel: { formatter: "{value}%" } }
      : { type: "value", minInterval: 1 };
    var legend = spec.series.length > 1;
    chart.setOption({
      animation: false,
      // richText: the HTML tooltip writes style attributes, which the page's policy forbids.
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        renderMode: "richText",
        valueFormatter: function (v) { return v + unit; }
      },
      legend: { show: legend, type: "scroll", bottom: 0, left: "center" },
      grid: { left: 8, right: 24, top: 16, bottom: legend ? 36 : 8, containLabel: true },
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
