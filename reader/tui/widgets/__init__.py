"""Widgets of the newsreader app (line-API list and article view, tree, search bar)."""
