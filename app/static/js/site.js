/* Progressive enhancement only: the site works without this file. */
(function () {
  "use strict";
  var exitUrl = document.body.getAttribute("data-exit-url");

  function leave() {
    // replace(): the page we leave does not stay in the back history.
    document.body.classList.add("leaving");
    window.location.replace(exitUrl);
  }

  function secondaryButton(label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = label;
    return button;
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

  // "Start the questions" opens step 1 by POST (the link's GET still works without JavaScript):
  // then every questionnaire page is a POST answer that is never cached, and Back after the
  // quick exit cannot show one again.
  var starts = document.querySelectorAll("a[data-post-step]");
  Array.prototype.forEach.call(starts, function (start) {
    start.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return; // a new tab or window: let the browser open the link as it is
      }
      event.preventDefault();
      var form = document.createElement("form");
      var step = document.createElement("input");
      form.method = "post";
      form.action = start.getAttribute("href");
      step.type = "hidden";
      step.name = "step";
      step.value = start.getAttribute("data-post-step");
      form.appendChild(step);
      document.body.appendChild(form);
      form.submit();
    });
  });

  // Print button where the page offers one (printing works without it, from the browser menu).
  var slot = document.getElementById("print-slot");
  if (slot && window.print) {
    var printButton = secondaryButton(slot.getAttribute("data-print-label") || "Print");
    printButton.addEventListener("click", function () { window.print(); });
    slot.parentNode.insertBefore(printButton, slot.nextSibling);
  }

  // Type-to-filter for the long list of municipalities; without JavaScript the grouped
  // list works on its own.
  var place = document.getElementById("municipality");
  if (place && place.tagName === "SELECT" && place.getAttribute("data-filter-label")) {
    var filterId = "municipality-filter";
    var wrap = document.createElement("div");
    wrap.className = "place-filter";
    var filterLabel = document.createElement("label");
    filterLabel.htmlFor = filterId;
    filterLabel.textContent = place.getAttribute("data-filter-label");
    var input = document.createElement("input");
    input.type = "text";
    input.id = filterId;
    input.autocomplete = "off";
    input.spellcheck = false;
    wrap.appendChild(filterLabel);
    wrap.appendChild(input);
    place.parentNode.insertBefore(wrap, place);
    var fold = function (text) {
      return text.normalize("NFKD").replace(/[\u0300-\u036f'’\-\s]/g, "").toLowerCase();
    };
    input.addEventListener("input", function () {
      var wanted = fold(input.value);
      var first = null;
      Array.prototype.forEach.call(place.querySelectorAll("option"), function (option) {
        var hit = !wanted || !option.value || option.value === "prefer_not_to_say" ||
          fold(option.textContent + (option.getAttribute("data-aliases") || "")).indexOf(wanted) !== -1;
        option.hidden = !hit;
        if (hit && wanted && !first && option.value.indexOf("GM") === 0) { first = option; }
      });
      Array.prototype.forEach.call(place.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (first) { place.value = first.value; }
    });
  }

  // Copy button for a saved link.
  var url = document.getElementById("saved-url");
  if (url && navigator.clipboard) {
    var button = secondaryButton(url.getAttribute("data-copy-label") || "Copy");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(url.value).then(function () {
        button.textContent = url.getAttribute("data-copied-label") || "Copied";
      });
    });
    url.parentNode.appendChild(button);
  }
})();
