"""segtui: contact segments and interactions in the terminal."""
__version__ = "0.1.0"  # the same as pyproject.toml (tests/test_cli_startup.py checks)
