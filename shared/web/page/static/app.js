// bookapp's one script, a progressive enhancement: every page works without
// it. The catalogue's drop-downs apply themselves when changed, instead of
// waiting for the Apply button.
document.addEventListener("change", (e) => {
  const form = e.target.closest("form[data-autosubmit]");
  if (form && e.target.matches("select")) {
    form.requestSubmit();
  }
});
