"""A meeting's materials (files, recordings, links on the agenda) and the low-bandwidth pack."""
