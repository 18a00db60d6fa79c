// Keyboard stepping for the audit replay: ← → Home End follow the stepper links.
document.addEventListener("keydown", (ev) => {
  if (ev.target.closest("input, textarea, select") || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const ids = { ArrowLeft: "step-prev", ArrowRight: "step-next", Home: "step-first", End: "step-last" };
  const link = ids[ev.key] && document.getElementById(ids[ev.key]);
  if (link) {
    ev.preventDefault();
    window.location.href = link.href;
  }
});
