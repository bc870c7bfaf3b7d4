/* CKAN's file field of the table form (its resource-upload-field): the
 * "Upload" button hides once a file is chosen, and the focus went with it,
 * to the top of the page (about 38 Tab presses back to the form); the box
 * showing the file already uploaded had no name (axe-core "label",
 * critical). The focus stays on the file field, and the box is named after
 * its label. */
jQuery(function ($) {
  $(document).on('change', '#field-resource-upload', function () {
    var field = this;
    window.setTimeout(function () {
      if (document.activeElement === document.body || !document.activeElement) {
        field.focus();
      }
    }, 0);
  });
  $('.resource-upload-field input[readonly]:not([aria-label])').each(function () {
    var label = $(this).closest('.upload-type').find('label').first().text();
    if ($.trim(label)) { this.setAttribute('aria-label', $.trim(label)); }
  });
});
