"""python -m bench [--deals N] ...: measure every page, the pandas peer, a save until it
is visible everywhere, an import and a real server under load; write docs/benchmark.md."""

from __future__ import annotations

import argparse
import sys

from bench import add_arguments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    from bench import run  # Streamlit and AppTest: imported once the arguments are good

    run.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
