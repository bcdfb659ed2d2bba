// Adds a captions button to each film: a real button that works with the
// keyboard and tells screen readers whether captions are on. Without this
// script the captions show by default and the player's own menu has them.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("video[data-captions-label]"), function (video) {
    var track = video.textTracks && video.textTracks[0];
    if (!track) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary captions-toggle";
    button.textContent = video.getAttribute("data-captions-label");
    function sync() {
      button.setAttribute("aria-pressed", track.mode === "showing" ? "true" : "false");
    }
    button.addEventListener("click", function () {
      track.mode = track.mode === "showing" ? "hidden" : "showing";
      sync();
    });
    track.mode = "showing";
    sync();
    var bar = document.createElement("p");
    bar.className = "player-controls";
    bar.appendChild(button);
    video.insertAdjacentElement("afterend", bar);
  });
})();
