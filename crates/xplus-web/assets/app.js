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
