// The signing form: shows the visible signature's options only when asked for, the marker field only for the marker
// position, the box fields only for a box; and where the server offers pdf.js (Debian's libjs-pdf), a preview of the
// chosen page of the first document on which the box can be drawn with the mouse (it fills x, y, width, height in
// PDF points). Without JavaScript every field is simply shown and works the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[action='/sign'][enctype]");
    if (!form) { return; }
    var options = document.getElementById("visible-options");
    var position = document.getElementById("position");
    var marker = document.getElementById("marker");
    var boxFields = document.getElementById("box-options");
    var preview = document.getElementById("preview");
    var canvas = document.getElementById("preview-canvas");
    var documents = document.getElementById("documents");
    var pageField = document.getElementById("page");
    var scale = 1, pageHeight = 0, pageShown = 1, rendered = null, drag = null;

    function field(id) { return document.getElementById(id); }
    function visible() { return form.querySelector("input[name=appearance]:checked").value === "visible"; }
    function show(element, on) { if (element) { element.hidden = !on; } }
    function refresh() {
      show(options, visible());
      var choice = position.value;
      [marker, field("marker-help"), form.querySelector("label[for=marker]")].forEach(function (el) { show(el, choice === "marker"); });
      show(boxFields, choice === "custom");
      if (visible() && preview.getAttribute("data-pdfjs")) { render(); }
    }

    function loadPdfjs(callback) {
      if (window.pdfjsLib) { callback(window.pdfjsLib); return; }
      var script = document.createElement("script");
      script.src = preview.getAttribute("data-pdfjs") + "/pdf.js";
      script.onload = function () {
        window.pdfjsLib.GlobalWorkerOptions.workerSrc = preview.getAttribute("data-pdfjs") + "/pdf.worker.js";
        callback(window.pdfjsLib);
      };
      document.head.appendChild(script);
    }

    function render() {
      var file = documents.files && documents.files[0];
      if (!file) { show(preview, false); return; }
      var wanted = parseInt(pageField.value, 10);
      var key = file.name + ":" + file.size + ":" + (wanted || "last");
      if (rendered === file.name + ":" + file.size + ":" + wanted) { return; }
      if (rendered === key) { return; }
      rendered = key;
      loadPdfjs(function (pdfjs) {
        file.arrayBuffer().then(function (bytes) {
          return pdfjs.getDocument({ data: bytes, isEvalSupported: false }).promise;
        }).then(function (pdf) {
          pageShown = wanted >= 1 && wanted <= pdf.numPages ? wanted : pdf.numPages;
          return pdf.getPage(pageShown);
        }).then(function (page) {
          var base = page.getViewport({ scale: 1 });
          scale = Math.min(1.5, 440 / base.width);
          var viewport = page.getViewport({ scale: scale });
          pageHeight = base.height;
          canvas.width = viewport.width;
          canvas.height = viewport.height;
          show(preview, true);
          return page.render({ canvasContext: canvas.getContext("2d"), viewport: viewport }).promise;
        }).then(function () {
          canvas.setAttribute("data-background", canvas.toDataURL());
        }).catch(function () { show(preview, false); rendered = null; });
      });
    }

    function point(event) {
      var bounds = canvas.getBoundingClientRect();
      return { x: (event.clientX - bounds.left) * canvas.width / bounds.width, y: (event.clientY - bounds.top) * canvas.height / bounds.height };
    }
    function drawBox(a, b) {
      var context = canvas.getContext("2d");
      var image = new Image();
      image.onload = function () {
        context.drawImage(image, 0, 0);
        context.strokeStyle = "#0b5394";
        context.lineWidth = 2;
        context.strokeRect(Math.min(a.x, b.x), Math.min(a.y, b.y), Math.abs(a.x - b.x), Math.abs(a.y - b.y));
      };
      image.src = canvas.getAttribute("data-background");
    }
    canvas.addEventListener("mousedown", function (event) { drag = point(event); });
    canvas.addEventListener("mousemove", function (event) { if (drag) { drawBox(drag, point(event)); } });
    canvas.addEventListener("mouseup", function (event) {
      if (!drag) { return; }
      var end = point(event), start = drag;
      drag = null;
      drawBox(start, end);
      // canvas pixels to PDF points, origin at the lower-left corner
      var left = Math.min(start.x, end.x) / scale, bottom = pageHeight - Math.max(start.y, end.y) / scale;
      field("box-x").value = left.toFixed(1);
      field("box-y").value = bottom.toFixed(1);
      field("box-width").value = (Math.abs(end.x - start.x) / scale).toFixed(1);
      field("box-height").value = (Math.abs(end.y - start.y) / scale).toFixed(1);
      position.value = "custom";
      pageField.value = String(pageShown);
      rendered = documents.files[0].name + ":" + documents.files[0].size + ":" + pageShown;
      show(boxFields, true);
      [marker, field("marker-help"), form.querySelector("label[for=marker]")].forEach(function (el) { show(el, false); });
    });

    // the signed file downloads without reloading the page: when its cookie carries this form's token, the form is
    // usable again (busy.js disabled it), the secrets are cleared and the page says it is done
    form.addEventListener("submit", function () {
      var token = Math.random().toString(36).slice(2) + Date.now().toString(36);
      field("download-token").value = token;
      var timer = setInterval(function () {
        if (document.cookie.split("; ").indexOf("ams_download=" + token) === -1) { return; }
        clearInterval(timer);
        var button = form.querySelector("button[type=submit]");
        var status = field("busy-status");
        if (button) { button.disabled = false; }
        form.removeAttribute("aria-busy");
        field("passphrase").value = "";
        field("code").value = "";
        if (status) { status.textContent = status.getAttribute("data-done"); }
      }, 500);
    });

    Array.prototype.forEach.call(form.querySelectorAll("input[name=appearance]"), function (radio) { radio.addEventListener("change", refresh); });
    position.addEventListener("change", refresh);
    documents.addEventListener("change", function () { rendered = null; refresh(); });
    pageField.addEventListener("change", function () { rendered = null; refresh(); });
    refresh();
  });
})();
