// The query editor: YASGUI (vendored, served from this server) on this server's endpoint.
// Nothing is fetched from elsewhere: no endpoint catalogue, no CORS proxy, no LOV look-ups, no persistence.
(function () {
  "use strict";
  var element = document.getElementById("yasgui");
  var base = "https://w3id.org/unkg/";
  var root = new URL(element.dataset.endpoint, window.location.href).pathname.replace(/\/sparql$/, "");
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMBERS = ["integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong"];
  var TIMES = ["date", "dateTime", "gYear", "gYearMonth", "time", "boolean"];
  // (the table's sanitizer writes its attributes in double quotes)
  var OWN = /href=(["'])https:\/\/w3id\.org\/unkg\/((?:doc|instrument|citation)\/[^"'#]*)(?:#[^"']*)?\1/;

  // The results table: the graph's own IRIs link to their pages on this server (their w3id.org address
  // resolves nowhere yet), and numbers and dates show as such, without quotes and datatype.
  var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  if (Table) {
    var uriLink = Table.prototype.getUriLinkFromBinding;
    Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
      return uriLink.call(this, binding, prefixes).replace(OWN, 'href="' + root + '/$2"');
    };
    var literal = Table.prototype.formatLiteral;
    Table.prototype.formatLiteral = function (binding, prefixes) {
      var type = binding.datatype && binding.datatype.indexOf(XSD) === 0 ? binding.datatype.slice(XSD.length) : null;
      var value = String(binding.value);
      if (type && NUMBERS.indexOf(type) >= 0 && /^[-+]?[0-9.eE+-]+$/.test(value)) {
        var n = Number(value);
        var shown = Number.isInteger(n) ? value.replace(/^\+/, "") : String(Number(n.toPrecision(6)));
        return "<span class='number' title='" + value + "'>" + shown + "</span>";
      }
      if (type && TIMES.indexOf(type) >= 0 && /^[-0-9:TZ.+a-z]+$/.test(value)) {
        return "<span class='" + (type === "boolean" ? "boolean" : "date") + "'>" + value.replace("T", " ") + "</span>";
      }
      return literal.call(this, binding, prefixes);
    };
  }

  var endpoint = new URL(element.dataset.endpoint, window.location.href).href;
  var query = document.getElementById("initial-query").value;
  var yasgui = new Yasgui(element, {
    requestConfig: { endpoint: endpoint, method: "POST", acceptHeaderSelect: "application/sparql-results+json" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: true,
    yasqe: { autocompleters: ["prefixes", "variables"], resizeable: true, showQueryButton: true },
    yasr: { prefixes: {} },
  });
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(query);
  // The graph's own resources open in this tab (the table would open a new one), here on this server,
  // whether the link names their w3id.org address (the response view) or their page here (the table).
  var here = window.location.origin + root + "/";
  element.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link) return;
    var prefix = link.href.indexOf(base) === 0 ? base : link.href.indexOf(here) === 0 ? here : null;
    if (!prefix) return;
    var rest = link.href.slice(prefix.length);
    if (!/^(doc|instrument|citation)\//.test(rest)) return;
    event.preventDefault();
    window.location.href = root + "/" + rest.split("#")[0];
  });
  window.unkgYasgui = yasgui;
})();
