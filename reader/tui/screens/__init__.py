"""Screens of the newsreader app."""
