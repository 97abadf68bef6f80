(function () {
  'use strict';
  // Every table of the report is drawn from the data block, one page of rows at a time, so a report of a
  // hundred thousand rows keeps a few dozen rows in the document and sorts an array of numbers, not nodes.
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var numbers = data.numbers;
  var strings = data.strings;
  var pageSize = 50;

  // The culture's grouping, as .NET applies NumberGroupSizes: the last size repeats, and 0 ends grouping.
  function group(digits) {
    var parts = [];
    var end = digits.length;
    var index = 0;
    var size = numbers.sizes.length ? numbers.sizes[0] : 0;
    while (size > 0 && end > size) {
      parts.unshift(digits.slice(end - size, end));
      end -= size;
      if (index < numbers.sizes.length - 1) {
        index++;
        size = numbers.sizes[index];
      }
    }
    parts.unshift(digits.slice(0, end));
    return parts.join(numbers.group);
  }

  function whole(value) {
    return value < 0 ? numbers.negative + group(String(-value)) : group(String(value));
  }

  function percent(tenths) {
    if (tenths === null) {
      return numbers.none;
    }
    var text = group(String(Math.floor(tenths / 10))) + numbers.decimal + String(tenths % 10);
    switch (numbers.percentPattern) {
      case 0: return text + ' ' + numbers.percentSymbol;
      case 2: return numbers.percentSymbol + text;
      case 3: return numbers.percentSymbol + ' ' + text;
      default: return text + numbers.percentSymbol;
    }
  }

  // Rounded half up in whole numbers, as the report's headline is.
  function tenthsOf(part, total) {
    return total > 0 ? Math.floor((2000 * part + total) / (2 * total)) : null;
  }

  // Names sort by the reader's language once, into ranks; sorting rows then compares numbers.
  var collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  var rank = null;
  function ranks() {
    if (rank === null) {
      var order = strings.map(function (s, i) { return i; });
      order.sort(function (a, b) { return collator.compare(strings[a], strings[b]); });
      rank = new Array(strings.length);
      for (var i = 0; i < order.length; i++) {
        rank[order[i]] = i;
      }
    }
    return rank;
  }

  function Table(block, definition) {
    this.block = block;
    this.columns = definition.columns;
    this.rows = definition.rows;
    this.view = this.rows;
    this.page = 0;
    this.sortColumn = definition.sortColumn;
    this.descending = definition.descending;
    this.body = block.querySelector('tbody');
    this.status = block.querySelector('.page-status');
    this.previous = block.querySelector('[data-page=previous]');
    this.next = block.querySelector('[data-page=next]');
    this.headers = block.querySelectorAll('thead th');
    this.haystack = null;
    var table = this;
    Array.prototype.forEach.call(block.querySelectorAll('thead button'), function (button) {
      button.addEventListener('click', function () { table.sortBy(Number(button.getAttribute('data-column'))); });
    });
    var filter = block.querySelector('input[type=search]');
    if (filter) {
      filter.addEventListener('input', function () { table.filter(filter.value); });
    }
    this.previous.addEventListener('click', function () { table.show(table.page - 1); });
    this.next.addEventListener('click', function () { table.show(table.page + 1); });
    this.show(0);
  }

  Table.prototype.value = function (row, column) {
    var definition = this.columns[column];
    if (definition.type === 'percent') {
      return tenthsOf(row[definition.part], row[definition.total]);
    }
    return row[column];
  };

  Table.prototype.key = function (row, column) {
    var definition = this.columns[column];
    var value = this.value(row, column);
    if (definition.type === 'text') {
      return ranks()[value];
    }
    return value === null ? -1 : value;
  };

  Table.prototype.sortBy = function (column) {
    this.descending = column === this.sortColumn ? !this.descending : this.columns[column].type !== 'text';
    this.sortColumn = column;
    this.sort();
    this.show(0);
  };

  Table.prototype.sort = function () {
    var table = this;
    var column = this.sortColumn;
    var direction = this.descending ? -1 : 1;
    var keyed = this.view.map(function (row, index) { return { row: row, key: table.key(row, column), index: index }; });
    keyed.sort(function (a, b) { return a.key === b.key ? a.index - b.index : (a.key < b.key ? -direction : direction); });
    this.view = keyed.map(function (entry) { return entry.row; });
    for (var i = 0; i < this.headers.length; i++) {
      this.headers[i].setAttribute('aria-sort', i === column ? (this.descending ? 'descending' : 'ascending') : 'none');
    }
  };

  Table.prototype.filter = function (text) {
    var wanted = text.trim().toLocaleLowerCase();
    if (this.haystack === null) {
      var columns = this.columns;
      this.haystack = this.rows.map(function (row) {
        var words = [];
        for (var c = 0; c < columns.length; c++) {
          if (columns[c].type === 'text') {
            words.push(strings[row[c]]);
          }
        }
        return words.join('\n').toLocaleLowerCase();
      });
    }
    var haystack = this.haystack;
    this.view = wanted === '' ? this.rows : this.rows.filter(function (row, index) { return haystack[index].indexOf(wanted) >= 0; });
    if (this.sortColumn >= 0) {
      this.sort();
    }
    this.show(0);
  };

  Table.prototype.show = function (page) {
    var pages = Math.max(1, Math.ceil(this.view.length / pageSize));
    this.page = Math.min(Math.max(0, page), pages - 1);
    var first = this.page * pageSize;
    var last = Math.min(this.view.length, first + pageSize);
    var fragment = document.createDocumentFragment();
    for (var r = first; r < last; r++) {
      var row = this.view[r];
      var tr = document.createElement('tr');
      for (var c = 0; c < this.columns.length; c++) {
        var type = this.columns[c].type;
        var cell = document.createElement(c === 0 ? 'th' : 'td');
        if (c === 0) {
          cell.setAttribute('scope', 'row');
        }
        if (type === 'text') {
          cell.textContent = strings[row[c]];
          cell.dir = 'auto';
        } else {
          cell.className = 'num';
          cell.textContent = type === 'whole' ? whole(row[c]) : percent(this.value(row, c));
        }
        tr.appendChild(cell);
      }
      fragment.appendChild(tr);
    }
    this.body.textContent = '';
    this.body.appendChild(fragment);
    this.status.textContent = this.view.length === 0
      ? 'No rows match the filter.'
      : 'Rows ' + whole(first + 1) + '\u2013' + whole(last) + ' of ' + whole(this.view.length);
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
  };

  data.tables.forEach(function (definition) {
    var block = document.getElementById(definition.id);
    if (block) {
      block.table = new Table(block, definition);
    }
  });
  document.documentElement.setAttribute('data-ready', 'true');
}());
