// 分析研判 charts. Every <div class="achart" data-achart="ID"> is drawn from
// the JSON in <script type="application/json" id="ID">, our own small spec:
//
//   {"kind": "line" | "bars" | "hbar" | "treemap" | "heatmap" | "funnel" | "timeline",
//    "title": "…", "unit": "件",
//    "categories": ["…"],     line, bars: x labels; hbar: one label per bar (top first); heatmap: columns
//    "rows": ["…"],           heatmap: row labels (top first)
//    "series": [{"name": "…", "data": [n | null], "links": [url | null], "names": ["…"]}],
//    "cells": [[col, row, n, url | null]],          heatmap
//    "points": [{"day": "YYYY-MM-DD", "name": "…", "group": "…", "value": n, "link": url}]}  timeline
//
// Clicking a point, bar, tile or cell whose link is set opens that
// (same-origin) URL: the cases behind the number. Drawn as SVG with tooltips
// inside the chart (richText), sizes set through the CSSOM, nothing inline,
// so the page's content-security policy holds. Needs
// /static/vendor/echarts/echarts.min.js loaded first (both deferred).
(function () {
  "use strict";

  var HEIGHT = { line: 280, bars: 260, funnel: 300, treemap: 300, timeline: 220 };
  var resizer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (en) {
      var c = window.echarts.getInstanceByDom(en.target);
      if (c) c.resize();
    });
  }) : null;

  function fail(el, msg) {
    if (window.console) console.error("chart " + (el.getAttribute("data-achart") || "") + ": " + msg);
    el.textContent = "图表无法显示，请看下方表格。";
  }

  function num(v) { return typeof v === "number" && isFinite(v) ? v : null; }

  function sameOrigin(link) {
    if (typeof link !== "string" || link === "") return null;
    try {
      var u = new URL(link, window.location.href);
      return u.origin === window.location.origin ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function short(s, n) {
    s = String(s || "");
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  // height is the chart's height for its spec: bars and heat-map rows grow it.
  function height(spec) {
    if (spec.kind === "hbar") return Math.max(120, 28 * (spec.categories || []).length + 40);
    if (spec.kind === "heatmap") return Math.max(140, 26 * (spec.rows || []).length + 70);
    return HEIGHT[spec.kind] || 280;
  }

  function options(spec) {
    var unit = typeof spec.unit === "string" ? spec.unit : "";
    var fmt = function (v) { return v === null || v === undefined ? "—" : v + unit; };
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var o = {
      animation: !reduce,
      aria: { enabled: false },
      textStyle: { fontFamily: "-apple-system, \"PingFang SC\", \"Noto Sans CJK SC\", \"Microsoft YaHei\", sans-serif" },
      tooltip: { renderMode: "richText", confine: true, trigger: "item", valueFormatter: fmt }
    };
    var series = spec.series || [];
    var many = series.length > 1;
    if (many && (spec.kind === "line" || spec.kind === "bars")) o.legend = { type: "scroll", top: 0, left: "center" };
    switch (spec.kind) {
      case "line":
      case "bars":
        o.tooltip.trigger = "axis";
        o.grid = { left: 8, right: 12, top: many ? 36 : 16, bottom: 8, outerBounds: { left: 0, top: 0, right: 0, bottom: 6 } };
        o.xAxis = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true }, boundaryGap: spec.kind === "bars" };
        o.yAxis = { type: "value" };
        o.series = series.map(function (s, i) {
          var line = spec.kind === "line";
          return { type: line && i === 0 && spec.firstBars ? "bar" : (line ? "line" : "bar"), name: s.name, data: (s.data || []).map(num),
            symbol: "circle", symbolSize: line && i > 0 ? 0 : 6, showSymbol: !(line && i > 0), connectNulls: false,
            barMaxWidth: 24, smooth: false, emphasis: { focus: "series" } };
        });
        break;
      case "hbar":
        o.tooltip.trigger = "axis";
        o.grid = { left: 8, right: 40, top: 8, bottom: 8, outerBounds: { left: 0, top: 0, right: 0, bottom: 0 } };
        o.yAxis = { type: "category", inverse: true, data: (spec.categories || []).map(function (c) { return short(c, 9); }),
          axisLabel: { interval: 0 } };
        o.xAxis = { type: "value", axisLabel: { hideOverlap: true } };
        o.series = [{ type: "bar", name: series[0].name, data: (series[0].data || []).map(num), barMaxWidth: 18,
          label: { show: true, position: "right", formatter: function (p) { return fmt(p.value); } } }];
        break;
      case "treemap":
        var s0 = series[0], names = s0.names || [];
        o.series = [{ type: "treemap", name: s0.name, roam: false, nodeClick: false, breadcrumb: { show: false },
          left: 0, right: 0, top: 0, bottom: 0,
          label: { show: true, formatter: function (p) { return p.name + "\n" + fmt(p.value); } },
          data: (s0.data || []).map(function (v, i) { return { name: names[i] || "", value: num(v) }; }) }];
        break;
      case "funnel":
        var f0 = series[0], fn = f0.names || [];
        var data = (f0.data || []).map(function (v, i) { return { name: fn[i] || "", value: num(v) }; });
        var top = Math.max.apply(null, data.map(function (d) { return d.value || 0; }).concat([1]));
        o.series = [{ type: "funnel", name: f0.name, sort: "none", gap: 2, min: 0, max: top, minSize: "30%",
          left: "4%", right: "4%", top: 8, bottom: 8, data: data,
          label: { position: "inside", formatter: function (p) { return p.name + " " + fmt(p.value); } } }];
        break;
      case "heatmap":
        var max = 1;
        (spec.cells || []).forEach(function (c) { if (c[2] > max) max = c[2]; });
        o.grid = { left: 8, right: 8, top: 8, bottom: 48, outerBounds: { left: 0, top: 0, right: 0, bottom: 0 } };
        o.xAxis = { type: "category", data: spec.categories, splitArea: { show: true }, axisLabel: { hideOverlap: true, rotate: 45 } };
        o.yAxis = { type: "category", inverse: true, data: (spec.rows || []).map(function (c) { return short(c, 7); }),
          axisLabel: { interval: 0 }, splitArea: { show: true } };
        o.visualMap = { min: 0, max: max, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
          inRange: { color: ["#f5f7fa", "#f6c343", "#e8590c", "#b42318"] }, textStyle: { fontSize: 11 } };
        o.series = [{ type: "heatmap", name: spec.title, data: (spec.cells || []).map(function (c) { return [c[0], c[1], num(c[2])]; }),
          label: { show: false }, emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }];
        o.tooltip.formatter = function (p) {
          var c = spec.cells[p.dataIndex];
          return (spec.rows[c[1]] || "") + " " + (spec.categories[c[0]] || "") + "：" + fmt(c[2]);
        };
        break;
      case "timeline":
        var groups = [];
        (spec.points || []).forEach(function (p) { if (groups.indexOf(p.group) < 0) groups.push(p.group); });
        o.legend = { top: 0, left: "center", data: groups };
        o.grid = { left: 8, right: 16, top: 36, bottom: 8, outerBounds: { left: 0, top: 0, right: 0, bottom: 6 } };
        o.xAxis = { type: "time", min: spec.from, max: spec.to, axisLabel: { hideOverlap: true } };
        o.yAxis = { type: "value", minInterval: 1, name: "", axisLabel: { formatter: function (v) { return v + unit; } } };
        o.series = groups.map(function (g) {
          return { type: "scatter", name: g, symbolSize: 12,
            data: (spec.points || []).filter(function (p) { return p.group === g; }).map(function (p) {
              return { value: [p.day, num(p.value)], name: p.name, link: p.link };
            }) };
        });
        o.tooltip.formatter = function (p) { return p.data.value[0] + " " + p.data.name + "：" + fmt(p.data.value[1]); };
        break;
      default:
        throw new Error("unknown kind " + spec.kind);
    }
    return o;
  }

  // linkOf finds the link behind a clicked element, or null.
  function linkOf(spec, p) {
    var s;
    switch (spec.kind) {
      case "heatmap":
        var c = (spec.cells || [])[p.dataIndex];
        return c ? sameOrigin(c[3]) : null;
      case "timeline":
        return p.data ? sameOrigin(p.data.link) : null;
      case "line":
      case "bars":
        s = (spec.series || [])[p.seriesIndex];
        break;
      default:
        s = (spec.series || [])[0];
    }
    if (!s || !Array.isArray(s.links)) return null;
    return sameOrigin(s.links[p.dataIndex]);
  }

  function draw(el) {
    if (!window.echarts || window.echarts.getInstanceByDom(el)) return;
    var id = el.getAttribute("data-achart"), src = id ? document.getElementById(id) : null;
    if (!src) return fail(el, "no spec element #" + id);
    var spec, opt;
    try {
      spec = JSON.parse(src.textContent);
      if (!spec || (!Array.isArray(spec.series) && !Array.isArray(spec.cells) && !Array.isArray(spec.points))) throw new Error("empty spec");
      opt = options(spec);
    } catch (e) {
      return fail(el, e.message);
    }
    el.style.height = height(spec) + "px";
    el.style.width = "100%";
    el.style.overflow = "hidden";
    el.setAttribute("role", "img");
    if (spec.title) el.setAttribute("aria-label", spec.title);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(opt);
    chart.on("click", function (p) {
      var to = linkOf(spec, p);
      if (to) window.location.assign(to);
    });
    if (resizer) resizer.observe(el);
  }

  function scan() {
    document.querySelectorAll("div.achart[data-achart]").forEach(draw);
  }
  if (!resizer) {
    window.addEventListener("resize", function () {
      document.querySelectorAll("div.achart[data-achart]").forEach(function (el) {
        var c = window.echarts && window.echarts.getInstanceByDom(el);
        if (c) c.resize();
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
