/* The close button CKAN's notify.js adds to each flash message is named
 * "Close", in English, when CKAN's JS catalogue has not loaded yet (it
 * loads later): named in the page's language instead (templates/base.html:
 * <body data-satudata-close>). */
jQuery(function ($) {
  var close = document.body.getAttribute('data-satudata-close');
  if (close) {
    $('.flash-messages .btn-close').attr('aria-label', close);
  }
});
