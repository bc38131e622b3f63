// A results block that renews itself: every element with data-live-url is fetched again every 20 seconds.
(function () {
  "use strict";
  document.querySelectorAll("[data-live-url]").forEach(function (element) {
    var url = element.getAttribute("data-live-url");
    window.setInterval(function () {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) { element.innerHTML = html; } })
        .catch(function () { /* the next try comes in 20 seconds */ });
    }, 20000);
  });
})();
