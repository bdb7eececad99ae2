"""Widgets of the notebook: the article table and the annotated reader text."""
