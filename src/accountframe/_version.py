"""The library version, read by the build backend and written into every assessment."""

__version__ = "0.1.0.dev0"
