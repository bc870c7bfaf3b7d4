/* The chart of a table (templates/satudata/snippets/chart.html): a line
   over periods or bars across wilayah, drawn by Chart.js (vendor/, from
   npm) from the figures the page carries as JSON; numbers in Indonesian. */
this.ckan.module('satudata-chart', function ($) {
  /* ``text`` in lines of at most ``width`` characters, broken between words
     (a word longer than a line is cut). */
  function wrap(text, width) {
    var lines = [], line = '';
    text.split(/\s+/).forEach(function (word) {
      while (word.length > width) {
        if (line) { lines.push(line); line = ''; }
        lines.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (!word) { return; }
      if (line && (line + ' ' + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + ' ' + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.length ? lines : [text];
  }

  return {
    options: {source: null},
    initialize: function () {
      var source = document.getElementById(this.options.source);
      if (!source || typeof Chart === 'undefined') { return; }
      var data = JSON.parse(source.textContent);
      var box = this.el[0].parentNode;
      var value = {title: {display: true, text: data.measure}, beginAtZero: true};
      var category = {title: {display: true, text: data.axis},
                      ticks: {autoSkip: false, maxRotation: 90}};
      var options = {locale: 'id-ID', animation: false,
                     plugins: {legend: {display: false}}};
      if (data.kind === 'period') {
        // periods read in order even when a phone skips some of their names
        category.ticks.autoSkip = box.clientWidth < 576 || data.labels.length > 40;
        options.scales = {x: category, y: value};
      } else if (box.clientWidth < 576 && data.labels.length > 5) {
        // on a phone the wilayah are listed down the screen, each bar named
        // on its own line (turned names overlapped): the chart grows with
        // them, and a long name wraps (Chart.js gives names at most half the
        // width: "Kabupaten Kepulauan …" was cut at its start)
        var width = Math.max(8, Math.floor(box.clientWidth / 2 / 7));
        var named = data.labels.map(function (label) { return wrap(String(label), width); });
        var lines = named.reduce(function (sum, name) { return sum + name.length; }, 0);
        options.indexAxis = 'y';
        options.maintainAspectRatio = false;
        box.style.height = (Math.max(data.labels.length * 24, lines * 14 + 10) + 90) + 'px';
        data = $.extend({}, data, {labels: named});
        options.scales = {x: value, y: category};
      } else {
        // every area named (on a phone Chart.js skipped the middle one of
        // three bars); a long list is turned, not thinned
        category.ticks.autoSkip = data.labels.length > 40;
        options.scales = {x: category, y: value};
      }
      new Chart(this.el[0], {
        type: data.kind === 'period' ? 'line' : 'bar',
        data: {labels: data.labels, datasets: [{label: data.measure, data: data.values}]},
        options: options
      });
    }
  };
});
