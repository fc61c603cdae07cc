// The entry grid: as a value is typed, ask the server for the status it would give (the
// progress engine's own result), and let an approved row be unlocked for a correction.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function refresh(row) {
    var value = row.querySelector("input[name$='-value']");
    var done = row.querySelector("select[name$='-done']");
    var params = new URLSearchParams();
    if (value) { params.set("value", value.value.trim()); }
    if (done) { params.set("done", done.value); }
    if ((!value || !value.value.trim()) && (!done || !done.value)) { return; }
    fetch(row.dataset.previewUrl + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var cell = row.querySelector(".live-status");
        var badge = document.createElement("span");
        badge.className = "status status-" + data.status;
        badge.style.setProperty("--status", data.colour);
        badge.textContent = data.icon + " " + data.label +
          (data.percent === null ? "" : " " + data.percent + "%");
        var hint = document.createElement("div");
        hint.className = "muted small";
        hint.textContent = cell.dataset.typedLabel || "";
        cell.replaceChildren(badge, hint);
      })
      .catch(function () { /* the saved status stays shown */ });
  }

  document.querySelectorAll("tr.entry[data-preview-url]").forEach(function (row) {
    var update = debounce(function () { refresh(row); }, 300);
    row.querySelectorAll("input[name$='-value'], select[name$='-done']").forEach(function (input) {
      input.addEventListener("input", update);
      input.addEventListener("change", update);
    });
    var unlock = row.querySelector("input.unlock");
    if (unlock) {
      var locked = row.querySelectorAll("[readonly], select[data-locked]");
      locked.forEach(function (el) {
        if (el.tagName === "SELECT") { el.addEventListener("mousedown", function (e) { if (!unlock.checked) { e.preventDefault(); } }); }
      });
      var follow = function () {
        locked.forEach(function (el) { if (el.tagName !== "SELECT") { el.readOnly = !unlock.checked; } });
        row.classList.toggle("locked", !unlock.checked);
      };
      unlock.addEventListener("change", follow);
      follow();  // a correction shown again with its errors comes ticked
    }
  });
}());
