/* The maps of a home: the boundaries below the focus (geo:map_data), each filled with the colour
   the server chose for it (data-colours names a json_script of {code: {colour, text}}), drawn as
   the overview map draws them: filled shapes on plain axes, no basemap, so it works offline.
   A click opens data-href with the area's code; the legends' swatches take their colours from
   data-colour (set here: the Content-Security-Policy allows no inline script). */
(function () {
  document.querySelectorAll(".legend .swatch[data-colour]").forEach(function (s) {
    s.style.backgroundColor = s.dataset.colour;
  });
  var fetched = {};  /* both maps draw the same boundaries: fetched once */
  function boundaries(url) {
    fetched[url] = fetched[url] || fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); });
    return fetched[url];
  }
  function draw(el) {
    var colours = JSON.parse(document.getElementById(el.dataset.colours).textContent);
    boundaries(el.dataset.src).then(function (fc) {
      var shown = fc.features.filter(function (f) { return colours[f.properties.code]; });
      if (!shown.length) {
        el.textContent = el.dataset.empty;
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
        var c = colours[f.properties.code];
        traces.push({
          type: "scatter", mode: "lines", x: x, y: y, fill: "toself", name: f.properties.name,
          line: {color: "#4a5a6a", width: 0.8}, fillcolor: c.colour,
          hoveron: "fills", text: c.text, hoverinfo: "text", customdata: [f.properties.code]
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
        if (el.dataset.href) window.location = el.dataset.href.replace("{code}", code);
      });
    });
  }
  document.querySelectorAll(".home-map[data-src]").forEach(draw);
})();
