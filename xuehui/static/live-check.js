// Live rule check for forms marked data-check: on every change, post the form to the check
// URL and swap in the returned rule results. The pages work without this script; it only
// shows the same results sooner.
(function () {
  "use strict";
  var form = document.querySelector("form[data-check]");
  var target = document.getElementById("rule-results");
  if (!form || !target || !window.fetch) { return; }
  var timer = null;
  var sequence = 0;
  function check() {
    var mine = ++sequence;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-check"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== sequence) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#rule-results");
        if (fresh) { target.replaceWith(fresh); target = fresh; }
      })
      .catch(function () { /* the next change tries again */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(check, 400); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
