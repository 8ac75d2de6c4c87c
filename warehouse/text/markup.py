"""HTML to clean plain text, shared by every source. Pure: a string in, a string out."""

from __future__ import annotations

import html as html_lib
import re

from lxml import etree

# Far more than any real page body; past this we cut rather than spend seconds parsing.
MAX_INPUT_CHARS = 4_000_000

_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "head", "svg", "object",
                   "embed", "canvas", "button", "select", "form"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "html", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "tfoot", "thead", "ul",
})
_LINE = frozenset({"li", "br", "tr"})
_CELL = frozenset({"td", "th"})

# Private-use characters mark breaks while whitespace is collapsed.
_PARA = "\ue000"
_NEWLINE = "\ue001"
_MARKERS = re.compile("[\ue000\ue001]")
_SPACE = re.compile(r"\s+")
# Tag-like text left after unescaping double-escaped HTML ("&lt;p&gt;").
_LEFTOVER_TAG = re.compile(r"</?[A-Za-z!?][^<>]{0,200}>")
_DROPPED_BLOCK = re.compile(
    r"<(script|style|noscript|template|iframe)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_ANY_TAG = re.compile(r"<[^<>]*>")


def _parser() -> etree.HTMLParser:
    return etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True,
                            no_network=True, default_doctype=False, huge_tree=True)


def _pieces(root: etree._Element) -> list[str]:
    pieces: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _DROP:
                walker.skip_subtree()
                continue
            if tag in _BLOCK:
                pieces.append(_PARA)
            elif tag in _LINE:
                pieces.append(_NEWLINE)
            if element.text:
                pieces.append(element.text)
        else:
            if tag in _BLOCK:
                pieces.append(_PARA)
            elif tag == "li" or tag == "tr":
                pieces.append(_NEWLINE)
            elif tag in _CELL:
                pieces.append(" ")
            if element.tail and element is not root:
                pieces.append(element.tail)
    return pieces


def _assemble(text: str) -> str:
    paragraphs: list[str] = []
    for block in text.split(_PARA):
        lines = [_SPACE.sub(" ", line).strip() for line in block.split(_NEWLINE)]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _fallback(html: str) -> str:
    """Crude tag stripping for input libxml2 gives up on (e.g. nesting past its depth limit)."""
    text = _ANY_TAG.sub(" ", _DROPPED_BLOCK.sub(" ", html))
    return _SPACE.sub(" ", html_lib.unescape(text)).strip()


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment or page: no markup, scripts or styles.

    Block elements become paragraph breaks ("\\n\\n"), list items and table rows their own
    lines, runs of whitespace one space; entities are unescaped. Empty or unparseable input
    gives "".
    """
    if not html or not html.strip():
        return ""
    html = _MARKERS.sub(" ", html[:MAX_INPUT_CHARS]).replace("\x00", "")
    try:
        root = etree.fromstring(html, _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    text = _assemble("".join(_pieces(root))) if root is not None else ""
    if not text:
        text = _fallback(html)
    return _LEFTOVER_TAG.sub("", text).strip()
