"""Read YAML from outside without trusting it: bounded size, depth and alias expansion, strict
UTF-8, no duplicate keys, no custom tags.

PyYAML's ``safe_load`` already refuses ``!!python/object`` tags. What it does not refuse, and this
loader does, before any Python object is built:

* a document over :data:`MAX_BYTES` (checked on the bytes, before parsing);
* bytes that are not UTF-8, or text with NUL or other C0 control characters than tab, LF and CR
  (a binary file): the error gives the byte offset;
* nesting deeper than :data:`MAX_DEPTH` (1,000-deep nesting would end in a RecursionError);
* a document whose aliases expand to more than :data:`MAX_NODES` nodes (a "billion laughs"
  bomb of a few hundred bytes expands to 10⁹ nodes; every later traversal, even ``repr``, would
  run out of memory);
* the same key twice in one mapping (YAML 1.2 forbids it; PyYAML keeps the last silently).

Every refusal is an :class:`~tocsin.errors.InputError` naming the source, where (line and column,
or byte offset) and what was expected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tocsin.errors import InputError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "load_yaml", "read_yaml_file"]

MAX_BYTES: int = 10 * 2**20
"""Largest document accepted, bytes (10 MiB: a scenario of thousands of launches is ~1 MB)."""
MAX_DEPTH: int = 32
"""Deepest nesting of mappings and sequences accepted (scenarios nest 5 deep)."""
MAX_NODES: int = 200_000
"""Most nodes a document may expand to, aliases counted each time they are used."""


def _where(node: Node) -> str:
    m = node.start_mark
    return f"line {m.line + 1}, column {m.column + 1}"


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting while composing and duplicate keys while
    constructing."""

    def __init__(self, stream: str, source: str) -> None:
        super().__init__(stream)
        self._source = source
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise InputError(self._source, f"nesting at line {mark.line + 1}",
                             f"at most {MAX_DEPTH} levels of nested mappings and lists")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    dup = key in seen
                except TypeError:  # an unhashable key: construct_mapping reports it
                    continue
                if dup:
                    raise InputError(self._source, f"key {key!r} at {_where(key_node)}",
                                     "each key once per mapping")
                seen.add(key)
        return super().construct_mapping(node, deep)


# YAML 1.2 floats: PyYAML (YAML 1.1) reads ``1e308`` and ``5e-9`` (no dot) as strings.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
                |[-+]?\.(?:inf|Inf|INF)
                |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."))


def _expanded_size(root: Node, source: str) -> int:
    """Nodes of the document with every alias expanded, counted without expanding (memoised by
    node identity); stops as soon as :data:`MAX_NODES` is passed."""
    memo: dict[int, int] = {}

    def size(node: Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if isinstance(node, ScalarNode):
            n = 1
        elif isinstance(node, SequenceNode):
            n = 1 + sum(size(c) for c in node.value)
        elif isinstance(node, MappingNode):
            n = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            n = 1
        if n > MAX_NODES:
            raise InputError(source, f"aliases expanding past {MAX_NODES:,} nodes at "
                             f"{_where(node)}", f"at most {MAX_NODES:,} nodes, aliases counted "
                             "each time they are used")
        memo[key] = n
        return n

    return size(root)


def _decode(data: bytes, source: str) -> str:
    if len(data) > MAX_BYTES:
        raise InputError(source, f"{len(data):,} bytes", f"a document of at most {MAX_BYTES:,} "
                         "bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"byte 0x{data[exc.start]:02x} at offset {exc.start}",
                         "UTF-8 text (is it a binary file?)") from None
    return _check_text(text, source)


def _check_text(text: str, source: str) -> str:
    for i, ch in enumerate(text):
        if ch < " " and ch not in "\t\n\r":
            offset = len(text[:i].encode("utf-8"))
            raise InputError(source, f"control character {ch!r} at byte offset {offset}",
                             "YAML text (is it a binary file?)")
    return text


def load_yaml(data: str | bytes, source: str = "document") -> Any:
    """Parse one YAML document from outside (module docstring); ``source`` names it in errors."""
    if isinstance(data, bytes):
        text = _decode(data, source)
    else:
        if len(data) > MAX_BYTES:  # characters ≤ bytes: cheap first test
            raise InputError(source, f"{len(data):,} characters",
                             f"a document of at most {MAX_BYTES:,} bytes")
        text = _check_text(data, source)
    loader = _Loader(text, source)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, source)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "the file"
        raise InputError(source, f"YAML at {where}", "valid YAML",
                         hint=str(getattr(exc, "problem", None) or exc)) from None
    except RecursionError:
        raise InputError(source, "nesting too deep",
                         f"at most {MAX_DEPTH} levels of nested mappings and lists") from None
    finally:
        loader.dispose()


def read_yaml_file(path: str | Path, what: str = "a readable YAML file",
                   field: str = "scenario") -> Any:
    """Read and parse the YAML file at ``path``; errors name ``field`` and the path as
    written."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(str(path), f"{size:,} bytes", f"a file of at most {MAX_BYTES:,} bytes")
        with p.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(field, str(path), what, hint=exc.strerror) from None
    return load_yaml(data, source=str(path))
