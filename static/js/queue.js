// The review queue: a header checkbox selects every item of its table.
(function () {
  "use strict";
  document.querySelectorAll("input.select-all").forEach(function (all) {
    all.addEventListener("change", function () {
      all.closest("table").querySelectorAll("input[name='item']").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
}());
