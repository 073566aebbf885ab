// Upload progress for the actuals form. Without this script the form posts as usual and the page shows the result;
// with it the file goes by XHR, a bar shows the bytes sent, then the server's page replaces the current one's content.
(function () {
  "use strict";

  function bind(form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) {
        return;
      }
      event.preventDefault();
      var box = form.querySelector(".upload-progress");
      var bar = box.querySelector("progress");
      var text = box.querySelector(".upload-progress-text");
      var button = form.querySelector("button[type=submit]");
      var request = new XMLHttpRequest();
      box.hidden = false;
      bar.value = 0;
      text.textContent = "正在上传…";
      button.disabled = true;

      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) {
          return;
        }
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        text.textContent = "正在上传 " + percent + "%（" + kilobytes(e.loaded) + " / " + kilobytes(e.total) + "）";
      });
      request.upload.addEventListener("load", function () {
        bar.value = 100;
        bar.removeAttribute("value"); // indeterminate while the server checks every row
        text.textContent = "上传完成，正在逐行校验…";
      });
      request.addEventListener("load", function () {
        // Redirected elsewhere (an expired session to the sign-in page): go there as a plain post would have.
        if (request.responseURL && new URL(request.responseURL).pathname !== new URL(form.action, location.href).pathname) {
          window.location.href = request.responseURL;
          return;
        }
        var page = request.responseXML;
        var main = page && page.querySelector("main");
        if (!main) {
          fail("服务器返回了无法识别的内容（" + request.status + "），请刷新页面后重试。");
          return;
        }
        document.title = page.title;
        document.querySelector("main").replaceWith(document.adoptNode(main));
        start();
        var result = document.getElementById("upload-result");
        if (result && result.firstElementChild) {
          result.scrollIntoView();
        }
      });
      request.addEventListener("error", function () {
        fail("上传失败：网络连接中断，请重试。");
      });

      function fail(message) {
        button.disabled = false;
        bar.value = 0;
        text.textContent = message;
      }

      request.open("POST", form.action);
      request.responseType = "document";
      request.send(new FormData(form));
    });
  }

  function kilobytes(bytes) {
    return (bytes / 1024).toFixed(bytes < 10240 ? 1 : 0) + " KB";
  }

  function start() {
    var forms = document.querySelectorAll("form[data-upload]");
    for (var i = 0; i < forms.length; i++) {
      bind(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
