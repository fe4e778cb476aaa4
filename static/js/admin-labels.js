// The admin's autocomplete (select2) is fixed up for screen readers, each time select2 builds
// or rebuilds a box (after the page loads, for each inline added, on each choice):
// - its search box gets the label of the field it searches;
// - its "clear" button moves out of the list of choices, where only list items belong (its
//   click handler is delegated from the whole box, so it still works).
(function () {
  function fix() {
    document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (input) {
      var container = input.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var name = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      input.setAttribute("aria-label", "Search " + (name ? name.textContent.replace(":", "").trim() : "choices"));
    });
    document.querySelectorAll("ul.select2-selection__rendered > :not(li)").forEach(function (item) {
      item.parentNode.after(item);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    fix();
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
  });
})();
