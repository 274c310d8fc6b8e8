// Every page: the 大字 (large text) switch of the party pages and the staff
// menu. Loaded in <head> without defer so the large-text class is on <html>
// before the first paint (no jump from small to large text).
(function () {
  var KEY = "tiaojie-big", root = document.documentElement;
  function stored() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return /(?:^|; )tiaojie-big=1/.test(document.cookie); }
  }
  function store(on) {
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: the cookie below still holds */ }
    document.cookie = KEY + "=" + (on ? "1" : "0") + "; path=/; max-age=31536000; SameSite=Lax";
  }
  root.classList.toggle("big", stored());

  document.addEventListener("DOMContentLoaded", function () {
    var btn = document.getElementById("big-toggle");
    if (btn) {
      var show = function () {
        var on = root.classList.contains("big");
        btn.setAttribute("aria-pressed", on ? "true" : "false");
        btn.textContent = on ? "大字：开" : "大字";
      };
      show();
      btn.addEventListener("click", function () {
        var on = !root.classList.contains("big");
        root.classList.toggle("big", on);
        store(on);
        show();
      });
    }
    // The staff menu is a <details>: folded on a phone, always open on a desk
    // (CSS does this where ::details-content is known; this covers the rest).
    var menu = document.getElementById("menu");
    if (menu && window.matchMedia) {
      var wide = window.matchMedia("(min-width: 901px)");
      var fit = function () { if (wide.matches) menu.open = true; };
      fit();
      if (wide.addEventListener) wide.addEventListener("change", fit);
    }
  });
})();
