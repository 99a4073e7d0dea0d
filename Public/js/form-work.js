// The public registration form's proof of work (see FormChallenge.swift): find a counter such that
// SHA-256("<nonce>:<counter>") starts with the challenge's number of zero bits, then send it with the form.
// It starts when the page loads, so it is usually done before the form is filled in; it runs in slices so the
// page stays responsive, and says what it is doing.
(function () {
  "use strict";
  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  var W = new Int32Array(64);
  var bytes = new Uint8Array(64);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  // The first 32 bits of SHA-256 of a message shorter than 56 bytes (one block).
  function firstWord(length) {
    bytes.fill(0, length);
    bytes[length] = 0x80;
    var i;
    for (i = 0; i < 14; i++) {
      W[i] = (bytes[4 * i] << 24) | (bytes[4 * i + 1] << 16) | (bytes[4 * i + 2] << 8) | bytes[4 * i + 3];
    }
    W[14] = 0;
    W[15] = length * 8;
    for (i = 16; i < 64; i++) {
      var w15 = W[i - 15], w2 = W[i - 2];
      var s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      var s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    var a = 0x6a09e667, b = 0xbb67ae85 | 0, c = 0x3c6ef372, d = 0xa54ff53a | 0;
    var e = 0x510e527f, f = 0x9b05688c | 0, g = 0x1f83d9ab, h = 0x5be0cd19;
    for (i = 0; i < 64; i++) {
      var t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    return (0x6a09e667 + a) | 0;
  }

  function solve(nonce, bits, onProgress, onDone) {
    var prefix = nonce + ":";
    for (var i = 0; i < prefix.length; i++) { bytes[i] = prefix.charCodeAt(i); }
    var counter = 0;
    function slice() {
      var end = counter + 40000;
      for (; counter < end; counter++) {
        var digits = String(counter), length = prefix.length;
        for (var j = 0; j < digits.length; j++) { bytes[length++] = digits.charCodeAt(j); }
        var word = firstWord(length);
        if (word === 0 ? bits <= 32 : Math.clz32(word) >= bits) { onDone(digits); return; }
      }
      onProgress(counter);
      setTimeout(slice, 0);
    }
    slice();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-work-challenge]");
    if (!form) { return; }
    var challenge = form.getAttribute("data-work-challenge");
    var parts = challenge.split(".");
    var bits = parseInt(parts[1], 10);
    var workField = form.querySelector("input[name=work]");
    var status = document.getElementById("work-status");
    var solved = false, sendWhenSolved = false;
    status.textContent = status.getAttribute("data-working");
    form.addEventListener("submit", function (event) {
      if (solved) { return; }
      event.preventDefault();
      sendWhenSolved = true;
      status.textContent = status.getAttribute("data-sending");
    });
    solve(parts[2], bits, function () {}, function (counter) {
      workField.value = counter;
      solved = true;
      if (sendWhenSolved) {
        form.submit();
      } else {
        status.textContent = status.getAttribute("data-ready");
      }
    });
  });
})();
