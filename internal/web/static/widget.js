// Fits the hub's list widget to its content on the page that shows it.
// Paste it once after the widget's iframe (or several); each widget
// reports its height and only that widget's frame is changed.
(function () {
  "use strict";
  if (window.bindeledWidget) return;
  window.bindeledWidget = true;

  function frames() {
    return document.querySelectorAll("iframe[data-bindeled-liste]");
  }

  window.addEventListener("message", function (e) {
    var d = e.data;
    if (!d || d.type !== "bindeled:height" || typeof d.height !== "number" || !isFinite(d.height)) return;
    var list = frames();
    for (var i = 0; i < list.length; i++) {
      if (list[i].contentWindow === e.source) {
        list[i].style.height = Math.max(80, Math.min(5000, Math.ceil(d.height))) + "px";
      }
    }
  });

  // A widget that loaded before this script has already told its height:
  // ask again.
  function ask() {
    var list = frames();
    for (var i = 0; i < list.length; i++) {
      if (list[i].contentWindow) list[i].contentWindow.postMessage({ type: "bindeled:ask" }, "*");
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ask);
  else ask();
})();
