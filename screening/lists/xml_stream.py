"""Streaming the records of a list published as XML (UN, EU FSF, UK Sanctions List).

One place for what the three XML loaders share: lxml's iterparse without entities or network,
each record handed over once fully read and freed right after (memory stays flat), the root
checked at its start, and a malformed or truncated document refused with the line lxml stopped
at.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from lxml import etree

from screening.lists.errors import ListLoadError

__all__ = ["element_line", "iter_records"]


def element_line(element: etree._Element) -> int | None:
    """The source line of an element (for error messages), or None when lxml does not know it."""
    line: object = element.sourceline  # lxml-stubs type this loosely; lxml gives int or None
    return line if isinstance(line, int) else None


def iter_records(
    path: Path, raw: bytes, tags: Collection[str], check_root: Callable[[etree._Element], None]
) -> Iterator[etree._Element]:
    """Each element of `raw` whose tag is in `tags`, in document order, once its end is read.

    Guarantees: `check_root` sees the root element when it starts (it raises `ListLoadError` to
    refuse the document); a yielded element and the siblings before it are freed when the caller
    asks for the next one, so use it before then; a document that is not well-formed raises
    `ListLoadError(path, line, 'malformed XML (truncated?): …')`.
    """
    try:
        events = etree.iterparse(
            io.BytesIO(raw), events=("start", "end"), resolve_entities=False, no_network=True
        )
        for event, element in events:
            if event == "start":
                if element.getparent() is None:
                    check_root(element)
                continue
            if element.tag not in tags:
                continue
            yield element
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise ListLoadError(path, exc.lineno or None, f"malformed XML (truncated?): {exc.msg}") from None
