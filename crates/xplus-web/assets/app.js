// xplus page behaviour, kept out of the HTML so the content security policy can forbid inline
// script. Buttons with data-confirm ask before submitting.
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// Buttons with data-print print the page (the household card).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
// The printed header names the page (its title, without the site's name): filled from the
// document's title so that every page prints its region and year without repeating them.
document.addEventListener("DOMContentLoaded", function () {
  var head = document.querySelector(".print-head .print-title");
  if (head) {
    head.textContent = document.title.split(" · ")[0];
  }
});
// A form marked data-busy-form disables its buttons once submitted, so a long job is not
// started twice by a second press.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.hasAttribute && form.hasAttribute("data-busy-form") && !event.defaultPrevented) {
    setTimeout(function () {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    }, 0);
  }
});
// On a phone the menu folds behind one button: it opens and closes it (every page starts folded).
document.addEventListener("click", function (event) {
  var toggle = event.target.closest(".menu-toggle");
  if (toggle) {
    var side = toggle.closest(".side");
    var open = side.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
});
