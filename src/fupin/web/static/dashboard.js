// Draws the dashboard's charts from the unit's JSON figures; the page's tables already carry the same numbers,
// so without this script (or without ECharts) nothing is lost.
(function () {
  "use strict";
  if (!window.echarts) return;

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    element.classList.add("drawn");
    var chart = window.echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function linkTo(chart) {
    if (!chart) return;
    chart.on("click", function (params) {
      if (params.data && params.data.code) window.location.href = "/dashboard/" + params.data.code;
    });
  }

  function render(data) {
    var children = data.children;
    var names = children.map(function (c) { return c.unit.name; });
    var series = [
      ["status_not_exited", "未脱贫户"], ["status_exited", "已脱贫户"], ["status_returned", "返贫户"], ["monitored", "监测户"]
    ].map(function (pair) {
      return { name: pair[1], type: "bar", stack: pair[0] === "monitored" ? "m" : "s",
        data: children.map(function (c) { return { value: c.figures.figures[pair[0]], code: c.unit.code }; }) };
    });
    linkTo(draw("chart-children", {
      title: { text: "下级单位户数", left: "center" }, tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { bottom: 80, containLabel: true }, xAxis: { type: "category", data: names, axisLabel: { rotate: 30 } },
      yAxis: { type: "value" }, series: series
    }));
    linkTo(draw("chart-treemap", {
      title: { text: "下级单位户数（矩形面积）", left: "center" }, tooltip: {},
      series: [{ type: "treemap", leafDepth: 1, roam: false, data: children.map(function node(c) {
        return { name: c.unit.name, code: c.unit.code, value: c.figures.figures.households,
          children: (c.below || []).map(node) };
      }) }]
    }));
    var months = data.trend.map(function (m) { return m.month; });
    draw("chart-trend", {
      title: { text: "按月趋势", left: "center" }, tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      xAxis: { type: "category", data: months }, yAxis: { type: "value" },
      series: [["members_poor", "贫困人口"], ["status_not_exited", "未脱贫户"], ["status_returned", "返贫户"],
        ["monitored", "监测户"]].map(function (pair) {
        return { name: pair[1], type: "line", data: data.trend.map(function (m) { return m.figures[pair[0]]; }) };
      })
    });
  }

  function renderVerdicts(data) {
    var children = data.children.filter(function (c) { return c.figures; });
    var series = [
      ["meeting_households", "达标户"], ["failing_households", "未达标户"], ["undecided_households", "待定户"]
    ].map(function (pair) {
      return { name: pair[1], type: "bar", stack: "v",
        data: children.map(function (c) { return { value: c.figures[pair[0]], code: c.unit.code }; }) };
    });
    linkTo(draw("chart-verdicts", {
      title: { text: "下级单位评估结果（" + data.year + "年）", left: "center" }, tooltip: { trigger: "axis" },
      legend: { bottom: 0 }, grid: { bottom: 80, containLabel: true },
      xAxis: { type: "category", data: children.map(function (c) { return c.unit.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" }, series: series
    }));
  }

  function load(selector, then) {
    var holder = document.querySelector(selector);
    if (!holder) return;
    fetch(holder.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
      .then(then)
      .catch(function () { /* the tables on the page show the same figures */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    load(".chart[data-src]:not(#chart-verdicts)", render);
    load("#chart-verdicts[data-src]", renderVerdicts);
  });
})();
