"""The article library: discovery, parsing, conversion, index, search and reading state.

Nothing in this package imports textual or rich (``tests/test_import_hygiene.py`` proves it).
"""
