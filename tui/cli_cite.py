"""`folio` commands for cite."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
