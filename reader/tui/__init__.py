"""The Textual user interface: app, screens, widgets and styles.

Only :func:`reader.tui.app.run_app` is meant to be used from outside this package.
"""
