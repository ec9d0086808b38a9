"""Copy the error index of a built site into the package, where lossguide.explain reads it.

    python tools/update_error_index.py            from build/ (or LOSSGUIDE_SITE)
    python tools/update_error_index.py --site DIR from another build folder

(tools/sitebuild.py builds the site.)
The site's build writes the index (every entry of docs/errors.md, with the templates of the
messages its cells printed) to ``<build>/html/_static/error-index.json``. The package ships a
copy, ``src/lossguide/error_index/error_index.json``, so that ``lossguide.explain`` works
without a site; tests/website/built_site/test_error_index.py fails, naming this command, when
the copy differs from what the build produced. Run it after a build that changed an entry, and
commit the copy with the entry.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from sitebuild import BUILD, ROOT, Site

BUILT = Path("_static", "error-index.json")
SHIPPED = ROOT / "src" / "lossguide" / "error_index" / "error_index.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--site",
        type=Path,
        default=Path(os.environ.get("LOSSGUIDE_SITE", BUILD)),
        help="the build folder, holding html/ (default: LOSSGUIDE_SITE, or build/)",
    )
    arguments = parser.parse_args(argv)
    built = Site(arguments.site).html / BUILT
    if not built.exists():
        print(f"{built} is missing: build the site first (nox -s site)", file=sys.stderr)
        return 1
    if SHIPPED.exists() and SHIPPED.read_bytes() == built.read_bytes():
        print(f"{SHIPPED.relative_to(ROOT)} is up to date")
        return 0
    shutil.copyfile(built, SHIPPED)
    print(f"{SHIPPED.relative_to(ROOT)} updated from {built}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
