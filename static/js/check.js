// Transformations-Check, progressive enhancement only: a button that copies the personal link.
// Without JavaScript the button stays hidden and the link can be selected in its field.
(function () {
  "use strict";
  function setUp() {
    var buttons = document.querySelectorAll("[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      var status = button.parentNode.querySelector("[data-copy-status]");
      if (!field || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) {
            status.textContent = button.getAttribute("data-copied-text");
          }
        }, function () {
          field.select();
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
