// The reveal page: the full value disappears from the page after its time
// (the server sent it only in this one answer, marked no-store).
(function () {
  var box = document.getElementById("reveal");
  if (!box) return;
  var left = parseInt(box.getAttribute("data-ttl"), 10) || 120;
  var value = document.getElementById("reveal-value");
  var counter = document.getElementById("reveal-left");
  var hide = function () {
    if (value) { value.textContent = "（已隐去）"; }
    var note = document.getElementById("reveal-note");
    if (note) note.hidden = true;
    var gone = document.getElementById("reveal-gone");
    if (gone) gone.hidden = false;
  };
  var tick = setInterval(function () {
    left -= 1;
    if (counter) counter.textContent = String(left);
    if (left <= 0) { clearInterval(tick); hide(); }
  }, 1000);
  // Leaving the page (or coming back from history) never shows it again.
  window.addEventListener("pagehide", hide);
  window.addEventListener("pageshow", function (e) { if (e.persisted) hide(); });
})();
