// FaxPost web UI: small progressive enhancements. Every page works without this file.
"use strict";
(function () {
  // Confirm destructive actions (forms with data-confirm).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      e.preventDefault();
    }
  });
})();
