// The import page (/imports). A form with data-busy is sent once: on submit its buttons are
// disabled and show the data-busy text, so a second press cannot send the upload or the
// confirmation again while the first is on its way (the server refuses a second one too).
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-busy]");
  if (!form) {
    return;
  }
  if (form.getAttribute("data-sent") === "1") {
    event.preventDefault();
    return;
  }
  form.setAttribute("data-sent", "1");
  var buttons = form.querySelectorAll("button[type=submit]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].disabled = true;
    buttons[i].setAttribute("data-label", buttons[i].textContent);
    buttons[i].textContent = form.getAttribute("data-busy");
  }
});
// Coming back with the browser's Back button shows the page from its cache, buttons disabled:
// the form can be sent again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) {
    return;
  }
  var forms = document.querySelectorAll("form[data-sent]");
  for (var i = 0; i < forms.length; i++) {
    forms[i].removeAttribute("data-sent");
    var buttons = forms[i].querySelectorAll("button[type=submit]");
    for (var j = 0; j < buttons.length; j++) {
      buttons[j].disabled = false;
      if (buttons[j].hasAttribute("data-label")) {
        buttons[j].textContent = buttons[j].getAttribute("data-label");
      }
    }
  }
});
