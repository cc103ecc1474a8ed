// The query editor: YASGUI (vendored, served from this server) on this server's endpoint.
// Nothing is fetched from elsewhere: no endpoint catalogue, no CORS proxy, no LOV look-ups, no persistence.
(function () {
  "use strict";
  var element = document.getElementById("yasgui");
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
  // IRIs of the graph's own resources open here, not at their (global) address.
  var base = "https://w3id.org/unkg/";
  var root = new URL(element.dataset.endpoint, window.location.href).pathname.replace(/\/sparql$/, "");
  element.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || link.href.indexOf(base) !== 0) return;
    var rest = link.href.slice(base.length);
    if (!/^(doc|instrument|citation)\//.test(rest)) return;
    event.preventDefault();
    window.location.href = root + "/" + rest.split("#")[0];
  });
  window.unkgYasgui = yasgui;
})();
