"""ruamel.yaml set up to write pages as editors write them (imported late: it is slow)."""

from __future__ import annotations

import io
from typing import Any


def yaml_dumper() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long title or claim over lines
    return yaml


def dump_mapping(values: dict[str, Any]) -> str:
    stream = io.StringIO()
    yaml_dumper().dump(values, stream)
    return stream.getvalue()
