// eduboard: pickers (core/pickers.py). A search box in place of a list of thousands: the text typed asks the
// server for at most 20 matching rows the user may pick; the chosen row's id goes in the hidden input that
// carries the field's name. Built on GOV.UK's accessible-autocomplete (static/vendor).
(function () {
  "use strict";

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function setUp(box) {
    if (box.dataset.pickerReady || typeof window.accessibleAutocomplete !== "function") { return; }
    box.dataset.pickerReady = "1";
    var hidden = box.querySelector("input[type=hidden]");
    var fallback = box.querySelector(".picker-fallback");
    var id = box.dataset.pickerId;
    var t = box.dataset;
    if (fallback) { fallback.remove(); }
    var form = box.closest("form");

    function narrowingValue() {
      var name = box.dataset.pickerNarrow;
      if (!name || !form) { return ""; }
      var field = form.querySelector('[name="' + name + '"]');
      return field ? field.value : "";
    }

    function changed() {
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }

    window.accessibleAutocomplete({
      element: box,
      id: id,
      name: "",
      defaultValue: box.dataset.pickerLabel || "",
      minLength: 2,
      autoselect: true,
      showNoOptionsFound: true,
      placeholder: t.tPlaceholder,
      source: function (query, populate) {
        var params = new URLSearchParams({ q: query });
        var narrow = narrowingValue();
        if (narrow) { params.set("institution", narrow); }
        fetch(box.dataset.pickerUrl + "?" + params.toString(), {
          headers: { Accept: "application/json" }, credentials: "same-origin"
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { populate(data.results || []); })
          .catch(function () { populate([]); });
      },
      templates: {
        inputValue: function (row) { return row ? row.label : ""; },
        suggestion: function (row) {
          if (!row) { return ""; }
          if (typeof row === "string") { return escapeHtml(row); }
          return escapeHtml(row.label) + (row.detail ? ' <span class="picker-detail">' + escapeHtml(row.detail) + "</span>" : "");
        }
      },
      onConfirm: function (row) {
        if (row && typeof row === "object" && String(row.id) !== hidden.value) {
          hidden.value = row.id;
          changed();
        }
      },
      tNoResults: function () { return t.tNoResults; },
      tStatusQueryTooShort: function () { return t.tTooShort; },
      tStatusNoResults: function () { return t.tNoResults; },
      tStatusSelectedOption: function (option, length, index) { return option + " " + (index + 1) + "/" + length; },
      tStatusResults: function (length) { return length + " " + t.tResults; },
      tAssistiveHint: function () { return t.tHint; }
    });

    // Emptying the box clears the choice.
    var input = document.getElementById(id);
    if (input) {
      input.addEventListener("input", function () {
        if (!input.value && hidden.value) { hidden.value = ""; changed(); }
      });
    }
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-picker]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUpAll(event.target); });
})();
