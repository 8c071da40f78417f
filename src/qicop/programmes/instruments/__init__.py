"""Scored instruments: the versioned files (FORMAT.md) and their loader, and the coordinators' pages that
read each version and make the next one."""
