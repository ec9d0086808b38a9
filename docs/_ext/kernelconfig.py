"""Every kernel that runs a page, warm or stock, reads docs/_ipython/ipython_kernel_config.py
as it starts (how figures are shown).

This copies that file into the default profile of a temporary IPython folder and points
IPYTHONDIR at it for the build: the pages stay plain notebooks, and the kernels may write what
IPython keeps there outside the sources. A change to the file executes every page again.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

KERNEL_CONFIG = Path(__file__).parents[1] / "_ipython" / "ipython_kernel_config.py"


class KernelConfig:
    """An IPython folder whose default profile holds KERNEL_CONFIG, named by IPYTHONDIR."""

    def __init__(self) -> None:
        self.ipython_dir = Path(tempfile.mkdtemp(prefix="lossguide-ipython-"))
        profile = self.ipython_dir / "profile_default"
        profile.mkdir()
        shutil.copy(KERNEL_CONFIG, profile / KERNEL_CONFIG.name)
        self.previous = os.environ.get("IPYTHONDIR")
        os.environ["IPYTHONDIR"] = str(self.ipython_dir)

    def remove(self, app=None, exception=None) -> None:
        if self.ipython_dir.exists():
            shutil.rmtree(self.ipython_dir, ignore_errors=True)
            if self.previous is None:
                os.environ.pop("IPYTHONDIR", None)
            else:
                os.environ["IPYTHONDIR"] = self.previous


def setup(app) -> dict[str, object]:
    config = KernelConfig()
    app.connect("build-finished", config.remove)
    atexit.register(config.remove)
    # Every output may change with it: a change executes every page again.
    digest = hashlib.sha256(KERNEL_CONFIG.read_bytes()).hexdigest()
    app.add_config_value("lossguide_kernel_config", digest, "env", str)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
