"""The notebook's screens: library, search, reader, tags, welcome, help."""
