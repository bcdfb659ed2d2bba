// Runs in the hub's embed pages: a material's card and the list widget.
// It tells the page that frames them how tall they are, so that page can
// fit the frame, and it speaks WordPress's embed messages, with which
// WordPress sizes a card from a provider it does not know and opens its
// links in the page (WordPress frames such cards with only scripts
// allowed, so a link cannot open by itself). Nothing else is sent, and
// the messages carry nothing but a height or the link clicked.
(function () {
  "use strict";
  if (window.parent === window) return;
  var secret = (location.hash.match(/[#&?]secret=([A-Za-z0-9]+)/) || [])[1];

  function send() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: "bindeled:height", height: h }, "*");
    if (secret) window.parent.postMessage({ message: "height", value: h, secret: secret }, "*");
  }

  window.addEventListener("load", send);
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
  window.addEventListener("message", function (e) {
    var d = e.data;
    if (e.source !== window.parent || !d) return;
    if (d.type === "bindeled:ask" || (secret && d.message === "ready" && d.secret === secret)) send();
  });

  if (!secret) return;
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href]") : null;
    if (!a || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    window.parent.postMessage({ message: "link", value: a.href, secret: secret }, "*");
  });
})();
