"""YAML loading for untrusted files: dates kept as text, no aliases, and the line of every key.

Dates stay text so that impossible dates are reported instead of crashing.
Aliases are refused because one short alias chain (the "billion laughs")
stands for billions of values: loading it is instant, but printing or
checking the value is not. Nesting is bounded by libyaml (1000 levels).
"""

from __future__ import annotations

import yaml

#: libyaml's parser where it is installed (several times faster), PyYAML's own otherwise.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TextDatesLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader without implicit timestamps: ``2022-02-29`` stays the string it is."""


TextDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class AliasError(yaml.MarkedYAMLError):
    """A YAML alias (``*name``): refused, since it may stand for a value of any size."""


def _refuse_aliases(text: str) -> None:
    # Every alias is written with '*': most files have none and are not scanned twice.
    if "*" not in text:
        return
    for token in yaml.scan(text, Loader=TextDatesLoader):
        if isinstance(token, yaml.AliasToken):
            raise AliasError(
                problem=f"the alias *{token.value} is not allowed (an alias can stand for "
                "billions of values); write the value itself",
                problem_mark=token.start_mark,
            )


def load_yaml(text: str) -> object:
    _refuse_aliases(text)
    return yaml.load(text, Loader=TextDatesLoader)  # noqa: S506 (a safe loader)


#: Where a value is, as the keys that lead to it: ``("milestone", "beta")``, ``("participating-sigs", 0)``.
Where = tuple[str | int, ...]


def load_yaml_with_lines(text: str) -> tuple[object, dict[Where, int]]:
    """The document, and the line (1-based) of each top-level key and of the values one level below.

    ``lines[("owning-sig",)]`` is the line of ``owning-sig:``;
    ``lines[("participating-sigs", 1)]`` that of its second item.
    """
    _refuse_aliases(text)
    loader = TextDatesLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[Where, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            lines[(key.value,)] = key.start_mark.line + 1
            if isinstance(value, yaml.SequenceNode):
                for index, item in enumerate(value.value):
                    lines[(key.value, index)] = item.start_mark.line + 1
            elif isinstance(value, yaml.MappingNode):
                for inner, _value in value.value:
                    if isinstance(inner, yaml.ScalarNode):
                        lines[(key.value, inner.value)] = inner.start_mark.line + 1
    return data, lines


def kind_of(value: object) -> str:
    """What a YAML value is, in words, without printing it (it may be huge)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, str):
        return f"text ({quoted(value)})"
    return f"a {type(value).__name__}"


def quoted(text: str, limit: int = 60) -> str:
    """``text`` as a Python literal, cut to ``limit`` characters (a value may be huge)."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
