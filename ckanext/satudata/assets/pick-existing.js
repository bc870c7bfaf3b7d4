/* A picker of something that must exist (the dataset that fulfils a public
 * request): CKAN's autocomplete module offers the text typed as the first
 * choice, which Enter picks, and the portal then refuses the made-up name
 * ("no portal dataset of that name"). Opened, such a picker
 * (data-satudata-existing-only) offers only what the portal found. */
jQuery(document).on('select2-opening', '[data-satudata-existing-only]', function () {
  var picker = jQuery(this).data('select2');
  if (picker && picker.opts) { picker.opts.createSearchChoice = null; }
});
