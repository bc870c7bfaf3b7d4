/* The URL preview's "Edit" button of CKAN's dataset and organization forms
 * (jquery.slug-preview.js) is a button of no type: the form's first, so Enter
 * pressed in any text field "clicked" it — nothing was saved and the URL field
 * opened at the top of the form. Given type="button", Enter saves the form. */
(function ($) {
  'use strict';
  var original = $ && $.fn && $.fn.slugPreview;
  if (!original) {
    return;
  }
  $.fn.slugPreview = $.extend(function () {
    var preview = original.apply(this, arguments);
    preview.find('button').attr('type', 'button');
    return preview;
  }, original);
})(window.jQuery);
