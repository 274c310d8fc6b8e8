// Evaluation charts. Every <div class="chart" data-chart="ID"> is drawn from
// the JSON in <script type="application/json" id="ID">, our own small spec
// (not ECharts options):
//
//   {"kind": "line" | "bar" | "radar" | "funnel" | "pie",
//    "title": "…",                       aria-label of the chart (the page shows its own heading)
//    "unit": "%",                         optional, after each value in tooltips and labels
//    "categories": ["…"],                 line, bar: the x labels
//    "indicators": [{"name": "…", "max": 100}],      radar: the spokes
//    "series": [{"name": "…", "data": [n | null], "links": [url | null],
//                "names": ["…"]}]}        funnel, pie: series[0] only, one name per value
//
// Line and bar: data and links are one entry per category. Radar: each series
// is one polygon, data and links one entry per indicator. Clicking a point,
// bar or segment whose link is set opens that (same-origin) URL: the cases
// behind the number. Rendered as SVG, tooltips drawn inside the chart
// (richText), never HTML with inline styles, so the page's CSP holds.
// Needs /static/vendor/echarts/echarts.min.js loaded first (both deferred).
(function () {
  "use strict";

  var KINDS = { line: true, bar: true, radar: true, funnel: true, pie: true };
  var resizer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (en) {
      var c = window.echarts.getInstanceByDom(en.target);
      if (c) c.resize();
    });
  }) : null;

  function fail(el, msg) {
    if (window.console) console.error("chart " + (el.getAttribute("data-chart") || "") + ": " + msg);
    el.classList.add("chart-failed");
    el.textContent = "图表无法显示，请看下方表格。";
  }

  // radarMiddle is the radar's centre height as a share of the chart's: lower
  // when a legend sits on top. Drawing and click lookup both use it.
  function radarMiddle(spec) { return spec.series.length > 1 ? 0.56 : 0.52; }

  function num(v) { return typeof v === "number" && isFinite(v) ? v : null; }

  // sameOrigin answers the absolute URL of link when it stays on this site.
  function sameOrigin(link) {
    if (typeof link !== "string" || link === "") return null;
    try {
      var u = new URL(link, window.location.href);
      return u.origin === window.location.origin ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function anyLink(spec) {
    return spec.series.some(function (s) {
      return (s.links || []).some(function (l) { return sameOrigin(l) !== null; });
    });
  }

  // options turns our spec into ECharts options.
  function options(spec) {
    var unit = typeof spec.unit === "string" ? spec.unit : "";
    var fmt = function (v) { return v === null || v === undefined || v === "-" ? "—" : v + unit; };
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var cursor = anyLink(spec) ? "pointer" : "default";
    var o = {
      animation: !reduce,
      aria: { enabled: false }, // the element carries our own label; the page a table
      textStyle: { fontFamily: "-apple-system, \"PingFang SC\", \"Noto Sans CJK SC\", \"Microsoft YaHei\", sans-serif" },
      tooltip: { renderMode: "richText", confine: true, trigger: "item", valueFormatter: fmt }
    };
    var many = spec.series.length > 1;
    if (many && spec.kind !== "funnel" && spec.kind !== "pie") {
      o.legend = { type: "scroll", top: 0, left: "center" };
    }
    switch (spec.kind) {
      case "line":
      case "bar":
        if (!Array.isArray(spec.categories)) throw new Error("categories missing");
        o.tooltip.trigger = "axis";
        // ECharts 6 keeps the axis labels inside the outer bounds; their
        // bottom margin leaves room for CJK fonts, whose glyph box is taller
        // than ECharts measures it.
        o.grid = { left: 8, right: 12, top: many ? 36 : 16, bottom: 8, outerBounds: { left: 0, top: 0, right: 0, bottom: 6 } };
        o.xAxis = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true }, boundaryGap: spec.kind === "bar" };
        o.yAxis = { type: "value", axisLabel: { formatter: function (v) { return v + unit; } } };
        o.series = spec.series.map(function (s) {
          return { type: spec.kind, name: s.name, cursor: cursor, data: (s.data || []).map(num),
            symbolSize: 8, showAllSymbol: true, barMaxWidth: 36, connectNulls: false, emphasis: { focus: "series" } };
        });
        break;
      case "radar":
        if (!Array.isArray(spec.indicators) || spec.indicators.length < 3) throw new Error("radar needs three indicators or more");
        o.radar = { center: ["50%", Math.round(radarMiddle(spec) * 100) + "%"], radius: "55%", startAngle: 90, clockwise: false, axisNameGap: 6, // names fit a phone
          indicator: spec.indicators.map(function (i) { return { name: i.name, max: i.max }; }),
          axisName: { color: "#59636e" } };
        o.series = [{ type: "radar", cursor: cursor, symbolSize: 8,
          data: spec.series.map(function (s) { return { name: s.name, value: (s.data || []).map(num) }; }) }];
        break;
      case "funnel":
      case "pie":
        var s0 = spec.series[0], names = s0.names || [];
        var data = (s0.data || []).map(function (v, i) { return { name: names[i] || "", value: num(v) }; });
        if (spec.kind === "funnel") {
          var top = Math.max.apply(null, data.map(function (d) { return d.value || 0; }).concat([1]));
          o.series = [{ type: "funnel", name: s0.name, cursor: cursor, sort: "none", gap: 2, min: 0, max: top,
            minSize: "30%", left: "4%", right: "4%", top: 8, bottom: 8, data: data,
            label: { position: "inside", formatter: function (p) { return p.name + " " + fmt(p.value); } } }];
        } else {
          o.series = [{ type: "pie", name: s0.name, cursor: cursor, radius: ["28%", "52%"], center: ["50%", "50%"], data: data,
            avoidLabelOverlap: true, labelLine: { length: 10, length2: 0, maxSurfaceAngle: 80 },
            label: { alignTo: "edge", edgeDistance: 8, minMargin: 4, lineHeight: 16,
              formatter: function (p) { return p.name + "\n" + fmt(p.value); } } }];
        }
        break;
    }
    return o;
  }

  // radarSpoke is the indicator nearest to where a radar was clicked: the
  // spokes start at the top and go counter-clockwise, as drawn above.
  function radarSpoke(chart, spec, ev) {
    if (!ev || typeof ev.offsetX !== "number") return -1;
    var n = spec.indicators.length;
    var dx = ev.offsetX - chart.getWidth() * 0.5, dy = chart.getHeight() * radarMiddle(spec) - ev.offsetY;
    if (dx * dx + dy * dy < 16) return -1; // the centre belongs to every spoke
    var a = Math.atan2(dy, dx) - Math.PI / 2, step = 2 * Math.PI / n;
    return ((Math.round(a / step) % n) + n) % n;
  }

  // linkOf finds the link behind a clicked element, or null.
  function linkOf(chart, spec, p) {
    var s, i;
    switch (spec.kind) {
      case "line":
      case "bar":
        s = spec.series[p.seriesIndex]; i = p.dataIndex; break;
      case "radar":
        s = spec.series[p.dataIndex]; i = radarSpoke(chart, spec, p.event && p.event.event ? p.event : null); break;
      default:
        s = spec.series[0]; i = p.dataIndex;
    }
    if (!s || !Array.isArray(s.links) || i < 0) return null;
    return sameOrigin(s.links[i]);
  }

  function draw(el) {
    if (!window.echarts || window.echarts.getInstanceByDom(el)) return;
    var id = el.getAttribute("data-chart"), src = id ? document.getElementById(id) : null;
    if (!src) return fail(el, "no spec element #" + id);
    var spec;
    try {
      spec = JSON.parse(src.textContent);
    } catch (e) {
      return fail(el, "spec is not JSON: " + e.message);
    }
    if (!spec || !KINDS[spec.kind] || !Array.isArray(spec.series) || spec.series.length === 0) {
      return fail(el, "spec needs a known kind and at least one series");
    }
    var opt;
    try {
      opt = options(spec);
    } catch (e) {
      return fail(el, e.message);
    }
    el.classList.add("chart-" + spec.kind); // its height (app.css) before ECharts measures it
    el.setAttribute("role", "img");
    if (spec.title) el.setAttribute("aria-label", spec.title);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(opt);
    chart.on("click", function (p) {
      var to = linkOf(chart, spec, p);
      if (to) window.location.assign(to);
    });
    if (resizer) resizer.observe(el);
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("div.chart[data-chart]")) draw(root);
    root.querySelectorAll("div.chart[data-chart]").forEach(draw);
  }

  function dispose(root) {
    if (!window.echarts || !root || !root.querySelectorAll) return;
    var els = Array.prototype.slice.call(root.querySelectorAll("div.chart[data-chart]"));
    if (root.matches && root.matches("div.chart[data-chart]")) els.push(root);
    els.forEach(function (el) {
      var c = window.echarts.getInstanceByDom(el);
      if (!c) return;
      if (resizer) resizer.unobserve(el);
      c.dispose();
    });
  }

  if (!resizer) {
    window.addEventListener("resize", function () {
      document.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
        var c = window.echarts && window.echarts.getInstanceByDom(el);
        if (c) c.resize();
      });
    });
  }
  // Content swapped in by htmx gets its charts; content swapped out lets them go.
  document.addEventListener("htmx:load", function (e) { scan(e.target); });
  document.addEventListener("htmx:beforeCleanupElement", function (e) { dispose(e.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
