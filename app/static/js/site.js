/* Progressive enhancement only: the site works without this file. */
(function () {
  "use strict";
  var exitUrl = document.body.getAttribute("data-exit-url");

  function leave() {
    // replace(): the page we leave does not stay in the back history.
    document.body.classList.add("leaving");
    window.location.replace(exitUrl);
  }

  var link = document.getElementById("quick-exit");
  if (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      leave();
    });
  }

  // GOV.UK pattern: Shift pressed three times within a second leaves the site.
  var presses = [];
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 1000; });
    presses.push(now);
    if (presses.length >= 3) { leave(); }
  });

  // A sensitive page restored from the back/forward cache is hidden, not shown again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.body.classList.contains("sensitive")) {
      document.body.classList.add("leaving");
      window.location.replace(exitUrl);
    }
  });

  // Copy button for a saved link.
  var url = document.getElementById("saved-url");
  if (url && navigator.clipboard) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = url.getAttribute("data-copy-label") || "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(url.value).then(function () {
        button.textContent = url.getAttribute("data-copied-label") || "Copied";
      });
    });
    url.parentNode.appendChild(button);
  }
})();
