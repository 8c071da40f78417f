"""Rows of the authorization matrix, one module per feature of the meetings app."""
