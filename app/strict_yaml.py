"""Read YAML strictly: one document, no anchors, aliases, tags or duplicate keys, no guessing."""

from __future__ import annotations

import re
from typing import Any

import yaml

# libyaml's C parser where PyYAML has it; the pure-Python scanner is much slower.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What YAML 1.1 turns into booleans or numbers although the author wrote text, e.g. `no`,
# `0612345678` or `010`. A plain scalar like that is refused instead of guessed at.
_YAML11_RETYPED = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE"
    r"|[-+]?(?:0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9][0-9_]*)"
    r"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class YamlError(ValueError):
    """YAML that is refused; the message names the line where one is known."""


def line_of(node: Any) -> int:
    """The 1-based line where a node or event starts."""
    return int(node.start_mark.line) + 1


class _Loader(_SafeLoader):
    """PyYAML's safe loader with only YAML 1.2's core types, and no duplicate keys."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        """A mapping whose keys are single values, each given once."""
        if not isinstance(node, yaml.MappingNode):
            raise YamlError(f"line {line_of(node)}: expected a mapping")
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(
                    f"line {line_of(key_node)}: "
                    "a key must be a single value, not a mapping or a list"
                )
            key = self.construct_object(key_node, deep=deep)
            if key in mapping:
                raise YamlError(f"line {line_of(key_node)}: duplicate key {key!r}")
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_str(self, node: Any) -> str:
        """Text; a plain scalar that YAML 1.1 would retype must be quoted."""
        value = str(self.construct_scalar(node))
        # libyaml marks a plain scalar with the style "" (PyYAML with None).
        if not node.style and _YAML11_RETYPED.match(value):
            raise YamlError(
                f"line {line_of(node)}: write {value!r} in quotes; YAML 1.1 readers take it for "
                "a boolean or a number"
            )
        return value

    def construct_yaml_int(self, node: Any) -> int:
        """A decimal integer of sensible length."""
        try:
            return int(self.construct_scalar(node))
        except ValueError:  # over Python's 4,300 digits
            digits = len(str(node.value).lstrip("-"))
            raise YamlError(
                f"line {line_of(node)}: a number of {digits} digits is too long"
            ) from None

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """An ISO date that exists."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise YamlError(
                f"line {line_of(node)}: {node.value!r} is not a valid date: {exc}"
            ) from None


# Only YAML 1.2 core booleans, decimal integers, null and ISO dates are typed; all else is text.
_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|false)$", "tf"),
    ("int", r"^-?(?:0|[1-9][0-9]*)$", "-0123456789"),
    ("null", r"^(?:~|null|)$", ["~", "n", ""]),
    ("timestamp", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "0123456789"),
):
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))
for _tag, _method in (
    ("str", _Loader.construct_yaml_str),
    ("int", _Loader.construct_yaml_int),
    ("timestamp", _Loader.construct_yaml_timestamp),
):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _method)


class Document:
    """One YAML document as nodes, so each part can be built on its own and keep its line."""

    def __init__(self, raw: bytes) -> None:
        if raw.startswith(b"\xef\xbb\xbf"):
            raise YamlError("the file starts with a byte-order mark; save it as UTF-8 without one")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise YamlError(f"the file is not UTF-8 (byte {exc.start}): save it as UTF-8") from None
        try:
            # A first pass over the events: an alias bomb or a tag is refused before anything
            # is built from it.
            for event in yaml.parse(text, Loader=_SafeLoader):
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    raise YamlError(f"line {line_of(event)}: anchors and aliases are not allowed")
                if getattr(event, "tag", None) not in (None, "!"):
                    raise YamlError(
                        f"line {line_of(event)}: YAML tags such as {event.tag} are not allowed"
                    )
            self._loader = _Loader(text)
            self.root: Any = self._loader.get_single_node()
        except yaml.YAMLError as exc:
            raise YamlError(str(exc).replace("<unicode string>", "the file")) from None

    def value(self, node: Any) -> Any:
        """The plain value of one node (a record, a list, a scalar)."""
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise YamlError(str(exc).replace("<unicode string>", "the file")) from None

    def mapping(self) -> list[tuple[str, Any]]:
        """The top-level keys of the document with their nodes; refused unless a mapping."""
        if not isinstance(self.root, yaml.MappingNode):
            raise YamlError("the file must hold a mapping of keys")
        pairs = []
        seen = set()
        for key_node, value_node in self.root.value:
            key = self.value(key_node)
            if not isinstance(key, str) or key in seen:
                raise YamlError(f"line {line_of(key_node)}: duplicate or invalid key {key!r}")
            seen.add(key)
            pairs.append((key, value_node))
        return pairs
