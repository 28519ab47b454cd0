"""Filling admin forms the way a browser would: every field's current value, then changes."""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image"):
                self.fields[name] = [attrs.get("value", "")]
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][0] += data


def form_values(html, form_id):
    reader = FormReader(form_id)
    reader.feed(html)
    values = {}
    for name, items in reader.fields.items():
        values[name] = items if len(items) != 1 else items[0]
    for name, value in values.items():
        if isinstance(value, str) and value.startswith("\n"):
            values[name] = value[1:]  # a textarea's leading newline is not content
    return values


def admin_form(client, url, form_id, **changes):
    """GET the admin form at `url`, change some fields, return the data to POST."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = form_values(response.content.decode(), form_id)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}
