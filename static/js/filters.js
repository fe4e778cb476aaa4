// On a narrow screen, the filters past the search box fold away, so that the results follow
// the search box: a phone would otherwise scroll past a dozen fields to reach the first one.
// The summary says how many of the folded filters are chosen. Without JavaScript, or on a wide
// screen (where the filters sit beside the results), they stay open. A filter with an error
// is never folded away.
(function () {
  var narrow = window.matchMedia("(max-width: 47.99rem)").matches; // site.css's breakpoint
  document.querySelectorAll("details.filters__more").forEach(function (details) {
    var chosen = 0;
    details.querySelectorAll(".filters__field").forEach(function (field) {
      var used = Array.prototype.some.call(field.querySelectorAll("input, select"), function (input) {
        if (input.type === "checkbox" || input.type === "radio") return input.checked;
        if (input.tagName === "SELECT") return Array.prototype.some.call(input.selectedOptions, function (option) { return option.value !== ""; });
        return input.value !== "";
      });
      if (used) chosen += 1;
    });
    if (chosen) {
      details.querySelector("summary").textContent = "More filters (" + chosen + " chosen)";
    }
    if (narrow && !details.querySelector(".filters__field--invalid")) {
      details.open = false;
    }
  });
})();
