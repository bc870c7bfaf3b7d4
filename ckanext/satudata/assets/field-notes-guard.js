/* A reviewer's notes next to the values (templates/satudata/workflow/
 * _review.html) belong to the return form: "Verifikasi" or "Setujui" clicked
 * with notes typed dropped them without a word. A step form carrying
 * data-satudata-notes-warning asks first while a note is filled in. */
jQuery(function ($) {
  $('form[data-satudata-notes-warning]').on('submit', function (event) {
    var typed = $('[name^="field_note-"]').filter(function () {
      return $.trim(this.value) !== '' && this.form && this.form !== event.target;
    });
    if (typed.length && !window.confirm(this.getAttribute('data-satudata-notes-warning'))) {
      event.preventDefault();
      typed.first().trigger('focus');
    }
  });
});
