// FaxPost web UI: small progressive enhancements. Every page works without this file.
"use strict";
(function () {
  // Confirm destructive actions (forms with data-confirm).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      e.preventDefault();
    }
  });

  // "Send later": the browser's time zone, so the server reads the local time right.
  document.querySelectorAll("[data-tz-offset]").forEach(function (field) {
    var form = field.form;
    var when = form && form.querySelector("input[name=notBefore]");
    function update() {
      var date = when && when.value ? new Date(when.value) : new Date();
      field.value = String(isNaN(date.getTime()) ? new Date().getTimezoneOffset() : date.getTimezoneOffset());
    }
    update();
    if (when) { when.addEventListener("change", update); }
  });

  // Drag and drop onto the file input's area: the dropped files become the input's files.
  document.querySelectorAll("[data-drop-for]").forEach(function (zone) {
    var input = document.getElementById(zone.getAttribute("data-drop-for"));
    var list = zone.querySelector("[data-file-list]");
    if (!input) { return; }
    function show() {
      if (!list) { return; }
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KiB)";
        list.appendChild(item);
      });
    }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
      // Keep files chosen before and add the dropped ones.
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
      Array.prototype.forEach.call(e.dataTransfer.files, function (f) { all.items.add(f); });
      input.files = all.files;
      show();
    });
    input.addEventListener("change", show);

    // Too large for the server: say so before uploading (the server checks again).
    var max = parseInt(zone.getAttribute("data-max-bytes") || "0", 10);
    var sizeError = zone.querySelector("[data-size-error]");
    if (max > 0 && input.form) {
      input.form.addEventListener("submit", function (e) {
        var total = 0;
        Array.prototype.forEach.call(input.files, function (f) { total += f.size; });
        if (total > max) {
          e.preventDefault();
          if (sizeError) {
            sizeError.textContent = "The files are " + Math.ceil(total / 1048576) + " MiB together; at most " + Math.floor(max / 1048576) + " MiB can be sent.";
            sizeError.hidden = false;
          }
        }
      });
    }
  });

  // Live status of outgoing faxes: server-sent events from the outbox.
  var live = document.querySelector("[data-live]");
  if (live && window.EventSource) {
    var source = new EventSource(live.getAttribute("data-live"));
    source.addEventListener("job", function (e) {
      var job;
      try { job = JSON.parse(e.data); } catch (err) { return; }
      document.querySelectorAll("[data-job='" + job.id + "'] [data-status]").forEach(function (status) {
        status.textContent = job.text;
        status.className = "state state-" + job.state;
      });
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }
})();
