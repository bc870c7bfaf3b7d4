/* CKAN's "Filter Results" and its "close" (the search filters on a narrow
 * screen) are links without an address: no keyboard reaches them, so the
 * filters could not be opened without a mouse. They become buttons in the
 * tab order, which Enter and Space press. */
jQuery(function ($) {
  $('.show-filters, .hide-filters')
    .attr({role: 'button', tabindex: '0'})
    .on('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        $(this).trigger('click');
      }
    });
});
