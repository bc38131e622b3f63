// eduboard: progressive enhancements; every page works without this file.
// htmx requests carry the CSRF token of the page.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});

// The main menu on narrow screens: collapsed behind a "Menu" button (without this file it is shown whole).
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("main-menu");
  if (!toggle || !menu) { return; }
  document.documentElement.classList.add("menu-js");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  });
  // One dropdown open at a time; a click elsewhere closes them.
  var dropdowns = document.querySelectorAll(".site-nav details.dropdown");
  dropdowns.forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open) { return; }
      dropdowns.forEach(function (other) { if (other !== details) { other.open = false; } });
    });
  });
  document.addEventListener("click", function (event) {
    dropdowns.forEach(function (details) { if (!details.contains(event.target)) { details.open = false; } });
  });
  // Escape closes the open dropdown and gives the focus back to its summary.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    dropdowns.forEach(function (details) {
      if (!details.open) { return; }
      details.open = false;
      if (details.contains(document.activeElement)) { details.querySelector("summary").focus(); }
    });
  });
});
