/* The Add Media dialog of the post and page forms, as WordPress's: the library (search, pick),
   uploads (drop or choose, with progress), and the chosen image inserted at the cursor with its
   size, alt text, caption and link, or set as the featured image. */
(function () {
  "use strict";

  function gettext(text) { // the admin's JavaScript catalogue (jsi18n), once the page has it
    return window.gettext ? window.gettext(text) : text;
  }

  var editors = new Map(); // textarea -> the visual editor built on it
  document.addEventListener("prose-editor:ready", function (event) {
    editors.set(event.detail.textarea, event.detail.editor);
  });

  function escapeHtml(text) {
    return String(text == null ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  /* The markup WordPress's classic editor writes: wp-image-ID so srcset is added on output,
     [caption] exactly as the theme renders captions. */
  function markup(item, choice) {
    if (!item.is_image) {
      return '<a href="' + escapeHtml(item.url) + '">' + escapeHtml(item.title) + "</a>";
    }
    var size = item.sizes[choice.size] || item.sizes.full;
    var image = '<img class="wp-image-' + item.id + " size-" + choice.size + " " + choice.align +
      '" src="' + escapeHtml(size.url) + '" alt="' + escapeHtml(choice.alt) + '" width="' +
      size.width + '" height="' + size.height + '">';
    var href = choice.link === "file" ? item.url : choice.link === "custom" ? choice.href : "";
    if (href) image = '<a href="' + escapeHtml(href) + '">' + image + "</a>";
    if (!choice.caption) return image;
    return '[caption id="attachment_' + item.id + '" align="' + choice.align + '" width="' +
      size.width + '"]' + image + " " + escapeHtml(choice.caption) + "[/caption]";
  }

  /* The visual editor keeps figures and images but not classes on images or links around
     them: it gets a figure; the server marks library images again when the entry is saved. */
  function visualMarkup(item, choice) {
    if (!item.is_image) return markup(item, choice);
    var size = item.sizes[choice.size] || item.sizes.full;
    var image = '<img src="' + escapeHtml(size.url) + '" alt="' + escapeHtml(choice.alt) +
      '" width="' + size.width + '" height="' + size.height + '">';
    if (!choice.caption) return image;
    return '<figure class="wp-caption ' + choice.align + '">' + image + "<figcaption>" +
      escapeHtml(choice.caption) + "</figcaption></figure>";
  }

  function insertIntoBody(item, choice) {
    var textarea = document.getElementById("id_body");
    var editor = editors.get(textarea);
    if (editor) {
      editor.chain().focus().insertContent(visualMarkup(item, choice)).run();
      return;
    }
    var text = markup(item, choice);
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  function MediaDialog(config) {
    this.config = config;
    this.build();
  }

  MediaDialog.prototype.build = function () {
    var self = this;
    this.search = el("input", { type: "search", placeholder: gettext("Search media"), "aria-label": gettext("Search media") });
    this.file = el("input", { type: "file", multiple: "", accept: "image/*,audio/*,application/pdf", hidden: "" });
    this.drop = el("div", { class: "inkwell-drop", tabindex: "0" }, [
      el("p", { text: gettext("Drop files to upload, or") }),
      el("button", { type: "button", class: "button", text: gettext("Select Files") }),
    ]);
    this.progress = el("ul", { class: "inkwell-progress", "aria-live": "polite" });
    this.grid = el("ul", { class: "inkwell-grid", role: "listbox", "aria-label": gettext("Media library") });
    this.more = el("button", { type: "button", class: "button", text: gettext("Load more"), hidden: "" });
    this.details = el("form", { class: "inkwell-details", hidden: "" });
    this.title = el("h2", { id: "inkwell-media-title", text: gettext("Add Media") });
    this.dialog = el("dialog", { class: "inkwell-media", "aria-labelledby": "inkwell-media-title" }, [
      el("div", { class: "inkwell-media-head" }, [
        this.title,
        el("button", { type: "button", class: "inkwell-close", "aria-label": gettext("Close"), text: "×" }),
      ]),
      el("div", { class: "inkwell-media-body" }, [
        el("div", { class: "inkwell-library" }, [this.search, this.drop, this.file, this.progress, this.grid, this.more]),
        this.details,
      ]),
    ]);
    document.body.appendChild(this.dialog);
    this.dialog.querySelector(".inkwell-close").addEventListener("click", function () { self.dialog.close(); });
    this.drop.querySelector("button").addEventListener("click", function () { self.file.click(); });
    this.file.addEventListener("change", function () { self.upload(self.file.files); self.file.value = ""; });
    ["dragenter", "dragover"].forEach(function (name) {
      self.drop.addEventListener(name, function (event) { event.preventDefault(); self.drop.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      self.drop.addEventListener(name, function (event) { event.preventDefault(); self.drop.classList.remove("is-over"); });
    });
    this.drop.addEventListener("drop", function (event) { self.upload(event.dataTransfer.files); });
    var timer;
    this.search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.load(1); }, 250);
    });
    this.more.addEventListener("click", function () { self.load(self.page + 1); });
  };

  MediaDialog.prototype.open = function (mode, onPick) {
    this.mode = mode;
    this.onPick = onPick;
    this.title.textContent = mode === "featured" ? gettext("Featured image") : gettext("Add Media");
    this.details.hidden = true;
    this.load(1);
    this.dialog.showModal();
    this.search.focus();
  };

  MediaDialog.prototype.load = function (page) {
    var self = this;
    var query = new URLSearchParams({ page: page, search: this.search.value });
    if (this.mode === "featured") query.set("type", "image");
    fetch(this.config.library + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        self.page = data.page;
        if (page === 1) self.grid.textContent = "";
        data.items.forEach(function (item) { self.grid.appendChild(self.tile(item)); });
        self.more.hidden = data.page >= data.pages;
        if (!self.grid.children.length) {
          self.grid.appendChild(el("li", { class: "inkwell-empty", text: gettext("No media found.") }));
        }
      });
  };

  MediaDialog.prototype.tile = function (item) {
    var self = this;
    var button = el("button", { type: "button", class: "inkwell-tile", role: "option", "aria-label": item.title });
    if (item.is_image) button.appendChild(el("img", { src: item.thumbnail, alt: "" }));
    else button.appendChild(el("span", { class: "inkwell-file", text: item.title }));
    button.addEventListener("click", function () {
      self.grid.querySelectorAll("[aria-selected]").forEach(function (b) { b.removeAttribute("aria-selected"); });
      button.setAttribute("aria-selected", "true");
      self.select(item);
    });
    return el("li", {}, [button]);
  };

  MediaDialog.prototype.upload = function (files) {
    var self = this;
    Array.prototype.forEach.call(files, function (file) {
      var bar = el("progress", { max: "100", value: "0" });
      var line = el("li", {}, [el("span", { text: file.name + " " }), bar]);
      self.progress.appendChild(line);
      var body = new FormData();
      body.append("file", file);
      var request = new XMLHttpRequest();
      request.open("POST", self.config.upload);
      request.setRequestHeader("X-CSRFToken", csrfToken());
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
      });
      request.addEventListener("load", function () {
        var data = {};
        try { data = JSON.parse(request.responseText); } catch (error) { data = { error: gettext("The upload failed.") }; }
        if (request.status !== 201) {
          line.replaceChildren(el("span", { class: "inkwell-error", role: "alert", text: file.name + ": " + (data.error || "the upload failed.") }));
          return;
        }
        line.remove();
        var empty = self.grid.querySelector(".inkwell-empty");
        if (empty) empty.remove();
        var tile = self.tile(data);
        self.grid.insertBefore(tile, self.grid.firstChild);
        tile.querySelector("button").click();
      });
      request.addEventListener("error", function () {
        line.replaceChildren(el("span", { class: "inkwell-error", role: "alert", text: file.name + ": the upload failed." }));
      });
      request.send(body);
    });
  };

  MediaDialog.prototype.saveDetails = function (item, choice) {
    var body = new FormData();
    body.append("alt", choice.alt);
    body.append("caption", choice.caption);
    item.alt = choice.alt;
    item.caption = choice.caption;
    return fetch(this.config.details.replace("/0/", "/" + item.id + "/"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() },
    });
  };

  MediaDialog.prototype.select = function (item) {
    var self = this;
    var form = this.details;
    form.replaceChildren();
    form.hidden = false;
    form.appendChild(el("h3", { text: gettext("Attachment details") }));
    if (item.is_image) form.appendChild(el("img", { src: item.thumbnail, alt: "", class: "inkwell-preview" }));
    form.appendChild(el("p", { class: "inkwell-name", text: item.title }));
    function field(label, input) {
      var id = "inkwell-" + input.name;
      input.id = id;
      form.appendChild(el("p", {}, [el("label", { for: id, text: label }), input]));
      return input;
    }
    var insert = el("button", { type: "submit", class: "button button-primary default" });
    if (this.mode === "featured") {
      insert.textContent = gettext("Set featured image");
      form.appendChild(insert);
      form.onsubmit = function (event) { event.preventDefault(); self.onPick(item); self.dialog.close(); };
      return;
    }
    var alt, caption, size, align, link, href;
    if (item.is_image) {
      alt = field("Alternative text", el("input", { type: "text", name: "alt" }));
      alt.value = item.alt || "";
      caption = field("Caption", el("textarea", { name: "caption", rows: "2" }));
      caption.value = item.caption || "";
      align = field("Alignment", el("select", { name: "align" }));
      [["alignnone", gettext("None")], ["alignleft", gettext("Left")], ["aligncenter", gettext("Center")], ["alignright", gettext("Right")]].forEach(function (pair) {
        align.appendChild(el("option", { value: pair[0], text: pair[1] }));
      });
      link = field("Link to", el("select", { name: "link" }));
      [["none", gettext("None")], ["file", gettext("Media file")], ["custom", gettext("Custom URL")]].forEach(function (pair) {
        link.appendChild(el("option", { value: pair[0], text: pair[1] }));
      });
      href = field("URL", el("input", { type: "url", name: "href" }));
      href.parentNode.hidden = true;
      link.addEventListener("change", function () { href.parentNode.hidden = link.value !== "custom"; });
      size = field("Size", el("select", { name: "size" }));
      ["thumbnail", "medium", "medium_large", "large", "full"].forEach(function (name) {
        var found = item.sizes[name];
        if (!found) return;
        var label = name.replace("_", " ").replace(/^./, function (c) { return c.toUpperCase(); });
        size.appendChild(el("option", { value: name, text: label + " – " + found.width + " × " + found.height }));
      });
      size.value = item.sizes.large ? "large" : "full";
    }
    insert.textContent = gettext("Insert into post");
    form.appendChild(insert);
    form.onsubmit = function (event) {
      event.preventDefault();
      var choice = item.is_image ? {
        alt: alt.value, caption: caption.value.trim(), size: size.value,
        align: align.value, link: link.value, href: href.value,
      } : {};
      insertIntoBody(item, choice);
      if (item.is_image && (choice.alt !== (item.alt || "") || choice.caption !== (item.caption || ""))) {
        self.saveDetails(item, choice);
      }
      self.dialog.close();
    };
  };

  function featuredPicker(dialog) {
    var select = document.getElementById("id_featured_image");
    if (!select) return;
    var row = select.closest(".form-row") || select.parentNode;
    var preview = el("div", { class: "inkwell-featured" });
    var set = el("button", { type: "button", class: "button", text: gettext("Set featured image") });
    var remove = el("button", { type: "button", class: "button inkwell-remove", text: gettext("Remove featured image") });
    function show(item) {
      preview.replaceChildren();
      if (item) preview.appendChild(el("img", { src: item.thumbnail, alt: "Featured image: " + item.title }));
      remove.hidden = !item;
      set.textContent = item ? gettext("Replace featured image") : gettext("Set featured image");
    }
    // The library picker replaces the plain select (and its autocomplete and related links).
    var wrapper = select.closest(".related-widget-wrapper") || select;
    wrapper.hidden = true;
    wrapper.style.display = "none";
    wrapper.insertAdjacentElement("afterend", el("div", { class: "inkwell-featured-box" }, [preview, set, remove]));
    set.addEventListener("click", function () {
      dialog.open("featured", function (item) {
        if (!select.querySelector('option[value="' + item.id + '"]')) {
          select.appendChild(el("option", { value: String(item.id), text: item.title }));
        }
        select.value = String(item.id);
        show(item);
      });
    });
    remove.addEventListener("click", function () { select.value = ""; show(null); });
    var current = dialogConfig.featured;
    show(current && current.id ? current : null);
    return row;
  }

  var dialogConfig;
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("inkwell-media-config");
    if (!source) return;
    dialogConfig = JSON.parse(source.textContent);
    var dialog = new MediaDialog(dialogConfig);
    var body = document.getElementById("id_body");
    if (body) {
      var button = el("button", { type: "button", class: "button inkwell-add-media" }, [
        el("img", { src: dialogConfig.icon, alt: "", width: "16", height: "16" }),
        el("span", { text: " " + gettext("Add Media") }),
      ]);
      button.addEventListener("click", function () { dialog.open("insert"); });
      var row = body.closest(".form-row") || body.parentNode;
      row.insertBefore(el("div", { class: "inkwell-media-buttons" }, [button]), row.firstChild);
    }
    featuredPicker(dialog);
  });
})();
