/* CKAN's "Filter Results" and its "close" (the search filters on a narrow
 * screen) are links without an address: no keyboard reached them, so the
 * filters could not be opened without a mouse. They become buttons in the
 * tab order, which Enter and Space press. The open filters cover the page
 * as a dialog: named after "Filter Results", the focus moves into it and
 * stays there (Tab walked through the results hidden behind it), Escape
 * closes it and the focus goes back to "Filter Results" (it was left on
 * the page's body). The close button is named by its (hidden) text: a
 * screen reader announced only "button". */
jQuery(function ($) {
  var opener = $('.show-filters').first();
  var panel = $('.secondary .filters').first();
  if (!opener.length || !panel.length) { return; }
  var closer = panel.find('.hide-filters').first();
  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), ' +
    'select:not([disabled]), textarea:not([disabled]), [tabindex="0"]';

  $('.show-filters, .hide-filters')
    .attr({role: 'button', tabindex: '0'})
    .on('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        $(this).trigger('click');
      }
    });
  closer.attr('aria-label', $.trim(closer.find('.text').text()) || $.trim(closer.text()));
  opener.attr({'aria-expanded': 'false', 'aria-haspopup': 'dialog'});

  function open() { return $('body').hasClass('filters-modal'); }
  function focusable() { return panel.find(FOCUSABLE).filter(':visible'); }

  // bound after CKAN's own handler (main.js, loaded first), which shows the
  // panel: the dialog is set up at once (a key pressed next reaches it)
  opener.on('click', function () {
    $('body').addClass('filters-modal');
    panel.attr({role: 'dialog', 'aria-modal': 'true', 'aria-label': $.trim(opener.text())});
    opener.attr('aria-expanded', 'true');
    var first = focusable().first();
    (first.length ? first : closer).trigger('focus');
  });
  closer.on('click', function () {
    panel.removeAttr('role aria-modal aria-label');
    opener.attr('aria-expanded', 'false').trigger('focus');
  });
  $(document).on('keydown', function (event) {
    if (!open()) { return; }
    if (event.key === 'Escape') {
      event.preventDefault();
      closer.trigger('click');
      return;
    }
    if (event.key !== 'Tab') { return; }
    var items = focusable();
    if (!items.length) { return; }
    var first = items.get(0), last = items.get(items.length - 1);
    var inside = panel.get(0).contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  });
});
