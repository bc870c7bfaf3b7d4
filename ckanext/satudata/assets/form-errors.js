/* A form shown again with its errors. Focus moves to the error summary
 * (templates/satudata/snippets/error_summary.html, id "error-summary"), so a
 * screen reader reads what is wrong first; each field with an error (CKAN's
 * form macros mark its group "error" and write the message beside it,
 * unlinked) is marked invalid and described by its message. A link to a
 * field that select2 hides (the summary's, the completeness box's) goes to
 * its picker, one to a link field the upload chooser hides to its buttons:
 * the hidden field neither scrolled nor took the focus. */
jQuery(function ($) {
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.focus();
  }
  $('.form-group.error, .control-group.error').each(function (i) {
    var field = $(this).find('input, select, textarea').not('[type=hidden]').first();
    var message = $(this).find('.error-block').first();
    if (!field.length) {
      return;
    }
    field.attr('aria-invalid', 'true');
    if (message.length) {
      var id = message.attr('id') || 'satudata-field-error-' + i;
      var described = field.attr('aria-describedby');
      message.attr('id', id);
      field.attr('aria-describedby', described ? described + ' ' + id : id);
    }
  });
  // a reviewer's note below its field (a returned request) and a field's
  // help text are read with the field (they were heard by nobody who
  // tabbed to it)
  function describe(field, id) {
    var described = (field.attr('aria-describedby') || '').split(/\s+/);
    if (described.indexOf(id) < 0) {
      field.attr('aria-describedby', $.trim(described.join(' ') + ' ' + id));
    }
  }
  $('.satudata-field-note[id^="note-"]').each(function () {
    var field = $(document.getElementById('field-' + this.id.slice('note-'.length)));
    if (field.length) {
      describe(field, this.id);
      field.attr('aria-invalid', 'true');
    }
  });
  $('.form-group .info-block, .control-group .info-block').each(function (i) {
    var field = $(this).closest('.form-group, .control-group')
      .find('input, select, textarea').not('[type=hidden]').first();
    if (field.length) {
      if (!this.id) { this.id = 'satudata-field-help-' + i; }
      describe(field, this.id);
    }
  });
  $(document).on('click', 'a[href^="#field-"]', function (event) {
    var target = document.getElementById(this.getAttribute('href').slice(1));
    if (!target || $(target).is(':visible')) {
      return;
    }
    var picker = $('#s2id_' + target.id);
    // a link field CKAN's upload chooser hides until "Link" is chosen: its
    // "Upload" / "Link" buttons
    var chooser = picker.length ? picker : $(target).closest('.image-upload, .form-group')
      .parent().find('a:visible, button:visible, input:visible').first();
    if (!chooser.length) {
      return;
    }
    event.preventDefault();
    chooser[0].scrollIntoView({block: 'center'});
    if (picker.length) {
      $(target).select2('focus');
    } else {
      chooser.focus();
    }
  });
});
