"""`python docs/_ext/warmkernel serve FOLDER`: be the warm process until stdin closes.
`python docs/_ext/warmkernel launch FOLDER SPEC_FOLDER -f FILE`: be a kernel's launcher.

Python runs a folder's __main__.py with that folder first on sys.path; its parent goes there
instead, so that the modules import as the package they are. A kernel forked from the warm
process puts its own working directory there, as `python -m ipykernel_launcher` would.
"""

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

if __name__ == "__main__":
    command, folder, *rest = sys.argv[1:]
    if command == "serve":
        from warmkernel.server import serve

        serve(Path(folder))
    else:
        from warmkernel.launcher import launch

        launch(Path(folder), rest[0], rest[1:])
