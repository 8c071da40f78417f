"""DHIS2: periods, indicator expressions, data value sets (JSON, XML, CSV), ADX and metadata."""
