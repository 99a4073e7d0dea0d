// Forms whose work takes a while (making a key under a passphrase): once sent, the button is disabled and the page
// says what is happening, so nobody sends twice or thinks nothing happened.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-busy]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        var status = form.querySelector("#busy-status");
        if (button) { button.disabled = true; }
        form.setAttribute("aria-busy", "true");
        if (status) { status.textContent = form.getAttribute("data-busy"); }
      });
    });
  });
})();
