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
  name(document.body);
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) { name(change.target); });
    }).observe(document.body, {childList: true, subtree: true});
  }
});
