/* Row actions (Approve, Unapprove, Spam, Trash) act in one click, as WordPress's do: the link
   is posted with the page's CSRF token; without script it opens a confirmation page. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.row-action[data-post]");
    var form = document.getElementById("row-action-form");
    if (!link || !form) return;
    event.preventDefault();
    form.action = link.href;
    form.submit();
  });
})();
