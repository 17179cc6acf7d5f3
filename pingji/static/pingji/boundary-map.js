/* Boundaries drawn as filled shapes on plain axes: no geo basemap, so plotly never fetches
   topojson from a CDN and the maps work on an intranet without internet. The
   Content-Security-Policy allows no inline script, so what a page says comes as data attributes.

   Two kinds of map:
   - #map (the overview, a jurisdiction, the situation room): every boundary of geo:map_data,
     shaded by population, or by data-values (a json_script of {code: number}; the situation room
     shades by infections); a click opens data-href with "{code}", else the jurisdiction's page
     (data-list on this script's tag);
   - .home-map (the homes): the boundaries the server coloured, each with the colour and the text
     of data-colours (a json_script of {code: {colour, text}}); the legends' swatches take their
     colours from data-colour. Both of a home's maps draw the same boundaries: fetched once. */
(function () {
  var script = document.currentScript;
  var fetched = {};
  function boundaries(url) {
    fetched[url] = fetched[url] || fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); });
    return fetched[url];
  }
  function json(id) { return JSON.parse(document.getElementById(id).textContent); }

  /* paint(feature) → {colour, text}, or null to leave the feature out */
  function draw(el, paint, defaultHref) {
    boundaries(el.dataset.src).then(function (fc) {
      var shown = fc.features.filter(function (f) { return paint(f); });
      if (!shown.length) {
        el.textContent = el.dataset.empty || script.dataset.empty;
        el.classList.add("empty");
        el.dataset.ready = "1";
        return;
      }
      var traces = [], latSum = 0, latN = 0;
      shown.forEach(function (f) {
        var polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
        var x = [], y = [];
        polys.forEach(function (poly) {
          poly[0].forEach(function (pt) { x.push(pt[0]); y.push(pt[1]); latSum += pt[1]; latN += 1; });
          x.push(null); y.push(null);
        });
        var p = paint(f);
        traces.push({
          type: "scatter", mode: "lines", x: x, y: y, fill: "toself", name: f.properties.name,
          line: {color: "#4a5a6a", width: 0.8}, fillcolor: p.colour,
          hoveron: "fills", text: p.text, hoverinfo: "text", customdata: [f.properties.code]
        });
      });
      var midLat = latN ? latSum / latN : 25;
      Plotly.newPlot(el, traces, {
        showlegend: false, margin: {l: 0, r: 0, t: 0, b: 0}, hovermode: "closest",
        xaxis: {visible: false}, yaxis: {visible: false, scaleanchor: "x", scaleratio: 1 / Math.cos(midLat * Math.PI / 180)},
        plot_bgcolor: "rgba(0,0,0,0)", paper_bgcolor: "rgba(0,0,0,0)"
      }, {displaylogo: false, responsive: true}).then(function () { el.dataset.ready = "1"; });
      el.on("plotly_click", function (ev) {
        var code = shown[ev.points[0].curveNumber].properties.code;
        var href = el.dataset.href || defaultHref;
        if (href) window.location = href.replace("{code}", code);
      });
    });
  }

  function shaded(el) {
    var values = el.dataset.values ? json(el.dataset.values) : null;
    var valueOf = function (f) { return values ? (values[f.properties.code] || 0) : (f.properties.population || 0); };
    boundaries(el.dataset.src).then(function (fc) {
      var max = Math.max.apply(null, fc.features.map(valueOf)) || 1;
      draw(el, function (f) {
        return {
          colour: "rgba(30, 86, 160," + (0.15 + 0.6 * valueOf(f) / max).toFixed(2) + ")",
          text: f.properties.name + " · " + valueOf(f).toLocaleString()
        };
      }, script.dataset.list ? script.dataset.list + "{code}/" : "");
    });
  }

  function coloured(el) {
    var colours = json(el.dataset.colours);
    draw(el, function (f) { return colours[f.properties.code] || null; }, "");
  }

  document.querySelectorAll(".legend .swatch[data-colour]").forEach(function (s) {
    s.style.backgroundColor = s.dataset.colour;
  });
  var map = document.getElementById("map");
  if (map) shaded(map);
  document.querySelectorAll(".home-map[data-src]").forEach(coloured);
})();
