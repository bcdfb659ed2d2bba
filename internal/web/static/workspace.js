// Live preview and character counts for the material form. The form works
// without this script: the preview button renders on the server.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview]");
  if (!form) return;
  var body = form.querySelector("textarea[name=body]");
  var out = document.getElementById("preview-live");
  var csrf = form.querySelector("input[name=csrf]");
  var timer = null;

  function refresh() {
    var data = new URLSearchParams();
    data.set("csrf", csrf.value);
    data.set("body", body.value);
    Array.prototype.forEach.call(form.querySelectorAll("input[name=audiences]:checked"), function (a) {
      data.append("audiences", a.value);
    });
    fetch(form.getAttribute("data-preview"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (res) {
      if (!res.ok) throw new Error(res.status);
      return res.text();
    }).then(function (html) {
      out.innerHTML = html; // rendered and sanitised by the server
    }).catch(function () {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }
  if (body && out && csrf) {
    body.addEventListener("input", later);
    Array.prototype.forEach.call(form.querySelectorAll("input[name=audiences]"), function (a) {
      a.addEventListener("change", later);
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-maxlength]"), function (field) {
    var counter = document.getElementById(field.id + "-count");
    var max = parseInt(field.getAttribute("data-maxlength"), 10);
    if (!counter) return;
    function update() {
      var n = Array.from(field.value).length;
      counter.textContent = counter.getAttribute("data-template").replace("%n", n).replace("%max", max);
    }
    field.addEventListener("input", update);
    update();
  });
})();

// Copy buttons of the share kit, the widget builder and a material's
// posts: each copies the field it names. Without the script the buttons stay hidden and the
// fields are selected and copied by hand.
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = status.getAttribute("data-done");
      }, function () {
        field.select();
      });
    });
  });
})();

// Character counts of a material's posts on the social channels, as each
// platform counts them: LinkedIn counts its reserved characters twice.
(function () {
  "use strict";
  var reserved = "\\|{}@[]()<>#*_~";
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-social-max]"), function (field) {
    var counter = document.getElementById(field.id + "-count");
    var max = parseInt(field.getAttribute("data-social-max"), 10);
    var escape = field.hasAttribute("data-escape");
    if (!counter) return;
    function update() {
      var n = 0;
      Array.from(field.value.replace(/\r\n/g, "\n").trim()).forEach(function (c) {
        n += escape && reserved.indexOf(c) >= 0 ? 2 : 1;
      });
      counter.textContent = counter.getAttribute("data-template").replace("%n", n).replace("%max", max);
    }
    field.addEventListener("input", update);
    update();
  });
})();
