// A form that stores something (it carries a submission key) is sent once: after the first
// click its buttons wait. The server refuses a repeat anyway (SubmissionKeyMiddleware); this
// only saves the user a confusing second page. Back/forward (bfcache) re-enables them.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector('input[name="submission_key"]')) {
      return;
    }
    // A download (data-no-disable) leaves the page as it is: its buttons stay usable.
    if (event.submitter && event.submitter.hasAttribute("data-no-disable")) {
      return;
    }
    if (form.dataset.sent === "yes") {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "yes";
    // After this event, so the clicked button's own name and value are still sent.
    window.setTimeout(function () {
      form.querySelectorAll('button[type="submit"], input[type="submit"], button:not([type])').forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll('form[data-sent="yes"]').forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("[aria-disabled=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  });
})();

// "Select all" above a list of checkboxes (the case list's bulk actions): only with JavaScript,
// so without it the box stays hidden and each row is ticked by hand.
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    var boxes = function () {
      return document.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    };
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (box) {
        box.checked = all.checked;
      });
    });
    document.addEventListener("change", function (event) {
      if (event.target.name === name) {
        var list = Array.prototype.slice.call(boxes());
        all.checked = list.length > 0 && list.every(function (box) { return box.checked; });
      }
    });
  });
})();

// A form that comes back with errors: its summary (templates/includes/error_summary.html) takes
// the focus, also where a field would otherwise take it by autofocus. A link in the summary moves
// the focus to its field and shows the field's label, or the legend of a list of options, with it.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  if (!document.activeElement || document.activeElement === document.body) {
    summary.focus();
  }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#"]');
    var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    for (var details = target.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
    var option = target.type === "radio" || target.type === "checkbox";
    var legend = option && target.closest("fieldset") && target.closest("fieldset").querySelector("legend");
    var label = legend || (target.labels && target.labels[0]) || target;
    label.scrollIntoView();
    target.focus({ preventScroll: true });
  });
})();
