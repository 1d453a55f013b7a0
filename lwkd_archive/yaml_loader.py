"""YAML loading that keeps dates as text, so impossible dates are reported instead of crashing."""

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


def load_yaml(text: str) -> object:
    return yaml.load(text, Loader=TextDatesLoader)  # noqa: S506 (a safe loader)
