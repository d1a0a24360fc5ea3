"""``python -m analysis.scale counts|to-parquet ...``."""

from analysis.scale.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
