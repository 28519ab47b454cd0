/* The Publish box's main button says what it will do, as WordPress's does: Schedule when the
   date is in the future, Publish otherwise (the server decides either way). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".inkwell-publish button[name=_publish][data-can-schedule]");
    var day = document.getElementById("id_published_at_0");
    var time = document.getElementById("id_published_at_1");
    if (!button || !day || !time) return;
    function update() {
      var when = new Date(day.value + "T" + (time.value || "00:00:00"));
      var future = !isNaN(when) && when.getTime() > Date.now() + 60000;
      button.textContent = future ? button.dataset.schedule : button.dataset.publish;
    }
    day.addEventListener("input", update);
    time.addEventListener("input", update);
    day.addEventListener("change", update);
    time.addEventListener("change", update);
    update();
  });
})();
