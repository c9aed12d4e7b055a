/* Photos taken while declaring: each is made smaller on the phone before it is kept or
 * sent (longest side 1600 px, JPEG), so a photo of a few MB costs a few hundred kB of a
 * weak signal. The shrunk photos replace the chosen files of the form (for a form sent
 * at once) and are kept as blobs by the outbox (static/js/offline.js) for a form saved
 * without a signal. The server re-encodes them again whatever arrives. */
(function () {
  "use strict";
  const LONGEST = 1600;
  const QUALITY = 0.85;

  async function shrink(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    if (bitmap.close) bitmap.close();
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("encode"))), "image/jpeg", QUALITY)
    );
  }

  function attach(input) {
    const form = input.form;
    const previews = form.querySelector("[data-photo-previews]");
    input.addEventListener("change", () => {
      const files = Array.from(input.files || []).filter((f) => f.type.startsWith("image/"));
      form._photosReady = Promise.all(files.map((f) => shrink(f).catch(() => null))).then((blobs) => {
        const kept = blobs.filter(Boolean);
        form._shrunkPhotos = kept;
        if (window.DataTransfer) {
          const transfer = new DataTransfer();
          kept.forEach((blob, i) => transfer.items.add(new File([blob], "photo-" + (i + 1) + ".jpg", { type: "image/jpeg" })));
          input.files = transfer.files;
        }
        if (previews) {
          previews.replaceChildren(
            ...kept.map((blob) => {
              const img = document.createElement("img");
              img.src = URL.createObjectURL(blob);
              img.alt = "";
              img.className = "item-photo";
              return img;
            })
          );
        }
        return kept;
      });
    });
  }

  function start() {
    document.querySelectorAll("form input[type=file][name=photos]").forEach(attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
