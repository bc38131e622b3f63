// Scan a visitor card's QR code with the phone's camera into the card number field (where the browser can:
// BarcodeDetector). Without it the field is typed, or a handheld scanner types into it.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-scan-into]");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var field = document.getElementById(button.getAttribute("data-scan-into"));
  var video = document.getElementById(button.getAttribute("data-scan-video"));
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var stop = function () { stream.getTracks().forEach(function (track) { track.stop(); }); video.hidden = true; };
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) { field.value = codes[0].rawValue.replace(/\D/g, ""); stop(); field.focus(); return; }
          window.setTimeout(look, 250);
        }).catch(function () { window.setTimeout(look, 250); });
      };
      look();
    }).catch(function () { button.hidden = true; });
  });
});
