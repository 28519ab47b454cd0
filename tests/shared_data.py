"""Where the team's shared test data lives: ../shared/data beside the checkout, or the
workplace's /work/shared/data when the checkout is elsewhere (CI clones it anywhere).
INKWELL_SHARED_DATA overrides both. A missing file fails the tests that need it."""

import os
from pathlib import Path

CANDIDATES = [
    os.environ.get("INKWELL_SHARED_DATA", ""),
    str(Path(__file__).resolve().parents[2] / "shared" / "data"),
    "/work/shared/data",
]


def shared_file(name):
    for folder in filter(None, CANDIDATES):
        path = Path(folder) / name
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"{name} not found in {', '.join(filter(None, CANDIDATES))}; set INKWELL_SHARED_DATA."
    )
