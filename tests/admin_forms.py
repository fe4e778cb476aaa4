"""Read an admin change form's HTML back into the data a browser would post."""

from html.parser import HTMLParser


class _FormData(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
                return
            self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def change_form_data(response):
    """The form data of an admin change page, as posted by "Save" with nothing changed."""
    parser = _FormData()
    parser.feed(response.content.decode())
    # Django's textarea widget starts its content with a newline that browsers drop.
    return {
        name: [value.removeprefix("\n") for value in values]
        for name, values in parser.data.items()
        if not name.startswith("__prefix__") and "__prefix__" not in name
    }
