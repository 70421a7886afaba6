"""Read a page's form the way a browser would submit it, so a test can change one field
and post the rest unchanged."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            wanted = a.get("id") == self.form_id if self.form_id else a.get("method") == "post"
            self.inside = wanted and not self.done
            return
        if tag == "option" and self.inside and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
            return
        if not self.inside or "name" not in a or "disabled" in a:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self._add(a["name"], a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(a["name"], [])
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The first POST form of the page (or the one with `form_id`) as it would be sent."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {name: values for name, values in reader.data.items() if values}
