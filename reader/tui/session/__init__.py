"""The main screen's jobs, one module each, combined by ``reader.tui.screens.main``.

``base`` holds the shared state and widget accessors; ``loading``, ``refresh``, ``status``,
``search``, ``reading``, ``external`` and ``panes`` each add one job as a mixin.
"""
