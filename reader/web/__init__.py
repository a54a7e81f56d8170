"""``newsreader serve``: the TUI in a web browser, private (secret token) and offline.

``options`` checks the command line (no aiohttp import); ``server`` builds the aiohttp
app around textual-serve's protocol; ``apps`` runs one app process per browser tab.
"""
