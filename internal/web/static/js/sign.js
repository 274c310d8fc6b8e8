// Drawn signature: the canvas is copied into the form as a PNG data URL.
(function () {
  var canvas = document.getElementById("sig");
  if (!canvas) return;
  var ctx = canvas.getContext("2d"), drawing = false, drawn = false;
  ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
  function pos(e) {
    var r = canvas.getBoundingClientRect(), t = e.touches ? e.touches[0] : e;
    return { x: (t.clientX - r.left) * canvas.width / r.width, y: (t.clientY - r.top) * canvas.height / r.height };
  }
  function start(e) { drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); e.preventDefault(); }
  function move(e) { if (!drawing) return; var p = pos(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true; e.preventDefault(); }
  function end() { drawing = false; }
  canvas.addEventListener("mousedown", start); canvas.addEventListener("mousemove", move); window.addEventListener("mouseup", end);
  canvas.addEventListener("touchstart", start, { passive: false }); canvas.addEventListener("touchmove", move, { passive: false }); canvas.addEventListener("touchend", end);
  document.getElementById("sig-clear").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; });
  document.getElementById("sign-form").addEventListener("submit", function () {
    document.getElementById("signature").value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
