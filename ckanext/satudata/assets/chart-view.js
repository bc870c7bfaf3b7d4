/* The chart of a table (templates/satudata/snippets/chart.html): a line
   over periods or bars across wilayah, drawn by Chart.js (vendor/, from
   npm) from the figures the page carries as JSON; numbers in Indonesian. */
this.ckan.module('satudata-chart', function () {
  return {
    options: {source: null},
    initialize: function () {
      var source = document.getElementById(this.options.source);
      if (!source || typeof Chart === 'undefined') { return; }
      var data = JSON.parse(source.textContent);
      new Chart(this.el[0], {
        type: data.kind === 'period' ? 'line' : 'bar',
        data: {labels: data.labels, datasets: [{label: data.measure, data: data.values}]},
        options: {
          locale: 'id-ID',
          animation: false,
          plugins: {legend: {display: false}},
          // every category named (on a phone Chart.js skipped the middle
          // one of three bars); a long list is turned, not thinned
          scales: {x: {title: {display: true, text: data.axis},
                       ticks: {autoSkip: data.labels.length > 40, maxRotation: 90}},
                   y: {beginAtZero: true, title: {display: true, text: data.measure}}}
        }
      });
    }
  };
});
