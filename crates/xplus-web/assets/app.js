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
// On a phone a table of records becomes one card per row: each cell is given its column's
// name (the style sheet shows it beside the value). Tables without a header row stay tables.
function cardTables(root) {
  root.querySelectorAll("table").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) {
      return;
    }
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (names[i] && !td.hasAttribute("data-label")) {
          td.setAttribute("data-label", names[i]);
        }
      });
    });
    table.classList.add("as-cards");
  });
}
document.addEventListener("DOMContentLoaded", function () { cardTables(document); });
// A swapped list may be a table's body: label from the table around it.
document.addEventListener("htmx:afterSwap", function (event) {
  var table = event.target.closest("table");
  cardTables(table ? table.parentNode : event.target);
});
