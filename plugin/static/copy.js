/* The plan page's Copy buttons. Without this script the buttons stay hidden and
   each draft is still in a read-only text box the reader can select and copy.
   Served from our own origin: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function selectAndCopy(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copyDraft(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    var told = function () {
      if (status) { status.textContent = button.getAttribute("data-copied"); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(told, function () {
        if (selectAndCopy(field)) { told(); }
      });
    } else if (selectAndCopy(field)) {
      told();
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    if (!document.getElementById(button.getAttribute("data-copy"))) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { copyDraft(button); });
  });
}());
