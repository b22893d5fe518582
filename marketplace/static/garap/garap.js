/* Garap's few lines of JavaScript, loaded on every page (templates/base.html) so that no page
   needs an inline script (the Content-Security-Policy allows scripts from this site only).
   Each part looks for its elements and does nothing on a page without them; every page works
   without JavaScript. */

/* The post-a-gig form: narrow the skills to the chosen category. */
(function () {
  // Without this script all skills are listed, grouped by category.
  var data = document.getElementById("skill-categories");
  var category = document.getElementById("id_category"), skills = document.getElementById("id_skills");
  if (!data || !category || !skills) return;
  var map = JSON.parse(data.textContent);
  function narrow() {
    var chosen = category.value;
    skills.querySelectorAll("option").forEach(function (option) {
      var owner = map[option.value];
      var shown = !chosen || owner === null || owner === undefined || String(owner) === chosen;
      option.hidden = !shown; option.disabled = !shown;
      if (!shown) option.selected = false;
    });
    skills.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  }
  category.addEventListener("change", narrow);
  narrow();
})();

/* Rupiah inputs (marketplace/rupiah.py, data-rupiah): dots between thousands as people type,
   "150000" becomes "150.000". The server reads the amount either way (without this script too);
   what it cannot read ("1,5", "-5") is left as typed, for the server's message. */
(function () {
  // The same shapes as marketplace.rupiah.parse_rupiah: digits, or groups of three.
  function typedRupiah(text) {
    var v = text.replace(/[\s\u00a0\u2007\u2009\u202f]+/g, " ").trim()
      .replace(/^(rp\.?|idr)\s*/i, "").replace(/,-$/, "");
    if (!/^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+|\d{1,3}(,\d{3})+)$/.test(v)) return NaN;
    return parseInt(v.replace(/\D/g, ""), 10);
  }
  function grouped(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function format(input) {
    var value = input.value;
    if (!/^[\d.\s\u00a0]*$/.test(value)) return;
    var focused = document.activeElement === input;
    var caret = focused && input.selectionStart !== null ? input.selectionStart : value.length;
    var before = value.slice(0, caret).replace(/\D/g, "").length;  // keep the caret after these
    var out = grouped(value.replace(/\D/g, ""));
    if (out === value) return;
    input.value = out;
    if (!focused) return;
    var pos = 0;
    for (var seen = 0; pos < out.length && seen < before; pos++) if (/\d/.test(out[pos])) seen++;
    input.setSelectionRange(pos, pos);
  }
  document.querySelectorAll("input[data-rupiah]").forEach(function (input) {
    format(input);
    input.addEventListener("input", function () { format(input); });
  });

  /* A gig's bid form: preview the fee and what the freelancer receives as the amount is typed. */
  var box = document.getElementById("fee-preview"), amountInput = document.getElementById("id_amount");
  if (!box || !amountInput) return;
  var bps = parseInt(box.getAttribute("data-fee-bps"), 10);
  // The preview follows the typing here, so its button (for pages without JavaScript) goes:
  // pressing Enter in the form then sends the bid, as it would without that button.
  var previewButton = box.querySelector("button[name=preview]");
  if (previewButton) previewButton.remove();
  function rp(n) { return "Rp " + grouped(String(n)); }
  function show(id, n) { document.getElementById(id).textContent = rp(n); }
  amountInput.addEventListener("input", function () {
    var amount = typedRupiah(amountInput.value);
    if (!(amount > 0) || amount > 1e12) return;
    var fee = Math.floor((amount * bps + 5000) / 10000);  // payments.fees.platform_fee
    show("fee-price", amount); show("fee-amount", fee); show("fee-receives", amount - fee);
    var sentence = document.getElementById("fee-sentence");
    if (sentence) sentence.textContent = sentence.getAttribute("data-sentence").replace("{}", rp(amount - fee));
  });
})();

/* A gig's page: confirm buttons that have a data-confirm question; copy the share link. */
(function () {
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  var copy = document.getElementById("copy-link"), field = document.getElementById("share-url");
  if (copy && field && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        copy.textContent = copy.getAttribute("data-done");
      });
    });
  }
})();

/* A contract's page: keep the countdowns ticking. */
(function () {
  var lang = document.documentElement.lang || "id", nodes = document.querySelectorAll("[data-countdown]");
  if (!nodes.length || !window.Intl || !Intl.NumberFormat) return;
  function unit(n, name) { return new Intl.NumberFormat(lang, {style: "unit", unit: name, unitDisplay: "long"}).format(n); }
  function span(ms) {
    var m = Math.floor(Math.abs(ms) / 60000), d = Math.floor(m / 1440), h = Math.floor(m % 1440 / 60);
    if (m < 1) return null;
    var parts = d ? [[d, "day"], [h, "hour"]] : h ? [[h, "hour"], [m % 60, "minute"]] : [[m, "minute"]];
    return parts.filter(function (p, i) { return i === 0 || p[0]; }).map(function (p) { return unit(p[0], p[1]); }).join(" ");
  }
  function tick() {
    nodes.forEach(function (el) {
      var ms = Date.parse(el.getAttribute("datetime")) - Date.now(), text;
      try { text = span(ms); } catch (e) { return; }
      if (text) el.textContent = el.getAttribute(ms > 0 ? "data-future" : "data-past").replace("{}", text);
    });
  }
  setInterval(tick, 30000);
})();

/* A form that failed: its error summary (templates/forms/_refusal.html) takes the focus, for
   browsers that do not honour autofocus on it. The page scrolls to it either way. */
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) summary.focus();
})();

/* The profile photo page: show the chosen picture before it is sent (a data: URL, as the
   Content-Security-Policy allows; nothing leaves the phone until the form is sent). */
(function () {
  document.querySelectorAll("input[type=file][data-preview]").forEach(function (input) {
    var image = document.getElementById(input.getAttribute("data-preview"));
    if (!image || !window.FileReader) return;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type)) {
        image.parentNode.hidden = true;
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        image.src = reader.result;
        image.parentNode.hidden = false;
      };
      reader.readAsDataURL(file);
    });
  });
})();

/* The installable web app: register the service worker (/sw.js, marketplace/pwa.py), which keeps
   the shell and shows the offline page when a page cannot load. Pages work without it. */
(function () {
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  });
})();

/* Notices on this phone (templates/accounts/phone_notices.html): subscribe this browser with the
   Push API and hand the subscription to the API, or take it back. Without this script the
   buttons stay hidden and the page says notifications need it. */
(function () {
  var form = document.getElementById("push-toggle"), note = document.getElementById("push-status");
  if (!form || !note || !("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) return;
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  function say(state) { note.textContent = note.getAttribute("data-" + state); }
  function key(b64) {
    var raw = atob((b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "X-CSRFToken": token}})
      .then(function (r) { if (!r.ok && r.status !== 404) throw new Error(r.status); return r; });
  }
  function current() {
    return navigator.serviceWorker.ready.then(function (reg) { return reg.pushManager.getSubscription(); });
  }
  form.hidden = false;
  current().then(function (sub) { say(sub && Notification.permission === "granted" ? "on" : "off"); });
  form.querySelector("[data-push=on]").addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say("blocked"); return; }
      return navigator.serviceWorker.ready.then(function (reg) {
        return reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(form.getAttribute("data-vapid-key"))});
      }).then(function (sub) {
        return post(form.getAttribute("data-subscribe"), sub.toJSON());
      }).then(function () { say("on"); });
    }).catch(function () { say("failed"); });
  });
  form.querySelector("[data-push=off]").addEventListener("click", function () {
    current().then(function (sub) {
      if (!sub) { say("off"); return; }
      return post(form.getAttribute("data-unsubscribe"), {endpoint: sub.endpoint})
        .then(function () { return sub.unsubscribe(); }).then(function () { say("off"); });
    }).catch(function () { say("failed"); });
  });
})();
