// eduboard: progressive enhancements; every page works without this file.
// htmx requests carry the CSRF token of the page.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});
