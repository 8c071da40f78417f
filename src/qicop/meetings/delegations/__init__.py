"""Delegations to in-person meetings, attendance recorded by hand, invitation letters and certificates."""
