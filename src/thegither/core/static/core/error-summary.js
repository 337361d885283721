// After a form is sent back with mistakes, move focus to the list of problems,
// so keyboard and screen reader users start there (GOV.UK error summary pattern).
// Without JavaScript the summary is still read out: it has role="alert".
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
