"""Building the content models looks up no pydantic plugin (that lookup reads every
installed package's metadata); any other model of the process still gets its plugins."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_content_models_are_built_without_reading_package_metadata() -> None:
    code = (
        "import sys\n"
        "import evidencelint.content.model as m\n"
        "m.Page.model_validate({'id': 'p', 'title': 't', 'status': 'draft', 'claims': []})\n"
        "print('importlib.metadata' in sys.modules, 'pydantic.plugin._loader' in sys.modules)"
    )
    assert _run(code) == "False False"


def test_other_models_look_up_plugins_as_usual() -> None:
    code = (
        "import sys\n"
        "import evidencelint.content.model\n"
        "from pydantic import BaseModel\n"
        "class Other(BaseModel):\n"
        "    x: int\n"
        "from pydantic.plugin import _loader\n"
        "print(hasattr(_loader, 'entry_points'), 'importlib.metadata' in sys.modules)"
    )
    assert _run(code) == "True True"


def test_a_loader_imported_first_is_left_alone() -> None:
    code = (
        "import sys\n"
        "from pydantic.plugin import _loader\n"
        "import evidencelint.content.model\n"
        "print(sys.modules['pydantic.plugin._loader'] is _loader)"
    )
    assert _run(code) == "True"
