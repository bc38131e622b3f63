// A block that renews itself without reloading the page: every element with data-live-url is fetched again every
// data-live-every seconds (20 when not given). The server answers "not modified" while nothing changed (its ETag),
// and the block is replaced only when its content did change, so a reader's place and focus stay put.
(function () {
  "use strict";
  document.querySelectorAll("[data-live-url]").forEach(function (element) {
    var url = element.getAttribute("data-live-url");
    var seconds = Math.max(2, parseInt(element.getAttribute("data-live-every") || "20", 10) || 20);
    var last = null;
    window.setInterval(function () {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", cache: "no-cache", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null || html === last) { return; }
          last = html;
          element.innerHTML = html;
          element.setAttribute("data-live-renewed", String(Date.now()));
        })
        .catch(function () { /* the next try comes at the next interval */ });
    }, seconds * 1000);
  });
})();
