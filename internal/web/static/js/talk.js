// Online mediation: live messages over server-sent events, channel tabs,
// and forms sent without leaving the page (they still work without script).
(function () {
  var box = document.getElementById("talk");
  if (!box) return;
  var list = document.getElementById("msgs"), live = document.getElementById("live");
  var seen = {}, last = 0, filter = "all";
  list.querySelectorAll("li[data-id]").forEach(function (li) {
    seen[li.dataset.id] = true;
    last = Math.max(last, +li.dataset.id);
  });
  function show(li) { li.hidden = filter !== "all" && li.dataset.channel !== filter; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function add(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    var li = el("li", "msg a-" + m.author + (m.mine ? " mine" : "") + (m.proposal ? " proposal" : ""));
    li.dataset.id = m.id;
    li.dataset.channel = m.channel;
    li.appendChild(el("div", "meta", m.name + " · " + m.at + " · " + m.label));
    li.appendChild(el("div", "body", m.body));
    if (m.evidence) {
      var a = el("a");
      a.href = m.evidence.url; a.target = "_blank"; a.rel = "noopener";
      if (m.evidence.image) {
        var img = el("img", "thumb"); img.src = m.evidence.url; img.alt = m.evidence.name; a.appendChild(img);
      } else a.textContent = "📄 " + m.evidence.name;
      li.appendChild(a);
    }
    show(li);
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
    if (m.proposal && box.dataset.party && m.author === "mediator") document.getElementById("news").hidden = false;
  }
  list.scrollTop = list.scrollHeight;

  box.querySelectorAll(".tab").forEach(function (t) {
    t.addEventListener("click", function () {
      filter = t.dataset.filter;
      box.querySelectorAll(".tab").forEach(function (x) { x.classList.toggle("on", x === t); });
      list.querySelectorAll("li[data-id]").forEach(show);
      if (filter !== "all") box.querySelectorAll("select[name=channel]").forEach(function (s) { s.value = filter; });
    });
  });

  var es = new EventSource(box.dataset.stream + "?after=" + last);
  es.onopen = function () { live.textContent = "实时"; box.dataset.live = "1"; };
  es.onerror = function () { live.textContent = "连接中断，正在重连…"; box.dataset.live = ""; };
  es.onmessage = function (e) { add(JSON.parse(e.data)); };

  box.querySelectorAll("form.js-post").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var err = f.querySelector("[data-err]"), btn = f.querySelector("button[type=submit]");
      err.textContent = ""; btn.disabled = true;
      // Plain forms go urlencoded, as the browser itself would send them; files go multipart.
      var body = f.querySelector("input[type=file]") ? new FormData(f) : new URLSearchParams(new FormData(f));
      fetch(f.action, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (res) {
          // A sign-in page instead of an answer: the session ended.
          if (res.redirected) throw new Error("登录已过期，请刷新页面后重新登录");
          var json = (res.headers.get("Content-Type") || "").indexOf("application/json") === 0;
          if (!json) throw new Error(res.ok ? "操作可能未完成，请刷新页面查看" : "提交失败，请刷新页面后重试");
          return res.json().then(function (j) {
            if (!res.ok) throw new Error(j.error || "提交失败，请重试");
            var ch = f.querySelector("select[name=channel]"), keep = ch && ch.value;
            f.reset();
            if (ch) ch.value = keep;
          });
        }, function () { throw new Error("网络异常，请检查网络后重试"); })
        // Only our own Chinese messages reach the page; anything else is said plainly.
        .catch(function (x) { err.textContent = /[\u4e00-\u9fff]/.test(x.message) ? x.message : "提交失败，请重试"; })
        .then(function () { btn.disabled = false; });
    });
  });
})();
