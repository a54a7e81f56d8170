"""newsreader: a terminal reader and search engine for offline article collections."""

__version__ = "0.1.0"
