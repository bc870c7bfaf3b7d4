/* What select2 announces to screen readers ("One result is available, press
 * enter to select it.") in English on the Indonesian pages: its bundled "id"
 * locale is Malay. Its defaults, set before CKAN's modules create the
 * pickers. */
(function ($) {
  if (!$.fn.select2 || document.documentElement.lang !== 'id') { return; }
  $.extend($.fn.select2.defaults, {
    formatMatches: function (n) {
      return n === 1 ? 'Satu hasil tersedia, tekan Enter untuk memilihnya.'
        : n + ' hasil tersedia, gunakan tombol panah atas dan bawah untuk memilih.';
    },
    formatNoMatches: function () { return 'Tidak ada yang cocok'; },
    formatAjaxError: function () { return 'Gagal memuat'; },
    formatInputTooShort: function (input, min) {
      return 'Ketik ' + (min - input.length) + ' karakter lagi';
    },
    formatInputTooLong: function (input, max) {
      return 'Hapus ' + (input.length - max) + ' karakter';
    },
    formatSelectionTooBig: function (limit) {
      return 'Anda hanya dapat memilih ' + limit + ' butir';
    },
    formatLoadMore: function () { return 'Memuat hasil lainnya…'; },
    formatSearching: function () { return 'Mencari…'; }
  });
}(jQuery));

/* The "×" that removes a chosen item of a multiple select (CKAN's bundled
 * select2 3.x) is an empty link: screen readers announce nothing (axe-core
 * "link-name"). Give each one an accessible name, "Remove <item>", as select2
 * creates them. The word comes translated from the page (templates/base.html:
 * <body data-satudata-remove>), as CKAN's JS catalogue loads only later. */
jQuery(function ($) {
  var remove = document.body.getAttribute('data-satudata-remove') || 'Remove';
  function name(root) {
    $(root).find('a.select2-search-choice-close:not([aria-label])').each(function () {
      var item = $(this).closest('.select2-search-choice').children('div').text();
      $(this).attr({'aria-label': $.trim(remove + ' ' + item), 'role': 'button'});
    });
  }
  /* A picker of one value announced only that value ("Dinas Kesehatan"),
   * not its field: select2 names its focus box after the chosen value
   * alone. Named after the field's label, then the value (its box too). */
  function field(root) {
    $(root).find('.select2-container:not(.select2-container-multi)').each(function () {
      var focusser = $(this).find('input.select2-focusser');
      var shown = focusser.attr('aria-labelledby');
      if (!focusser.length || !shown || focusser.attr('data-satudata-named')) { return; }
      var original = $(this).next('select, input');
      var label = original.attr('id') && $('label[for="' + original.attr('id') + '"]').first();
      if (!label || !label.length) { return; }
      if (!label.attr('id')) { label.attr('id', 'label-' + original.attr('id')); }
      focusser.attr({'aria-labelledby': label.attr('id') + ' ' + shown,
                     'data-satudata-named': '1'});
      /* its clickable box too: empty (nothing chosen yet), it was a link
       * without a name (axe-core "link-name") */
      $(this).children('a.select2-choice').attr('aria-labelledby',
                                                label.attr('id') + ' ' + shown);
    });
  }
  name(document.body);
  field(document.body);
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) { name(change.target); field(change.target); });
    }).observe(document.body, {childList: true, subtree: true});
  }
});
