/* A "Print" button for the profile page (hidden without JavaScript: the browser's own
   print command gives the same clean one-page layout through the print stylesheet). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
