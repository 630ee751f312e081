/* "Copy link" buttons (components/calendar_links.py): a <button class="copy-link" data-copy="URL">
 * copies its URL and says "Copied" (or how to copy by hand) in the live region whose id is in
 * aria-controls, so screen readers hear it. A native button: Enter and Space work. The clipboard
 * API needs a secure context (https or localhost); elsewhere the link's text (data-field: a text
 * field or an element) is selected and copied with the older execCommand. Delegated from document, so buttons added later work too. */
(function () {
  function say(button, text) {
    var status = document.getElementById(button.getAttribute("aria-controls"));
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);  // re-announced each time
  }

  function copyBySelecting(button) {
    var field = document.getElementById(button.getAttribute("data-field"));
    if (!field) { return false; }
    if (field.select) {  // a text field
      field.focus();
      field.select();
    } else {  // text on the page: select it, so that Ctrl+C works if the copy does not
      window.getSelection().selectAllChildren(field);
    }
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy-link");
    if (!button) { return; }
    var url = button.getAttribute("data-copy");
    var failed = function () {
      say(button, copyBySelecting(button) ? "Copied" :
        "Could not copy: the link is selected, press Ctrl+C (or Cmd+C) to copy it");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { say(button, "Copied"); }, failed);
    } else {
      failed();
    }
  });
})();
