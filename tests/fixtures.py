"""Invented articles for tests (no third-party text)."""

from __future__ import annotations

BEES = """Urban Beekeepers Count a Record Summer

By Maria Okafor

June 3, 2023

Rooftop hives across the harbour district produced more honey this summer than in any year since the survey began, according to the cooperative that keeps them.

The cooperative's treasurer said the warm spring and the new linden trees along the canal gave the colonies an early start. "We weighed every frame twice," she said.

Pollinator counts in the old railway yard also rose, which volunteers credit to the wildflower strips planted by the council.
"""

# The citation keys the default formula gives BEES and RIVER.
BEES_KEY = "okaforUrbanBeekeepersCount2023"
RIVER_KEY = "lindqvistFloodgatesMarrowRiver2021"
INTERVIEW_KEY = "virtanenHarbourPilotsWarn2024"

RIVER = """Floodgates on the Marrow River Tested Before Winter

By Tomas Lindqvist and Ana Ferreira

Published March 3, 2021

Engineers closed the three floodgates on the Marrow River for the first full test since the barrier was rebuilt. The drill lasted four hours.

Residents of the lower town watched from the embankment as the water rose against the steel doors. The engineers declared the test a success.

The river authority will publish its inspection report in the spring.
"""

MARKUP = """Notes on [bold]Markup[/] in Titles

Some pages contain text like [/] or [@click=app.quit] or \x1b[31mred\x1b[0m escape sequences.

Folio must keep all of it as plain data and never let it drive a terminal.
"""

# An interview with curly quotes, a dash, a repeated phrase and a look-alike sentence.
INTERVIEW = """Harbour Pilots Warn of a Busy Winter

By Leena Virtanen

October 12, 2024

The harbour pilots’ union met on Tuesday to discuss the coming season.

“We are proud ‘river foxes’ and we know every sandbank,” said the union’s chair, Piet A. Vos — who has guided ships for thirty years.

Vos added that the new dredging schedule was “a gamble with the tides.” He repeated it twice: the schedule is a gamble with the tides.

A younger pilot disagreed: “We are clever river foxes, and the sandbanks know us too.”

The port authority said it would publish the dredging schedule in November.
"""
