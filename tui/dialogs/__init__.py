"""The notebook's modal dialogs: annotate, confirm, export, import, metadata."""
