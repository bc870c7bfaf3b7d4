/* The table preview (CKAN's datatablesview, in the frame of every table
 * page) for keyboard and screen-reader users: its column filters had no
 * label (axe-core "label", critical), DataTables' KeyTable took the Tab key
 * cell by cell (24 presses to leave a 6x4 table, thousands with 1,000 rows
 * shown) and its resize helper was an untitled frame ("frame-title"). Each
 * filter is named after its column, the frame is hidden from both, and Tab
 * moves between the preview's controls as on any page (not into the hidden
 * copies DataTables makes of them). The word comes
 * translated from the page (templates/base.html: <body data-satudata-filter>). */
jQuery(function ($) {
  var table = $('#dtprv');
  if (!table.length) { return; }
  var word = document.body.getAttribute('data-satudata-filter') || 'Filter';
  function label() {
    $('input.fhead:not([aria-label])').each(function () {
      // the column's name heads the cell above the filter's
      var cell = $(this).closest('th');
      var names = cell.closest('thead').find('tr').first().children('th');
      var column = $.trim(names.eq(cell.index()).text());
      if (column) { this.setAttribute('aria-label', word + ' ' + column); }
    });
    $('iframe[src="about:blank"]:not([title])').attr(
      {'title': word, 'aria-hidden': 'true', 'tabindex': '-1'});
    // the copies of the header DataTables measures its columns with (in a
    // box of no height) and KeyTable's focus catcher took Tab, unseen and
    // (the catcher) unnamed: out of the Tab order and of the reader's view
    $('.dataTables_sizing').find('input, button, select, a, [tabindex]')
      .add($('input[tabindex="0"]').filter(function () {
        return $(this).parent().css('overflow') === 'hidden' && $(this).parent().height() <= 1;
      }))
      .not('[data-satudata-hidden]')
      .attr({'tabindex': '-1', 'aria-hidden': 'true', 'data-satudata-hidden': '1'});
  }
  table.on('init.dt draw.dt', function () {
    label();
    var api = table.DataTable();
    if (api.keys && api.keys.disable) { api.keys.disable(); }
  });
  label();
  if (window.MutationObserver) {  // the resize frame comes after the table
    new MutationObserver(label).observe(document.body, {childList: true, subtree: true});
  }
});
