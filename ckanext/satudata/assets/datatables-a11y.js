/* The table preview (CKAN's datatablesview, in the frame of every table
 * page) for keyboard and screen-reader users: its column filters had no
 * label (axe-core "label", critical), DataTables' KeyTable took the Tab key
 * cell by cell (24 presses to leave a 6x4 table, thousands with 1,000 rows
 * shown) and its resize helper was an untitled frame ("frame-title"). Each
 * filter is named after its column, the frame is hidden from both, and Tab
 * moves between the preview's controls as on any page. The word comes
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
