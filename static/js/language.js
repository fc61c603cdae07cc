// The language switch submits itself when a language is chosen (no inline handler: CSP).
(function () {
  "use strict";
  document.querySelectorAll("form.lang select[name='language']").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
}());
