/* CKAN's confirmation dialog (its confirm-action module: deleting a round
 * or a round's document, resetting the settings) had no name (axe-core
 * "aria-dialog-name"), left the focus behind it, on what opened it, and
 * gave it back to the top of the page once closed: a keyboard user started
 * again from there. Each dialog is named after its title and message, takes
 * the focus on its Cancel button, and gives it back to what opened it. Its
 * close button's name comes translated from the page (templates/base.html:
 * <body data-satudata-close>). */
jQuery(function ($) {
  var opener = null, count = 0;
  var close = document.body.getAttribute('data-satudata-close');
  $(document).on('show.bs.modal', '.modal', function () {
    opener = document.activeElement;
    var dialog = $(this);
    var title = dialog.find('.modal-title').first(), body = dialog.find('.modal-body').first();
    count += 1;
    if (title.length && !title.attr('id')) { title.attr('id', 'satudata-dialog-title-' + count); }
    if (body.length && !body.attr('id')) { body.attr('id', 'satudata-dialog-body-' + count); }
    if (title.length) { dialog.attr('aria-labelledby', title.attr('id')); }
    if (body.length) { dialog.attr('aria-describedby', body.attr('id')); }
    if (!dialog.attr('tabindex')) { dialog.attr('tabindex', '-1'); }
    if (close) { dialog.find('.btn-close').attr('aria-label', close); }
  });
  $(document).on('shown.bs.modal', '.modal', function () {
    var cancel = $(this).find('.modal-footer .btn-cancel, .modal-footer [data-bs-dismiss]').first();
    (cancel.length ? cancel : $(this)).trigger('focus');
  });
  $(document).on('hidden.bs.modal', '.modal', function () {
    if (opener && document.body.contains(opener)) { opener.focus(); }
    opener = null;
  });
});
