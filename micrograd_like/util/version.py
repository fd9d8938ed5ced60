"""The package's version, in one place below every layer (the package, `--version` and the page
read it here; pyproject.toml states it too)."""

VERSION = "0.1.0"
