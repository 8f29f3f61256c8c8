// newsd web reader: progressive enhancement only; every page works without it.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  // Changing a drop-down filter runs the search at once.
  for (const select of document.querySelectorAll('select.autosubmit')) {
    select.addEventListener('change', () => select.form.submit());
  }
  // "/" jumps to the search box, as in most readers.
  const box = document.querySelector('input[type="search"]');
  if (box) {
    document.addEventListener('keydown', (event) => {
      if (event.key === '/' && document.activeElement !== box) {
        event.preventDefault();
        box.focus();
      }
    });
  }
});
