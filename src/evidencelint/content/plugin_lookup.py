"""Building a pydantic model looks up pydantic plugins in every installed package's
metadata (`importlib.metadata`, with the email parser it needs): a twentieth of a
one-page check, for plugins that have no business observing how evidencelint validates
its own content. While the content models are built, that lookup finds none; after,
pydantic looks as usual, for any other model of the process."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable
from typing import Any

_LOADER = "pydantic.plugin._loader"


def _no_plugins() -> Iterable[Any]:
    return ()


def skip_plugin_lookup() -> Callable[[], None]:
    """Until the returned function is called, pydantic finds no plugins. Every pydantic 2
    release imports its loader's `get_plugins` when a model is built, not before; when
    the loader is already imported (someone built a model first) nothing changes."""
    if _LOADER in sys.modules:
        return lambda: None
    stand_in = types.ModuleType(_LOADER)
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[_LOADER] = stand_in

    def restore() -> None:
        if sys.modules.get(_LOADER) is stand_in:
            del sys.modules[_LOADER]

    return restore
