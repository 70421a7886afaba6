"""Reading and writing the content/ files: YAML, and Markdown with YAML front matter.

What `write_*` produces is the canonical form: load → export gives the same bytes.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LINK_RE = re.compile(r"\]\((/[^)\s]*)\)")
ID_RE = re.compile(r'\sid="([^"]+)"')


class ContentError(Exception):
    """A content file is malformed; names the file and line so an author can fix it."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(message)
        self.path = str(path)
        self.line = line
        self.message = message

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Document:
    """A Markdown file with front matter; `body_line` is the file line the body starts on."""

    path: Path
    text: str
    meta: dict
    body: str
    body_line: int

    def line_of(self, key: str) -> int:
        return line_of_key(self.text, key)

    def require(self, *keys: str) -> None:
        for key in keys:
            if self.meta.get(key) in (None, ""):
                raise ContentError(self.path, 1, f"front matter is missing '{key}'")

    def check_types(self, schema: dict[str, str]) -> None:
        """Every front-matter key is known and holds what `schema` says: "text", "number",
        "texts" (a list of texts), "mappings" (a list of mappings) or "mapping". A list
        item written `- Words: more words` is read by YAML as a mapping, the usual slip,
        and is named as such."""
        for key, value in self.meta.items():
            if key not in schema:
                known = ", ".join(sorted(schema))
                raise ContentError(self.path, self.line_of(key), f"unknown key '{key}' ({known})")
            problem = _type_problem(value, schema[key])
            if problem:
                raise ContentError(self.path, self.line_of(key), f"'{key}' {problem}")


_EXPECTED = {"text": str, "number": int, "mapping": dict}


def _type_problem(value, kind: str) -> str:
    if value is None:
        return ""
    if kind in _EXPECTED:
        if isinstance(value, _EXPECTED[kind]) and not isinstance(value, bool):
            return ""
        return f"should be {'a ' if kind != 'text' else ''}{kind}, not {type(value).__name__}"
    if not isinstance(value, list):
        return f"should be a list, not {type(value).__name__}"
    wanted = str if kind == "texts" else dict
    for number, item in enumerate(value, start=1):
        if not isinstance(item, wanted):
            hint = " (quote an item that contains ': ')" if isinstance(item, dict) else ""
            return f"item {number} is a {type(item).__name__}, not a {wanted.__name__}{hint}"
    return ""


def line_of_key(text: str, key: str) -> int:
    """The 1-based line where `key:` first appears, or 1 when it does not."""
    match = re.search(rf"^\s*-?\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _parse_yaml(text: str, path: Path, first_line: int = 1) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(path, line, f"invalid YAML: {problem}") from exc


def read_yaml(path: Path) -> Any:
    return _parse_yaml(path.read_text(encoding="utf-8"), path)


def read_document(path: Path) -> Document:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ContentError(path, 1, "expected front matter starting with a '---' line")
    end = text.find("\n---\n", 4)
    if end == -1:
        raise ContentError(path, 1, "front matter is not closed by a '---' line")
    meta = _parse_yaml(text[4 : end + 1], path, first_line=2)
    if not isinstance(meta, dict):
        raise ContentError(path, 2, "front matter must be a mapping of keys to values")
    body_line = text.count("\n", 0, end + 5) + 1
    return Document(path, text, meta, text[end + 5 :].strip() + "\n", body_line)


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as people write YAML by hand.
        return super().increase_indent(flow, False)


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)


def _lf(data: Any) -> Any:
    """`data` with every text's line endings made LF. Browsers post a textarea's lines
    ending in CRLF; the files always use LF, so an edit made in the admin exports as the
    lines it changed and nothing more."""
    if isinstance(data, str):
        return data.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(data, dict):
        return {key: _lf(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_lf(item) for item in data]
    return data


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_lf(text), encoding="utf-8", newline="\n")


def write_yaml(path: Path, data: Any) -> None:
    write_text(path, dump_yaml(_lf(data)))


def write_document(path: Path, meta: dict, body: str) -> None:
    write_text(path, f"---\n{dump_yaml(_lf(meta))}---\n{_lf(body).strip()}\n")


def find_each(model, path: Path, line: int, field: str, values: list) -> list:
    """The objects whose `field` equals each of `values`, in order; unknown ones are errors."""
    found = {getattr(obj, field): obj for obj in model.objects.filter(**{f"{field}__in": values})}
    for value in values:
        if value not in found:
            raise ContentError(path, line, f"unknown {model._meta.verbose_name} '{value}'")
    return [found[v] for v in values]


def in_key_order(mapping: dict, keys: list[str]) -> dict:
    """`mapping` with `keys` first, in that order (PostgreSQL's jsonb forgets key order)."""
    return {k: mapping[k] for k in keys if k in mapping} | {
        k: v for k, v in sorted(mapping.items()) if k not in keys
    }


def links_in(text: str) -> list[tuple[int, str]]:
    """Site-internal Markdown link targets with the (0-based) line each is on."""
    return [(text.count("\n", 0, m.start()), m.group(1)) for m in LINK_RE.finditer(text)]


def anchors_in(html: str) -> set[str]:
    return set(ID_RE.findall(html))


@dataclass
class LinkTargets:
    """Everything a content link may point at: {kind: {slug: anchors}}."""

    targets: dict[str, dict[str, set[str]]]

    def problem(self, url: str) -> str | None:
        """Why `url` is a broken link, or None when it resolves."""
        path, _, anchor = url.partition("#")
        parts = [p for p in path.split("/") if p]
        if not parts:
            return None
        kind = parts[0]
        if kind in ("compare", "lab", "quizzes", "search", "accounts"):
            return None
        if kind == "sources":
            if anchor and anchor not in self.targets["sources"]:
                return f"unknown source key '{anchor}'"
            return None
        if kind not in self.targets:
            return f"unknown site section '/{kind}/'"
        if len(parts) < 2:
            return None
        slug = parts[1]
        if slug not in self.targets[kind]:
            return f"no {kind.rstrip('s')} with slug '{slug}'"
        if anchor and anchor not in self.targets[kind][slug]:
            return f"no section '#{anchor}' in /{kind}/{slug}/"
        return None


IMAGE_RE = re.compile(r"!\[[^\]]*\]\(")
NO_IMAGES = (
    "images are not supported in course text yet (the sanitizer would drop them): describe "
    "the picture in words, or link to it"
)


def check_links(documents: list[tuple[Path, str, int]], targets: LinkTargets) -> None:
    """Raise ContentError for the first broken internal link, or image, in any
    (path, text, first_line)."""
    for path, text, first_line in documents:
        image = IMAGE_RE.search(text or "")
        if image:
            raise ContentError(path, first_line + text.count("\n", 0, image.start()), NO_IMAGES)
        for offset, url in links_in(text):
            problem = targets.problem(url)
            if problem:
                raise ContentError(path, first_line + offset, f"broken link {url}: {problem}")
