// Drawn signature: the canvas is copied into the form as a PNG data URL.
(function () {
  var canvas = document.getElementById("sig");
  if (!canvas) return;
  var ctx = canvas.getContext("2d"), drawing = false, drawn = false;
  function pen() { ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111"; }
  // The drawing surface follows the box CSS gives the canvas (the card's
  // width on a phone), one pixel per CSS pixel: a signature needs no more,
  // and the PNG stays small. Ink already drawn is carried over.
  function fit() {
    var w = Math.round(canvas.clientWidth), h = Math.round(canvas.clientHeight);
    if (!w || !h || (w === canvas.width && h === canvas.height)) return;
    var old = drawn ? ctx.getImageData(0, 0, canvas.width, canvas.height) : null;
    canvas.width = w; canvas.height = h;
    pen();
    if (old) ctx.putImageData(old, 0, 0);
  }
  fit(); pen();
  window.addEventListener("resize", fit);
  function pos(e) {
    var r = canvas.getBoundingClientRect(), t = e.touches ? e.touches[0] : e;
    return { x: (t.clientX - r.left) * canvas.width / r.width, y: (t.clientY - r.top) * canvas.height / r.height };
  }
  function start(e) { drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); e.preventDefault(); }
  function move(e) { if (!drawing) return; var p = pos(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true; e.preventDefault(); }
  function end() { drawing = false; }
  canvas.addEventListener("mousedown", start); canvas.addEventListener("mousemove", move); window.addEventListener("mouseup", end);
  // passive: false so preventDefault keeps the finger from scrolling the page.
  canvas.addEventListener("touchstart", start, { passive: false }); canvas.addEventListener("touchmove", move, { passive: false });
  canvas.addEventListener("touchend", end); canvas.addEventListener("touchcancel", end);
  document.getElementById("sig-clear").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; });
  document.getElementById("sign-form").addEventListener("submit", function () {
    document.getElementById("signature").value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
