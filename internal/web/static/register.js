// Fills age, gender and home county as the officer types an ID number.
// The form works without it: the server shows the same after submitting.
(function () {
  var input = document.getElementById("id_number");
  var info = document.getElementById("id_info");
  if (!input || !info || !window.fetch) return;
  var last = "";
  input.addEventListener("input", function () {
    var n = input.value.trim();
    if (n.length !== 18 || n === last) return;
    last = n;
    fetch("/officer/id-info?n=" + encodeURIComponent(n), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.valid) {
          info.textContent = d.age + " · " + d.gender + " · " + d.county;
          info.classList.remove("field-error");
        } else if (d.message) {
          info.textContent = d.message;
          info.classList.add("field-error");
        }
      })
      .catch(function () {});
  });
})();
