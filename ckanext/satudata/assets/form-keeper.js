/* What was typed into a long form (the dataset's, a table's) is kept in this
 * browser's tab (sessionStorage) as the form is sent. A session that ended
 * meanwhile (a logout in another tab, an expired cookie) lost it: the portal
 * sends the visitor to the login page and back to the form
 * (views/login.py log_in_first), where it is offered back: the login page
 * marks what it finds as on its way back. Anything else forgets it: a save
 * that went through (a "save and add another" opens the same form again,
 * without the login page between), an error page (which shows what was
 * typed itself), or another page.
 *
 * A form takes part with a `.satudata-keep` element inside it, whose data
 * attributes carry the account (`data-user`: what one account typed is never
 * offered to another, who logged in on the same tab) and the offer's words
 * (`data-offer` with %(time)s, `data-restore`, `data-discard`, `data-file`).
 * Only the fields the visitor changed are kept and put back (the others may
 * have been changed by a colleague meanwhile), rows they added are added
 * again; files, passwords and hidden fields (the form's version, its CSRF
 * token) are never kept. */
jQuery(function ($) {
  var PREFIX = 'satudata-kept:';
  var HOURS = 12;
  var store;
  try {
    store = window.sessionStorage;
    store.getItem(PREFIX);
  } catch (e) {
    return;  // no storage (a private window's policy): nothing is kept
  }

  // the form's address without its language prefix: the login sends back to
  // the form in the language it was sent from, or the site's default
  function keyOf(form) {
    var path = new URL(form.getAttribute('action') || window.location.href,
                       window.location.href).pathname;
    return PREFIX + path.replace(/^\/[a-z]{2}(_[A-Z]{2})?(?=\/)/, '');
  }

  function kept(element) {
    var type = (element.type || '').toLowerCase();
    return element.name && !element.disabled && element.name !== '_csrf_token' &&
      ['file', 'password', 'hidden', 'submit', 'button', 'reset', 'image'].indexOf(type) < 0;
  }

  function valueOf(element) {
    var type = (element.type || '').toLowerCase();
    return (type === 'checkbox' || type === 'radio') ? element.checked : $(element).val();
  }

  // each field of the form with its place among the fields of its name
  function eachField(form, visit) {
    var places = {};
    $(form).find('input, textarea, select').each(function () {
      if (!kept(this)) {
        return;
      }
      var index = places[this.name] = (places[this.name] || 0);
      places[this.name] += 1;
      visit(this, this.name + '#' + index);
    });
  }

  // the form as the page brought it
  function snapshot(form) {
    var values = {};
    eachField(form, function (element, place) {
      values[place] = JSON.stringify(valueOf(element));
    });
    return values;
  }

  // the fields changed since (a row added: all its fields, marked added)
  function changedFields(form, before) {
    var fields = [];
    eachField(form, function (element, place) {
      var value = valueOf(element);
      if (before[place] !== JSON.stringify(value)) {
        fields.push({name: element.name, place: place, value: value,
                     added: !(place in before)});
      }
    });
    return fields;
  }

  // a new row of the repeating group ``field`` ("variables"): its index
  function addRow(form, field) {
    $(form).find('label[for="field-' + field + '"]').closest('.form-group')
      .find('a[name="repeating-add"]').first().trigger('click');
    var last = $(form).find('.scheming-subfield-group[data-field="' + field + '"]').last();
    return last.length ? last.attr('data-group-index') : null;
  }

  // each changed field back by its name and its place among the fields of
  // that name; a row the visitor added comes after the rows the form has
  // now (a colleague may have added one meanwhile: it is not overwritten)
  function putBack(form, fields) {
    var rows = {};
    fields.forEach(function (field) {
      var name = field.name;
      var index = parseInt(field.place.split('#').pop(), 10);
      var row = field.added && /^(.+)-(\d+)-([^-]+)$/.exec(name);
      if (row) {
        var group = row[1] + '-' + row[2];
        if (!(group in rows)) {
          rows[group] = addRow(form, row[1]);
        }
        if (rows[group] === null) {
          return;
        }
        name = row[1] + '-' + rows[group] + '-' + row[3];
        index = 0;
      }
      var element = $(form).find('input, textarea, select').filter(function () {
        return this.name === name && kept(this);
      }).get(index);
      if (!element) {
        return;
      }
      var type = (element.type || '').toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        element.checked = !!field.value;
      } else {
        $(element).val(field.value);
      }
      $(element).trigger('change');  // the pickers (select2) show the value
    });
  }

  function offer(form, entry) {
    var marker = $(form).find('.satudata-keep').first();
    // the time as the portal's pages write it ("14.28 WIB"), in its zone
    var at = new Date(entry.at);
    var time;
    try {
      var parts = new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit', minute: '2-digit', hour12: false,
        timeZone: marker.attr('data-zone') || undefined}).formatToParts(at);
      var part = function (type) {
        return parts.filter(function (p) { return p.type === type; })[0].value;
      };
      time = part('hour') + '.' + part('minute');
    } catch (e) {  // an unknown zone: the browser's clock
      time = ('0' + at.getHours()).slice(-2) + '.' + ('0' + at.getMinutes()).slice(-2);
    }
    time += marker.attr('data-zone-name') ? ' ' + marker.attr('data-zone-name') : '';
    var box = $('<div class="alert alert-info satudata-kept" role="status"></div>');
    var restore = $('<button type="button" class="btn btn-primary btn-sm me-2"></button>')
      .text(marker.attr('data-restore'));
    var discard = $('<button type="button" class="btn btn-default btn-sm"></button>')
      .text(marker.attr('data-discard'));
    var words = (marker.attr('data-offer') || '').replace('%(time)s', time);
    if ($(form).find('input[type=file]').length && marker.attr('data-file')) {
      words += ' ' + marker.attr('data-file');  // a file chosen is not kept
    }
    box.append($('<p class="mb-2"></p>').text(words), restore, discard);
    $(form).prepend(box);
    restore.on('click', function () {
      putBack(form, entry.fields);
      box.remove();
      $(form).find('input, textarea, select').filter(':visible').first().trigger('focus');
    });
    discard.on('click', function () {
      box.remove();
    });
  }

  var forms = $('.satudata-keep').closest('form');
  function userOf(form) {
    return $(form).find('.satudata-keep').first().attr('data-user') || '';
  }
  var onLoginPage = /\/user\/login\/?$/.test(window.location.pathname);
  var baseline = {};  // form key: the form as first opened, before a refused save
  var here = {};
  forms.each(function () {
    here[keyOf(this)] = this;
  });
  // a form sent back with its errors shows what was typed itself: what
  // counts as changed is still measured from the form as first opened
  var refused = $('#error-summary, .error-explanation').length > 0;
  var keys = [];
  for (var i = 0; i < store.length; i++) {
    if (store.key(i).indexOf(PREFIX) === 0) {
      keys.push(store.key(i));
    }
  }
  keys.forEach(function (key) {
    var entry = null;
    try {
      entry = JSON.parse(store.getItem(key));
    } catch (e) {
      entry = null;
    }
    if (onLoginPage && entry) {
      entry.login = true;  // offered on the form the login sends back to
      store.setItem(key, JSON.stringify(entry));
      return;
    }
    store.removeItem(key);
    // what this account typed here, never another's (same tab, another login)
    var own = here[key] && entry && entry.user && entry.user === userOf(here[key]);
    if (own && refused && entry.before) {
      baseline[key] = entry.before;
    } else if (own && !refused && entry.login && entry.fields && entry.fields.length &&
               Date.now() - entry.at < HOURS * 3600 * 1000) {
      offer(here[key], entry);
    }
  });

  var before = forms.map(function () {
    return baseline[keyOf(this)] || snapshot(this);
  }).get();
  forms.each(function (index) {
    $(this).on('submit', function () {
      try {
        store.setItem(keyOf(this), JSON.stringify({
          at: Date.now(), user: userOf(this), before: before[index],
          fields: changedFields(this, before[index])}));
      } catch (e) {
        // full storage: the form is sent as it always was
      }
    });
  });
});
